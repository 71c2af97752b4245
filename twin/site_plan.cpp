// Lane plans and load names. See site_plan.h.
#include "twin/site_plan.h"

#include <algorithm>
#include <cstdlib>

namespace twin {

std::optional<LanePlan> parse_lane_plan(const std::string& s) {
  if (s == "expanded") return LanePlan::Expanded;
  if (s == "today") return LanePlan::Today;
  return std::nullopt;
}

std::optional<UnmannedPlan> parse_unmanned_plan(const std::string& s) {
  if (s == "on") return UnmannedPlan::On;
  if (s == "off") return UnmannedPlan::Off;
  if (s == "as-manned") return UnmannedPlan::AsManned;
  return std::nullopt;
}

SiteSpec with_plan(SiteSpec site, LanePlan lanes, UnmannedPlan unmanned) {
  auto& l = site.lanes;
  if (lanes == LanePlan::Today)
    l.erase(std::remove_if(l.begin(), l.end(), [](const LaneSpec& x) { return !x.exists_today; }), l.end());
  if (unmanned == UnmannedPlan::Off) {
    l.erase(std::remove_if(l.begin(), l.end(), [](const LaneSpec& x) { return x.kind == LaneKind::Unmanned; }), l.end());
  }
  if (unmanned == UnmannedPlan::AsManned)
    for (LaneSpec& x : l) x.kind = LaneKind::Manned;
  const bool any_unmanned = std::any_of(l.begin(), l.end(), [](const LaneSpec& x) { return x.kind == LaneKind::Unmanned; });
  if (!any_unmanned) site.fleet.guide_vehicles = 0;
  derive(site);
  return site;
}

std::optional<double> load_per_day(const SiteSpec& site, const std::string& load) {
  if (load == "baseline" || load == "today") return site.arrivals.per_day_today;
  if (load == "2027") return site.arrivals.per_day_2027;
  if (load == "2030") return site.arrivals.per_day_2030;
  if (load.size() > 1 && load[0] == 'x') {
    char* end = nullptr;
    double m = std::strtod(load.c_str() + 1, &end);
    if (end && *end == '\0' && m >= 0 && m <= 1000) return site.arrivals.per_day_today * m;
  }
  return std::nullopt;
}

}  // namespace twin
