// The field's word on where vehicles are, in the core (twin/field_tracking.cpp): a report
// moves a truck's or guide vehicle's track; a truck away from its expected place for
// kOffPlanAfterMs raises one plan/reality alert; an undeclared vehicle appears with an
// alert and is taken over by its shipment when declared; field events that contradict the
// core are counted and alerted (1st, 10th...), never silently ignored; and the fold stays
// deterministic. Uses the shipped m1119 site (lanes E1.. along y = 2, 6, 10 from x 380 to 760).
#include "core_driver.h"

#include "twin/expected_place.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace twin;
using testing::CoreDriver;
using testing::ShipmentNo;

namespace {

PositionReport truck_at(ShipmentNo id, glm::vec2 p) { return PositionReport{EntityKind::Truck, id.id.value, p, 0}; }
PositionReport plate_at(const std::string& plate, glm::vec2 p, const std::string& container = {}) {
  PositionReport r{EntityKind::Truck, 0, p, 0};
  r.has_id = false;
  r.plate = plate;
  r.container = container;
  return r;
}

int alerts_containing(const Decisions& ds, const std::string& text) {
  return static_cast<int>(std::count_if(ds.begin(), ds.end(), [&](const Decision& d) {
    return d.kind == DecisionKind::Alert && d.text.find(text) != std::string::npos;
  }));
}

// An export truck through gate-in and scanner (green) onto a lane.
void onto_lane(CoreDriver& d, ShipmentNo id) {
  d.declare_and_arrive(id, Direction::Export, "electronics");
  d.complete(id, CheckpointKind::GateIn);
  d.complete(id, CheckpointKind::Scanner, Channel::Green);
  REQUIRE(d.ship(id).phase == Phase::OnLane);
}

}  // namespace

TEST_CASE("a truck reported on its lane moves its track and raises nothing") {
  CoreDriver d({testing::shipped_site("m1119")});
  onto_lane(d, 1);
  const LaneSpec& lane = d.core.sites()[0].lanes[d.ship(1).lane];
  const glm::vec2 on = lane.polyline.front() + glm::vec2(50, 3);  // 3 m beside the centre line
  for (int i = 0; i < 30; ++i) d.send(truck_at(1, on + glm::vec2(static_cast<float>(i), 0)), 1000);
  const FieldTrack& t = d.ship(1).field;
  CHECK(t.reported());
  CHECK(t.position.x == Approx(on.x + 29));
  CHECK(t.previous.x == Approx(on.x + 28));
  CHECK(t.at_ms - t.previous_ms == 1000);
  CHECK(t.off_plan_m == 0);
  CHECK(alerts_containing(d.all, "from where the process has it") == 0);
  CHECK(d.site().counters.off_plan_alerts == 0);
}

TEST_CASE("a truck that leaves its lane raises one plan/reality alert after the stated time") {
  CoreDriver d({testing::shipped_site("m1119")});
  onto_lane(d, 1);
  const LaneSpec& lane = d.core.sites()[0].lanes[d.ship(1).lane];
  const glm::vec2 off = lane.polyline.front() + glm::vec2(100, 40);  // 40 m off the lane
  d.send(truck_at(1, off), 1000);
  CHECK(d.ship(1).field.off_plan_m == Approx(40).margin(1));
  // Off for less than kOffPlanAfterMs: nothing yet.
  for (int i = 1; i < 10; ++i) d.send(truck_at(1, off), 1000);
  CHECK(alerts_containing(d.all, "from where the process has it") == 0);
  d.send(truck_at(1, off), 1000);  // 10 s off
  REQUIRE(alerts_containing(d.last, "from where the process has it") == 1);
  CHECK(alerts_containing(d.last, "crossing lane " + lane.id) == 1);
  CHECK(d.ship(1).field.off_plan_alerted);
  // Once per episode; back on the lane ends it, leaving again starts a new one.
  for (int i = 0; i < 20; ++i) d.send(truck_at(1, off), 1000);
  CHECK(alerts_containing(d.all, "from where the process has it") == 1);
  d.send(truck_at(1, lane.polyline.front() + glm::vec2(120, 0)), 1000);
  CHECK(d.ship(1).field.off_plan_m == 0);
  CHECK_FALSE(d.ship(1).field.off_plan_alerted);
  for (int i = 0; i < 11; ++i) d.send(truck_at(1, off), 1000);
  CHECK(alerts_containing(d.all, "from where the process has it") == 2);
  CHECK(d.site().counters.off_plan_alerts == 2);
}

TEST_CASE("expected places: a lane is a corridor, a queue a disc, done trucks have none") {
  CoreDriver d({testing::shipped_site("m1119")});
  onto_lane(d, 1);
  const SiteSpec& spec = d.core.sites()[0];
  const ExpectedPlace on_lane = expected_place(spec, d.site(), d.ship(1));
  REQUIRE(on_lane.kind == ExpectedPlace::Kind::Lane);
  const glm::vec2 a = spec.lanes[on_lane.index].polyline.front();
  CHECK(distance_to(spec, on_lane, a + glm::vec2(10, 0)) == Approx(0).margin(1e-3));
  CHECK(distance_to(spec, on_lane, a + glm::vec2(10, 7)) == Approx(7).margin(1e-3));
  CHECK(place_name(spec, a + glm::vec2(10, 0)).rfind("lane ", 0) == 0);
  d.send(HandoverCompleted{ShipmentId{1}});
  d.send(PartnerReceiptConfirmed{ShipmentId{1}});
  CHECK_FALSE(expected_place(spec, d.site(), d.ship(1)).known());
}

TEST_CASE("an undeclared vehicle appears with an alert and is taken over when it is declared") {
  CoreDriver d({testing::shipped_site("m1119")});
  const glm::vec2 on_e2 = d.core.sites()[0].lanes[static_cast<size_t>(d.lane("E2"))].polyline.front() + glm::vec2(30, 0);
  d.send(plate_at("29H-99999", on_e2));
  REQUIRE(d.site().undeclared.size() == 1);
  CHECK(d.site().undeclared[0].name == "29H-99999");
  CHECK(alerts_containing(d.last, "undeclared vehicle 29H-99999 on lane E2") == 1);
  // Further reports move it, without another alert.
  d.send(plate_at("29H-99999", on_e2 + glm::vec2(5, 0)));
  CHECK(d.site().undeclared.size() == 1);
  CHECK(d.site().undeclared[0].track.position.x == Approx(on_e2.x + 5));
  CHECK(alerts_containing(d.all, "undeclared vehicle") == 1);
  CHECK(d.site().counters.undeclared_sighted == 1);
  // Declared and read at the gate under that plate: the shipment takes the track over.
  d.send(DeclarationFiled{ShipmentId{7}, Direction::Export, 0, false, true, "29H-99999", testing::container_of(7)});
  CHECK(d.site().undeclared.empty());
  CHECK(d.ship(7).field.reported());
  CHECK(d.ship(7).field.position.x == Approx(on_e2.x + 5));
  // Now named by plate or container, it moves the shipment's track.
  d.send(plate_at("", on_e2 + glm::vec2(9, 0), testing::container_of(7)));
  CHECK(d.ship(7).field.position.x == Approx(on_e2.x + 9));
  CHECK(d.site().undeclared.empty());
}

TEST_CASE("undeclared vehicles are forgotten when their reports stop") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.send(plate_at("29H-11111", {400, 0}));
  REQUIRE(d.site().undeclared.size() == 1);
  d.send(ClockTick{}, kUndeclaredForgetMs - 1000);
  CHECK(d.site().undeclared.size() == 1);
  d.send(ClockTick{}, 2000);
  CHECK(d.site().undeclared.empty());
}

TEST_CASE("a plate and a container that name two different trucks are a counted divergence") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.declare_and_arrive(1, Direction::Export, "electronics");
  d.declare_and_arrive(2, Direction::Export, "electronics");
  d.send(plate_at("P1", {400, 0}, testing::container_of(2)));
  CHECK(d.site().counters.divergences == 1);
  CHECK(alerts_containing(d.last, "field and twin disagree") == 1);
  CHECK_FALSE(d.ship(1).field.reported());
  CHECK_FALSE(d.ship(2).field.reported());
}

TEST_CASE("field events that contradict the core are counted by reason and alerted, 1st, 10th, 100th") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.declare_and_arrive(1, Direction::Export, "electronics");  // at gate-in, not on a lane
  d.send(HandoverCompleted{ShipmentId{1}});
  CHECK(alerts_containing(d.last, "field and twin disagree: shipment 1 crossed a lane; the twin has it served at gate-in") == 1);
  for (int i = 2; i <= 100; ++i) d.send(HandoverCompleted{ShipmentId{1}});
  CHECK(d.site().divergence_by_reason.at("handover: shipment not on a lane") == 100);
  CHECK(d.site().counters.divergences == 100);
  CHECK(alerts_containing(d.all, "field and twin disagree") == 3);
  CHECK(alerts_containing(d.all, "(100 times so far)") == 1);
  CHECK(d.core.state().ignored_by_reason.at("handover: shipment not on a lane") == 100);
  // The step of a truck the core has elsewhere: what the field did and what the core expected.
  d.send(StepCompleted{ShipmentId{1}, CheckpointKind::Quarantine, Channel::None, true});
  CHECK(alerts_containing(d.last, "quarantine finished shipment 1; the twin has it served at gate-in") == 1);
}

TEST_CASE("guide vehicle reports move its track; the same events fold to the same hash") {
  auto run = [] {
    CoreDriver d({testing::shipped_site("m1119")});
    onto_lane(d, 1);
    d.send(PositionReport{EntityKind::GuideVehicle, 0, {12.5f, -3.25f}, 1.0f});
    d.send(truck_at(1, {500, 60}));
    d.send(plate_at("29H-22222", {420, 30}));
    d.send(HandoverCompleted{ShipmentId{2}});
    for (int i = 0; i < 12; ++i) d.send(truck_at(1, {500, 60}));
    REQUIRE(d.site().fleet[0].field.reported());
    CHECK(d.site().fleet[0].field.position.y == Approx(-3.25f));
    return d.core.state_hash();
  };
  const uint64_t a = run();
  CHECK(a == run());
}
