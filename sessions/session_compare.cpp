// SessionCompare. See session_compare.h.
#include "sessions/session_compare.h"

#include "twin/clock_text.h"

#include "sessions/replay.h"

#include "connectors/codec/kpi_json.h"
#include "twin/kpi.h"
#include "twin/scenario_score.h"

#include <cmath>
#include <cstdio>

namespace sessions {

SessionCompare::SessionCompare(const twin::Core& a, const twin::Core& b, twin::SimTime elapsed_ms, std::string a_name,
                               std::string b_name)
    : a_name_(std::move(a_name)), b_name_(std::move(b_name)), hash_a_(a.state_hash()), hash_b_(b.state_hash()),
      elapsed_ms_(elapsed_ms) {
  const twin::SimTime span = std::max<twin::SimTime>(elapsed_ms, twin::kMinute);
  for (size_t i = 0; i < a.sites().size() && i < b.sites().size(); ++i) {
    const twin::SiteKpis ka = twin::compute_kpis(a, i, span), kb = twin::compute_kpis(b, i, span);
    const std::string& site = a.sites()[i].id;
    auto row = [&](const std::string& what, double x, double y) { rows_.push_back({site, what, x, y}); };
    row("arrived", static_cast<double>(ka.arrived[0] + ka.arrived[1]), static_cast<double>(kb.arrived[0] + kb.arrived[1]));
    row("cleared", static_cast<double>(ka.cleared[0] + ka.cleared[1]), static_cast<double>(kb.cleared[0] + kb.cleared[1]));
    row("diverted", static_cast<double>(ka.diverted[0] + ka.diverted[1]), static_cast<double>(kb.diverted[0] + kb.diverted[1]));
    row("refused", static_cast<double>(ka.refused[0] + ka.refused[1]), static_cast<double>(kb.refused[0] + kb.refused[1]));
    row("in_flow", static_cast<double>(ka.in_flow), static_cast<double>(kb.in_flow));
    row("dwell_min_p50", ka.dwell_min_p50, kb.dwell_min_p50);
    row("dwell_min_p95", ka.dwell_min_p95, kb.dwell_min_p95);
    row("lane_queue_now", static_cast<double>(ka.lane_queue_now), static_cast<double>(kb.lane_queue_now));
    for (size_t c = 0; c < ka.checkpoints.size() && c < kb.checkpoints.size(); ++c) {
      row("queue_now:" + ka.checkpoints[c].id, static_cast<double>(ka.checkpoints[c].queue_now), static_cast<double>(kb.checkpoints[c].queue_now));
      row("queue_max:" + ka.checkpoints[c].id, static_cast<double>(ka.checkpoints[c].queue_max), static_cast<double>(kb.checkpoints[c].queue_max));
    }
    row("alerts", static_cast<double>(ka.alerts), static_cast<double>(kb.alerts));
    row("commands_accepted", static_cast<double>(ka.commands_accepted), static_cast<double>(kb.commands_accepted));
    row("commands_refused", static_cast<double>(ka.commands_refused), static_cast<double>(kb.commands_refused));
  }
  const twin::ScenarioKpis sa = twin::scenario_kpis(a, span), sb = twin::scenario_kpis(b, span);
  auto all = [&](const std::string& what, double x, double y) { rows_.push_back({"all", what, x, y}); };
  all("dwell_min_p95", sa.dwell_min_p95, sb.dwell_min_p95);
  all("perishable_dwell_min_p95", sa.perishable_dwell_min_p95, sb.perishable_dwell_min_p95);
  all("queue_max", static_cast<double>(sa.queue_max), static_cast<double>(sb.queue_max));
  all("reefer_unpowered_container_min", sa.reefer_unpowered_container_min, sb.reefer_unpowered_container_min);
}

nlohmann::json SessionCompare::json() const {
  nlohmann::json j;
  j["at"] = twin::clock_text(elapsed_ms_);
  j["a"] = {{"name", a_name_}, {"state_hash", connectors::hash_hex(hash_a_)}};
  j["b"] = {{"name", b_name_}, {"state_hash", connectors::hash_hex(hash_b_)}};
  j["identical"] = identical();
  j["rows"] = nlohmann::json::array();
  for (const auto& r : rows_) j["rows"].push_back({{"site", r.site}, {"kpi", r.what}, {"a", r.a}, {"b", r.b}, {"diff", r.b - r.a}});
  return j;
}

std::string SessionCompare::text() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "compare at %s: %s (a) vs %s (b): %s\n", twin::clock_text(elapsed_ms_).c_str(), a_name_.c_str(),
                b_name_.c_str(), identical() ? "identical states" : "the states differ");
  out += line;
  std::snprintf(line, sizeof line, "%-7s %-34s %12s %12s %10s\n", "site", "KPI", "a", "b", "b - a");
  out += line;
  for (const auto& r : rows_) {
    std::snprintf(line, sizeof line, "%-7s %-34s %12.1f %12.1f %+10.1f%s\n", r.site.c_str(), r.what.c_str(), r.a, r.b, r.b - r.a,
                  std::fabs(r.b - r.a) > 1e-9 ? "  *" : "");
    out += line;
  }
  std::snprintf(line, sizeof line, "state hash a %s  b %s\n", connectors::hash_hex(hash_a_).c_str(), connectors::hash_hex(hash_b_).c_str());
  out += line;
  return out;
}

}  // namespace sessions
