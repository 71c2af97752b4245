// gatetwin --replay FILE with a window: the recorded session in the control room's 3D
// view and panels, with the timeline on top; after "take over" the lane and vehicle forms
// command the fork. Each frame: the controller advances by the wall time that passed, the
// room gets a copy of the state when it changed, the UI's commands go to the fork, then
// the room draws (the timeline is its overlay). It never writes the recording except a
// bookmark or a fork session the trainer asks for.
#pragma once
#include "sessions/replay_args.h"
#include "sessions/replay_controller.h"
#include "controlroom/replay/replay_room.h"
#include "controlroom/replay/timeline_panel.h"
#include "controlroom/ui/instructor_panel.h"

#include <memory>

namespace controlroom {

class ReplayWindow {
 public:
  // renderer: windowed (the app) or offscreen (tests).
  ReplayWindow(sessions::ReplayController& controller, engine::Renderer& renderer, const std::string& view);
  // One frame at wall time wall_ms; false when the window closes.
  bool frame(int64_t wall_ms);
  ReplayRoom& room() { return room_; }
  TimelineUi& ui() { return ui_; }

 private:
  sessions::ReplayController& controller_;
  engine::Renderer& renderer_;
  ReplayRoom room_;
  TimelineUi ui_;
  InstructorForm instructor_;   // after take-over: the instructor injects incidents into the fork
  uint64_t shown_version_ = UINT64_MAX;
  twin::SimTime shown_ms_ = 0;   // the moment shown last frame (a seek is told from playing by it)
  int64_t last_wall_ms_ = -1;
  double dt_s_ = 0;
};

// The replay program: --scenario, headless replay, or the window. Returns the exit code.
int run_replay_main(int argc, char** argv);

}  // namespace controlroom
