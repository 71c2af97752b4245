// The core: a deterministic state machine over the world's sites. apply() folds one
// event into the state and appends what the core decided. Same events, same state, bit
// for bit. It never reads a clock, a global RNG, a file or the network.
#pragma once
#include "twin/decision.h"
#include "twin/event.h"
#include "twin/site.h"
#include "twin/state.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace twin {

class Core {
 public:
  // retain_done_ms: how long a finished shipment stays in the state (kRetainDoneMs;
  // negative: forever, for tests that compare against no retention).
  explicit Core(std::vector<SiteSpec> sites, SimTime retain_done_ms = kRetainDoneMs);

  // Folds one event. Events must arrive in (time, seq) order; the sequencer guarantees
  // it, and every build checks it: an event out of order stops the run (twin/contract.h).
  // Events that refer to things the state does not know are ignored and counted.
  void apply(const Event& event, Decisions& out);

  const WorldState& state() const { return world_; }
  const std::vector<SiteSpec>& sites() const { return sites_; }
  uint64_t state_hash() const;

  // Checks the scheduler invariants; returns one line per violation (empty when sound).
  std::vector<std::string> check_invariants() const;
  // The same, as a contract (twin/contract.h): a violation stops the run, naming `where`
  // (e.g. "a snapshot"), the last event folded and the run. Every build; about as cheap
  // as one pass over the state (connectors' take_snapshot calls it).
  void require_invariants(std::string_view where) const;

  // What identifies the run in a contract violation's message. run_until() sets
  // "simulator seed N" when no label is set; a program folding events from elsewhere may
  // name their source. For messages only: not part of the state or its hash.
  void set_run_label(std::string label) { run_label_ = std::move(label); }
  const std::string& run_label() const { return run_label_; }
  // The kind (event_name) of the last event folded, for messages; "" before the first.
  const char* last_event_kind() const { return last_kind_; }

 private:
  std::vector<SiteSpec> sites_;
  SimTime retain_done_ms_;
  WorldState world_;
  std::string run_label_;
  const char* last_kind_ = "";
};

}  // namespace twin
