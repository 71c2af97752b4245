// A fork: at the replay's cursor the trainee takes over. The core goes on from exactly the
// replayed state with the built-in simulator and the trainee's commands, recorded (when
// asked) as its own session naming its parent and the last parent event it kept.
//
// How the simulator is rebuilt (docs/replay.md): a session with a SimConfig in its notes
// (gatesim --record, gatetwin --scenario --record, forks) is re-run from its seed with a
// fresh core up to the fork moment, every event compared with the recording (the
// recorded operator commands are put in when the recording shows them), so that its
// pending completions, arrivals and random streams are those of the original: exact, and
// checked (state hash at the fork equals the replay's). A live recording has no seed to
// re-run: the fork copies the replayed core and starts a fresh simulator at the fork
// moment (arrivals at the given load); vehicles that were in service at that moment get no
// completion from it and stay where they are. exact() says which. Pure of clocks.
#pragma once
#include "connectors/result.h"
#include "sessions/replay.h"
#include "sessions/session_writer.h"

#include "twin/run.h"
#include "twin/scenario_score.h"

#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace sessions {

struct ForkOptions {
  std::string record_path;      // empty: not recorded
  std::string sites_dir;        // empty: the default
  std::string live_load = "2030";  // live recordings: the arrivals' load after the fork
};

class ForkRun {
 public:
  // Forks the replay's session at its cursor. An error message, or the fork.
  static connectors::Result<std::unique_ptr<ForkRun>> start(const Replay& replay, ForkOptions options = {});
  ~ForkRun();

  // A trainee's command, folded at the current time (after the events already folded).
  void command(uint8_t site, twin::OperatorCommand command);
  // An instructor's incident (equipment, partner link, reefer power, a position report),
  // folded at the current time like the field's events, and recorded with the fork.
  void inject(uint8_t site, twin::EventBody incident) { sim_->inject(now_ms_, site, std::move(incident)); }
  // Folds every event up to t (the scenario's end, exclusive, caps it); returns how many.
  uint64_t advance_to(twin::SimTime t, const twin::AfterEvent& after = {});

  twin::SimTime now() const { return now_ms_; }
  twin::SimTime end_ms() const { return end_ms_; }   // the scenario's end, or kForever
  const twin::Core& core() const { return *core_; }
  uint64_t fork_seq() const { return fork_seq_; }
  twin::SimTime fork_ms() const { return fork_ms_; }
  int64_t parent_session() const { return parent_; }
  bool exact() const { return exact_; }
  const std::string& how() const { return how_; }      // how the simulator was rebuilt, for people
  int64_t recorded_session() const { return writer_ ? writer_->session() : 0; }
  const std::optional<twin::Scenario>& scenario() const { return world_.scenario; }
  // Ends the recording (if any); what went wrong, or nothing.
  connectors::Status close();

 private:
  ForkRun() = default;
  connectors::Status rebuild_exact(const Replay& replay);
  connectors::Status start_live(const Replay& replay, const ForkOptions& options);
  void fold(const twin::Event& e, const twin::AfterEvent& after);

  SimWorld world_;
  std::optional<SimConfig> config_;
  std::unique_ptr<twin::Core> core_;
  std::unique_ptr<twin::Simulator> sim_;
  std::unique_ptr<SessionWriter> writer_;
  uint64_t seq_offset_ = 0;     // live forks: the fresh simulator's seqs follow the recording's
  uint64_t fork_seq_ = 0;
  twin::SimTime fork_ms_ = 0, now_ms_ = 0, end_ms_ = INT64_MAX;
  int64_t parent_ = 0;
  bool exact_ = false;
  bool closed_ = false;
  std::string how_;
  twin::Decisions decisions_;
};

}  // namespace sessions
