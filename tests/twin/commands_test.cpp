// Tests every operator command of the core, accepted and refused: the state it changes,
// the audit record (actor, role, reason, outcome) and the decision published. Refusals
// must carry a reason a person can act on. Uses the shipped m1119 site file, whose lanes
// are E1-E3 manned export, E4 unmanned export, I1-I3 manned import, I4 unmanned import.
#include "core_driver.h"

#include "twin/lane_rules.h"

#include <catch2/catch.hpp>

using namespace twin;
using testing::CoreDriver;
using testing::ShipmentNo;

namespace {

const CommandRecord& last_record(const CoreDriver& d) {
  REQUIRE(!d.core.state().commands.empty());
  return d.core.state().commands.back();
}

void expect_refused(CoreDriver& d, const OperatorCommand& c, const std::string& why_contains) {
  d.send(c);
  const CommandRecord& r = last_record(d);
  CHECK_FALSE(r.accepted);
  CHECK_THAT(r.outcome, Catch::Contains(why_contains));
  CHECK(d.decided(DecisionKind::CommandRefused));
  CHECK(r.actor == c.actor);
  CHECK(r.reason == c.reason);
}

void expect_accepted(CoreDriver& d, const OperatorCommand& c) {
  d.send(c);
  const CommandRecord& r = last_record(d);
  INFO(r.outcome);
  CHECK(r.accepted);
  CHECK(d.decided(DecisionKind::CommandAccepted));
}

OperatorCommand lane_cmd(CoreDriver& d, CommandKind k, const std::string& lane, Role role = Role::Operator) {
  auto c = d.command(k, role, "test: " + lane);
  c.command.lane = static_cast<uint16_t>(d.lane(lane));
  return c;
}

OperatorCommand ship_cmd(CoreDriver& d, CommandKind k, ShipmentNo id, Role role = Role::Operator) {
  auto c = d.command(k, role);
  c.command.shipment = id;
  return c;
}

// Takes an export shipment through gate-in and scan (green), so it wants a manned lane
// (it may not ride a guide vehicle).
void to_lane(CoreDriver& d, ShipmentNo id) {
  d.declare_and_arrive(id, Direction::Export, "electronics", false, false);
  d.complete(id, CheckpointKind::GateIn);
  d.complete(id, CheckpointKind::Scanner, Channel::Green);
}

}  // namespace

TEST_CASE("who may command: viewers never, and every command needs a reason") {
  CoreDriver d({testing::shipped_site("m1119")});
  expect_refused(d, lane_cmd(d, CommandKind::CloseLane, "E1", Role::Viewer), "viewer role may not");
  CHECK(d.site().lanes[d.lane("E1")].open);
  auto c = lane_cmd(d, CommandKind::CloseLane, "E1");
  c.reason.clear();
  expect_refused(d, c, "reason is required");
  CHECK(d.site().counters.commands_refused == 2);
  CHECK(d.core.state().commands.size() == 2);
}

TEST_CASE("close and open lanes; the last lane of a direction needs a supervisor") {
  CoreDriver d({testing::shipped_site("m1119")});
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E1"));
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E2"));
  CHECK_FALSE(d.site().lanes[d.lane("E1")].open);
  expect_refused(d, lane_cmd(d, CommandKind::CloseLane, "E1"), "already closed");
  expect_refused(d, lane_cmd(d, CommandKind::CloseLane, "E3"), "last open lane for export trucks");
  CHECK(d.site().lanes[d.lane("E3")].open);
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E3", Role::Supervisor));

  // With no export lane open, a cleared truck waits for one; opening a lane takes it on.
  to_lane(d, 1);
  CHECK(d.ship(1).phase == Phase::QueuedLane);
  CHECK(d.ship(1).lane == kNone16);
  expect_accepted(d, lane_cmd(d, CommandKind::OpenLane, "E2"));
  CHECK(d.ship(1).phase == Phase::OnLane);
  CHECK(d.ship(1).lane == d.lane("E2"));
  expect_refused(d, lane_cmd(d, CommandKind::OpenLane, "E2"), "already open");
  CHECK(d.core.check_invariants().empty());
}

TEST_CASE("the last open lane of a direction, manned or unmanned, needs a supervisor (issue 15)") {
  CoreDriver d({testing::shipped_site("m1119")});
  // With the three manned export lanes closed, the unmanned E4 is export's last open lane.
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E1"));
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E2"));
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E3", Role::Supervisor));
  CHECK(last_lane_rule(d.core.sites()[0], d.site(), lane_cmd(d, CommandKind::CloseLane, "E4").command) != "");
  expect_refused(d, lane_cmd(d, CommandKind::CloseLane, "E4"), "last open lane for export (manned or unmanned)");
  expect_refused(d, lane_cmd(d, CommandKind::ReverseLane, "E4"), "only a supervisor");
  CHECK(d.site().lanes[d.lane("E4")].open);
  // Another export lane open again: E4 is not the last, an operator may close it.
  expect_accepted(d, lane_cmd(d, CommandKind::OpenLane, "E2"));
  CHECK(last_lane_rule(d.core.sites()[0], d.site(), lane_cmd(d, CommandKind::CloseLane, "E4").command).empty());
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E4"));
  // Now E2 is the last export lane of either kind: refused for an operator, a supervisor may.
  expect_refused(d, lane_cmd(d, CommandKind::CloseLane, "E2"), "last open lane for export trucks");
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E2", Role::Supervisor));
  // Import untouched: an operator closes I4 while I1-I3 are open.
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "I4"));
  CHECK(d.core.check_invariants().empty());
}

TEST_CASE("closing a lane re-plans the trucks queued on it in the same step") {
  CoreDriver d({testing::shipped_site("m1119")});
  // Only E1 and E2 open; hold their traffic so a queue forms on both.
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E3"));
  for (uint32_t id = 1; id <= 6; ++id) to_lane(d, id);
  const auto& e1 = d.site().lanes[d.lane("E1")];
  REQUIRE(e1.queue.size() == 2);
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E1"));
  CHECK(d.site().lanes[d.lane("E1")].queue.empty());
  CHECK(d.site().lanes[d.lane("E2")].queue.size() == 4);
  CHECK(d.site().lanes[d.lane("E1")].on_lane != kNone);  // the truck already crossing finishes
  CHECK(d.core.check_invariants().empty());
}

TEST_CASE("reverse a lane: refused with vehicles on it, then serves the other direction") {
  CoreDriver d({testing::shipped_site("m1119")});
  to_lane(d, 1);
  const std::string lane_id = d.core.sites()[0].lanes[d.ship(1).lane].id;
  expect_refused(d, lane_cmd(d, CommandKind::ReverseLane, lane_id), "vehicles are on the lane");
  d.send(HandoverCompleted{ShipmentId{1}});
  expect_accepted(d, lane_cmd(d, CommandKind::ReverseLane, lane_id));
  CHECK(d.site().lanes[d.lane(lane_id)].direction == Direction::Import);
  // Close the designed import lanes: the next import truck takes the reversed lane.
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "I1"));
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "I2"));
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "I3"));
  d.declare_and_arrive(2, Direction::Import, "electronics", false, false);
  CHECK(d.ship(2).phase == Phase::OnLane);
  CHECK(d.ship(2).lane == d.lane(lane_id));
  CHECK(d.core.check_invariants().empty());
}

TEST_CASE("reserve a manned lane for unmanned vehicles, and return it") {
  CoreDriver d({testing::shipped_site("m1119")});
  expect_refused(d, lane_cmd(d, CommandKind::ReserveLaneForUnmanned, "E4"), "already an unmanned lane");
  expect_accepted(d, lane_cmd(d, CommandKind::ReserveLaneForUnmanned, "E3"));
  CHECK(d.site().lanes[d.lane("E3")].reserved_unmanned);
  expect_refused(d, lane_cmd(d, CommandKind::ReserveLaneForUnmanned, "E3"), "already reserved");
  // No truck is ever given a reserved lane: all five wait for or cross the two manned
  // export lanes left, E1 and E2 (two crossing, three queued), none E3.
  for (uint32_t id = 1; id <= 5; ++id) to_lane(d, id);
  int on_lane = 0;
  for (uint32_t id = 1; id <= 5; ++id) {
    INFO("shipment " << id << " phase " << to_string(d.ship(id).phase) << " lane " << d.ship(id).lane);
    REQUIRE((d.ship(id).phase == Phase::OnLane || d.ship(id).phase == Phase::QueuedLane));
    CHECK((d.ship(id).lane == d.lane("E1") || d.ship(id).lane == d.lane("E2")));
    on_lane += d.ship(id).phase == Phase::OnLane ? 1 : 0;
  }
  CHECK(on_lane == 2);
  expect_accepted(d, lane_cmd(d, CommandKind::UnreserveLane, "E3"));
  expect_refused(d, lane_cmd(d, CommandKind::UnreserveLane, "E3"), "not reserved");
  CHECK(d.core.check_invariants().empty());
}

TEST_CASE("hold and release a vehicle") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.send(DeclarationFiled{ShipmentId{7}, Direction::Export, 1, false, true, "P7", "C7"});
  d.send(PartnerDeclarationReceived{ShipmentId{7}, 1, "P7", "C7"});
  expect_accepted(d, ship_cmd(d, CommandKind::HoldVehicle, 7));
  CHECK(d.ship(7).held);
  expect_refused(d, ship_cmd(d, CommandKind::HoldVehicle, 7), "already held");
  d.send(VehicleArrived{Direction::Export, "P7", "C7"});
  CHECK(d.ship(7).phase == Phase::QueuedCheckpoint);  // waits although gate-in is free
  CHECK_FALSE(d.decided(DecisionKind::ServiceStarted, 7));
  expect_accepted(d, ship_cmd(d, CommandKind::ReleaseVehicle, 7));
  CHECK(d.ship(7).phase == Phase::AtCheckpoint);  // re-planned in the same step
  CHECK(d.decided(DecisionKind::ServiceStarted, 7));
  expect_refused(d, ship_cmd(d, CommandKind::ReleaseVehicle, 7), "not held");
  expect_refused(d, ship_cmd(d, CommandKind::HoldVehicle, 12345), "no vehicle with shipment 12345");
}

TEST_CASE("force an inspection") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.declare_and_arrive(8, Direction::Export, "electronics");
  expect_accepted(d, ship_cmd(d, CommandKind::ForceInspection, 8));
  expect_refused(d, ship_cmd(d, CommandKind::ForceInspection, 8), "already set for inspection");
  d.complete(8, CheckpointKind::GateIn);
  d.complete(8, CheckpointKind::Scanner, Channel::Green);  // customs said green; the operator overrides
  CHECK(d.ship(8).channel == Channel::Red);
  CHECK(d.ship(8).checkpoint == d.checkpoint(CheckpointKind::Inspection));

  SECTION("a shipment waiting for a lane is pulled out to inspection at once") {
    expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E1"));
    expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E2"));
    expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E3", Role::Supervisor));
    to_lane(d, 9);
    REQUIRE(d.ship(9).phase == Phase::QueuedLane);
    expect_accepted(d, ship_cmd(d, CommandKind::ForceInspection, 9));
    CHECK(d.ship(9).phase == Phase::AtCheckpoint);
    CHECK(d.ship(9).checkpoint == d.checkpoint(CheckpointKind::Inspection));
    CHECK(d.site().lane_waiting[0].empty());
  }
  SECTION("too late once handed over") {
    to_lane(d, 10);
    d.send(HandoverCompleted{ShipmentId{10}});
    expect_refused(d, ship_cmd(d, CommandKind::ForceInspection, 10), "already been handed over");
  }
}

TEST_CASE("mark equipment failed and restored: work goes around a failed scanner") {
  CoreDriver d({testing::shipped_site("m1119")});
  const uint16_t scanner = static_cast<uint16_t>(d.checkpoint(CheckpointKind::Scanner));
  const int portals = d.core.sites()[0].checkpoints[scanner].servers;
  for (uint16_t p = 0; p < portals; ++p) {
    auto c = d.command(CommandKind::MarkEquipmentFailed);
    c.command.equipment = {EquipmentRef::Kind::CheckpointServer, scanner, p};
    expect_accepted(d, c);
    CHECK(d.decided(DecisionKind::Alert));
  }
  auto again = d.command(CommandKind::MarkEquipmentFailed);
  again.command.equipment = {EquipmentRef::Kind::CheckpointServer, scanner, 0};
  expect_refused(d, again, "already marked failed");
  auto nowhere = d.command(CommandKind::MarkEquipmentFailed);
  nowhere.command.equipment = {EquipmentRef::Kind::CheckpointServer, scanner, 99};
  expect_refused(d, nowhere, "no such equipment");

  d.declare_and_arrive(1, Direction::Export, "electronics");
  d.complete(1, CheckpointKind::GateIn);
  CHECK(d.ship(1).phase == Phase::QueuedCheckpoint);  // every portal down: it waits
  auto restore = d.command(CommandKind::MarkEquipmentRestored);
  restore.command.equipment = {EquipmentRef::Kind::CheckpointServer, scanner, 2};
  expect_accepted(d, restore);
  CHECK(d.ship(1).phase == Phase::AtCheckpoint);
  CHECK(d.ship(1).server == 2);

  SECTION("a failed lane barrier takes the lane out of the plan") {
    auto c = d.command(CommandKind::MarkEquipmentFailed);
    c.command.equipment = {EquipmentRef::Kind::LaneBarrier, static_cast<uint16_t>(d.lane("E1")), 0};
    expect_accepted(d, c);
    d.complete(1, CheckpointKind::Scanner, Channel::Green);
    CHECK(d.ship(1).lane != d.lane("E1"));
  }
  SECTION("a failed guide vehicle stops and keeps its block section until restored") {
    auto c = d.command(CommandKind::MarkEquipmentFailed);
    c.command.equipment = {EquipmentRef::Kind::GuideVehicle, 0, 0};
    expect_accepted(d, c);
    CHECK(d.site().fleet[0].failed);
    auto r = d.command(CommandKind::MarkEquipmentRestored);
    r.command.equipment = {EquipmentRef::Kind::GuideVehicle, 0, 0};
    expect_accepted(d, r);
    CHECK_FALSE(d.site().fleet[0].failed);
  }
}

TEST_CASE("give a goods class priority") {
  CoreDriver d({testing::shipped_site("m1119")});
  const uint16_t gate = static_cast<uint16_t>(d.checkpoint(CheckpointKind::GateIn));
  const int booths = d.core.sites()[0].checkpoints[gate].servers;
  for (uint16_t b = 0; b < booths; ++b) d.send(EquipmentStatus{{EquipmentRef::Kind::CheckpointServer, gate, b}, false});
  d.declare_and_arrive(1, Direction::Export, "electronics");
  d.declare_and_arrive(2, Direction::Export, "fruit");
  auto c = d.command(CommandKind::PrioritiseGoods);
  c.command.goods = static_cast<uint16_t>(d.core.sites()[0].goods_index("fruit"));
  expect_accepted(d, c);
  CHECK(d.site().priority_goods == c.command.goods);
  d.send(EquipmentStatus{{EquipmentRef::Kind::CheckpointServer, gate, 0}, true});
  CHECK(d.ship(2).phase == Phase::AtCheckpoint);   // fruit first, though it came second
  CHECK(d.ship(1).phase == Phase::QueuedCheckpoint);
  auto bad = d.command(CommandKind::PrioritiseGoods);
  bad.command.goods = 77;
  expect_refused(d, bad, "no goods class 77");
  expect_accepted(d, d.command(CommandKind::ClearPriority));
  CHECK(d.site().priority_goods == -1);
  expect_refused(d, d.command(CommandKind::ClearPriority), "no goods class has priority");
}
