// A periodic state snapshot for a recording: where the core was (seq, time, state hash)
// and its KPIs as JSON, so a reader can check a refold and draw KPI curves without
// refolding. take_snapshot() computes it from a core; the Recorder only stores it.
#pragma once
#include "twin/core.h"
#include "twin/time.h"

#include <cstdint>
#include <string>

namespace connectors {

constexpr size_t kSnapshotMaxKpiBytes = 256 * 1024;

struct Snapshot {
  uint64_t seq = 0;          // the last event folded
  twin::SimTime time_ms = 0;
  uint64_t state_hash = 0;
  std::string kpis_json;     // array of connectors::kpis_to_json, one per site
};

// Costs one compute_kpis per site (sorts the dwell times) and one check of the core's
// invariants (Core::require_invariants: a violation stops the run, in every build): call
// it every few simulated minutes, not every frame. elapsed_ms: the span the KPIs cover.
Snapshot take_snapshot(const twin::Core& core, twin::SimTime elapsed_ms);

}  // namespace connectors
