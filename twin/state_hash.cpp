// The state hash: FNV-1a over every field of the world state, in a fixed order. Two
// states hash equal only if folding gave the same result; replay and fork rest on it.
// Adding a field to the state means adding it here.
#include "twin/core.h"

#include <cstring>

namespace twin {
namespace {

struct Hasher {
  uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, size_t n) {
    auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) { h ^= b[i]; h *= 1099511628211ull; }
  }
  template <class T> void operator()(const T& v) {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    bytes(&v, sizeof v);
  }
  // Ids hash as the 4-byte number they wrap (the bytes hashed when they were uint32_t).
  void operator()(ShipmentId id) { (*this)(id.value); }
  void operator()(ShipmentIndex idx) { (*this)(idx.value); }
  void operator()(const std::string& s) { (*this)(s.size()); bytes(s.data(), s.size()); }
  void operator()(const glm::vec2& v) { (*this)(v.x); (*this)(v.y); }
  template <class C> void seq(const C& c) { (*this)(c.size()); for (const auto& x : c) (*this)(x); }
};

void hash_track(Hasher& H, const FieldTrack& t) {
  H(t.position); H(t.heading_rad); H(t.at_ms); H(t.previous); H(t.previous_heading_rad); H(t.previous_ms);
  H(t.off_plan_m); H(t.off_plan_since_ms); H(t.off_plan_alerted);
}

void hash_shipment(Hasher& H, const Shipment& s) {
  H(s.id); H(s.direction); H(s.goods); H(s.reefer); H(s.unmanned_eligible); H(s.declared);
  H(s.partner_received); H(s.partner_agrees); H(s.plate); H(s.container); H(s.phase); H(s.outcome);
  H(s.checkpoint); H(s.server); H(s.lane); H(s.yard); H(s.slot); H(s.vehicle); H(s.unmanned);
  H(s.gate_in_done); H(s.scanned); H(s.check_done); H(s.quarantine_done); H(s.crossed); H(s.released);
  H(s.channel); H(s.forced_inspection); H(s.held); H(s.divert_reason); hash_track(H, s.field);
  H(s.arrived_ms); H(s.handed_over_ms); H(s.queued_since_ms); H(s.done_ms);
  // The partner's first declaration is hashed only once a second one disagreed with it:
  // until then it is a copy of an event's fields whose only use is that comparison, and
  // leaving it out keeps every state hash pinned before it (issue 19) as it was.
  if (s.partner_conflict) { H(s.partner_conflict); H(s.partner_goods); H(s.partner_plate); H(s.partner_container); }
  H(s.history.size());
  for (const PhaseChange& p : s.history) { H(p.time_ms); H(p.phase); H(p.where); }
}

}  // namespace

uint64_t Core::state_hash() const {
  Hasher H;
  const WorldState& w = world_;
  H(w.now_ms); H(w.last_seq); H(w.partner_link_up); H(w.undeclared_next);
  H(w.ignored_by_reason.size());
  for (const auto& [reason, n] : w.ignored_by_reason) { H(reason); H(n); }
  H(w.commands.size());
  for (const CommandRecord& r : w.commands) {
    H(r.seq); H(r.time_ms); H(r.site); H(r.actor); H(r.role); H(r.reason); H(r.command.kind);
    H(r.command.lane); H(r.command.shipment); H(r.command.equipment.kind); H(r.command.equipment.index);
    H(r.command.equipment.server); H(r.command.goods); H(r.accepted); H(r.outcome);
    // Only for orders for later: a state without them hashes as before they existed.
    if (r.at_ms >= 0 || r.ordered_seq != 0) { H(r.at_ms); H(r.ordered_seq); }
  }
  for (const SiteState& s : w.sites) {
    H(s.shipments.size());
    for (const Shipment& sh : s.shipments) hash_shipment(H, sh);
    for (const CheckpointState& cp : s.checkpoints) {
      H.seq(cp.queue);
      for (const CheckpointServer& srv : cp.servers) { H(srv.shipment); H(srv.failed); H(srv.busy_since_ms); }
      H(cp.busy_ms); H(cp.wait_ms_sum); H(cp.served); H(cp.queue_sum); H(cp.queue_max);
    }
    for (const LaneState& l : s.lanes) {
      H(l.open); H(l.direction); H(l.reserved_unmanned); H(l.barrier_failed); H.seq(l.queue); H(l.on_lane);
      H.seq(l.segment); H(l.busy_ms); H(l.crossings); H(l.busy_since_ms);
    }
    for (const YardState& y : s.yards) {
      H.seq(y.slot); H(y.power_on); H(y.occupied_sum); H(y.occupied_max); H(y.reefer_unpowered_ticks);
    }
    for (const GuideVehicle& g : s.fleet) {
      H(g.phase); H(g.at_home); H(g.failed); H(g.step_done_while_failed); H(g.cargo); H(g.lane); H(g.segment);
      H(g.phase_since_ms); H(g.busy_ms); H(g.trips); hash_track(H, g.field);
    }
    H.seq(s.yard_slot_queue); H.seq(s.export_yard_waiting); H.seq(s.import_partner_waiting);
    H.seq(s.lane_waiting[0]); H.seq(s.lane_waiting[1]); H(s.priority_goods); H.seq(s.queue_alerted);
    const Counters& n = s.counters;
    H.seq(n.cleared); H.seq(n.diverted); H.seq(n.refused); H.seq(n.arrived);
    H(n.commands_accepted); H(n.commands_refused); H(n.events_ignored); H(n.ticks); H(n.alerts);
    H(n.divergences); H(n.off_plan_alerts); H(n.undeclared_sighted);
    H(s.divergence_by_reason.size());
    for (const auto& [reason, k] : s.divergence_by_reason) { H(reason); H(k); }
    H(s.undeclared.size());
    for (const FieldVehicle& v : s.undeclared) {
      H(v.name); H(v.plate); H(v.container); H(v.id); H(v.has_id); hash_track(H, v.track); H(v.first_seen_ms);
    }
    // Only once something was retired: a state that never retired hashes as before
    // retention existed (runs shorter than a day and a bit, recordings, pinned hashes).
    if (s.crossing_closed) H(s.crossing_closed);  // only when closed, as above
    const RetiredShipments& r = s.retired;
    if (r.count > 0) {
      H(r.count); H(r.arrived); H(r.unmanned_crossings);
      H.seq(r.dwell_ms[0]); H.seq(r.dwell_ms[1]); H.seq(r.perishable_dwell_ms); H(r.highest_id);
    }
  }
  if (!w.scheduled.empty()) {  // only while orders wait, as above
    H(w.scheduled.size());
    for (const CommandOrder& o : w.scheduled) {
      H(o.at_ms); H(o.seq); H(o.site); H(o.order.actor); H(o.order.role); H(o.order.reason); H(o.order.command.kind);
      H(o.order.command.lane); H(o.order.command.shipment); H(o.order.command.equipment.kind);
      H(o.order.command.equipment.index); H(o.order.command.equipment.server); H(o.order.command.goods);
    }
  }
  return H.h;
}

}  // namespace twin
