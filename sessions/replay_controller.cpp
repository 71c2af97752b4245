// ReplayController. See replay_controller.h.
#include "sessions/replay_controller.h"

#include <algorithm>

namespace sessions {

ReplayController::ReplayController(std::unique_ptr<Replay> replay, ForkOptions fork_options)
    : replay_(std::move(replay)), fork_options_(std::move(fork_options)) {}

void ReplayController::set_playing(bool on) {
  playing_ = on;
  replay_->set_playing(on);
}

void ReplayController::set_speed(double speed) {
  speed_ = std::clamp(speed, 0.25, 1000.0);
  replay_->set_speed(speed_);
}

void ReplayController::update(double wall_s) {
  recent_.clear();
  if (!playing_ || wall_s <= 0) return;
  if (fork_) {
    const twin::SimTime target = fork_->now() + static_cast<twin::SimTime>(wall_s * speed_ * 1000.0);
    const size_t n = fork_->advance_to(target, [&](const twin::Event&, const twin::Decisions& d) {
      if (recent_.size() < 100000) recent_.insert(recent_.end(), d.begin(), d.end());
    });
    (void)n;
    ++version_;
    return;
  }
  replay_->play(wall_s);
  recent_ = replay_->recent_decisions();
  if (!replay_->playing()) playing_ = false;  // the end of the recording
  ++version_;
}

connectors::Status ReplayController::seek_time(twin::SimTime t) {
  if (fork_) return "in a fork time only runs forward: leave the fork to seek";
  replay_->seek_time(t);
  recent_.clear();
  ++version_;
  return std::nullopt;
}

connectors::Status ReplayController::step(int direction) {
  if (fork_) return "in a fork time only runs forward: leave the fork to step";
  recent_.clear();
  const bool moved = direction > 0 ? replay_->step() : replay_->step_back();
  if (direction > 0) recent_ = replay_->recent_decisions();
  ++version_;
  if (moved) return std::nullopt;
  return connectors::Failure{"at the end of the recording"};
}

connectors::Status ReplayController::jump_bookmark(int direction) {
  if (fork_) return "leave the fork to jump";
  auto b = direction > 0 ? replay_->next_bookmark() : replay_->previous_bookmark();
  if (!b) return connectors::Failure{direction > 0 ? "no bookmark after this moment" : "no bookmark before this moment"};
  replay_->seek_to(*b);
  recent_.clear();
  ++version_;
  return std::nullopt;
}

connectors::Status ReplayController::seek_bookmark(const Bookmark& b) {
  if (fork_) return "leave the fork to jump";
  replay_->seek_to(b);
  recent_.clear();
  ++version_;
  return std::nullopt;
}

connectors::Status ReplayController::add_bookmark(const std::string& note) {
  if (fork_) return "bookmarks mark the recording: leave the fork first";
  return replay_->add_bookmark(note);
}

connectors::Status ReplayController::take_over() {
  if (fork_) return "already forked";
  auto f = ForkRun::start(*replay_, fork_options_);
  if (auto* e = std::get_if<connectors::Failure>(&f)) return e->message();
  fork_ = std::move(std::get<std::unique_ptr<ForkRun>>(f));
  ++version_;
  return std::nullopt;
}

connectors::Status ReplayController::command(uint8_t site, const twin::OperatorCommand& command) {
  if (!fork_) return "this is a replay: take over (fork) to give commands";
  if (site >= fork_->core().sites().size()) return "no such site";
  fork_->command(site, command);
  return std::nullopt;
}

connectors::Status ReplayController::inject(uint8_t site, const twin::EventBody& incident) {
  if (!fork_) return "this is a replay: take over (fork) to inject an incident";
  if (site >= fork_->core().sites().size()) return "no such site";
  if (std::holds_alternative<twin::OperatorCommand>(incident)) return "a command goes through command()";
  fork_->inject(site, incident);
  return std::nullopt;
}

std::optional<SessionCompare> ReplayController::compare() {
  if (!fork_) return std::nullopt;
  const twin::SimTime t = std::min(fork_->now(), replay_->end_ms());
  if (replay_->time_ms() != t) replay_->seek_time(t);
  return SessionCompare(replay_->core(), fork_->core(), fork_->now(), "original", "fork");
}

connectors::Status ReplayController::leave_fork() {
  if (!fork_) return std::nullopt;
  connectors::Status why = fork_->close();
  const twin::SimTime t = fork_->fork_ms();
  fork_.reset();
  replay_->seek_time(t);
  ++version_;
  return why;
}

}  // namespace sessions
