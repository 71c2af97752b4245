// Tests the scheduler invariants after every event of a simulated 2030 day at both sites:
// no truck on a closed lane or against its direction, never two guide vehicles on one
// lane segment, never more containers in a yard than slots, every vehicle that entered
// has left or is accounted for. The same under a harsh day of incidents (lanes closed and
// reversed, a scanner and a guide vehicle failing, the partner link dropping).
#include "core_driver.h"
#include "twin/run.h"

#include <catch2/catch.hpp>

using namespace twin;

namespace {

std::vector<std::string> run_checked(Simulator& sim, Core& core, SimTime end, uint64_t min_events) {
  std::vector<std::string> bad;
  uint64_t checked = 0;
  run_until(core, sim, end, [&](const Event& e, const Decisions&) {
    if (!bad.empty()) return;
    bad = core.check_invariants();
    ++checked;
    for (auto& b : bad) b = "after event " + std::to_string(e.seq) + " at " + std::to_string(e.time_ms) + " ms: " + b;
  });
  CHECK(checked > min_events);
  return bad;
}

OperatorCommand cmd(CommandKind k, Role role = Role::Supervisor) {
  OperatorCommand c;
  c.actor = "test.supervisor";
  c.role = role;
  c.reason = "incident drill";
  c.command.kind = k;
  return c;
}

}  // namespace

TEST_CASE("scheduler invariants hold after every event of a 2030 day at both sites") {
  Core core({testing::shipped_site("m1088"), testing::shipped_site("m1119")});
  SimOptions opt;
  opt.seed = 7;
  for (const auto& s : core.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
  Simulator sim(core.sites(), opt);
  auto bad = run_checked(sim, core, kDay, 60000);
  for (const auto& b : bad) UNSCOPED_INFO(b);
  CHECK(bad.empty());
  for (const auto& s : core.state().sites) {
    CHECK(s.counters.cleared[0] + s.counters.cleared[1] > 2000);
    CHECK(s.counters.arrived[0] + s.counters.arrived[1] >= s.counters.cleared[0] + s.counters.cleared[1]);
  }
}

TEST_CASE("scheduler invariants hold through a day of incidents and interventions") {
  Core core({testing::shipped_site("m1119")});
  const SiteSpec& spec = core.sites()[0];
  SimOptions opt;
  opt.seed = 11;
  opt.vehicles_per_day = {spec.arrivals.per_day_2030};
  Simulator sim(core.sites(), opt);
  auto lane_cmd = [&](CommandKind k, const char* lane) {
    auto c = cmd(k);
    c.command.lane = static_cast<uint16_t>(spec.lane_index(lane));
    return c;
  };
  const uint16_t scanner = static_cast<uint16_t>(spec.checkpoint_index(CheckpointKind::Scanner));
  sim.inject(6 * kHour, 0, lane_cmd(CommandKind::CloseLane, "E1"));
  sim.inject(7 * kHour, 0, EquipmentStatus{{EquipmentRef::Kind::CheckpointServer, scanner, 1}, false});
  sim.inject(8 * kHour, 0, lane_cmd(CommandKind::ReserveLaneForUnmanned, "E2"));
  sim.inject(9 * kHour, 0, EquipmentStatus{{EquipmentRef::Kind::GuideVehicle, 2, 0}, false});
  sim.inject(10 * kHour, 0, PartnerLinkStatus{false});
  sim.inject(10 * kHour + 30 * kMinute, 0, PartnerLinkStatus{true});
  sim.inject(11 * kHour, 0, EquipmentStatus{{EquipmentRef::Kind::GuideVehicle, 2, 0}, true});
  sim.inject(12 * kHour, 0, lane_cmd(CommandKind::UnreserveLane, "E2"));
  sim.inject(13 * kHour, 0, lane_cmd(CommandKind::CloseLane, "I1"));
  sim.inject(14 * kHour, 0, lane_cmd(CommandKind::ReverseLane, "I1"));
  sim.inject(15 * kHour, 0, lane_cmd(CommandKind::OpenLane, "I1"));  // now an export lane
  sim.inject(16 * kHour, 0, EquipmentStatus{{EquipmentRef::Kind::CheckpointServer, scanner, 1}, true});
  sim.inject(17 * kHour, 0, lane_cmd(CommandKind::OpenLane, "E1"));
  auto bad = run_checked(sim, core, kDay, 30000);
  for (const auto& b : bad) UNSCOPED_INFO(b);
  CHECK(bad.empty());
  CHECK(core.state().commands.size() == 7);
  CHECK(core.state().sites[0].counters.alerts >= 3);
}
