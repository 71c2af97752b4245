// DrawList: what one frame shows, built from the core's state and handed to the engine:
// instances per mesh kind, ribbons (lanes, yards, the border), labels, and the table that
// turns a picked instance id back into a domain entity. Plain data; it draws nothing.
#pragma once
#include <engine/Instance.h>

#include <glm/vec3.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace controlroom {

enum class MeshKind : uint8_t { Truck = 0, Reefer, GuideVehicle, ScannerPortal, Booth, Barrier, Count };
const char* mesh_file(MeshKind k);  // file stem in assets/meshes/

enum class PickKind : uint8_t { None = 0, Shipment, GuideVehicle, Lane, Checkpoint };

struct PickTarget {
  PickKind kind = PickKind::None;
  uint8_t site = 0;
  uint32_t index = 0;   // shipment index, vehicle, lane or checkpoint index
  uint16_t unit = 0;    // checkpoint server
};

struct Ribbon {
  std::vector<glm::vec3> points;
  float width_m = 1;
  uint32_t colour = 0;
  bool closed = false;
};

struct Label {
  glm::vec3 anchor;
  std::string text;
  uint32_t colour = engine::rgba8(1, 1, 1);
};

struct DrawList {
  std::array<std::vector<engine::Instance>, static_cast<size_t>(MeshKind::Count)> instances;
  std::vector<Ribbon> ribbons;
  std::vector<Label> labels;
  std::vector<PickTarget> picks;  // pick id - 1 -> target
  uint32_t moving_vehicles = 0;   // vehicles drawn between two positions this frame

  void clear() {
    for (auto& v : instances) v.clear();
    ribbons.clear();
    labels.clear();
    picks.clear();
    moving_vehicles = 0;
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
};

}  // namespace controlroom
