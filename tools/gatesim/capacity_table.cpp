// Capacity by lane plan: the largest daily volume a road keeps up with. For each plan,
// the load is bisected between 0.5x and 20x today's volume (with the site's hourly
// profile); a load is sustained when, over hours 2 to 26, the vehicles that finished
// (cleared, diverted or refused) are at least 97% of those that arrived, so the
// backlog does not grow from day to day. The table reports what was cleared at the
// largest sustained load. See capacity_table.h.
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

struct Day {
  double arrived = 0, finished = 0, cleared[2] = {0, 0}, unmanned = 0;
  twin::SiteKpis kpis;
};

Day run_day(const twin::SiteSpec& site, double per_day, uint64_t seed) {
  twin::Core core({site});
  twin::SimOptions opt;
  opt.seed = seed;
  opt.vehicles_per_day = {per_day};
  twin::Simulator sim(core.sites(), opt);
  const twin::SimTime from = 2 * twin::kHour, to = 26 * twin::kHour;
  twin::run_until(core, sim, to);
  Day d;
  for (const auto& sh : core.state().sites[0].shipments) {
    if (sh.arrived_ms >= from && sh.arrived_ms <= to) d.arrived++;
    const twin::SimTime end = sh.outcome == twin::Outcome::Cleared ? sh.done_ms : sh.history.back().time_ms;
    if (sh.outcome == twin::Outcome::Open || end < from || end > to) continue;
    d.finished++;
    if (sh.outcome != twin::Outcome::Cleared) continue;
    d.cleared[static_cast<int>(sh.direction)]++;
    d.unmanned += sh.unmanned ? 1 : 0;
  }
  d.kpis = twin::compute_kpis(core, 0, to);
  return d;
}

Measured measure(const twin::SiteSpec& base, const Plan& plan, uint64_t seed) {
  twin::SiteSpec site = twin::with_plan(base, plan.lanes, plan.unmanned);
  Measured m;
  for (const auto& l : site.lanes) (l.kind == twin::LaneKind::Manned ? m.manned : m.unmanned)++;
  const double today = base.arrivals.per_day_today;
  double lo = 0.5, hi = 20;
  Day best = run_day(site, today * lo, seed);
  for (int i = 0; i < 12; ++i) {
    const double mid = (lo + hi) / 2;
    Day d = run_day(site, today * mid, seed);
    if (d.finished >= 0.97 * d.arrived) { lo = mid; best = d; } else { hi = mid; }
  }
  m.export_per_day = best.cleared[0];
  m.import_per_day = best.cleared[1];
  m.per_day = m.export_per_day + m.import_per_day;
  m.unmanned_share = m.per_day > 0 ? best.unmanned / m.per_day : 0;
  // The busiest resource at that load names the bottleneck.
  const twin::SiteKpis& k = best.kpis;
  double busiest = k.lane_utilisation;
  m.bottleneck = "manned lanes " + std::to_string(static_cast<int>(100 * busiest)) + "%";
  for (const auto& c : k.checkpoints)
    if (c.utilisation > busiest) { busiest = c.utilisation; m.bottleneck = c.id + " " + std::to_string(static_cast<int>(100 * busiest)) + "%"; }
  if (k.fleet_utilisation > busiest) m.bottleneck = "guide vehicles " + std::to_string(static_cast<int>(100 * k.fleet_utilisation)) + "%";
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
  std::printf("| site | lane plan | manned lanes | unmanned lanes | cleared/day | export/day | import/day | by guide vehicle | busiest resource (utilisation) | 2027 target | 2030 target |\n");
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
