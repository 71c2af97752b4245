// DrawList: what one frame shows, built from the core's state and handed to the engine:
// instances per mesh kind, ribbons (lanes, yards, the border), labels, and the table that
// turns a picked instance id back into a domain entity. Plain data; it draws nothing.
#pragma once
#include "twin/ids.h"

#include <engine/Instance.h>

#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace controlroom {

enum class MeshKind : uint8_t { Truck = 0, Reefer, GuideVehicle, ScannerPortal, Booth, Barrier, Canopy, Count };
const char* mesh_file(MeshKind k);  // file stem in assets/meshes/

enum class PickKind : uint8_t { None = 0, Shipment, GuideVehicle, Lane, Checkpoint, FieldVehicle };

struct PickTarget {
  PickKind kind = PickKind::None;
  uint8_t site = 0;
  uint32_t index = 0;   // shipment index (shipment()), vehicle, lane or checkpoint index
  uint16_t unit = 0;    // checkpoint server

  // A shipment's target, and the shipment a Shipment target names.
  static PickTarget of_shipment(uint8_t site, twin::ShipmentIndex idx) { return {PickKind::Shipment, site, idx.value, 0}; }
  twin::ShipmentIndex shipment() const { return twin::ShipmentIndex{index}; }
};

struct Ribbon {
  std::vector<glm::vec3> points;
  float width_m = 1;
  uint32_t colour = 0;
  bool closed = false;
};

// Labels are drawn in priority order (0 first) and decluttered by the engine: when two
// would overlap the earlier one stays. 0: alerts, 1: stations, 2: lanes, 3: yards, the site.
struct Label {
  glm::vec3 anchor;
  std::string text;
  uint32_t colour = engine::rgba8(1, 1, 1);
  uint8_t priority = 1;
};

// A vehicle as drawn, for the inspector, tests and outside displays (--scene-json): who it
// is, where it was drawn (site metres and world), in which colour, and where that place
// came from (the field's report, or the process when there is no report). Its plate,
// container and name are not copied (a frame draws thousands of trucks): scene_json.h's
// drawn_names() reads them from the state the list was built from.
struct DrawnVehicle {
  enum class Kind : uint8_t { Truck = 0, GuideVehicle, Undeclared } kind = Kind::Truck;
  uint8_t site = 0;
  uint32_t index = 0;           // shipment index, fleet index, or undeclared-vehicle index
  uint32_t id = 0;              // shipment id (trucks), fleet index (guide vehicles)
  glm::vec2 local{0};           // site metres
  glm::vec3 world{0};
  float yaw_rad = 0;
  uint32_t colour = 0;
  bool from_field = false;      // placed where the field last reported it
  bool stale = false;           // its last report is older than twin::kFieldStaleAfterMs
  int64_t report_age_ms = -1;   // -1: never reported
  float off_plan_m = 0;         // > 0: reported away from where the process has it

  // A truck's shipment, as the core's types (index and id above hold their numbers).
  twin::ShipmentIndex shipment() const { return twin::ShipmentIndex{index}; }
  twin::ShipmentId shipment_id() const { return twin::ShipmentId{id}; }
};

struct DrawList {
  std::array<std::vector<engine::Instance>, static_cast<size_t>(MeshKind::Count)> instances;
  std::vector<Ribbon> ribbons;
  std::vector<Label> labels;
  std::vector<PickTarget> picks;  // pick id - 1 -> target
  std::vector<DrawnVehicle> vehicles;
  uint32_t moving_vehicles = 0;   // vehicles drawn between two positions this frame

  void clear() {
    for (auto& v : instances) v.clear();
    // The ribbons' point vectors are kept for the next frame's (add_ribbon): freeing and
    // allocating some 400 of them a frame cost about a tenth of a millisecond each way.
    for (Ribbon& r : ribbons) spare_ribbons_.push_back(std::move(r));
    ribbons.clear();
    labels.clear();
    picks.clear();
    vehicles.clear();
    moving_vehicles = 0;
  }
  // A new ribbon, its points empty (their storage reused from an earlier frame's).
  Ribbon& add_ribbon(float width_m, uint32_t colour, bool closed) {
    if (spare_ribbons_.empty()) {
      ribbons.emplace_back();
    } else {
      ribbons.push_back(std::move(spare_ribbons_.back()));
      spare_ribbons_.pop_back();
      ribbons.back().points.clear();
    }
    Ribbon& r = ribbons.back();
    r.width_m = width_m;
    r.colour = colour;
    r.closed = closed;
    return r;
  }
  engine::InstanceId add_pick(const PickTarget& t) {
    picks.push_back(t);
    return engine::InstanceId{static_cast<uint32_t>(picks.size())};
  }
  const PickTarget* target(engine::InstanceId pick_id) const {
    const uint32_t i = pick_id.value;
    return i == 0 || i > picks.size() ? nullptr : &picks[i - 1];
  }
  std::vector<engine::Instance>& of(MeshKind k) { return instances[static_cast<size_t>(k)]; }
  const std::vector<engine::Instance>& of(MeshKind k) const { return instances[static_cast<size_t>(k)]; }

 private:
  std::vector<Ribbon> spare_ribbons_;  // earlier frames' ribbons, for their storage
};

}  // namespace controlroom
