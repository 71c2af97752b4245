// The scenario's own panels in the window (Dear ImGui): the briefing before the start
// (with the Start button), the scenario bar while it runs (clock, pause, speed), and the
// score at the end (the verdict and every KPI in a table with column headers). They draw
// and report what was pressed; they run nothing themselves.
#pragma once
#include "twin/scenario.h"
#include "twin/scenario_score.h"

#include <string>

namespace controlroom {

struct ScenarioBarUi {
  bool paused = false;
  double speed = 60;          // simulated seconds per wall second
  std::string status;         // the last command or incident, under the clock
};

// Centred over the view; true when Start is pressed.
bool briefing_panel(float vp_w, float vp_h, const twin::Scenario& sc, double speed);
// The bar at x, y (w, h): title, clock and progress, Pause / Resume, speeds x1..x3600.
void scenario_bar(float x, float y, float w, float h, const twin::Scenario& sc, twin::SimTime now, ScenarioBarUi& ui);
// Centred over the view; true when it is closed (the room stays on the final state).
bool score_panel(float vp_w, float vp_h, const twin::Scenario& sc, twin::SimTime now, const twin::ScenarioScore& score);

}  // namespace controlroom
