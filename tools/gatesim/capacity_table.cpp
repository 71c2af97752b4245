// Capacity by lane plan: each plan is run at twenty times today's volume (every queue
// full), and the clearances of hours 2 to 26 are counted, so the empty start does not
// count. See capacity_table.h.
#include "capacity_table.h"

#include "twin/kpi.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <cstdio>
#include <string>

namespace {

struct Plan {
  const char* name;
  twin::LanePlan lanes;
  twin::UnmannedPlan unmanned;
};

struct Measured {
  int manned = 0, unmanned = 0;
  double per_day = 0, export_per_day = 0, import_per_day = 0, unmanned_share = 0;
  std::string bottleneck;
};

Measured measure(const twin::SiteSpec& base, const Plan& plan, uint64_t seed) {
  twin::SiteSpec site = twin::with_plan(base, plan.lanes, plan.unmanned);
  Measured m;
  for (const auto& l : site.lanes) (l.kind == twin::LaneKind::Manned ? m.manned : m.unmanned)++;
  twin::Core core({site});
  twin::SimOptions opt;
  opt.seed = seed;
  opt.vehicles_per_day = {base.arrivals.per_day_today * 20};
  twin::Simulator sim(core.sites(), opt);
  const twin::SimTime from = 2 * twin::kHour, to = 26 * twin::kHour;
  twin::run_until(core, sim, to);
  int64_t cleared[2] = {0, 0}, unmanned = 0;
  for (const auto& sh : core.state().sites[0].shipments) {
    if (sh.outcome != twin::Outcome::Cleared || sh.done_ms < from || sh.done_ms > to) continue;
    cleared[static_cast<int>(sh.direction)]++;
    unmanned += sh.unmanned ? 1 : 0;
  }
  const double days = static_cast<double>(to - from) / twin::kDay;
  m.export_per_day = cleared[0] / days;
  m.import_per_day = cleared[1] / days;
  m.per_day = m.export_per_day + m.import_per_day;
  m.unmanned_share = (cleared[0] + cleared[1]) ? static_cast<double>(unmanned) / (cleared[0] + cleared[1]) : 0;
  // The busiest resource names the bottleneck.
  twin::SiteKpis k = twin::compute_kpis(core, 0, to);
  double best = k.lane_utilisation;
  m.bottleneck = "manned lanes";
  for (const auto& c : k.checkpoints)
    if (c.utilisation > best) { best = c.utilisation; m.bottleneck = c.id; }
  if (k.fleet_utilisation > best) m.bottleneck = "guide vehicles";
  return m;
}

}  // namespace

int print_capacity_table(const std::vector<twin::SiteSpec>& sites, uint64_t seed) {
  const Plan plans[] = {
      {"today", twin::LanePlan::Today, twin::UnmannedPlan::Off},
      {"8 lanes, 2 of them unmanned", twin::LanePlan::Expanded, twin::UnmannedPlan::On},
      {"8 lanes, all manned", twin::LanePlan::Expanded, twin::UnmannedPlan::AsManned},
      {"6 manned lanes of the 8 (unmanned lanes unused)", twin::LanePlan::Expanded, twin::UnmannedPlan::Off},
  };
  std::printf("| site | lane plan | manned lanes | unmanned lanes | cleared/day | export/day | import/day | by guide vehicle | busiest resource | 2027 target | 2030 target |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const twin::SiteSpec& site : sites)
    for (const Plan& p : plans) {
      Measured m = measure(site, p, seed);
      std::printf("| %s | %s | %d | %d | %.0f | %.0f | %.0f | %.0f%% | %s | %.0f-%.0f | %.0f-%.0f |\n", site.id.c_str(), p.name,
                  m.manned, m.unmanned, m.per_day, m.export_per_day, m.import_per_day, 100 * m.unmanned_share,
                  m.bottleneck.c_str(), site.targets.per_day_2027_min, site.targets.per_day_2027_max,
                  site.targets.per_day_2030_min, site.targets.per_day_2030_max);
      std::fflush(stdout);
    }
  return 0;
}
