// Tests every clearance path of DOMAIN.md through the core, event by event: green,
// yellow, red (passed and seized), quarantine (passed and refused), diverted (no
// declaration, no partner data, disagreeing data, link down then data), import by
// manned lane, and export / import by unmanned guide vehicle. Each checks the state the
// path leaves, not only that nothing threw. Uses the shipped m1119 site file.
#include "core_driver.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace twin;
using testing::CoreDriver;
using testing::ShipmentNo;
using P = Phase;

namespace {

SiteSpec only_lanes(SiteSpec s, LaneKind keep_export, LaneKind keep_import) {
  auto& l = s.lanes;
  l.erase(std::remove_if(l.begin(), l.end(),
                         [&](const LaneSpec& x) {
                           return x.kind != (x.direction == Direction::Export ? keep_export : keep_import);
                         }),
          l.end());
  return s;
}

// Moves an export shipment from the lane to cleared; checks the lane was used.
void cross_and_confirm(CoreDriver& d, ShipmentNo id) {
  const Shipment& sh = d.ship(id);
  REQUIRE(sh.phase == P::OnLane);
  const uint16_t lane = sh.lane;
  CHECK(d.site().lanes[lane].on_lane != kNone);
  d.send(HandoverCompleted{id});
  CHECK(d.site().lanes[lane].on_lane == kNone);
  CHECK(d.site().lanes[lane].crossings == 1);
  REQUIRE(d.ship(id).phase == P::AwaitingReceipt);
  CHECK(d.decided(DecisionKind::AwaitingPartner, id));
  d.send(PartnerReceiptConfirmed{id});
  CHECK(d.ship(id).phase == P::Cleared);
  CHECK(d.ship(id).outcome == Outcome::Cleared);
}

}  // namespace

TEST_CASE("export, green channel: gate-in, scan, lane, partner receipt") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.declare_and_arrive(1, Direction::Export, "electronics");
  CHECK(d.ship(1).phase == P::AtCheckpoint);
  CHECK(d.ship(1).checkpoint == d.checkpoint(CheckpointKind::GateIn));
  CHECK(d.decided(DecisionKind::ServiceStarted, 1));
  d.complete(1, CheckpointKind::GateIn);
  CHECK(d.ship(1).gate_in_done);
  CHECK(d.ship(1).checkpoint == d.checkpoint(CheckpointKind::Scanner));
  d.complete(1, CheckpointKind::Scanner, Channel::Green);
  CHECK(d.ship(1).channel == Channel::Green);
  CHECK(d.decided(DecisionKind::LaneAssigned, 1));
  CHECK(d.decided(DecisionKind::HandoverStarted, 1));
  CHECK(d.core.sites()[0].lanes[d.ship(1).lane].direction == Direction::Export);
  cross_and_confirm(d, 1);
  CHECK(d.phases(1) == std::vector<P>{P::Declared, P::QueuedCheckpoint, P::AtCheckpoint, P::QueuedCheckpoint,
                                      P::AtCheckpoint, P::QueuedLane, P::OnLane, P::AwaitingReceipt, P::Cleared});
  CHECK(d.site().counters.cleared[0] == 1);
  CHECK(d.ship(1).handed_over_ms > d.ship(1).arrived_ms);
}

TEST_CASE("export, yellow channel: document check at a booth before the lane") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.declare_and_arrive(2, Direction::Export, "electronics");
  d.complete(2, CheckpointKind::GateIn);
  d.complete(2, CheckpointKind::Scanner, Channel::Yellow);
  REQUIRE(d.ship(2).phase == P::AtCheckpoint);
  CHECK(d.ship(2).checkpoint == d.checkpoint(CheckpointKind::Booth));
  d.complete(2, CheckpointKind::Booth);
  CHECK(d.ship(2).check_done);
  cross_and_confirm(d, 2);
}

TEST_CASE("export, red channel: physical inspection in a bay of the inspection yard") {
  CoreDriver d({testing::shipped_site("m1119")});
  const int bay_yard = d.core.sites()[0].yard_index(YardKind::Inspection);
  d.declare_and_arrive(3, Direction::Export, "electronics");
  d.complete(3, CheckpointKind::GateIn);
  d.complete(3, CheckpointKind::Scanner, Channel::Red);
  REQUIRE(d.ship(3).checkpoint == d.checkpoint(CheckpointKind::Inspection));
  CHECK(d.ship(3).yard == bay_yard);  // holds a bay while inspected
  d.complete(3, CheckpointKind::Inspection, Channel::None, true);
  CHECK(d.ship(3).yard == kNone16);   // bay freed
  cross_and_confirm(d, 3);

  SECTION("goods seized at inspection: refused, leaves the area") {
    d.declare_and_arrive(4, Direction::Export, "electronics");
    d.complete(4, CheckpointKind::GateIn);
    d.complete(4, CheckpointKind::Scanner, Channel::Red);
    d.complete(4, CheckpointKind::Inspection, Channel::None, false);
    CHECK(d.ship(4).phase == P::Diverted);
    CHECK(d.ship(4).outcome == Outcome::Refused);
    CHECK(d.site().counters.refused[0] == 1);
    d.send(VehicleLeft{ShipmentId{4}});
    CHECK(d.ship(4).phase == P::Left);
  }
}

// Issue 16: a reefer at the head of the inspection queue, waiting for one of the
// powered bays, must not stop the trucks behind it while teams and unpowered bays are free.
TEST_CASE("inspection: a reefer waiting for a powered bay does not block the queue") {
  CoreDriver d({testing::shipped_site("m1119")});
  const SiteSpec& spec = d.core.sites()[0];
  const int bay_yard = spec.yard_index(YardKind::Inspection);
  const int powered = spec.yards[bay_yard].reefer_slots;
  const int cp = d.checkpoint(CheckpointKind::Inspection);
  REQUIRE(powered >= 1);
  REQUIRE(spec.checkpoints[cp].servers > powered + 1);              // teams to spare
  REQUIRE(spec.yards[bay_yard].slots > powered + 1);                // unpowered bays to spare
  // powered + 1 reefers to the red channel: the last one finds every powered bay taken.
  uint32_t n = 100;
  for (int i = 0; i <= powered; ++i, ++n) {
    d.declare_and_arrive(n, Direction::Export, "fruit", true);
    d.complete(n, CheckpointKind::GateIn);
    d.complete(n, CheckpointKind::Scanner, Channel::Red);
  }
  const uint32_t waiting_reefer = n - 1;
  CHECK(d.ship(waiting_reefer).phase == P::QueuedCheckpoint);        // no powered bay for it
  CHECK(d.site().checkpoints[cp].queue.size() == 1);
  // A dry container behind it: a team and an unpowered bay are free, so it is inspected now.
  d.declare_and_arrive(200, Direction::Export, "electronics");
  d.complete(200, CheckpointKind::GateIn);
  d.complete(200, CheckpointKind::Scanner, Channel::Red);
  CHECK(d.ship(200).phase == P::AtCheckpoint);
  CHECK(d.ship(200).checkpoint == cp);
  CHECK(d.ship(200).yard == bay_yard);
  CHECK(d.ship(200).slot >= powered);                                // an unpowered bay
  CHECK(d.ship(waiting_reefer).phase == P::QueuedCheckpoint);        // still waits for power
  // A powered bay frees: the reefer goes next.
  d.complete(100, CheckpointKind::Inspection, Channel::None, true);
  CHECK(d.ship(waiting_reefer).phase == P::AtCheckpoint);
  CHECK(d.ship(waiting_reefer).slot < powered);
}

TEST_CASE("export fruit: plant quarantine after the scan") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.declare_and_arrive(5, Direction::Export, "fruit", true);
  d.complete(5, CheckpointKind::GateIn);
  d.complete(5, CheckpointKind::Scanner, Channel::Green);
  REQUIRE(d.ship(5).checkpoint == d.checkpoint(CheckpointKind::Quarantine));
  d.complete(5, CheckpointKind::Quarantine, Channel::None, true);
  CHECK(d.ship(5).quarantine_done);
  cross_and_confirm(d, 5);

  SECTION("refused at quarantine") {
    d.declare_and_arrive(6, Direction::Export, "fruit");
    d.complete(6, CheckpointKind::GateIn);
    d.complete(6, CheckpointKind::Scanner, Channel::Green);
    d.complete(6, CheckpointKind::Quarantine, Channel::None, false);
    CHECK(d.ship(6).outcome == Outcome::Refused);
    CHECK(d.ship(6).divert_reason == "refused at quarantine");
  }
}

TEST_CASE("diverted out of the smart flow at gate-in") {
  CoreDriver d({testing::shipped_site("m1119")});
  const int holding = d.core.sites()[0].yard_index(YardKind::Parking);

  SECTION("a vehicle with no declaration") {
    d.send(VehicleArrived{Direction::Export, "X1", "UNKNOWN0000001"});
    ShipmentId id = d.site().shipments.back().id;
    d.complete(id, CheckpointKind::GateIn);
    CHECK(d.ship(id).phase == P::Diverted);
    CHECK(d.ship(id).divert_reason == "no declaration for this vehicle");
    CHECK(d.ship(id).yard == holding);
    CHECK(d.decided(DecisionKind::Diverted, id));
    d.send(VehicleLeft{id});
    CHECK(d.ship(id).phase == P::Left);
    CHECK(d.ship(id).yard == kNone16);
    CHECK(d.site().counters.diverted[0] == 1);
  }
  SECTION("partner data never came") {
    d.send(DeclarationFiled{ShipmentId{10}, Direction::Export, 1, false, true, "P10", "C10"});
    d.send(VehicleArrived{Direction::Export, "P10", "C10"});
    d.complete(10, CheckpointKind::GateIn);
    CHECK(d.ship(10).divert_reason == "no partner declaration");
  }
  SECTION("partner data disagrees with ours") {
    d.send(DeclarationFiled{ShipmentId{11}, Direction::Export, 1, false, true, "P11", "C11"});
    d.send(PartnerDeclarationReceived{ShipmentId{11}, 1, "P11", "C11-OTHER"});
    d.send(VehicleArrived{Direction::Export, "P11", "C11"});
    d.complete(11, CheckpointKind::GateIn);
    CHECK(d.ship(11).divert_reason == "partner data disagrees");
  }
  SECTION("the same partner declaration twice: a counted duplicate, no alert (issue 19)") {
    d.send(DeclarationFiled{ShipmentId{14}, Direction::Export, 1, false, true, "P14", "C14"});
    d.send(PartnerDeclarationReceived{ShipmentId{14}, 1, "P14", "C14"});
    const int64_t alerts = d.site().counters.alerts;
    d.send(PartnerDeclarationReceived{ShipmentId{14}, 1, "P14", "C14"});
    CHECK(d.site().counters.alerts == alerts);
    CHECK(d.core.state().ignored_by_reason.at("partner declaration: duplicate") == 1);
    CHECK_FALSE(d.ship(14).partner_conflict);
    d.send(VehicleArrived{Direction::Export, "P14", "C14"});
    d.complete(14, CheckpointKind::GateIn);
    CHECK(d.ship(14).checkpoint == d.checkpoint(CheckpointKind::Scanner));
  }
  SECTION("a second partner declaration that disagrees: alerted, not dropped; the shipment diverted (issue 19)") {
    d.send(DeclarationFiled{ShipmentId{15}, Direction::Export, 1, false, true, "P15", "C15"});
    d.send(PartnerDeclarationReceived{ShipmentId{15}, 1, "P15", "C15"});
    const int64_t alerts = d.site().counters.alerts;
    const uint64_t before = d.core.state_hash();
    d.send(PartnerDeclarationReceived{ShipmentId{15}, 1, "P15-FORGED", "C15"});
    CHECK(d.core.state_hash() != before);
    CHECK(d.site().counters.alerts == alerts + 1);
    CHECK(d.ship(15).partner_conflict);
    CHECK(d.core.state().ignored_by_reason.at("partner declaration: disagrees with the first") == 1);
    const auto& dec = d.last;
    const auto alert = std::find_if(dec.begin(), dec.end(), [](const Decision& x) { return x.kind == DecisionKind::Alert; });
    REQUIRE(alert != dec.end());
    CHECK(alert->shipment == ShipmentId{15});
    CHECK(alert->text.find("plate P15 then P15-FORGED") != std::string::npos);
    // A third, different again: counted, not alerted twice.
    d.send(PartnerDeclarationReceived{ShipmentId{15}, 0, "P15", "C15"});
    CHECK(d.site().counters.alerts == alerts + 1);
    CHECK(d.core.state().ignored_by_reason.at("partner declaration: disagrees with the first") == 2);
    d.send(VehicleArrived{Direction::Export, "P15", "C15"});
    d.complete(15, CheckpointKind::GateIn);
    CHECK(d.ship(15).divert_reason == "partner data disagrees");
  }
  SECTION("link to the partner down: held, not guessed; goes on when the data comes") {
    d.send(PartnerLinkStatus{false});
    d.send(DeclarationFiled{ShipmentId{12}, Direction::Export, 1, false, true, "P12", "C12"});
    d.send(VehicleArrived{Direction::Export, "P12", "C12"});
    d.complete(12, CheckpointKind::GateIn);
    CHECK(d.ship(12).phase == P::WaitingPartnerData);
    d.send(PartnerDeclarationReceived{ShipmentId{12}, 1, "P12", "C12"});
    CHECK(d.ship(12).phase == P::AtCheckpoint);
    CHECK(d.ship(12).checkpoint == d.checkpoint(CheckpointKind::Scanner));
  }
  SECTION("link down, comes back with no data: diverted then") {
    d.send(PartnerLinkStatus{false});
    d.send(DeclarationFiled{ShipmentId{13}, Direction::Export, 1, false, true, "P13", "C13"});
    d.send(VehicleArrived{Direction::Export, "P13", "C13"});
    d.complete(13, CheckpointKind::GateIn);
    CHECK(d.ship(13).phase == P::WaitingPartnerData);
    d.send(PartnerLinkStatus{true});
    CHECK(d.ship(13).phase == P::Diverted);
  }
}

TEST_CASE("import by manned lane: cross first, then checks, then release") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.declare_and_arrive(20, Direction::Import, "electronics");
  REQUIRE(d.ship(20).phase == P::OnLane);
  CHECK(d.site().lanes[d.ship(20).lane].direction == Direction::Import);
  d.send(HandoverCompleted{ShipmentId{20}});
  CHECK(d.ship(20).crossed);
  CHECK(d.ship(20).checkpoint == d.checkpoint(CheckpointKind::GateIn));
  d.complete(20, CheckpointKind::GateIn);
  d.complete(20, CheckpointKind::Scanner, Channel::Green);
  REQUIRE(d.ship(20).checkpoint == d.checkpoint(CheckpointKind::Release));
  d.complete(20, CheckpointKind::Release);
  CHECK(d.ship(20).phase == P::Cleared);
  CHECK(d.site().counters.cleared[1] == 1);
  CHECK(d.phases(20) == std::vector<P>{P::Declared, P::QueuedLane, P::OnLane, P::QueuedCheckpoint, P::AtCheckpoint,
                                       P::QueuedCheckpoint, P::AtCheckpoint, P::QueuedCheckpoint, P::AtCheckpoint,
                                       P::Cleared});
}

TEST_CASE("export by unmanned guide vehicle: transfer yard, block sections, partner yard") {
  CoreDriver d({only_lanes(testing::shipped_site("m1119"), LaneKind::Unmanned, LaneKind::Unmanned)});
  const int transfer = d.core.sites()[0].yard_index(YardKind::Transfer);
  d.declare_and_arrive(30, Direction::Export, "fruit", true);
  d.complete(30, CheckpointKind::GateIn);
  d.complete(30, CheckpointKind::Scanner, Channel::Green);
  d.complete(30, CheckpointKind::Quarantine);
  REQUIRE(d.ship(30).phase == P::Transferring);
  CHECK(d.ship(30).unmanned);
  CHECK(d.ship(30).yard == transfer);
  CHECK(d.ship(30).slot < d.core.sites()[0].yards[transfer].reefer_slots);  // a reefer gets a powered slot
  d.run_fleet();
  const Shipment& sh = d.ship(30);
  CHECK(sh.phase == P::AwaitingReceipt);
  CHECK(sh.crossed);
  CHECK(sh.yard == kNone16);
  const auto ph = d.phases(30);
  CHECK(std::find(ph.begin(), ph.end(), P::InYard) != ph.end());
  CHECK(std::find(ph.begin(), ph.end(), P::OnGuideVehicle) != ph.end());
  // Out on E4 with the container, back empty on I4: one grant per block section each way.
  int out = 0, back = 0;
  for (const auto& dec : d.all)
    if (dec.kind == DecisionKind::SegmentGranted) (dec.unit == d.lane("E4") ? out : back)++;
  CHECK(out == d.core.sites()[0].lanes[d.lane("E4")].segments);
  CHECK(back == d.core.sites()[0].lanes[d.lane("I4")].segments);
  CHECK(d.site().fleet[0].at_home);
  d.send(PartnerReceiptConfirmed{ShipmentId{30}});
  CHECK(d.ship(30).phase == P::Cleared);
  CHECK(d.site().fleet[0].trips == 1);
}

TEST_CASE("import by unmanned guide vehicle: fetched from the partner yard, released in VN") {
  CoreDriver d({only_lanes(testing::shipped_site("m1119"), LaneKind::Unmanned, LaneKind::Unmanned)});
  d.declare_and_arrive(40, Direction::Import, "electronics");
  REQUIRE(d.ship(40).phase == P::AtPartnerYard);
  CHECK(d.ship(40).unmanned);
  // An empty guide vehicle sets out for it at once.
  CHECK(d.decided(DecisionKind::SegmentGranted));
  d.run_fleet();
  REQUIRE(d.ship(40).crossed);
  CHECK(d.ship(40).checkpoint == d.checkpoint(CheckpointKind::GateIn));
  CHECK(d.ship(40).yard == d.core.sites()[0].yard_index(YardKind::Transfer));  // waits in a slot
  d.complete(40, CheckpointKind::GateIn);
  d.complete(40, CheckpointKind::Scanner, Channel::Green);
  d.complete(40, CheckpointKind::Release);
  CHECK(d.ship(40).phase == P::Cleared);
  CHECK(d.ship(40).yard == kNone16);
}

TEST_CASE("events about unknown things are ignored and counted, never applied") {
  CoreDriver d({testing::shipped_site("m1119")});
  d.send(StepCompleted{ShipmentId{999}, CheckpointKind::Scanner, Channel::Green, true});
  d.send(GuideVehicleStepCompleted{200});
  d.send(HandoverCompleted{ShipmentId{5}});
  d.declare_and_arrive(1, Direction::Export, "electronics");
  d.complete(1, CheckpointKind::Scanner, Channel::Green);  // it is at gate-in, not the scanner
  const auto& ignored = d.core.state().ignored_by_reason;
  CHECK(ignored.at("step: unknown shipment") == 1);
  CHECK(ignored.at("guide vehicle: unknown vehicle") == 1);
  CHECK(ignored.at("handover: unknown shipment") == 1);
  CHECK(ignored.at("step: shipment not at that checkpoint") == 1);
  CHECK(d.ship(1).checkpoint == d.checkpoint(CheckpointKind::GateIn));
  // A duplicate declaration changes nothing.
  const uint64_t before = d.ship(1).history.size();
  d.send(DeclarationFiled{ShipmentId{1}, Direction::Export, 0, false, true, "P1", testing::container_of(1)});
  CHECK(d.ship(1).history.size() == before);
  CHECK(ignored.at("declaration: duplicate shipment id") == 1);
}
