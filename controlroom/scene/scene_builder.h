// Builds the frame's DrawList from the core's state: roads and lanes with direction
// arrows and state colours, checkpoints and barriers, yards, the border line, trucks and
// guide vehicles placed (and moved smoothly between events) from their phase in the
// clearance flow. Reads the state; changes nothing; knows no Vulkan.
#pragma once
#include "controlroom/scene/draw_list.h"
#include "controlroom/scene/world_layout.h"

#include "twin/core.h"

#include <vector>

namespace controlroom {

struct SceneOptions {
  std::vector<bool> show_site;   // per site; empty: all
  twin::SimTime display_ms = 0;  // the moment drawn, at or after the state's time
  bool motion = true;            // false: draw vehicles where last known (stale telemetry)
  PickTarget selected;           // highlighted
  bool labels = true;             // site, checkpoints with queues, alerts
  bool lane_labels = true;        // one per lane: for views of one site
};

void build_scene(const twin::Core& core, const WorldLayout& layout, const SceneOptions& opt, DrawList& out);

// The colour a shipment is drawn in, from its clearance state.
uint32_t shipment_colour(const twin::Shipment& sh);

}  // namespace controlroom
