// The lane plans the capacity table compares, as edits of a site file's SiteSpec: the
// lanes of today, the decision's 8 (with or without the unmanned lanes), and the plans
// a site file adds (its "capacity_plans": for 1119-1120 the 14-lane second phase now
// being built, DOMAIN.md). Pure SiteSpec edits; no files.
#pragma once
#include "twin/site.h"
#include "twin/site_plan.h"

#include <string>
#include <vector>

namespace capacity {

struct Plan {
  std::string id;                 // short, for flags and CSV: today, 8-2u, 8-manned, 6-of-8, 14-2u
  std::string name;               // for the table
  twin::LanePlan lanes = twin::LanePlan::Expanded;
  twin::UnmannedPlan unmanned = twin::UnmannedPlan::On;
  int extra_manned_per_direction = 0;  // manned lanes added to each direction beyond the file's
  // What else it takes (0: the site file's): guide vehicles, the manned hand-over's mean,
  // scanner portals added.
  int guide_vehicles = 0;
  double handover_s = 0;
  int extra_scanners = 0;
};

// The plans for a site: the four of every site (today, 8-2u, 8-manned, 6-of-8), then
// the site file's own "capacity_plans" in file order, each on the decision's 8 lanes
// with 2 unmanned (docs/site-format.md): for the shipped files what else the pilot's 8
// lanes could be given (12 guide vehicles, a 120 s hand-over, both) and, for m1119, the
// 14-lane second phase DOMAIN.md reports (with and without a fifth scanner portal).
std::vector<Plan> plans_for(const twin::SiteSpec& site);

// The site under a plan. Added lanes copy the direction's first manned lane, moved
// sideways by 5 m each (their length, so their crossing time, is that lane's).
twin::SiteSpec apply(const twin::SiteSpec& site, const Plan& plan);

int count_lanes(const twin::SiteSpec& site, twin::LaneKind kind);

}  // namespace capacity
