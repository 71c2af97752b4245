// What the replay window's timeline does, without drawing: plays the recorded session
// (pause, speed x0.25..x1000, step, drag to a moment, jump between bookmarks), and on
// "take over" forks it at the cursor and runs the fork at the same pace with the trainee's
// commands, keeping the original at the fork's moment for the side-by-side comparison.
// The app draws shown() and calls these from its buttons; the tests call them directly.
// No clock: the caller passes the wall time that passed.
#pragma once
#include "connectors/result.h"
#include "sessions/fork_run.h"
#include "sessions/replay.h"
#include "sessions/session_compare.h"

#include <memory>
#include <optional>
#include <string>

namespace sessions {

class ReplayController {
 public:
  ReplayController(std::unique_ptr<Replay> replay, ForkOptions fork_options);

  Replay& replay() { return *replay_; }
  const Replay& replay() const { return *replay_; }
  bool forked() const { return fork_ != nullptr; }
  const ForkRun* fork() const { return fork_.get(); }

  // The state on screen: the replay's cursor, or the fork's core once taken over.
  const twin::Core& shown() const { return fork_ ? fork_->core() : replay_->core(); }
  twin::SimTime shown_ms() const { return fork_ ? fork_->now() : replay_->time_ms(); }
  // Decisions folded by the last update() / step (the alert log's input).
  const twin::Decisions& recent() const { return recent_; }
  // Bumped whenever shown() changed (the app copies the core only then).
  uint64_t version() const { return version_; }

  void set_playing(bool on);
  bool playing() const { return playing_; }
  void set_speed(double speed);
  double speed() const { return speed_; }
  // Advances by wall_s x speed when playing (the replay, or the fork).
  void update(double wall_s);
  // Replay only (refused in a fork: "" when done, else why).
  connectors::Status seek_time(twin::SimTime t);
  connectors::Status step(int direction);          // +1 / -1 events
  connectors::Status jump_bookmark(int direction); // +1 next / -1 previous
  connectors::Status seek_bookmark(const Bookmark& b);
  connectors::Status add_bookmark(const std::string& note);

  // Takes over at the cursor; what went wrong, or nothing. Recorded when fork_options say so.
  connectors::Status take_over();
  // A trainee's command in the fork, at its current time; refused before take_over.
  connectors::Status command(uint8_t site, const twin::OperatorCommand& command);
  // An instructor's incident in the fork, at its current time; refused before take_over.
  connectors::Status inject(uint8_t site, const twin::EventBody& incident);
  // The fork against the original at the fork's current moment (empty before take_over).
  std::optional<SessionCompare> compare();
  // Ends the fork (its recording is closed) and returns to the replay at the fork's moment.
  connectors::Status leave_fork();

 private:
  std::unique_ptr<Replay> replay_;
  ForkOptions fork_options_;
  std::unique_ptr<ForkRun> fork_;
  bool playing_ = false;
  double speed_ = 1;
  twin::Decisions recent_;
  uint64_t version_ = 0;
};

}  // namespace sessions
