// The capacity table. See capacity_table.h.
#include "capacity/capacity_table.h"

#include "capacity/parallel.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace capacity {

namespace {

unsigned threads_of(const TableOptions& o) { return o.threads > 0 ? o.threads : default_threads(); }

bool meets(const std::vector<SteadyState>& runs, const Policy& p) {
  double p95 = 0, growth = 0, arrived = 0;
  for (const SteadyState& r : runs) { p95 += r.dwell_min_p95; growth += r.backlog_growth_per_day; arrived += r.arrived_per_day; }
  return p95 / runs.size() <= p.dwell_p95_max_min && growth <= p.backlog_growth_max_share * arrived;
}

template <class F>
Estimate over(const std::vector<SteadyState>& runs, F f) {
  std::vector<double> v;
  for (const SteadyState& r : runs) v.push_back(f(r));
  return estimate(v);
}

std::string thousands(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.0f", std::round(v) == 0 ? 0.0 : v);  // never "-0"
  std::string s = b, out;
  const size_t start = s[0] == '-' ? 1 : 0;
  for (size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    const size_t left = s.size() - 1 - i;
    if (i >= start && left > 0 && left % 3 == 0) out += ',';
  }
  return out;
}

std::string pm(const Estimate& e) { return thousands(e.mean) + " ± " + thousands(e.half_width); }

}  // namespace

LoadResult run_load(const twin::SiteSpec& site, double per_day, const TableOptions& o) {
  LoadResult r;
  r.runs.resize(static_cast<size_t>(o.seeds));
  parallel_for(r.runs.size(), threads_of(o),
               [&](size_t i) { r.runs[i] = run_steady_state(site, per_day, o.first_seed + i, o.window); });
  r.meets = meets(r.runs, o.policy);
  return r;
}

std::vector<PlanResult> capacity_table(const std::vector<twin::SiteSpec>& sites, const TableOptions& o) {
  std::vector<PlanResult> rows;
  for (const twin::SiteSpec& base : sites)
    for (const Plan& plan : plans_for(base)) {
      const twin::SiteSpec site = apply(base, plan);
      PlanResult row;
      row.site = base.id;
      row.plan_id = plan.id;
      row.plan_name = plan.name;
      row.manned = count_lanes(site, twin::LaneKind::Manned);
      row.unmanned = count_lanes(site, twin::LaneKind::Unmanned);
      row.guide_vehicles = site.fleet.guide_vehicles;
      row.targets = base.targets;
      row.load_per_day = base.arrivals.per_day_2030;
      const LoadResult at = run_load(site, row.load_per_day, o);
      for (const SteadyState& r : at.runs) row.events += r.events;
      row.meets_policy = at.meets;
      row.cleared = over(at.runs, [](const SteadyState& r) { return r.cleared_per_day; });
      row.dwell_p50 = over(at.runs, [](const SteadyState& r) { return r.dwell_min_p50; });
      row.dwell_p95 = over(at.runs, [](const SteadyState& r) { return r.dwell_min_p95; });
      row.backlog_growth = over(at.runs, [](const SteadyState& r) { return r.backlog_growth_per_day; });
      row.unmanned_share = over(at.runs, [](const SteadyState& r) { return r.unmanned_share; });
      std::map<std::string, double> share;
      std::vector<std::string> order;
      for (const SteadyState& r : at.runs)
        for (const Utilisation& u : r.utilisation) {
          if (!share.count(u.resource)) order.push_back(u.resource);
          share[u.resource] += u.share / at.runs.size();
        }
      for (const std::string& name : order)
        if (share[name] > row.bottleneck_share) { row.bottleneck_share = share[name]; row.bottleneck = name; }
      // The capacity at the policy, bisected: below the 2030 load (from a quarter of it)
      // when that load fails the policy, else above it (up to 1.5 times it).
      double lo = at.meets ? row.load_per_day : 0.25 * row.load_per_day, hi = at.meets ? 1.5 * row.load_per_day : row.load_per_day;
      if (at.meets && o.search_steps > 0) {
        const LoadResult top = run_load(site, hi, o);
        for (const SteadyState& r : top.runs) row.events += r.events;
        row.capacity_above_search = top.meets;
      }
      for (int step = 0; step < o.search_steps && !row.capacity_above_search; ++step) {
        const double mid = (lo + hi) / 2;
        const LoadResult m = run_load(site, mid, o);
        for (const SteadyState& r : m.runs) row.events += r.events;
        (m.meets ? lo : hi) = mid;
      }
      row.capacity_per_day = row.capacity_above_search ? hi : lo;
      rows.push_back(row);
    }
  return rows;
}

std::string verdict(const PlanResult& r) {
  const double c = r.capacity_per_day;
  const twin::Targets& t = r.targets;
  if (c >= t.per_day_2030_max) return "2030 range reached";
  if (c >= t.per_day_2030_min) return "within the 2030 range, short of its top";
  if (c >= t.per_day_2027_max) return "2027 range reached, short of 2030";
  if (c >= t.per_day_2027_min) return "within the 2027 range, short of 2030";
  return "short of the 2027 range";
}

std::string table_markdown(const std::vector<PlanResult>& rows) {
  std::string out =
      "| site | lane plan | manned + unmanned lanes (guide vehicles) | load/day | cleared/day | dwell p50 min | dwell p95 min | "
      "backlog growth/day | by guide vehicle | busiest resource (utilisation) | policy met at this load | capacity at the policy, vehicles/day | "
      "2027 target | 2030 target | verdict |\n";
  out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  char b[1024];
  for (const PlanResult& r : rows) {
    std::snprintf(b, sizeof b, "| %s | %s | %d + %d (%d) | %s | %s | %s | %s | %s | %.0f%% | %s %.0f%% | %s | %s%s | %s-%s | %s-%s | %s |\n",
                  r.site.c_str(), r.plan_name.c_str(), r.manned, r.unmanned, r.guide_vehicles, thousands(r.load_per_day).c_str(),
                  pm(r.cleared).c_str(), pm(r.dwell_p50).c_str(), pm(r.dwell_p95).c_str(), pm(r.backlog_growth).c_str(),
                  100 * r.unmanned_share.mean, r.bottleneck.c_str(), 100 * r.bottleneck_share, r.meets_policy ? "yes" : "no",
                  r.capacity_above_search ? "over " : "", thousands(std::round(r.capacity_per_day / 10) * 10).c_str(),
                  thousands(r.targets.per_day_2027_min).c_str(), thousands(r.targets.per_day_2027_max).c_str(),
                  thousands(r.targets.per_day_2030_min).c_str(), thousands(r.targets.per_day_2030_max).c_str(), verdict(r).c_str());
    out += b;
  }
  return out;
}

std::string describe(const TableOptions& o) {
  char b[640];
  std::snprintf(b, sizeof b,
                "%d seeds (%llu-%llu), each run from an empty site: %g day(s) of warm-up, not measured, then %g day(s) "
                "measured, then %g h more to follow the window's late arrivals. Dwell policy: p95 dwell under %g min and "
                "backlog growth at most %g%% of the day's arrivals a day (seed means); capacity bisected in %d steps between a quarter of the 2030 load and 1.5 times it.",
                o.seeds, static_cast<unsigned long long>(o.first_seed), static_cast<unsigned long long>(o.first_seed + o.seeds - 1),
                o.window.warmup_days, o.window.measure_days, o.window.tail_hours, o.policy.dwell_p95_max_min,
                100 * o.policy.backlog_growth_max_share, o.search_steps);
  return b;
}

}  // namespace capacity
