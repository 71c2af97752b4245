// The frame as data (gatetwin --scene-json FILE): every vehicle the scene drew, with its
// kind, ids, drawn position in site metres, world metres and WGS84 (when the site has a
// geo-reference), colour, whether the field placed it and how old its report is, for tests
// and outside displays. Reads a DrawList; draws nothing, writes no file itself.
#pragma once
#include "controlroom/scene/draw_list.h"

#include "twin/core.h"

#include <string>
#include <string_view>

namespace controlroom {

// A drawn vehicle's plate, container number and name (undeclared vehicles), read from the
// state the list was built from; empty where it has none or the state no longer holds it.
struct DrawnNames {
  std::string_view plate, container, name;
};
DrawnNames drawn_names(const twin::Core& core, const DrawnVehicle& v);

// The JSON text: {"now_ms", "sites": [{"id", "geo": {...}|null}], "vehicles": [...]}.
std::string scene_json(const twin::Core& core, const DrawList& list);

}  // namespace controlroom
