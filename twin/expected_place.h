// Plan against reality: where the clearance process says a truck should be (a lane it is
// crossing, a yard slot, a checkpoint it is served or queued at), how far off that place a
// reported position may be before it counts as away from it, and how to name a point of
// the site in words ("lane E2", "yard transfer"). Pure functions of the site and the
// state; the core's field tracking (field_tracking.cpp) and the inspector both use them.
// Must not change the state.
#pragma once
#include "twin/site.h"
#include "twin/state.h"

#include <glm/vec2.hpp>

#include <string>

namespace twin {

// Tolerances (docs/field.md). A lane is a corridor around its centre line; a yard its
// rectangle; a checkpoint's servers points; a queue a disc around its head, wide enough
// for a harvest-season backlog.
constexpr float kLaneTolerance_m = 12;
constexpr float kYardTolerance_m = 15;
constexpr float kServerTolerance_m = 25;
constexpr float kQueueTolerance_m = 250;

struct ExpectedPlace {
  enum class Kind : uint8_t { None = 0, Lane, Yard, Checkpoint, Queue } kind = Kind::None;
  uint16_t index = 0;        // lane, yard or checkpoint index
  glm::vec2 anchor{0};       // a point of the place (for a line from the truck to it)
  float tolerance_m = 0;
  // In words, "crossing lane E2": verb + name (the name points into the site spec, so
  // finding the place allocates nothing; it is checked at every position report).
  const char* verb = "";
  const std::string* name = nullptr;

  bool known() const { return kind != Kind::None; }
  std::string what() const { return std::string(verb) + (name ? *name : std::string()); }
};

// Where the process has the shipment now; Kind::None when its phase gives no place in the
// site (declared, on the partner side, awaiting receipt, done, diverted).
ExpectedPlace expected_place(const SiteSpec& spec, const SiteState& s, const Shipment& sh);

// Distance (metres) from p to the place: 0 inside a yard or on a lane's centre line.
float distance_to(const SiteSpec& spec, const ExpectedPlace& place, glm::vec2 p);

// The place a point is at, in words: "lane E2", "yard transfer", "checkpoint scanner",
// else "the area at (x, y)".
std::string place_name(const SiteSpec& spec, glm::vec2 p);

}  // namespace twin
