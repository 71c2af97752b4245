// Retention (docs/core.md "Retention"): finished shipments leave the core's state a day
// after their last phase change, and the KPIs computed from the state stay what they
// would be without retention. A core with retention and one without fold the same
// simulator events (two days and two hours at the 2030 load, both roads); their KPIs, scenario KPIs and live
// shipments are compared field by field, the retained core is checked for its bound,
// its invariants and its index maps, and a refold of the events gives its hash.
#include "core_driver.h"
#include "twin/kpi.h"
#include "twin/run.h"
#include "twin/scenario_score.h"

#include <catch2/catch.hpp>

using namespace twin;

namespace {

void require_same_kpis(const SiteKpis& a, const SiteKpis& b) {
  INFO("site " << a.site);
  CHECK(a.arrived == b.arrived);
  CHECK(a.cleared == b.cleared);
  CHECK(a.diverted == b.diverted);
  CHECK(a.refused == b.refused);
  CHECK(a.in_flow == b.in_flow);
  CHECK(a.cleared_per_day == b.cleared_per_day);
  CHECK(a.dwell_min_p50 == b.dwell_min_p50);
  CHECK(a.dwell_min_p95 == b.dwell_min_p95);
  CHECK(a.dwell_min_p50_dir == b.dwell_min_p50_dir);
  CHECK(a.dwell_min_p95_dir == b.dwell_min_p95_dir);
  CHECK(a.unmanned_crossings == b.unmanned_crossings);
  CHECK(a.lane_crossings == b.lane_crossings);
  CHECK(a.lane_utilisation == b.lane_utilisation);
  CHECK(a.fleet_trips == b.fleet_trips);
  CHECK(a.yard_utilisation == b.yard_utilisation);
  CHECK(a.events_ignored == b.events_ignored);
  REQUIRE(a.checkpoints.size() == b.checkpoints.size());
  for (size_t i = 0; i < a.checkpoints.size(); ++i) {
    CHECK(a.checkpoints[i].served == b.checkpoints[i].served);
    CHECK(a.checkpoints[i].wait_s_mean == b.checkpoints[i].wait_s_mean);
    CHECK(a.checkpoints[i].utilisation == b.checkpoints[i].utilisation);
  }
}

}  // namespace

TEST_CASE("retention: finished shipments leave the state after a day; KPIs do not change", "[core][retention]") {
  std::vector<SiteSpec> sites = {testing::shipped_site("m1088"), testing::shipped_site("m1119")};
  Core kept(sites), all(sites, -1);
  SimOptions opt;
  opt.seed = 7;
  for (const auto& s : kept.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);  // what the roads can clear: in_flow stays small
  Simulator sim(kept.sites(), opt);
  const SimTime end = 50 * kHour;
  std::vector<Event> events;
  Decisions d;
  uint64_t decisions_differ = 0;
  run_until(kept, sim, end, [&](const Event& e, const Decisions& out) {
    events.push_back(e);
    d.clear();
    all.apply(e, d);
    // Same decisions, whether or not old shipments are still in the state.
    if (d.size() != out.size()) ++decisions_differ;
    else
      for (size_t i = 0; i < d.size(); ++i)
        if (d[i].kind != out[i].kind || d[i].shipment != out[i].shipment || d[i].resource != out[i].resource ||
            d[i].unit != out[i].unit)
          ++decisions_differ;
  });
  CHECK(decisions_differ == 0);
  const SimTime now = kept.state().now_ms;
  REQUIRE(now >= end - kHour);

  for (size_t si = 0; si < sites.size(); ++si) {
    const SiteState& k = kept.state().sites[si];
    const SiteState& a = all.state().sites[si];
    INFO("site " << sites[si].id);
    // Something was retired, and live + retired = every shipment of the run.
    REQUIRE(k.retired.count > 0);
    CHECK(k.shipments.size() + static_cast<size_t>(k.retired.count) == a.shipments.size());
    // About the last day of shipments stays (the run is 50 h long).
    CHECK(k.shipments.size() < a.shipments.size() * 2 / 3);
    // The bound: nothing finished more than a day and an hour ago (60 one-minute ticks) is still there.
    for (const Shipment& sh : k.shipments)
      if (sh.phase == Phase::Cleared || sh.phase == Phase::Left) CHECK(sh.history.back().time_ms >= now - kRetainDoneMs - kHour);
    // Every live shipment is the same as in the core without retention, and found by id.
    for (ShipmentIndex i : k.shipments.indices()) {
      const Shipment& sh = k.shipments[i];
      auto it = k.by_id.find(sh.id);
      REQUIRE(it != k.by_id.end());
      CHECK(it->second == i);
      const Shipment& ref = a.shipments[a.by_id.at(sh.id)];
      CHECK(sh.phase == ref.phase);
      CHECK(sh.history.size() == ref.history.size());
      CHECK(sh.arrived_ms == ref.arrived_ms);
      CHECK(sh.container == ref.container);
    }
    CHECK(k.by_id.size() == k.shipments.size());
    // The highest declared id among the removed ones is kept (a fork numbers after it).
    ShipmentId highest_removed{};
    for (const Shipment& sh : a.shipments)
      if (!k.by_id.count(sh.id) && sh.id < kFirstUndeclaredId) highest_removed = std::max(highest_removed, sh.id);
    CHECK(highest_removed > ShipmentId{0});
    CHECK(k.retired.highest_id == highest_removed);
    require_same_kpis(compute_kpis(kept, si, end), compute_kpis(all, si, end));
  }
  CHECK(highest_declared_id(kept.state()) == highest_declared_id(all.state()));
  CHECK(kept.check_invariants().empty());
  const ScenarioKpis sk = scenario_kpis(kept, end, opt.tick_ms), sa = scenario_kpis(all, end, opt.tick_ms);
  CHECK(sk.arrived == sa.arrived);
  CHECK(sk.cleared == sa.cleared);
  CHECK(sk.in_flow == sa.in_flow);
  CHECK(sk.dwell_min_p95 == sa.dwell_min_p95);
  CHECK(sk.perishable_dwell_min_p95 == sa.perishable_dwell_min_p95);
  CHECK(sk.reefer_unpowered_container_min == sa.reefer_unpowered_container_min);

  // Retention is part of the fold: the events folded again give the same state.
  Core again(sites);
  for (const Event& e : events) {
    d.clear();
    again.apply(e, d);
  }
  CHECK(again.state_hash() == kept.state_hash());
  CHECK(kept.state_hash() != all.state_hash());
}

TEST_CASE("retention: a run in which nothing was retired hashes as before retention", "[core][retention]") {
  std::vector<SiteSpec> sites = {testing::shipped_site("m1088"), testing::shipped_site("m1119")};
  Core kept(sites), all(sites, -1);
  SimOptions opt;
  opt.seed = 7;
  for (const auto& s : kept.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
  Simulator sim(kept.sites(), opt);
  Decisions d;
  run_until(kept, sim, kDay, [&](const Event& e, const Decisions&) { d.clear(); all.apply(e, d); });
  REQUIRE(kept.state().sites[0].retired.count == 0);
  CHECK(kept.state_hash() == all.state_hash());
}

TEST_CASE("retention: a finished shipment leaves after a day; an event for it is then unknown", "[core][retention]") {
  testing::CoreDriver t({testing::shipped_site("m1119")});
  // A vehicle nobody declared: diverted at gate-in, then it leaves (a finished shipment).
  t.send(VehicleArrived{Direction::Export, "X-1", "ABCU1234567"});
  const ShipmentId out = kFirstUndeclaredId;
  REQUIRE(t.site().by_id.count(out) == 1);
  t.complete(out, CheckpointKind::GateIn);
  REQUIRE(t.ship(out).phase == Phase::Diverted);
  t.send(VehicleLeft{out});
  REQUIRE(t.ship(out).phase == Phase::Left);
  const SimTime left_ms = t.now;
  // A declared vehicle held in the flow: never finished, never retired.
  t.declare_and_arrive(2, Direction::Export, "fruit");
  const Phase held = t.ship(2).phase;
  REQUIRE(held != Phase::Left);
  REQUIRE(held != Phase::Cleared);
  // Up to a day after it left it stays, through many retirement ticks (every 60th).
  const SimTime tick = (left_ms + kRetainDoneMs - t.now) / (3 * kRetireEveryTicks);
  for (int i = 0; i < 3 * kRetireEveryTicks - 1; ++i) t.send(ClockTick{}, tick);
  REQUIRE(t.now < left_ms + kRetainDoneMs);
  CHECK(t.site().by_id.count(out) == 1);
  CHECK(t.site().retired.count == 0);
  // At the next retirement tick more than a day after, it is gone.
  t.send(ClockTick{}, left_ms + kRetainDoneMs + 1 - t.now);
  while (t.site().counters.ticks % kRetireEveryTicks != 0) {
    CHECK(t.site().by_id.count(out) == 1);
    t.send(ClockTick{}, kMinute);
  }
  CHECK(t.site().by_id.count(out) == 0);
  CHECK(t.site().retired.count == 1);
  CHECK(t.site().retired.arrived == 1);
  CHECK(t.site().retired.dwell_ms[0].empty());  // diverted: no dwell for the KPIs
  REQUIRE(t.site().shipments.size() == 1);
  CHECK(t.site().shipments[ShipmentIndex{0}].id == ShipmentId{2});
  CHECK(t.site().by_id.at(ShipmentId{2}) == ShipmentIndex{0});
  CHECK(t.ship(2).phase == held);
  CHECK(t.core.check_invariants().empty());
  // The counters still count it.
  CHECK(t.site().counters.arrived[0] == 2);
  CHECK(t.site().counters.diverted[0] == 1);
  // Now an event for it is about an unknown shipment.
  t.send(VehicleLeft{out});
  CHECK(t.core.state().ignored_by_reason.at("left: unknown shipment") == 1);
}
