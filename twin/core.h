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
#include <vector>

namespace twin {

class Core {
 public:
  // retain_done_ms: how long a finished shipment stays in the state (kRetainDoneMs;
  // negative: forever, for tests that compare against no retention).
  explicit Core(std::vector<SiteSpec> sites, SimTime retain_done_ms = kRetainDoneMs);

  // Folds one event. Events must arrive in (time, seq) order; the sequencer guarantees
  // it. Events that refer to things the state does not know are ignored and counted.
  void apply(const Event& event, Decisions& out);

  const WorldState& state() const { return world_; }
  const std::vector<SiteSpec>& sites() const { return sites_; }
  uint64_t state_hash() const;

  // Checks the scheduler invariants; returns one line per violation (empty when sound).
  std::vector<std::string> check_invariants() const;

 private:
  std::vector<SiteSpec> sites_;
  SimTime retain_done_ms_;
  WorldState world_;
};

}  // namespace twin
