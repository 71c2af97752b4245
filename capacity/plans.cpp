// Lane plans. See plans.h.
#include "capacity/plans.h"

namespace capacity {

std::vector<Plan> plans_for(const twin::SiteSpec& site) {
  using twin::LanePlan;
  using twin::UnmannedPlan;
  std::vector<Plan> plans = {
      {"today", "today", LanePlan::Today, UnmannedPlan::Off, 0},
      {"8-2u", "8 lanes, 2 of them unmanned", LanePlan::Expanded, UnmannedPlan::On, 0},
      {"8-manned", "8 lanes, all manned", LanePlan::Expanded, UnmannedPlan::AsManned, 0},
      {"6-of-8", "6 manned lanes of the 8 (unmanned lanes unused)", LanePlan::Expanded, UnmannedPlan::Off, 0},
  };
  // The site's own plans (its file's "capacity_plans"), on the decision's 8 lanes, 2 unmanned.
  for (const twin::CapacityPlanSpec& p : site.capacity_plans)
    plans.push_back({p.id, p.name, LanePlan::Expanded, UnmannedPlan::On, p.extra_manned_per_direction, p.guide_vehicles,
                     p.handover_s, p.extra_scanners});
  return plans;
}

twin::SiteSpec apply(const twin::SiteSpec& site, const Plan& plan) {
  twin::SiteSpec s = twin::with_plan(site, plan.lanes, plan.unmanned);
  for (twin::Direction d : {twin::Direction::Export, twin::Direction::Import}) {
    const twin::LaneSpec* model = nullptr;
    for (const twin::LaneSpec& l : s.lanes)
      if (l.direction == d && l.kind == twin::LaneKind::Manned) { model = &l; break; }
    if (!model) continue;
    const twin::LaneSpec copy = *model;
    for (int k = 1; k <= plan.extra_manned_per_direction; ++k) {
      twin::LaneSpec l = copy;
      l.id = copy.id + "+" + std::to_string(k);
      l.exists_today = false;
      for (glm::vec2& p : l.polyline) p.y += 5.0f * static_cast<float>(k) * (d == twin::Direction::Export ? -1.0f : 1.0f);
      s.lanes.push_back(l);
    }
  }
  if (plan.guide_vehicles > 0 && s.fleet.guide_vehicles > 0) s.fleet.guide_vehicles = plan.guide_vehicles;
  if (plan.handover_s > 0) {
    const double k = plan.handover_s / s.timing.handover.mean();
    s.timing.handover.mean_s *= k;
    s.timing.handover.min_s *= k;
    s.timing.handover.max_s *= k;
  }
  const int scanner = s.checkpoint_index(twin::CheckpointKind::Scanner);
  if (scanner >= 0) s.checkpoints[scanner].servers += plan.extra_scanners;
  twin::derive(s);
  return s;
}

int count_lanes(const twin::SiteSpec& site, twin::LaneKind kind) {
  int n = 0;
  for (const twin::LaneSpec& l : site.lanes) n += l.kind == kind ? 1 : 0;
  return n;
}

}  // namespace capacity
