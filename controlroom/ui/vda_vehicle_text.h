// What the inspector says of a guide vehicle that is a VDA 5050 vehicle (docs/vda5050.md
// "For the inspector"), as lines of text in the language set, each with a tone: the
// connection and whether the core plans with it, driving / paused, battery, operating mode,
// safety (e-stop, protective field), errors by level, and its current order's progress
// (the vehicle's orderId / orderUpdateId, the twin's, nodes and edges done and to go).
// Pure text: no ImGui, so a test reads it without a display; it commands nothing.
#pragma once
#include "connectors/vda5050/vehicle_view.h"

#include <string>
#include <vector>

namespace controlroom::ui {

struct VdaLine {
  enum class Tone { Normal, Good, Warn, Alarm, Muted };
  std::string text;
  Tone tone = Tone::Normal;
};

std::vector<VdaLine> vda_vehicle_lines(const connectors::vda5050::VehicleView& v);

}  // namespace controlroom::ui
