// Tests the capacity library (capacity/) on small runs of the shipped sites: the 95 %
// interval, results that do not depend on the thread count, the steady-state accounting
// (vehicles still in the flow count in the dwell, backlog growth above capacity), the
// bottleneck label naming the guide vehicles when they are the constraint, the 14-lane
// plan, and the sensitivity sweep's rows. Never skips itself; about 20 s on 2 cores.
#include "capacity/capacity_table.h"
#include "capacity/plans.h"
#include "capacity/sensitivity.h"
#include "capacity/steady_state.h"
#include "../twin/core_driver.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace capacity;

TEST_CASE("estimate: mean and Student-t 95% interval") {
  const Estimate e = estimate({1, 2, 3, 4});
  CHECK(e.mean == Approx(2.5));
  // s = 1.291, t(3) = 3.182: 3.182 * 1.291 / 2
  CHECK(e.half_width == Approx(3.182 * 1.2909944 / 2).epsilon(1e-4));
  CHECK(estimate({5}).half_width == 0);
  CHECK(t_975(9) == Approx(2.262));
}

TEST_CASE("plans: m1119 has the 14-lane phase, m1088 does not") {
  const twin::SiteSpec m1119 = testing::shipped_site("m1119"), m1088 = testing::shipped_site("m1088");
  bool found = false;
  for (const Plan& p : plans_for(m1119))
    if (p.id == "14-2u") {
      found = true;
      const twin::SiteSpec s = apply(m1119, p);
      CHECK(s.lanes.size() == 14);
      CHECK(count_lanes(s, twin::LaneKind::Manned) == 12);
      CHECK(count_lanes(s, twin::LaneKind::Unmanned) == 2);
      CHECK(s.lanes.back().length_m == Approx(s.lanes[s.lane_index("I1")].length_m));
    }
  CHECK(found);
  for (const Plan& p : plans_for(m1088)) CHECK(p.id != "14-2u");
}

TEST_CASE("a table's figures do not depend on the thread count") {
  const twin::SiteSpec site = apply(testing::shipped_site("m1088"), plans_for(testing::shipped_site("m1088"))[1]);
  TableOptions o;
  o.seeds = 4;
  o.window = {0.25, 0.5, 2};
  o.threads = 1;
  const LoadResult one = run_load(site, 2000, o);
  o.threads = 3;
  const LoadResult three = run_load(site, 2000, o);
  REQUIRE(one.runs.size() == three.runs.size());
  for (size_t i = 0; i < one.runs.size(); ++i) {
    CHECK(one.runs[i].cleared_per_day == three.runs[i].cleared_per_day);
    CHECK(one.runs[i].dwell_min_p95 == three.runs[i].dwell_min_p95);
    CHECK(one.runs[i].events == three.runs[i].events);
  }
  CHECK(one.runs[0].events != one.runs[1].events);  // the seeds differ
}

TEST_CASE("steady state: above capacity the backlog grows and the dwell counts the vehicles still waiting") {
  // Today's 4 lanes at 1088/2-1089 at three times the 2030 load: far above what they clear.
  const twin::SiteSpec base = testing::shipped_site("m1088");
  const twin::SiteSpec site = apply(base, plans_for(base)[0]);
  const Window w{0.5, 1, 4};
  const SteadyState over = run_steady_state(site, 3 * base.arrivals.per_day_2030, 1, w);
  CHECK(over.backlog_growth_per_day > 1000);
  CHECK(over.cleared_per_day < over.arrived_per_day * 0.8);
  CHECK(over.still_in_flow_share > 0.2);
  CHECK(over.dwell_min_p95 >= 4 * 60);  // still in the flow after the 4 h tail: at least that
  // Every vehicle of the window is in the dwell, waiting or not (all but the 3-6 % diverted or refused).
  CHECK(over.dwell_samples >= 0.9 * over.arrived_per_day * w.measure_days);
  CHECK(over.bottleneck_share > 0.95);  // lanes and quarantine both saturate there
  const SteadyState easy = run_steady_state(site, base.arrivals.per_day_today, 1, w);
  CHECK(easy.still_in_flow_share == 0);
  CHECK(std::abs(easy.backlog_growth_per_day) < 0.05 * easy.arrived_per_day);
  CHECK(easy.dwell_min_p95 < 120);
  CHECK(easy.dwell_samples >= 0.9 * easy.arrived_per_day * w.measure_days);
}

TEST_CASE("the bottleneck names the guide vehicles when they are the constraint") {
  // Only the unmanned lanes, one guide vehicle: everything crosses by guide vehicle.
  twin::SiteSpec site = apply(testing::shipped_site("m1119"), plans_for(testing::shipped_site("m1119"))[1]);
  auto& l = site.lanes;
  l.erase(std::remove_if(l.begin(), l.end(), [](const twin::LaneSpec& x) { return x.kind == twin::LaneKind::Manned; }), l.end());
  site.fleet.guide_vehicles = 1;
  const SteadyState r = run_steady_state(site, 400, 3, Window{0.25, 0.5, 1});
  CHECK(r.bottleneck == "guide vehicles");
  CHECK(r.bottleneck_share > 0.9);
  CHECK(r.unmanned_share == Approx(1.0));
}

TEST_CASE("sensitivity: one row per assumption, low and high either side of the baseline") {
  const twin::SiteSpec base = testing::shipped_site("m1119");
  const twin::SiteSpec site = apply(base, plans_for(base)[1]);
  SweepOptions o;
  o.seeds = 2;
  o.window = {0.25, 0.5, 2};
  const Sensitivity s = run_sensitivity(site, base.arrivals.per_day_2030, o);
  REQUIRE(s.rows.size() == assumptions_for(site).size());
  for (const SensitivityRow& r : s.rows) {
    INFO(r.assumption.name);
    if (r.assumption.name == "hand-over time") {  // slower hand-over: fewer cleared, longer dwell
      CHECK(r.high.cleared_per_day < r.low.cleared_per_day);
      CHECK(r.high.dwell_min_p95 > r.low.dwell_min_p95);
    }
  }
  const std::string csv = sensitivity_csv(s);
  CHECK(csv.rfind("assumption,end,value,cleared_per_day,dwell_min_p95,backlog_growth_per_day\nbaseline,base,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == static_cast<long>(2 + 2 * s.rows.size()));
}

TEST_CASE("plans and sensitivity ranges come from the site file, not from code") {
  twin::SiteSpec m1119 = testing::shipped_site("m1119");
  std::vector<std::string> ids;
  for (const Plan& p : plans_for(m1119)) ids.push_back(p.id);
  CHECK(ids == std::vector<std::string>{"today", "8-2u", "8-manned", "6-of-8", "8-2u-12gv", "8-2u-120s", "8-2u-12gv-120s",
                                        "14-2u", "14-2u-scan"});
  const std::vector<Assumption> a = assumptions_for(m1119);
  REQUIRE(a.size() == 6);
  auto row = [&](const std::vector<Assumption>& list, const std::string& name) {
    for (const Assumption& x : list)
      if (x.name == name) return x.low_label + " / " + x.base_label + " / " + x.high_label;
    return std::string("none");
  };
  CHECK(row(a, "hand-over time") == "120 s / 150 s / 180 s");
  CHECK(row(a, "guide vehicles") == "4 / 6 / 10");
  CHECK(row(a, "scanner portals") == "3 / 4 / 5");
  CHECK(row(a, "checkpoint service times") == "x0.8 / x1 / x1.2");
  CHECK(row(a, "crane transfer time") == "90 s / 180 s / 270 s");
  CHECK(row(a, "arrival profile peak") == "flat / site file / x1.5 swing");
  CHECK_THAT(a[0].range_source, Catch::Contains("120-180 s"));

  // Another file, other plans and ranges: no site id in the code.
  m1119.id = "elsewhere";
  m1119.sensitivity.handover_s.high = 240;
  m1119.sensitivity.guide_vehicles.given = false;
  m1119.capacity_plans.resize(1);
  CHECK(plans_for(m1119).size() == 5);
  CHECK(row(assumptions_for(m1119), "hand-over time") == "120 s / 150 s / 240 s");
  CHECK(row(assumptions_for(m1119), "guide vehicles") == "none");
}
