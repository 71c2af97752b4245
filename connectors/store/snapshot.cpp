// take_snapshot. See snapshot.h.
#include "connectors/store/snapshot.h"

#include "connectors/codec/kpi_json.h"
#include "twin/kpi.h"

namespace connectors {

Snapshot take_snapshot(const twin::Core& core, twin::SimTime elapsed_ms) {
  core.require_invariants("a snapshot");  // every build: a broken state stops the run here
  Snapshot s;
  s.seq = core.state().last_seq;
  s.time_ms = core.state().now_ms;
  s.state_hash = core.state_hash();
  nlohmann::json all = nlohmann::json::array();
  for (size_t i = 0; i < core.sites().size(); ++i) all.push_back(kpis_to_json(twin::compute_kpis(core, i, elapsed_ms)));
  s.kpis_json = all.dump();
  return s;
}

}  // namespace connectors
