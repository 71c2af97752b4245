// KPIs (twin/kpi.h) against values worked out by hand. A small scripted day on a cut-down
// m1119 (one gate-in booth, two scanner portals, one manned export lane E1, the unmanned
// E4, one manned import lane I1) folds a handful of trucks whose arrival and service
// times are chosen by the test; every expected number below is worked out in the
// comments from that timetable. These tests must not compute an expected value with the
// code under test (compute_kpis, percentile, the core's counters): a number here is
// either a literal or arithmetic on literals, written next to its derivation.
#include "core_driver.h"
#include "twin/kpi.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace twin;
using testing::ShipmentNo;

namespace {

// The cut-down site: gate-in with 1 server, scanner with 2, lanes E1 (manned export),
// E4 (unmanned export) and I1 (manned import). Everything else as shipped.
SiteSpec small_site() {
  SiteSpec s = testing::shipped_site("m1119");
  for (CheckpointSpec& cp : s.checkpoints) {
    if (cp.kind == CheckpointKind::GateIn) cp.servers = 1;
    if (cp.kind == CheckpointKind::Scanner) cp.servers = 2;
    cp.positions.resize(static_cast<size_t>(cp.servers));
  }
  auto& l = s.lanes;
  l.erase(std::remove_if(l.begin(), l.end(), [](const LaneSpec& x) { return x.id != "E1" && x.id != "E4" && x.id != "I1"; }),
          l.end());
  REQUIRE(l.size() == 3);
  return s;
}

// Plays the field with absolute times in seconds.
struct Day {
  Core core;
  uint64_t seq = 0;
  explicit Day(SimTime retain_ms = kRetainDoneMs) : core({small_site()}, retain_ms) {}
  void at(int64_t t_s, EventBody body) {
    Decisions out;
    core.apply(Event{++seq, t_s * 1000, 0, std::move(body)}, out);
  }
  const Shipment& ship(ShipmentNo id) const {
    const SiteState& s = core.state().sites[0];
    auto it = s.by_id.find(id);
    REQUIRE(it != s.by_id.end());
    return s.shipments[it->second];
  }
  std::string container(ShipmentNo id) const { return testing::container_of(id); }
  std::string plate(ShipmentNo id) const { return "P" + to_string(id.id); }
  void arrive(int64_t t_s, ShipmentNo id) { at(t_s, VehicleArrived{Direction::Export, plate(id), container(id)}); }
  void done(int64_t t_s, ShipmentNo id, CheckpointKind k) {
    REQUIRE(ship(id).phase == Phase::AtCheckpoint);
    at(t_s, StepCompleted{id, k, k == CheckpointKind::Scanner ? Channel::Green : Channel::None, true});
  }
  void handover(int64_t t_s, ShipmentNo id) {
    REQUIRE(ship(id).phase == Phase::OnLane);
    REQUIRE(core.sites()[0].lanes[ship(id).lane].id == "E1");
    at(t_s, HandoverCompleted{id});
  }
};

// The scripted day (times in seconds; all exports of electronics, green channel, not
// eligible for guide vehicles). GI: gate-in (1 server), SC: scanner (2), E1: the lane.
//
//  truck  arrive  GI            SC                 E1 (queued -> on lane -> handover)   receipt
//  T1     60      60-90         90-150             150 -> 300                           330
//  T2     80      (q 80-90)     130-190            q 190-300, 300 -> 380                400
//                 90-130
//  T3     200     200-230       230-290            q 290-380, 380 -> 560                600
//  T4     600     600-620       620-680            680 -> 1200                          1230
//  T5     700     700-730       730-790            q 790-1200, 1200 -> 1360             1400
//  T6     800     800-830: no partner data -> diverted into the holding yard, leaves at 900
//  T7     1000    1000-1030     1030-... still being scanned at the end
//  clock ticks at 85, 850 and 1500; the day ends at 1500 s (elapsed 1500 s).
void play(Day& d) {
  for (uint32_t id = 1; id <= 7; ++id) {
    const uint16_t g = static_cast<uint16_t>(d.core.sites()[0].goods_index("electronics"));
    d.at(0, DeclarationFiled{ShipmentId{id}, Direction::Export, g, false, false, d.plate(id), d.container(id)});
    if (id != 6) d.at(0, PartnerDeclarationReceived{ShipmentId{id}, g, d.plate(id), d.container(id)});
  }
  using K = CheckpointKind;
  d.arrive(60, 1);
  d.arrive(80, 2);
  d.at(85, ClockTick{});
  d.done(90, 1, K::GateIn);
  d.done(130, 2, K::GateIn);
  d.done(150, 1, K::Scanner);
  d.done(190, 2, K::Scanner);
  d.arrive(200, 3);
  d.done(230, 3, K::GateIn);
  d.done(290, 3, K::Scanner);
  d.handover(300, 1);
  d.at(330, PartnerReceiptConfirmed{ShipmentId{1}});
  d.handover(380, 2);
  d.at(400, PartnerReceiptConfirmed{ShipmentId{2}});
  d.handover(560, 3);
  d.at(600, PartnerReceiptConfirmed{ShipmentId{3}});
  d.arrive(600, 4);
  d.done(620, 4, K::GateIn);
  d.done(680, 4, K::Scanner);
  d.arrive(700, 5);
  d.done(730, 5, K::GateIn);
  d.done(790, 5, K::Scanner);
  d.arrive(800, 6);
  d.done(830, 6, K::GateIn);
  REQUIRE(d.ship(6).phase == Phase::Diverted);
  d.at(850, ClockTick{});
  d.at(900, VehicleLeft{ShipmentId{6}});
  d.arrive(1000, 7);
  d.done(1030, 7, K::GateIn);
  d.handover(1200, 4);
  d.at(1230, PartnerReceiptConfirmed{ShipmentId{4}});
  d.handover(1360, 5);
  d.at(1400, PartnerReceiptConfirmed{ShipmentId{5}});
  d.at(1500, ClockTick{});
}

const CheckpointKpi& checkpoint(const SiteKpis& k, const std::string& id) {
  for (const CheckpointKpi& c : k.checkpoints)
    if (c.id == id) return c;
  FAIL("no checkpoint " << id);
  return k.checkpoints.front();
}

}  // namespace

TEST_CASE("kpi: percentile is nearest-rank, worked by hand", "[core][kpi]") {
  // Sorted: 10 20 30 40 (n = 4). Nearest rank r = ceil(p n), clamped to 1..n:
  // p 0.25 -> r 1 -> 10; p 0.50 -> r 2 -> 20; p 0.75 -> r 3 -> 30; p 0.95 -> ceil(3.8) = 4 -> 40;
  // p 0 -> r 0, clamped to 1 -> 10; p 1 -> r 4 -> 40.
  std::vector<double> four = {40, 10, 30, 20};
  CHECK(percentile(four, 0.25) == 10);
  CHECK(percentile(four, 0.50) == 20);
  CHECK(percentile(four, 0.75) == 30);
  CHECK(percentile(four, 0.95) == 40);
  CHECK(percentile(four, 0.0) == 10);
  CHECK(percentile(four, 1.0) == 40);
  // n = 20, values 1..20: p 0.95 -> r 19 -> 19; p 0.5 -> r 10 -> 10; p 0.9 -> r 18 -> 18.
  std::vector<double> twenty;
  for (int i = 20; i >= 1; --i) twenty.push_back(i);
  CHECK(percentile(twenty, 0.95) == 19);
  CHECK(percentile(twenty, 0.50) == 10);
  CHECK(percentile(twenty, 0.90) == 18);
  std::vector<double> none;
  CHECK(percentile(none, 0.5) == 0);
}

TEST_CASE("kpi: a scripted day's counts, dwell percentiles and utilisation equal the hand calculation", "[core][kpi]") {
  Day d;
  play(d);
  REQUIRE(d.core.state().now_ms == 1500 * 1000);
  const SiteKpis k = compute_kpis(d.core, 0, 1500 * 1000);

  // Counts. Arrived: T1..T7 = 7 exports. Cleared (partner receipt): T1..T5 = 5. Diverted:
  // T6 = 1. Refused: none. In flow: T7 (being scanned) = 1; T6 has left.
  CHECK(k.arrived == std::array<int64_t, 2>{7, 0});
  CHECK(k.cleared == std::array<int64_t, 2>{5, 0});
  CHECK(k.diverted == std::array<int64_t, 2>{1, 0});
  CHECK(k.refused == std::array<int64_t, 2>{0, 0});
  CHECK(k.in_flow == 1);
  // 5 cleared in 1500 s, scaled to a day: 5 x 86400 / 1500 = 288. Hours: 1500 / 3600.
  CHECK(k.cleared_per_day == Approx(288.0));
  CHECK(k.hours == Approx(1500.0 / 3600.0));

  // Dwell, arrival to hand-over (the export's lane crossing, not the partner's receipt):
  // T1 300-60 = 240 s = 4 min; T2 380-80 = 300 s = 5 min; T3 560-200 = 360 s = 6 min;
  // T4 1200-600 = 600 s = 10 min; T5 1360-700 = 660 s = 11 min. Sorted 4 5 6 10 11 (n = 5).
  // p50: rank ceil(2.5) = 3 -> 6 min. p95: rank ceil(4.75) = 5 -> 11 min. Imports: none -> 0.
  CHECK(k.dwell_min_p50 == Approx(6.0));
  CHECK(k.dwell_min_p95 == Approx(11.0));
  CHECK(k.dwell_min_p50_dir[0] == Approx(6.0));
  CHECK(k.dwell_min_p95_dir[0] == Approx(11.0));
  CHECK(k.dwell_min_p50_dir[1] == 0);
  CHECK(k.dwell_min_p95_dir[1] == 0);

  // Gate-in, 1 server. Busy: T1 30 + T2 40 + T3 30 + T4 20 + T5 30 + T6 30 + T7 30 = 210 s.
  // Utilisation 210 / (1 x 1500) = 0.14. Served (started) 7. Waited: T2 80-90 = 10 s, the
  // others 0: mean 10 / 7 s. Queue samples at the three ticks: 1 (T2 at 85), 0, 0 ->
  // mean 1/3, max 1; now 0.
  const CheckpointKpi& gi = checkpoint(k, "gate-in");
  CHECK(gi.servers == 1);
  CHECK(gi.utilisation == Approx(210.0 / 1500.0));
  CHECK(gi.served == 7);
  CHECK(gi.wait_s_mean == Approx(10.0 / 7.0));
  CHECK(gi.queue_mean == Approx(1.0 / 3.0));
  CHECK(gi.queue_max == 1);
  CHECK(gi.queue_now == 0);

  // Scanner, 2 servers. Busy: T1..T5 60 s each = 300 s, T7 1030 to the end 1500 = 470 s
  // (still being scanned): 770 s. Utilisation 770 / (2 x 1500) = 0.256667. Served 6
  // (T1-T5, T7), none waited (T2 took the second portal at 130 while T1 was scanned).
  const CheckpointKpi& sc = checkpoint(k, "scanner");
  CHECK(sc.servers == 2);
  CHECK(sc.utilisation == Approx(770.0 / 3000.0));
  CHECK(sc.served == 6);
  CHECK(sc.wait_s_mean == 0);
  CHECK(sc.queue_max == 0);

  // Lanes: manned E1 and I1 (E4 is unmanned and not counted). E1 busy: T1 150-300 = 150,
  // T2 300-380 = 80, T3 380-560 = 180, T4 680-1200 = 520, T5 1200-1360 = 160: 1090 s.
  // Utilisation 1090 / (2 manned x 1500) = 0.363333. Crossings 5; nothing waiting now.
  CHECK(k.lane_utilisation == Approx(1090.0 / 3000.0));
  CHECK(k.lane_crossings == 5);
  CHECK(k.lane_queue_now == 0);

  // Yards: only T6 was ever in one (the holding yard, 830-900); of the three ticks only
  // the one at 850 saw it: holding mean 1/3 vehicle. Slots: holding 450 + transfer 120 +
  // inspection 12 = 582. Utilisation (1/3) / 582; max 1.
  CHECK(k.yard_slots == 582);
  CHECK(k.yard_utilisation == Approx((1.0 / 3.0) / 582.0));
  CHECK(k.yard_occupied_max == 1);

  // No guide vehicle moved: no trips, utilisation 0; nothing crossed unmanned.
  CHECK(k.fleet_trips == 0);
  CHECK(k.fleet_utilisation == 0);
  CHECK(k.unmanned_crossings == 0);
  CHECK(k.commands_accepted == 0);
  CHECK(k.commands_refused == 0);
}

TEST_CASE("kpi: the scripted day's counts and dwell percentiles survive retention, by hand", "[core][kpi][retention]") {
  // Retention of 60 s; the core retires every 60th tick. After the day (3 ticks), 57 more
  // ticks at 1501..1557 s: the 60th at 1557 retires what finished before 1497 s, that is
  // T1..T5 (last change: receipts, at most 1400 s) and T6 (left at 900 s): 6 shipments.
  Day d(60 * 1000);
  play(d);
  for (int i = 1; i <= 57; ++i) d.at(1500 + i, ClockTick{});
  const SiteState& s = d.core.state().sites[0];
  REQUIRE(s.retired.count == 6);
  REQUIRE(s.shipments.size() == 1);  // T7
  const SiteKpis k = compute_kpis(d.core, 0, 1557 * 1000);
  // The same as without retention (see the scripted day): 7 arrived, 5 cleared, 1
  // diverted, T7 in flow; dwell 4 5 6 10 11 min -> p50 6, p95 11.
  CHECK(k.arrived == std::array<int64_t, 2>{7, 0});
  CHECK(k.cleared == std::array<int64_t, 2>{5, 0});
  CHECK(k.diverted == std::array<int64_t, 2>{1, 0});
  CHECK(k.in_flow == 1);
  CHECK(k.dwell_min_p50 == Approx(6.0));
  CHECK(k.dwell_min_p95 == Approx(11.0));
  CHECK(k.dwell_min_p50_dir[0] == Approx(6.0));
  CHECK(k.dwell_min_p95_dir[0] == Approx(11.0));
  // The lane's busy time stays in the lane's state: 1090 s over 2 manned lanes x 1557 s.
  CHECK(k.lane_utilisation == Approx(1090.0 / (2.0 * 1557.0)));
  CHECK(k.lane_crossings == 5);
}
