// Records an in-process run (gatesim --record, gatetwin --scenario --record, a fork) into
// a recording: every event with its decisions through connectors::Recorder, and a
// snapshot (state hash and KPIs) every `snapshot_every_ms` of simulated time and at the
// end. The session's notes carry the SimConfig so that a replay can rebuild the simulator.
// It never changes the core and never waits on SQLite per event (the Recorder's queue).
#pragma once
#include "connectors/result.h"
#include "sessions/sim_config.h"

#include "connectors/store/recorder.h"
#include "twin/core.h"

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace sessions {

class SessionWriter {
 public:
  // An error message a person can act on, or the writer (a new session in the file).
  static connectors::Result<std::unique_ptr<SessionWriter>> open(const std::string& path, const connectors::SessionInfo& info,
                                                                         twin::SimTime snapshot_every_ms = 5 * 60 * 1000);
  // The recording of an in-process simulator run (gatesim --record, gatetwin --scenario
  // --record): a session of source Sim over these sites, with config's seed, and config in
  // its notes. Its error message begins "cannot record: ".
  static connectors::Result<std::unique_ptr<SessionWriter>> open_sim(const std::string& path, const SimConfig& config,
                                                                             const std::vector<twin::SiteSpec>& sites);
  // After core.apply(e, d). Waits for the writer thread only when its queue is full (a batch
  // run is faster than the disk), so nothing is dropped.
  void append(const twin::Event& e, const twin::Decisions& d, const twin::Core& core);
  // A snapshot now (the end of a run). elapsed: the span the KPIs cover.
  void snapshot(const twin::Core& core, twin::SimTime elapsed_ms);
  // Commits everything and ends the session; what went wrong, or nothing.
  connectors::Status close();
  int64_t session() const { return recorder_->session(); }
  uint64_t events() const { return events_; }

 private:
  SessionWriter(std::unique_ptr<connectors::Recorder> r, twin::SimTime every) : recorder_(std::move(r)), every_ms_(every) {}
  std::unique_ptr<connectors::Recorder> recorder_;
  twin::SimTime every_ms_;
  twin::SimTime next_snapshot_ms_ = 0;
  uint64_t events_ = 0;
  bool closed_ = false;
};

}  // namespace sessions
