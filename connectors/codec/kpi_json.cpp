// KPI formatting. See kpi_json.h. Field names are a contract for scripts: add, don't rename.
#include "connectors/codec/kpi_json.h"

#include <cstdio>
#include <sstream>

namespace connectors {

using twin::SiteKpis;

std::string hash_hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

static const char* verdict(double per_day, double lo, double hi) {
  if (per_day >= hi) return "meets upper";
  if (per_day >= lo) return "within range";
  return "below";
}

nlohmann::json kpis_to_json(const SiteKpis& k) {
  nlohmann::json j;
  j["site"] = k.site;
  j["hours"] = k.hours;
  j["vehicles"] = {
      {"arrived", {{"export", k.arrived[0]}, {"import", k.arrived[1]}}},
      {"cleared", {{"export", k.cleared[0]}, {"import", k.cleared[1]}}},
      {"diverted", {{"export", k.diverted[0]}, {"import", k.diverted[1]}}},
      {"refused", {{"export", k.refused[0]}, {"import", k.refused[1]}}},
      {"in_flow", k.in_flow},
      {"cleared_per_day", k.cleared_per_day},
      {"unmanned_crossings", k.unmanned_crossings}};
  j["targets"] = {{"2027", {{"min", k.targets.per_day_2027_min}, {"max", k.targets.per_day_2027_max},
                            {"verdict", verdict(k.cleared_per_day, k.targets.per_day_2027_min, k.targets.per_day_2027_max)}}},
                  {"2030", {{"min", k.targets.per_day_2030_min}, {"max", k.targets.per_day_2030_max},
                            {"verdict", verdict(k.cleared_per_day, k.targets.per_day_2030_min, k.targets.per_day_2030_max)}}}};
  j["dwell_min"] = {{"p50", k.dwell_min_p50}, {"p95", k.dwell_min_p95},
                    {"export", {{"p50", k.dwell_min_p50_dir[0]}, {"p95", k.dwell_min_p95_dir[0]}}},
                    {"import", {{"p50", k.dwell_min_p50_dir[1]}, {"p95", k.dwell_min_p95_dir[1]}}}};
  auto& cps = j["checkpoints"] = nlohmann::json::array();
  for (const auto& c : k.checkpoints)
    cps.push_back({{"id", c.id}, {"kind", twin::to_string(c.kind)}, {"servers", c.servers},
                   {"utilisation", c.utilisation}, {"wait_s_mean", c.wait_s_mean}, {"queue_mean", c.queue_mean},
                   {"queue_max", c.queue_max}, {"queue_now", c.queue_now}, {"served", c.served}});
  j["lanes"] = {{"utilisation", k.lane_utilisation}, {"crossings", k.lane_crossings}, {"queue_now", k.lane_queue_now}};
  j["yards"] = {{"utilisation", k.yard_utilisation}, {"occupied_max", k.yard_occupied_max}, {"slots", k.yard_slots}};
  j["guide_vehicles"] = {{"utilisation", k.fleet_utilisation}, {"trips", k.fleet_trips}};
  j["commands"] = {{"accepted", k.commands_accepted}, {"refused", k.commands_refused}};
  j["alerts"] = k.alerts;
  j["events_ignored"] = k.events_ignored;
  return j;
}

std::string kpis_csv_header() {
  return "site,hours,cleared_export,cleared_import,cleared_per_day,diverted,refused,in_flow,dwell_min_p50,"
         "dwell_min_p95,scanner_util,lane_util,yard_util,guide_util,guide_trips,queue_max,target_2027_max,"
         "target_2030_max";
}

std::string kpis_to_csv_row(const SiteKpis& k) {
  double scanner = 0;
  int64_t qmax = 0;
  for (const auto& c : k.checkpoints) {
    if (c.kind == twin::CheckpointKind::Scanner) scanner = c.utilisation;
    qmax = std::max(qmax, c.queue_max);
  }
  std::ostringstream o;
  o << k.site << ',' << k.hours << ',' << k.cleared[0] << ',' << k.cleared[1] << ',' << k.cleared_per_day << ','
    << k.diverted[0] + k.diverted[1] << ',' << k.refused[0] + k.refused[1] << ',' << k.in_flow << ','
    << k.dwell_min_p50 << ',' << k.dwell_min_p95 << ',' << scanner << ',' << k.lane_utilisation << ','
    << k.yard_utilisation << ',' << k.fleet_utilisation << ',' << k.fleet_trips << ',' << qmax << ','
    << k.targets.per_day_2027_max << ',' << k.targets.per_day_2030_max;
  return o.str();
}

std::string kpis_to_text(const SiteKpis& k, const std::string& name) {
  std::ostringstream o;
  char line[256];
  o << k.site << "  " << name << "\n";
  std::snprintf(line, sizeof line, "  cleared      export %lld  import %lld  = %.0f vehicles/day over %.1f h\n",
                (long long)k.cleared[0], (long long)k.cleared[1], k.cleared_per_day, k.hours);
  o << line;
  std::snprintf(line, sizeof line, "  targets      2027: %.0f-%.0f (%s)   2030: %.0f-%.0f (%s)\n", k.targets.per_day_2027_min,
                k.targets.per_day_2027_max, verdict(k.cleared_per_day, k.targets.per_day_2027_min, k.targets.per_day_2027_max),
                k.targets.per_day_2030_min, k.targets.per_day_2030_max,
                verdict(k.cleared_per_day, k.targets.per_day_2030_min, k.targets.per_day_2030_max));
  o << line;
  std::snprintf(line, sizeof line, "  arrived      export %lld  import %lld;  diverted %lld  refused %lld  still in flow %lld\n",
                (long long)k.arrived[0], (long long)k.arrived[1], (long long)(k.diverted[0] + k.diverted[1]),
                (long long)(k.refused[0] + k.refused[1]), (long long)k.in_flow);
  o << line;
  std::snprintf(line, sizeof line, "  dwell        p50 %.1f min  p95 %.1f min  (export %.1f / %.1f, import %.1f / %.1f)\n",
                k.dwell_min_p50, k.dwell_min_p95, k.dwell_min_p50_dir[0], k.dwell_min_p95_dir[0], k.dwell_min_p50_dir[1],
                k.dwell_min_p95_dir[1]);
  o << line;
  o << "  checkpoint   servers  util   wait(min)  queue mean  max\n";
  for (const auto& c : k.checkpoints) {
    std::snprintf(line, sizeof line, "  %-12s %7d  %4.0f%%  %9.1f  %10.1f  %3lld\n", c.id.c_str(), c.servers,
                  100 * c.utilisation, c.wait_s_mean / 60, c.queue_mean, (long long)c.queue_max);
    o << line;
  }
  std::snprintf(line, sizeof line, "  lanes        util %.0f%%  crossings %lld  queued now %lld\n", 100 * k.lane_utilisation,
                (long long)k.lane_crossings, (long long)k.lane_queue_now);
  o << line;
  std::snprintf(line, sizeof line, "  yards        util %.0f%% of %d slots, peak %lld\n", 100 * k.yard_utilisation, k.yard_slots,
                (long long)k.yard_occupied_max);
  o << line;
  std::snprintf(line, sizeof line, "  guide veh.   util %.0f%%  trips %lld  unmanned crossings %lld\n",
                100 * k.fleet_utilisation, (long long)k.fleet_trips, (long long)k.unmanned_crossings);
  o << line;
  return o.str();
}

}  // namespace connectors
