// Scheduler invariants, checked on the whole state: used by tests after every event of
// a simulated day, by the simulator's --check flag, and as a contract (in every build)
// at every recording snapshot. Reads only; fixes nothing.
#include "twin/contract.h"
#include "twin/core.h"
#include "twin/core_context.h"

#include <string>
#include <vector>

namespace twin {

std::vector<std::string> Core::check_invariants() const {
  std::vector<std::string> bad;
  auto fail = [&](const SiteSpec& spec, const std::string& what) { bad.push_back(spec.id + ": " + what); };
  for (size_t si = 0; si < sites_.size(); ++si) {
    const SiteSpec& spec = sites_[si];
    const SiteState& s = world_.sites[si];
    // Each active shipment is in exactly one place.
    ShipmentVector<int> seen(s.shipments.size(), 0);
    for (const auto& cp : s.checkpoints) {
      for (ShipmentIndex i : cp.queue) seen[i]++;
      for (const auto& srv : cp.servers) if (srv.shipment != kNone) seen[srv.shipment]++;
    }
    for (size_t l = 0; l < s.lanes.size(); ++l) {
      const LaneState& lane = s.lanes[l];
      for (ShipmentIndex i : lane.queue) seen[i]++;
      if (lane.on_lane != kNone) {
        seen[lane.on_lane]++;
        const Shipment& sh = s.shipments[lane.on_lane];
        if (sh.direction != lane.direction) fail(spec, "truck " + to_string(sh.id) + " against the direction of " + spec.lanes[l].id);
        if (spec.lanes[l].kind == LaneKind::Unmanned || lane.reserved_unmanned) fail(spec, "truck on unmanned lane " + spec.lanes[l].id);
      }
      if (!lane.open || lane.barrier_failed || lane.reserved_unmanned) {
        if (!lane.queue.empty()) fail(spec, "trucks queued on unusable lane " + spec.lanes[l].id);
      }
      for (ShipmentIndex i : lane.queue)
        if (s.shipments[i].direction != lane.direction) fail(spec, "truck queued against the direction of " + spec.lanes[l].id);
      // Block sections: a vehicle is in at most one section, and sections agree with it.
      for (size_t k = 0; k < lane.segment.size(); ++k) {
        uint16_t v = lane.segment[k];
        if (v == kNone16) continue;
        if (v >= s.fleet.size() || s.fleet[v].lane != l || s.fleet[v].segment != static_cast<int>(k))
          fail(spec, "segment " + std::to_string(k) + " of " + spec.lanes[l].id + " disagrees with its vehicle");
      }
    }
    for (size_t v = 0; v < s.fleet.size(); ++v) {
      const GuideVehicle& g = s.fleet[v];
      if (g.segment >= 0 && s.lanes[g.lane].segment[g.segment] != v)
        fail(spec, "guide vehicle " + std::to_string(v) + " not in its section");
      if (g.cargo != kNone) seen[g.cargo]++;
    }
    for (int d = 0; d < 2; ++d) for (ShipmentIndex i : s.lane_waiting[d]) seen[i]++;
    for (ShipmentIndex i : s.yard_slot_queue) seen[i]++;
    for (ShipmentIndex i : s.export_yard_waiting) seen[i]++;
    for (ShipmentIndex i : s.import_partner_waiting) seen[i]++;
    for (size_t y = 0; y < s.yards.size(); ++y) {
      size_t used = 0;
      for (ShipmentIndex i : s.yards[y].slot) {
        if (i == kNone) continue;
        ++used;
        if (s.shipments[i].yard != y) fail(spec, "yard slot holds a shipment that is elsewhere");
      }
      if (used > static_cast<size_t>(spec.yards[y].slots)) fail(spec, "more containers than slots in " + spec.yards[y].id);
    }
    for (ShipmentIndex i : s.shipments.indices()) {
      const Shipment& sh = s.shipments[i];
      const bool placed = sh.phase == Phase::QueuedCheckpoint || sh.phase == Phase::AtCheckpoint ||
                          sh.phase == Phase::QueuedLane || sh.phase == Phase::OnLane || sh.phase == Phase::QueuedYardSlot ||
                          sh.phase == Phase::InYard || sh.phase == Phase::AtPartnerYard || sh.phase == Phase::OnGuideVehicle;
      const int expect = placed ? 1 : 0;
      if (seen[i] != expect)
        fail(spec, "shipment " + to_string(sh.id) + " in phase " + to_string(sh.phase) + " found in " +
                       std::to_string(seen[i]) + " places");
    }
    // Every vehicle that entered has left or is accounted for.
    int64_t arrived = 0, accounted = 0;
    for (const Shipment& sh : s.shipments) {
      if (sh.arrived_ms < 0) continue;
      ++arrived;
      accounted += sh.phase != Phase::Declared ? 1 : 0;
    }
    if (arrived != accounted) fail(spec, "arrived vehicles unaccounted for");
    if (arrived + s.retired.arrived != s.counters.arrived[0] + s.counters.arrived[1]) fail(spec, "arrival counter disagrees");
  }
  return bad;
}

void Core::require_invariants(std::string_view where) const {
  const std::vector<std::string> bad = check_invariants();
  if (bad.empty()) return;
  contract::Scope scope(*this, nullptr);
  std::string what = "state invariants violated at " + std::string(where) + " (" + std::to_string(bad.size()) +
                     "; the event that broke them is the last one folded, named below, or an earlier one since the "
                     "previous check; gatesim --check checks after every event):";
  for (size_t i = 0; i < bad.size() && i < 10; ++i) what += "\n  " + bad[i];
  if (bad.size() > 10) what += "\n  ... and " + std::to_string(bad.size() - 10) + " more";
  contract::fail(__FILE__, __LINE__, "check_invariants().empty()", what);
}

}  // namespace twin
