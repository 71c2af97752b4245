// Test helper implementation. See core_driver.h.
#include "core_driver.h"

#include <catch2/catch.hpp>

#include <deque>

namespace testing {

twin::SiteSpec shipped_site(const std::string& id) {
  auto r = connectors::load_site_file(std::string(GATETWIN_SOURCE_DIR) + "/assets/sites/" + id + ".json");
  if (auto* e = std::get_if<connectors::SiteFileError>(&r)) FAIL(e->message());
  return std::get<twin::SiteSpec>(r);
}

std::string container_of(ShipmentNo id) { return "TEST" + std::to_string(1000000 + id.id.value); }

const twin::Decisions& CoreDriver::send(twin::EventBody body, twin::SimTime dt_ms, uint8_t site) {
  now += dt_ms;
  last.clear();
  core.apply(twin::Event{++seq, now, site, std::move(body)}, last);
  all.insert(all.end(), last.begin(), last.end());
  return last;
}

const twin::Shipment& CoreDriver::ship(ShipmentNo id, uint8_t site) const {
  const auto& s = core.state().sites[site];
  auto it = s.by_id.find(id);
  REQUIRE(it != s.by_id.end());
  return s.shipments[it->second];
}

void CoreDriver::declare_and_arrive(ShipmentNo id, twin::Direction d, const std::string& goods, bool reefer,
                                    bool unmanned_eligible) {
  const uint16_t g = static_cast<uint16_t>(core.sites()[0].goods_index(goods));
  const std::string plate = "P" + twin::to_string(id.id);
  send(twin::DeclarationFiled{id, d, g, reefer, unmanned_eligible, plate, container_of(id)});
  send(twin::PartnerDeclarationReceived{id, g, plate, container_of(id)});
  send(twin::VehicleArrived{d, plate, container_of(id)});
}

const twin::Decisions& CoreDriver::complete(ShipmentNo id, twin::CheckpointKind k, twin::Channel ch, bool passed) {
  return send(twin::StepCompleted{id, k, ch, passed});
}

void CoreDriver::run_fleet(int max_steps) {
  // Answer every decision that a transfer crane or a guide vehicle acts on, in order.
  std::deque<twin::Decision> pending(last.begin(), last.end());
  for (int i = 0; i < max_steps && !pending.empty(); ++i) {
    twin::Decision d = pending.front();
    pending.pop_front();
    const twin::Decisions* out = nullptr;
    switch (d.kind) {
      case twin::DecisionKind::TransferStarted: out = &send(twin::TransferCompleted{d.shipment}, 60000); break;
      case twin::DecisionKind::GuideVehicleLoad:
      case twin::DecisionKind::GuideVehicleUnload:
      case twin::DecisionKind::SegmentGranted: out = &send(twin::GuideVehicleStepCompleted{d.resource}, 10000); break;
      default: break;
    }
    if (out) pending.insert(pending.end(), out->begin(), out->end());
  }
}

twin::OperatorCommand CoreDriver::command(twin::CommandKind kind, twin::Role role, std::string reason) {
  twin::OperatorCommand c;
  c.actor = "test.operator";
  c.role = role;
  c.reason = std::move(reason);
  c.command.kind = kind;
  return c;
}

bool CoreDriver::decided(twin::DecisionKind k, ShipmentNo id) const {
  for (const auto& d : last)
    if (d.kind == k && (id.id == twin::ShipmentId{} || d.shipment == id.id)) return true;
  return false;
}

std::vector<twin::Phase> CoreDriver::phases(ShipmentNo id) const {
  std::vector<twin::Phase> out;
  for (const auto& p : ship(id).history) out.push_back(p.phase);
  return out;
}

}  // namespace testing
