// Scenario KPIs and score. See scenario_score.h; formula in docs/scenarios.md.
#include "twin/scenario_score.h"

#include "twin/kpi.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace twin {

ScenarioKpis scenario_kpis(const Core& core, SimTime elapsed_ms, SimTime tick_ms) {
  ScenarioKpis k;
  k.elapsed_ms = elapsed_ms;
  const SimTime end = core.state().now_ms > elapsed_ms ? core.state().now_ms : elapsed_ms;
  std::vector<double> dwell, perishable;
  for (size_t si = 0; si < core.sites().size(); ++si) {
    const SiteSpec& spec = core.sites()[si];
    const SiteState& s = core.state().sites[si];
    const Counters& c = s.counters;
    k.arrived += c.arrived[0] + c.arrived[1];
    k.cleared += c.cleared[0] + c.cleared[1];
    k.diverted_refused += c.diverted[0] + c.diverted[1] + c.refused[0] + c.refused[1];
    k.commands_accepted += c.commands_accepted;
    k.commands_refused += c.commands_refused;
    for (const Shipment& sh : s.shipments) {
      if (sh.arrived_ms < 0 || sh.outcome == Outcome::Diverted || sh.outcome == Outcome::Refused) continue;
      const bool out = sh.phase == Phase::Cleared || sh.phase == Phase::Left || sh.phase == Phase::Diverted;
      if (!out) ++k.in_flow;
      const SimTime until = sh.handed_over_ms >= 0 ? sh.handed_over_ms : (out ? -1 : end);
      if (until < 0) continue;
      const double minutes = static_cast<double>(until - sh.arrived_ms) / kMinute;
      dwell.push_back(minutes);
      if (sh.goods < spec.goods.size() && spec.goods[sh.goods].reefer_share > 0) perishable.push_back(minutes);
    }
    // Shipments removed by retention (all out, handed over) count as they did in the state.
    for (const auto& by_dir : s.retired.dwell_ms)
      for (int64_t ms : by_dir) dwell.push_back(static_cast<double>(ms) / kMinute);
    for (int64_t ms : s.retired.perishable_dwell_ms) perishable.push_back(static_cast<double>(ms) / kMinute);
    for (const CheckpointState& cp : s.checkpoints) k.queue_max = std::max(k.queue_max, cp.queue_max);
    for (const YardState& y : s.yards)
      k.reefer_unpowered_container_min += static_cast<double>(y.reefer_unpowered_ticks) * tick_ms / kMinute;
  }
  k.dwell_min_p95 = percentile(dwell, 0.95);
  k.perishable_dwell_min_p95 = percentile(perishable, 0.95);
  return k;
}

namespace {

struct KpiDef {
  const char* id;
  const char* label;
  const char* unit;
  bool higher_is_better;
  double floor;
  double (*get)(const ScenarioKpis&);
};

// floor: changes are measured against max(baseline, floor), so that a near-zero
// baseline (no reefer left unpowered, say) does not turn noise into a verdict.
const KpiDef kDefs[] = {
    {"cleared", "vehicles cleared", "vehicles", true, 10, [](const ScenarioKpis& k) { return double(k.cleared); }},
    {"dwell_p95", "dwell p95", "min", false, 10, [](const ScenarioKpis& k) { return k.dwell_min_p95; }},
    {"perishable_dwell_p95", "perishable dwell p95", "min", false, 10,
     [](const ScenarioKpis& k) { return k.perishable_dwell_min_p95; }},
    {"queue_max", "peak checkpoint queue", "vehicles", false, 5, [](const ScenarioKpis& k) { return double(k.queue_max); }},
    {"diverted_refused", "diverted or refused", "vehicles", false, 5,
     [](const ScenarioKpis& k) { return double(k.diverted_refused); }},
    {"reefer_unpowered", "reefer time without power", "container-min", false, 30,
     [](const ScenarioKpis& k) { return k.reefer_unpowered_container_min; }},
};

std::string percent(double r) {
  if (std::abs(r) < 0.005) r = 0;  // no "-0%"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.0f%%", r * 100);
  return buf;
}

}  // namespace

const std::vector<std::string>& scenario_kpi_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const KpiDef& d : kDefs) v.push_back(d.id);
    return v;
  }();
  return ids;
}

ScenarioScore score_session(const ScenarioKpis& session, const ScenarioKpis& baseline,
                            const std::vector<std::string>& focus) {
  ScenarioScore out;
  out.session = session;
  out.baseline = baseline;
  double sum = 0, weights = 0;
  for (const KpiDef& d : kDefs) {
    KpiScore k;
    k.id = d.id;
    k.label = d.label;
    k.unit = d.unit;
    k.higher_is_better = d.higher_is_better;
    k.session = d.get(session);
    k.baseline = d.get(baseline);
    k.floor = d.floor;
    k.weight = std::find(focus.begin(), focus.end(), k.id) != focus.end() ? 3 : 1;
    const double base = std::max(std::abs(k.baseline), d.floor);
    k.improvement = (d.higher_is_better ? k.session - k.baseline : k.baseline - k.session) / base;
    k.score = std::clamp(50 + 100 * k.improvement, 0.0, 100.0);
    sum += k.weight * k.score;
    weights += k.weight;
    out.kpis.push_back(k);
  }
  out.score = weights > 0 ? sum / weights : 50;
  // The verdict names the focus KPI that moved most (or any KPI when there is no focus).
  const KpiScore* most = nullptr;
  for (const KpiScore& k : out.kpis) {
    const bool eligible = focus.empty() || k.weight > 1;
    if (eligible && (!most || std::abs(k.improvement) > std::abs(most->improvement))) most = &k;
  }
  std::string what = out.score >= 55 ? "better than no intervention"
                     : out.score > 45 ? "about the same as no intervention"
                                      : "worse than no intervention";
  char head[48];
  std::snprintf(head, sizeof head, "score %.0f/100: ", out.score);
  out.verdict = head + what;
  if (most) {
    // A lower-is-better KPI that improved went down: show the sign of the value's change.
    const double value_change = most->higher_is_better ? most->improvement : -most->improvement;
    out.verdict += std::string(" (") + most->label + " " + percent(value_change) + ")";
  }
  return out;
}

}  // namespace twin
