// Builds the frame's DrawList from the core's state: roads and lanes with direction
// arrows and state colours, checkpoints and barriers, yards, the border line, trucks and
// guide vehicles placed (and moved smoothly between events) from their phase in the
// clearance flow, or where the field reports them (docs/field.md): a reported vehicle is
// drawn at its report, dimmed when stale; an undeclared one in its own colour; a truck away
// from where the process has it with a line to that place. Reads the state; changes
// nothing; knows no Vulkan.
#pragma once
#include "controlroom/scene/draw_list.h"
#include "controlroom/scene/site_roads.h"
#include "controlroom/scene/world_layout.h"

#include "twin/core.h"

#include <vector>

namespace controlroom {

struct SceneOptions {
  std::vector<bool> show_site;   // per site; empty: all
  twin::SimTime display_ms = 0;  // the moment drawn, at or after the state's time
  bool motion = true;            // false: draw vehicles where last known (stale telemetry)
  // Field positions are drawn this long behind the display time, moving from one report to
  // the next (smooth at one report a second); 0 draws every vehicle at its last report.
  twin::SimTime field_delay_ms = 1000;
  PickTarget selected;           // highlighted
  bool labels = true;             // site, checkpoints with queues, alerts
  bool lane_labels = true;        // one per lane: for views of one site
  // The sites' roads (site_roads.h), one per core.sites(), when the caller keeps them from
  // frame to frame (they depend on the site files only); null: built for this call.
  const std::vector<SiteRoads>* roads = nullptr;
};

void build_scene(const twin::Core& core, const WorldLayout& layout, const SceneOptions& opt, DrawList& out);

// The colour a shipment is drawn in, from its clearance state.
uint32_t shipment_colour(const twin::Shipment& sh);

}  // namespace controlroom
