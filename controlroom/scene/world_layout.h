// WorldLayout: where things of a site stand in the 3D world. Site files use local metres
// (x towards China, y to the left); the engine is Y-up metres. Each site gets its own
// offset so that both roads can be shown side by side. Also the geometry helpers the
// scene needs: points along lanes, queue spots, yard slots. Pure maths.
#pragma once
#include "twin/site.h"

#include <glm/glm.hpp>

#include <vector>

namespace controlroom {

struct Placement {
  glm::vec2 local{0};  // site metres
  float yaw_rad = 0;   // heading, counter-clockwise from +x seen from above
};

class WorldLayout {
 public:
  static constexpr float kSiteSpacingM = 520.0f;  // between the sites when both are shown

  explicit WorldLayout(size_t site_count) : offsets_(site_count) {
    for (size_t i = 0; i < site_count; ++i) offsets_[i] = glm::vec3(0, 0, static_cast<float>(i) * kSiteSpacingM);
  }
  glm::vec3 world(size_t site, glm::vec2 local, float height_m = 0) const {
    return glm::vec3(local.x, height_m, -local.y) + offsets_[site];
  }
  glm::vec3 site_centre(size_t site) const { return world(site, {300, 0}); }

  // A point a fraction t (0..1) along a polyline, and the heading there.
  static Placement along(const std::vector<glm::vec2>& line, float t, bool reversed);
  // The n-th place in a queue that forms upstream of `head`, facing `dir` (unit vector): rows
  // across, back and forth (a snake), 8 wide for the first 24 rows (192 trucks), then each
  // row 2 wider up to 40 (a harvest backlog stays near the gate). A place depends on n
  // only, never on the queue's length: a truck's spot does not move as the queue grows.
  static glm::vec2 queue_spot(glm::vec2 head, glm::vec2 dir, size_t n);
  // The length of the move up from queue spot n to spot n - 1 (n > 0): along its row, or
  // from the start of a row into the end of the row ahead.
  static float queue_step_m(size_t n);
  // No move up is longer: a row ahead, and aside where the row behind is two wider.
  static float queue_longest_step_m();
  // Slot n of a yard's rectangle, in rows of parked containers.
  static glm::vec2 yard_slot(const twin::YardSpec& yard, size_t n);

 private:
  std::vector<glm::vec3> offsets_;
};

}  // namespace controlroom
