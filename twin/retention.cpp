// Retention: the core keeps a shipment only while it matters to the live picture. Once it
// has Left or is Cleared and its last phase change is older than the window, it leaves
// SiteState::shipments; its part of the KPIs (arrival count, dwell, unmanned crossing)
// goes to SiteState::retired, so that KPIs computed from the state are the same as
// without retention. Runs inside a clock tick: part of the fold, deterministic.
#include "twin/contract.h"
#include "twin/core_context.h"

#include <algorithm>

namespace twin::detail {

// A shipment retention removes: Left or Cleared, last phase change before `before`.
static bool retirable(const Shipment& sh, SimTime before) {
  const bool done = sh.phase == Phase::Cleared || sh.phase == Phase::Left;
  return done && !sh.history.empty() && sh.history.back().time_ms < before;
}

void retire_shipments(Ctx& c, SimTime before) {
  SiteState& s = c.s;
  // Most hours retire nothing (the whole first day): then nothing below changes the
  // state, and one read-only pass says so without building the re-map.
  if (std::none_of(s.shipments.begin(), s.shipments.end(), [&](const Shipment& sh) { return retirable(sh, before); })) return;
  const size_t n = s.shipments.size();
  ShipmentVector<ShipmentIndex> remap(n, kNone);  // old index -> new, kNone: retired
  uint32_t kept = 0;
  for (ShipmentIndex i : s.shipments.indices()) {
    const Shipment& sh = s.shipments[i];
    if (!retirable(sh, before)) {
      remap[i] = ShipmentIndex{kept++};
      continue;
    }
    RetiredShipments& r = s.retired;
    r.count++;
    if (sh.id < kFirstUndeclaredId && sh.id > r.highest_id) r.highest_id = sh.id;
    if (sh.arrived_ms >= 0) r.arrived++;
    // The same choice as compute_kpis() and scenario_kpis() make for a shipment that is out.
    if (sh.handed_over_ms >= 0 && sh.arrived_ms >= 0 && sh.outcome != Outcome::Diverted && sh.outcome != Outcome::Refused) {
      const int64_t dwell = sh.handed_over_ms - sh.arrived_ms;
      r.dwell_ms[static_cast<int>(sh.direction)].push_back(dwell);
      if (sh.unmanned) r.unmanned_crossings++;
      if (sh.goods < c.spec.goods.size() && c.spec.goods[sh.goods].reefer_share > 0) r.perishable_dwell_ms.push_back(dwell);
    }
  }
  if (kept == n) return;
  // Compact, keeping the order of the rest.
  for (ShipmentIndex i : s.shipments.indices())
    if (remap[i] != kNone && remap[i] != i) s.shipments[remap[i]] = std::move(s.shipments[i]);
  s.shipments.truncate(kept);
  // Every index into shipments moves with it. A retired shipment is in no queue, slot,
  // server, lane or vehicle (Left and Cleared free them).
  auto map = [&](ShipmentIndex& idx) {
    if (idx == kNone) return;
    TWIN_REQUIRE(remap[idx] != kNone, "retention removed a shipment that an index still points to");
    idx = remap[idx];
  };
  auto map_all = [&](auto& container) { for (ShipmentIndex& idx : container) map(idx); };
  for (CheckpointState& cp : s.checkpoints) {
    map_all(cp.queue);
    for (CheckpointServer& srv : cp.servers) map(srv.shipment);
  }
  for (LaneState& lane : s.lanes) {
    map_all(lane.queue);
    map(lane.on_lane);
  }
  for (YardState& y : s.yards) map_all(y.slot);
  for (GuideVehicle& g : s.fleet) map(g.cargo);
  map_all(s.yard_slot_queue);
  map_all(s.export_yard_waiting);
  map_all(s.import_partner_waiting);
  map_all(s.lane_waiting[0]);
  map_all(s.lane_waiting[1]);
  s.by_id.clear();
  for (ShipmentIndex i : s.shipments.indices()) s.by_id.emplace(s.shipments[i].id, i);
  s.by_field_name.clear();
  for (ShipmentIndex i : s.shipments.indices()) index_field_names(c, i);
  for (auto it = s.by_container.begin(); it != s.by_container.end();) {
    if (remap[it->second] == kNone) {
      it = s.by_container.erase(it);
    } else {
      it->second = remap[it->second];
      ++it;
    }
  }
}

}  // namespace twin::detail

namespace twin {

ShipmentId highest_declared_id(const WorldState& w) {
  ShipmentId top{};
  for (const SiteState& s : w.sites) {
    top = std::max(top, s.retired.highest_id);
    for (const Shipment& sh : s.shipments)
      if (sh.id < kFirstUndeclaredId) top = std::max(top, sh.id);
  }
  return top;
}

}  // namespace twin
