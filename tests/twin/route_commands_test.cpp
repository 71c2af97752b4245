// Tests the commands of issue 15's third point in the core: reroute_vehicle, the site's
// crossing closed and reopened, orders for later (a command with at_ms, carried out when
// the core's clock reaches it), and a command whose identity the link found forged. Each
// accepted and refused with a reason a person can act on, recorded in
// WorldState::commands. Uses the shipped m1119 site file (E1-E3 manned export, E4
// unmanned export, I1-I3 manned import, I4 unmanned import). Never skips itself.
#include "core_driver.h"

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

OperatorCommand reroute(CoreDriver& d, ShipmentNo id, const std::string& lane, Role role = Role::Operator) {
  auto c = lane_cmd(d, CommandKind::RerouteVehicle, lane, role);
  c.command.shipment = id;
  return c;
}

// An export truck through gate-in and scan (green), wanting a manned lane.
void to_lane(CoreDriver& d, ShipmentNo id) {
  d.declare_and_arrive(id, Direction::Export, "electronics", false, false);
  d.complete(id, CheckpointKind::GateIn);
  d.complete(id, CheckpointKind::Scanner, Channel::Green);
}

bool queued_on(const CoreDriver& d, const std::string& lane, ShipmentNo id) {
  const auto& q = d.site().lanes[d.lane(lane)].queue;
  for (ShipmentIndex i : q)
    if (d.site().shipments[i].id == id.id) return true;
  return false;
}

}  // namespace

TEST_CASE("reroute_vehicle: a waiting truck goes to the named lane; refusals say why") {
  CoreDriver d({testing::shipped_site("m1119")});
  expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "E3"));
  for (uint32_t id = 1; id <= 6; ++id) to_lane(d, id);  // E1 and E2: one crossing, two queued each
  ShipmentNo moved = 0u;
  for (uint32_t id = 1; id <= 6; ++id)
    if (d.ship(id).phase == Phase::QueuedLane && d.ship(id).lane == d.lane("E1")) moved = id;
  REQUIRE(moved.id.value != 0);
  const size_t e2_before = d.site().lanes[d.lane("E2")].queue.size();

  expect_accepted(d, reroute(d, moved, "E2"));
  CHECK(d.decided(DecisionKind::LaneAssigned, moved));
  CHECK(d.ship(moved).lane == d.lane("E2"));
  CHECK(queued_on(d, "E2", moved));
  CHECK_FALSE(queued_on(d, "E1", moved));
  CHECK(d.site().lanes[d.lane("E2")].queue.size() == e2_before + 1);
  CHECK_THAT(last_record(d).outcome, Catch::Contains("re-routed to E2"));
  CHECK(d.core.check_invariants().empty());

  expect_refused(d, reroute(d, moved, "E2"), "already queued on E2");
  expect_refused(d, reroute(d, moved, "E3"), "E3 is closed");
  expect_refused(d, reroute(d, moved, "I1"), "I1 runs import; the truck is export");
  expect_refused(d, reroute(d, moved, "E4"), "E4 is an unmanned lane");
  expect_refused(d, reroute(d, 4242, "E2"), "no vehicle with shipment 4242");
  auto viewer = reroute(d, moved, "E1", Role::Viewer);
  expect_refused(d, viewer, "viewer role may not");
  auto bad_lane = reroute(d, moved, "E1");
  bad_lane.command.lane = 99;
  expect_refused(d, bad_lane, "no lane 99");

  // A truck crossing now, and one still at a checkpoint, cannot be re-routed.
  for (uint32_t id = 1; id <= 6; ++id)
    if (d.ship(id).phase == Phase::OnLane) {
      expect_refused(d, reroute(d, id, "E2"), "already crossing on");
      break;
    }
  d.declare_and_arrive(7, Direction::Export, "electronics", false, false);
  expect_refused(d, reroute(d, 7, "E2"), "only a truck waiting for a lane can be re-routed; shipment 7 is");

  SECTION("a failed barrier and a reserved lane are refused too") {
    auto fail = d.command(CommandKind::MarkEquipmentFailed);
    fail.command.equipment = {EquipmentRef::Kind::LaneBarrier, static_cast<uint16_t>(d.lane("E1")), 0};
    expect_accepted(d, fail);
    const ShipmentNo other = d.ship(moved).lane == d.lane("E2") ? moved : ShipmentNo(1u);
    expect_refused(d, reroute(d, other, "E1"), "the barrier of E1 has failed");
    expect_accepted(d, lane_cmd(d, CommandKind::ReserveLaneForUnmanned, "E3"));  // closed and reserved: reserved says more
    expect_refused(d, reroute(d, other, "E3"), "E3 is reserved for unmanned vehicles");
  }
}

TEST_CASE("close_crossing: nothing starts across, what is under way finishes; reopen starts again") {
  CoreDriver d({testing::shipped_site("m1119")});
  to_lane(d, 1);
  REQUIRE(d.ship(1).phase == Phase::OnLane);
  auto close = d.command(CommandKind::CloseCrossing, Role::Operator, "partner side closed for the holiday");
  expect_refused(d, close, "only a supervisor may do that");
  close.role = Role::Supervisor;
  expect_accepted(d, close);
  CHECK(d.site().crossing_closed);
  CHECK_THAT(last_record(d).outcome, Catch::Contains("closed the crossing of m1119"));
  expect_refused(d, close, "already closed");

  // The truck already crossing finishes; the next ones finish their checks and wait.
  d.send(HandoverCompleted{ShipmentId{1}});
  CHECK(d.ship(1).phase == Phase::AwaitingReceipt);
  to_lane(d, 2);
  to_lane(d, 3);
  CHECK(d.ship(2).phase == Phase::QueuedLane);
  CHECK(d.ship(3).phase == Phase::QueuedLane);
  CHECK_FALSE(d.decided(DecisionKind::HandoverStarted));
  // An unmanned-eligible export goes to the transfer yard, but no guide vehicle leaves.
  d.declare_and_arrive(4, Direction::Export, "electronics", false, true);
  d.complete(4, CheckpointKind::GateIn);
  d.complete(4, CheckpointKind::Scanner, Channel::Green);
  d.run_fleet();
  for (const GuideVehicle& g : d.site().fleet) CHECK(g.segment < 0);
  CHECK(d.core.check_invariants().empty());

  auto reopen = d.command(CommandKind::ReopenCrossing, Role::Operator, "partner open again");
  expect_refused(d, reopen, "only a supervisor may reopen");
  reopen.role = Role::Supervisor;
  expect_accepted(d, reopen);
  CHECK_FALSE(d.site().crossing_closed);
  CHECK(d.decided(DecisionKind::HandoverStarted));  // re-planned in the same step
  CHECK((d.ship(2).phase == Phase::OnLane || d.ship(3).phase == Phase::OnLane));
  expect_refused(d, reopen, "is not closed");
  CHECK(d.core.check_invariants().empty());
}

TEST_CASE("an order for later is kept, then carried out when the core's clock reaches it") {
  CoreDriver d({testing::shipped_site("m1119")});
  auto order = lane_cmd(d, CommandKind::CloseLane, "E2");
  order.at_ms = 3 * kHour;  // "close E2 at 03:00"
  expect_accepted(d, order);
  const uint64_t order_seq = d.seq;
  CHECK_THAT(last_record(d).outcome, Catch::Contains("ordered close_lane for d0 03:00:00"));
  CHECK(last_record(d).at_ms == 3 * kHour);
  CHECK(d.site().lanes[d.lane("E2")].open);
  REQUIRE(d.core.state().scheduled.size() == 1);

  d.send(ClockTick{}, 3 * kHour - d.now - 1);  // one ms early: nothing
  CHECK(d.site().lanes[d.lane("E2")].open);
  d.send(ClockTick{}, 1);                       // the clock reaches it
  CHECK_FALSE(d.site().lanes[d.lane("E2")].open);
  CHECK(d.core.state().scheduled.empty());
  const CommandRecord& done = last_record(d);
  CHECK(done.accepted);
  CHECK(done.ordered_seq == order_seq);
  CHECK(done.seq == d.seq);
  CHECK(done.actor == order.actor);
  CHECK_THAT(done.outcome, Catch::Contains("as ordered for d0 03:00:00: closed E2"));
  bool answered = false;
  for (const Decision& x : d.last)
    if (x.kind == DecisionKind::CommandAccepted) answered = x.value == static_cast<int64_t>(order_seq);
  CHECK(answered);

  SECTION("checked again when due: refused then if the state no longer allows it") {
    auto again = lane_cmd(d, CommandKind::CloseLane, "E2");
    again.at_ms = 4 * kHour;
    expect_accepted(d, again);  // who ordered it may; the lane's state is looked at later
    d.send(ClockTick{}, 4 * kHour - d.now);
    CHECK_FALSE(last_record(d).accepted);
    CHECK_THAT(last_record(d).outcome, Catch::Contains("as ordered for d0 04:00:00: the lane is already closed"));
    CHECK(d.decided(DecisionKind::CommandRefused));
  }
  SECTION("a tidal lane: reversed on the hour, then reopened") {
    expect_accepted(d, lane_cmd(d, CommandKind::CloseLane, "I1"));
    auto rev = lane_cmd(d, CommandKind::ReverseLane, "I1");
    rev.at_ms = 6 * kHour;
    auto open = lane_cmd(d, CommandKind::OpenLane, "I1");
    open.at_ms = 6 * kHour;  // same time: carried out in the order they were given
    expect_accepted(d, rev);
    expect_accepted(d, open);
    d.send(ClockTick{}, 6 * kHour - d.now);
    CHECK(d.site().lanes[d.lane("I1")].open);
    CHECK(d.site().lanes[d.lane("I1")].direction == Direction::Export);
    CHECK(d.core.state().scheduled.empty());
  }
  SECTION("a viewer may not order for later either; a past time is now") {
    auto v = lane_cmd(d, CommandKind::OpenLane, "E2", Role::Viewer);
    v.at_ms = 9 * kHour;
    expect_refused(d, v, "viewer role may not");
    CHECK(d.core.state().scheduled.empty());
    auto past = lane_cmd(d, CommandKind::OpenLane, "E2");
    past.at_ms = 0;
    expect_accepted(d, past);
    CHECK(d.site().lanes[d.lane("E2")].open);
  }
}

TEST_CASE("orders for later are bounded and part of the state hash") {
  CoreDriver a({testing::shipped_site("m1119")});
  CoreDriver b({testing::shipped_site("m1119")});
  const uint64_t empty = a.core.state_hash();
  auto order = lane_cmd(a, CommandKind::CloseLane, "E2");
  order.at_ms = 5 * kHour;
  a.send(order);
  b.send(order);
  CHECK(a.core.state_hash() == b.core.state_hash());
  CHECK(a.core.state_hash() != empty);
  // Another due time is another state.
  CoreDriver c({testing::shipped_site("m1119")});
  order.at_ms = 5 * kHour + 1;
  c.send(order);
  CHECK(c.core.state_hash() != a.core.state_hash());
  for (size_t i = 1; i < kMaxCommandOrders; ++i) c.send(order);
  CHECK(c.core.state().scheduled.size() == kMaxCommandOrders);
  expect_refused(c, order, "no more can be ordered");
}

TEST_CASE("a command the link found forged is refused and recorded with why") {
  CoreDriver d({testing::shipped_site("m1119")});
  auto c = lane_cmd(d, CommandKind::CloseLane, "E1", Role::Operator);
  c.actor = "le.thi.c";
  c.forged_identity = "the command claims role supervisor; account \"le.thi.c\" is operator";
  expect_refused(d, c, "forged identity: the command claims role supervisor");
  CHECK(last_record(d).actor == "le.thi.c");
  CHECK(d.site().lanes[d.lane("E1")].open);
  c.at_ms = 9 * kHour;  // not even kept for later
  expect_refused(d, c, "forged identity");
  CHECK(d.core.state().scheduled.empty());
}
