// gatetwin --scenario FILE with a window: a trainee plays a scenario live. The briefing
// first (Start), then the run paced by the wall clock at the chosen speed, drawn in the
// control room over the run's core, the trainee commanding from the console's own forms;
// an instructor (a supervisor) injects incidents from the Instructor panel; at the end the
// score with its breakdown. Each frame: the console script types what is due, the
// console's commands are given to the run at its current time, the instructor's incidents
// are injected, the run advances (never past the script's next command), the room shows
// a copy of its state and draws. It owns the run's pacing; the scoring is the core's.
#pragma once
#include "controlroom/replay/replay_room.h"
#include "controlroom/replay/scenario_panel.h"
#include "controlroom/ui/instructor_panel.h"

#include "sessions/console_script.h"
#include "sessions/replay_args.h"
#include "sessions/session_writer.h"

#include "twin/scenario_run.h"

#include <optional>
#include <vector>

namespace controlroom {

struct ScenarioWindowOptions {
  std::string view = "both";
  double speed = 60;                       // simulated seconds per wall second
  sessions::ConsoleScript script;          // typed into the console at its times
  bool quit_when_done = false;             // close a few frames after the score is shown
  sessions::SessionWriter* writer = nullptr;  // records every event folded (and the injected incidents)
};

class ScenarioWindow {
 public:
  ScenarioWindow(twin::ScenarioRun& run, engine::Renderer& renderer, ScenarioWindowOptions options);
  // One frame at wall time wall_ms; false when the window closes (or, with
  // quit_when_done, once the score has been on screen).
  bool frame(int64_t wall_ms);

  void start() { started_ = true; }                   // what the briefing's Start does
  bool started() const { return started_; }
  const std::optional<twin::ScenarioScore>& score() const { return score_; }
  // An instructor's incident, injected at the run's current time at the next frame.
  void inject(const Injection& i) { injections_.push_back(i); }
  ReplayRoom& room() { return room_; }
  ScenarioBarUi& bar() { return bar_; }
  const twin::ScenarioRun& run() const { return run_; }
  // Why a script line could not be typed (a lane the site does not have, say); "" if none.
  const std::string& script_error() const { return script_error_; }

 private:
  void type_due_script();
  void give_console_commands();
  void advance(double dt_s);
  void draw_overlay();

  twin::ScenarioRun& run_;
  engine::Renderer& renderer_;
  ScenarioWindowOptions options_;
  ReplayRoom room_;
  ScenarioBarUi bar_;
  InstructorForm instructor_;
  bool started_ = false;
  bool score_closed_ = false;
  int frames_ = 0, frames_done_ = 0;
  size_t next_script_ = 0;
  std::string script_error_;
  std::vector<Injection> injections_;
  std::optional<twin::ScenarioScore> score_;
  twin::Decisions recent_;
  size_t commands_at_submit_ = 0;     // the core's command records when the console last sent one
  bool outcome_pending_ = false;
  int64_t last_wall_ms_ = -1;
};

// The scenario program with a window (gatetwin --scenario FILE). Returns the exit code.
int run_scenario_window(const sessions::ReplayArgs& args);

}  // namespace controlroom
