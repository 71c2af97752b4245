// The score of a scenario session: its KPIs against the same scenario run with no
// intervention (same seed, same incidents, no operator commands). Pure computation
// from the core's state; the formula is in docs/scenarios.md. No formatting here.
#pragma once
#include "twin/core.h"

#include <string>
#include <vector>

namespace twin {

// The KPIs a scenario is scored on, summed over the world's sites.
struct ScenarioKpis {
  SimTime elapsed_ms = 0;
  int64_t arrived = 0;
  int64_t cleared = 0;                        // both directions
  int64_t diverted_refused = 0;               // left the smart flow (holding area / refused)
  int64_t in_flow = 0;                        // arrived, not yet out at the end
  // Time in the area of every vehicle that arrived and was not diverted or refused: to
  // hand-over when cleared, to the end of the run when still in the flow (so vehicles
  // stuck at the end count against the session instead of dropping out).
  double dwell_min_p95 = 0;
  double perishable_dwell_min_p95 = 0;        // the same, for goods classes with reefers (fruit)
  int64_t queue_max = 0;                      // the longest checkpoint queue at any tick
  double reefer_unpowered_container_min = 0;  // reefer containers in yards without power
  int64_t commands_accepted = 0, commands_refused = 0;
};

// tick_ms: the simulator's clock-tick period (yard samples are per tick).
ScenarioKpis scenario_kpis(const Core& core, SimTime elapsed_ms, SimTime tick_ms = kMinute);

struct KpiScore {
  std::string id;          // "cleared", "dwell_p95", ...
  std::string label;       // for people
  std::string unit;
  bool higher_is_better = false;
  double session = 0, baseline = 0;
  double floor = 1;        // the smallest baseline a change is measured against
  double weight = 1;       // 3 for the scenario's focus KPIs, else 1
  double improvement = 0;  // relative: + better, - worse (0.2 = 20% better)
  double score = 50;       // 0..100, 50 = as without intervention
};

struct ScenarioScore {
  double score = 50;             // 0..100: weighted mean of the KPI scores
  std::string verdict;           // one line for people
  std::vector<KpiScore> kpis;
  ScenarioKpis session, baseline;
};

// The ids score_session() knows, in the order it lists them.
const std::vector<std::string>& scenario_kpi_ids();

ScenarioScore score_session(const ScenarioKpis& session, const ScenarioKpis& baseline,
                            const std::vector<std::string>& focus);

}  // namespace twin
