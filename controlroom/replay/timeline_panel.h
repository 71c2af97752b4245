// The replay's timeline (Dear ImGui): play / pause, speed x0.25..x1000, step one event,
// a slider to drag to any moment, previous / next bookmark and the bookmark list, a note
// to bookmark the moment, and "take over" (fork); after take-over, the fork-vs-original
// panel. It draws and calls ReplayController; it folds nothing itself.
#pragma once
#include "sessions/replay_controller.h"

#include <string>

namespace controlroom {

struct TimelineUi {
  char note[256] = {};
  std::string status;          // the last action's result, shown under the slider
  int bookmark_index = -1;
  double compare_age_s = 1e9;  // the comparison is recomputed about once a second
  std::optional<sessions::SessionCompare> compare;
  bool seeked = false;         // the last frame moved the replay other than by playing (the KPI plots are rebuilt)
};

// x, y, w, h: where the timeline goes (pixels); the compare panel sits below it.
void timeline_panel(float x, float y, float w, float h, sessions::ReplayController& c, TimelineUi& ui, double wall_dt_s);

}  // namespace controlroom
