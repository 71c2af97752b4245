// The closed loop's lock-step (sessions/closed_loop.h) without a broker: a fake twin port
// sequences the simulator's published events with an operator's commands (close E1 and E2
// at m1119, later reopen them; force an inspection; hold a truck at gate-in and release it)
// into its own core and hands its stream back. The loop's core must end equal to the fake
// twin's and to the same commands folded in-process, the twin must count no divergence,
// and the held and the forced trucks must finish their flow; a port
// that hides the foreign events from the loop (the open loop) makes the field diverge.
#include "sessions/closed_loop.h"

#include "tests/support/live_twin.h"
#include "twin/site_plan.h"

#include <catch2/catch.hpp>

#include <deque>

namespace {

twin::OperatorCommand vehicle_command(twin::CommandKind kind, twin::ShipmentId shipment) {
  twin::OperatorCommand c;
  c.actor = "test";
  c.role = twin::Role::Supervisor;
  c.reason = "closed-loop test";
  c.command.kind = kind;
  c.command.shipment = shipment;
  return c;
}

twin::OperatorCommand lane_command(const twin::SiteSpec& site, twin::CommandKind kind, const std::string& lane) {
  twin::OperatorCommand c;
  c.actor = "test";
  c.role = twin::Role::Supervisor;
  c.reason = "closed-loop test";
  c.command.kind = kind;
  c.command.lane = static_cast<uint16_t>(site.lane_index(lane));
  return c;
}

// The twin: folds what it is given in arrival order, with its own seq and a clock that
// never goes back, and streams every applied event. Commands come in after the Nth own event.
struct FakeTwin : sessions::ClosedLoopPort {
  twin::Core core;
  std::deque<twin::Event> stream;
  std::vector<std::pair<uint64_t, twin::OperatorCommand>> commands;  // (after own event N, command)
  uint8_t command_site = 0;
  uint64_t own = 0, seq = 0;
  bool hide_foreign = false;  // the open loop: the field never hears the commands
  bool drop_all = false;      // a twin that does not fold anything
  int drop_first = 0;         // publishes lost before the twin subscribed

  explicit FakeTwin(const std::vector<twin::SiteSpec>& sites) : core(sites) {}
  void fold(uint8_t site, twin::SimTime t, twin::EventBody body, bool foreign) {
    twin::Event e{++seq, std::max(t, core.state().now_ms), site, std::move(body)};
    twin::Decisions d;
    core.apply(e, d);
    if (!(foreign && hide_foreign)) stream.push_back(e);
  }
  // Vehicle commands name a shipment the twin has at a checkpoint before the scanner: planned
  // with shipment 0 (a new one) or ~0u (the one the previous vehicle command named).
  twin::ShipmentId last_picked;
  void pick(twin::OperatorCommand& c) {
    if (c.command.kind != twin::CommandKind::HoldVehicle && c.command.kind != twin::CommandKind::ReleaseVehicle &&
        c.command.kind != twin::CommandKind::ForceInspection)
      return;
    if (c.command.shipment == twin::ShipmentId{~0u}) {
      c.command.shipment = last_picked;
      return;
    }
    for (const twin::Shipment& sh : core.state().sites[command_site].shipments)
      if (!sh.held && !sh.forced_inspection && !sh.scanned &&
          (sh.phase == twin::Phase::QueuedCheckpoint || sh.phase == twin::Phase::AtCheckpoint)) {
        c.command.shipment = last_picked = sh.id;
        return;
      }
  }
  bool publish(const twin::Event& e) override {
    if (drop_all) return true;
    if (drop_first > 0) {
      --drop_first;
      return true;
    }
    for (auto& [after, c] : commands)
      if (after == own) {
        pick(c);  // resolved in place: the reference run folds the same commands
        fold(command_site, 0, c, true);
      }
    ++own;
    fold(e.site, e.time_ms, e.body, false);
    return true;
  }
  sessions::StreamRead next(std::chrono::milliseconds) override {
    if (stream.empty()) return sessions::StreamTimeout{};
    twin::Event e = stream.front();
    stream.pop_front();
    return e;
  }
};

twin::SimOptions options(const std::vector<twin::SiteSpec>& sites) {
  twin::SimOptions o;
  o.seed = 11;
  for (const auto& s : sites) o.vehicles_per_day.push_back(*twin::load_per_day(s, "2030"));
  return o;
}

// The same run in-process: each command folded right after the simulator gave the event it
// precedes (as the fake twin folds it), its decisions observed by the simulator, every
// event with the twin's seq and clock. The closed loop must end exactly here.
std::string reference_hash(const std::vector<twin::SiteSpec>& sites, const FakeTwin& plan, twin::SimTime end) {
  twin::Core core(sites);
  twin::Simulator sim(core.sites(), options(sites));
  uint64_t own = 0, seq = 0;
  twin::Decisions d;
  auto fold = [&](uint8_t site, twin::SimTime t, twin::EventBody body) {
    twin::Event e{++seq, std::max(t, core.state().now_ms), site, std::move(body)};
    d.clear();
    core.apply(e, d);
    sim.observe(d);
  };
  while (sim.next_time() <= end) {
    twin::Event e = sim.next();
    for (auto& [after, c] : plan.commands)
      if (after == own) fold(plan.command_site, 0, c);
    ++own;
    fold(e.site, e.time_ms, e.body);
  }
  return std::to_string(core.state_hash());
}

int64_t divergences(const twin::Core& c) {
  int64_t n = 0;
  for (const auto& s : c.state().sites) n += s.counters.divergences;
  return n;
}

}  // namespace

TEST_CASE("closed loop: the simulator folds the twin's stream and obeys its commands", "[closed-loop]") {
  const auto sites = testsupport::shipped_sites();
  size_t m1119 = 0;
  while (m1119 < sites.size() && sites[m1119].id != "m1119") ++m1119;
  REQUIRE(m1119 < sites.size());
  FakeTwin twin(sites);
  twin.command_site = static_cast<uint8_t>(m1119);
  twin::Core core(sites);
  twin::Simulator sim(core.sites(), options(sites));
  for (const char* lane : {"E1", "E2"}) {
    twin.commands.push_back({200, lane_command(sites[m1119], twin::CommandKind::CloseLane, lane)});
    twin.commands.push_back({1500, lane_command(sites[m1119], twin::CommandKind::OpenLane, lane)});
  }
  twin.commands.push_back({300, vehicle_command(twin::CommandKind::ForceInspection, twin::ShipmentId{0})});
  twin.commands.push_back({400, vehicle_command(twin::CommandKind::HoldVehicle, twin::ShipmentId{0})});
  twin.commands.push_back({900, vehicle_command(twin::CommandKind::ReleaseVehicle, twin::ShipmentId{~0u})});  // the held one
  sessions::ClosedLoopOptions lo;
  lo.idle = std::chrono::milliseconds(0);
  auto shipment = [&](twin::ShipmentId id) -> const twin::Shipment* {
    for (const twin::Shipment& sh : twin.core.state().sites[m1119].shipments)
      if (sh.id == id) return &sh;
    return nullptr;  // retired: done
  };

  SECTION("closed: equal hashes, no divergence") {
    auto r = sessions::run_closed_loop(core, sim, 2 * twin::kHour, twin, lo);
    CHECK(r.end == sessions::ClosedLoopEnd::Done);
    CHECK(r.foreign == 7);
    CHECK(r.own == twin.own);
    CHECK(core.state_hash() == twin.core.state_hash());
    CHECK(std::to_string(core.state_hash()) == reference_hash(sites, twin, 2 * twin::kHour));
    CHECK(divergences(twin.core) == 0);
    int64_t accepted = 0;
    for (const auto& s : twin.core.state().sites) accepted += s.counters.commands_accepted;
    CHECK(accepted == 7);
    // The held truck went on once released, and the forced one was inspected: both done.
    const twin::ShipmentId forced = twin.commands[4].second.command.shipment, held = twin.commands[5].second.command.shipment;
    REQUIRE(held != twin::ShipmentId{0});
    REQUIRE(forced != twin::ShipmentId{0});
    for (twin::ShipmentId id : {held, forced}) {
      const twin::Shipment* sh = shipment(id);
      INFO("shipment " << id << " phase " << (sh ? twin::to_string(sh->phase) : "retired"));
      CHECK((!sh || sh->outcome != twin::Outcome::Open));
    }
    const twin::Shipment* f = shipment(forced);
    if (f) CHECK(f->check_done);
  }
  SECTION("open (the commands hidden from the field): the twin counts divergences") {
    twin.hide_foreign = true;
    auto r = sessions::run_closed_loop(core, sim, 2 * twin::kHour, twin, lo);
    CHECK(r.end == sessions::ClosedLoopEnd::Done);
    CHECK(r.foreign == 0);
    CHECK(core.state_hash() != twin.core.state_hash());
    CHECK(divergences(twin.core) > 0);
  }
  SECTION("an event the twin never saw (not yet subscribed) is published again") {
    twin.drop_first = 1;
    lo.resend_after = std::chrono::milliseconds(0);
    auto r = sessions::run_closed_loop(core, sim, 2 * twin::kHour, twin, lo);
    CHECK(r.end == sessions::ClosedLoopEnd::Done);
    CHECK(r.resent == 1);
    CHECK(core.state_hash() == twin.core.state_hash());
  }
  SECTION("a twin that folds nothing: no echo, a clear end") {
    twin.drop_all = true;
    lo.echo_timeout = std::chrono::milliseconds(50);
    auto r = sessions::run_closed_loop(core, sim, 2 * twin::kHour, twin, lo);
    CHECK(r.end == sessions::ClosedLoopEnd::NoEcho);
    CHECK_THAT(r.message, Catch::Contains("did not fold the simulator's event 1"));
  }
}

TEST_CASE("closed loop: an echo is the same site and body, whatever the twin's seq and time", "[closed-loop]") {
  twin::Event a{3, 1000, 1, twin::HandoverCompleted{twin::ShipmentId{42}}};
  twin::Event b{97, 5000, 1, twin::HandoverCompleted{twin::ShipmentId{42}}};
  CHECK(sessions::is_echo(b, a));
  b.site = 0;
  CHECK_FALSE(sessions::is_echo(b, a));
  b.site = 1;
  b.body = twin::HandoverCompleted{twin::ShipmentId{43}};
  CHECK_FALSE(sessions::is_echo(b, a));
}
