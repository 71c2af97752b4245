// The capacity table: per site and lane plan, steady-state figures at the 2030 load
// (each a mean with its 95 % interval over the seeds), the largest load that meets the
// dwell policy, and a verdict against the targets. Runs seeds (and loads) on threads;
// the figures depend only on the options, never on the thread count. No I/O: the
// Markdown text is returned.
#pragma once
#include "capacity/estimate.h"
#include "capacity/plans.h"
#include "capacity/steady_state.h"

#include <string>
#include <vector>

namespace capacity {

// A load meets the policy when, averaged over the seeds, the p95 dwell is under
// dwell_p95_max_min and the backlog grows by no more than backlog_growth_max_share of
// the day's arrivals a day.
struct Policy {
  double dwell_p95_max_min = 120;
  double backlog_growth_max_share = 0.01;
};

struct TableOptions {
  int seeds = 10;
  uint64_t first_seed = 1;       // seeds first_seed .. first_seed + seeds - 1
  Window window;
  Policy policy;
  int search_steps = 7;          // bisection steps for the capacity at the policy
  unsigned threads = 0;          // 0: every core
};

struct PlanResult {
  std::string site, plan_id, plan_name;
  int manned = 0, unmanned = 0, guide_vehicles = 0;
  twin::Targets targets;
  double load_per_day = 0;       // the 2030 load (the site file's upper 2030 target)
  Estimate cleared, dwell_p50, dwell_p95, backlog_growth, unmanned_share;
  std::string bottleneck;        // highest mean utilisation over the seeds
  double bottleneck_share = 0;
  bool meets_policy = false;     // at the 2030 load
  double capacity_per_day = 0;   // largest load meeting the policy (bisected, seed means)
  bool capacity_above_search = false;  // the policy held at the top of the search range
  uint64_t events = 0;
};

// The mean figures of one load over the seeds, and whether they meet the policy.
struct LoadResult {
  std::vector<SteadyState> runs;
  bool meets = false;
};
LoadResult run_load(const twin::SiteSpec& site, double per_day, const TableOptions& o);

std::vector<PlanResult> capacity_table(const std::vector<twin::SiteSpec>& sites, const TableOptions& o);

// The table as Markdown, and the options as the sentence that states them.
std::string table_markdown(const std::vector<PlanResult>& rows);
std::string describe(const TableOptions& o);
// The verdict against the targets from the capacity at the policy.
std::string verdict(const PlanResult& r);

}  // namespace capacity
