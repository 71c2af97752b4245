// The clearance flow of one shipment, as in DOMAIN.md: declaration match at gate-in,
// 100% scan, channel (green / yellow / red), quarantine where the goods class needs it,
// hand-over across the border and the partner's confirmation; import the other way,
// ending with release. This file moves shipments between stages and queues; it does not
// pick who is served next (scheduler.cpp) and never samples a duration (the simulator).
#include "twin/contract.h"
#include "twin/core_context.h"

#include <algorithm>

namespace twin::detail {

bool is_terminal(Phase p) { return p == Phase::Cleared || p == Phase::Left || p == Phase::Diverted; }

void set_phase(Ctx& c, ShipmentIndex idx, Phase phase, uint16_t where) {
  Shipment& sh = c.ship(idx);
  sh.phase = phase;
  sh.history.push_back(PhaseChange{c.now(), phase, where});
}

bool needs_quarantine(const Ctx& c, const Shipment& sh) {
  return sh.goods < c.spec.goods.size() && c.spec.goods[sh.goods].needs_quarantine;
}

static void enqueue_checkpoint(Ctx& c, ShipmentIndex idx, int cp) {
  Shipment& sh = c.ship(idx);
  sh.checkpoint = static_cast<uint16_t>(cp);
  sh.queued_since_ms = c.now();
  join_queue(c, c.s.checkpoints[cp].queue, idx);
  set_phase(c, idx, Phase::QueuedCheckpoint, sh.checkpoint);
}

static void clear(Ctx& c, ShipmentIndex idx) {
  Shipment& sh = c.ship(idx);
  free_yard_slot(c, sh);
  sh.outcome = Outcome::Cleared;
  sh.done_ms = c.now();
  c.s.counters.cleared[static_cast<int>(sh.direction)]++;
  set_phase(c, idx, Phase::Cleared);
  c.decide(DecisionKind::Exited, sh.id, 0, 0, 0, "cleared");
}

// Estimated wait, in ms, for each way across: the shortest usable manned-lane queue, or
// the guide-vehicle backlog. -1 when that way is not available now.
static int64_t manned_wait_estimate(const Ctx& c, Direction d) {
  int64_t best = -1;
  const double per_truck_ms = c.spec.timing.handover.mean() * 1000.0;
  for (uint16_t l = 0; l < c.spec.lanes.size(); ++l) {
    if (!truck_lane_usable(c, l, d)) continue;
    const LaneState& lane = c.s.lanes[l];
    int64_t w = static_cast<int64_t>((lane.queue.size() + (lane.on_lane != kNone ? 1 : 0)) * per_truck_ms);
    if (best < 0 || w < best) best = w;
  }
  return best;
}

static int64_t unmanned_wait_estimate(const Ctx& c, Direction d) {
  double lane_m = 0;
  bool usable_out = false, usable_back = false;
  for (uint16_t l = 0; l < c.spec.lanes.size(); ++l) {
    if (guide_lane_usable(c, l, d)) { usable_out = true; lane_m = std::max(lane_m, c.spec.lanes[l].length_m); }
    if (guide_lane_usable(c, l, opposite(d))) usable_back = true;
  }
  int active = 0;
  for (const GuideVehicle& v : c.s.fleet) active += v.failed ? 0 : 1;
  if (!usable_out || !usable_back || active == 0) return -1;
  const double cycle_ms =
      (2.0 * lane_m / c.spec.fleet.speed_mps + 4.0 * c.spec.fleet.load.mean()) * 1000.0;
  size_t backlog = d == Direction::Export ? c.s.export_yard_waiting.size() + c.s.yard_slot_queue.size()
                                          : c.s.import_partner_waiting.size();
  return static_cast<int64_t>((backlog + 1) * cycle_ms / active);
}

// Puts a shipment on its way across the border: by manned lane or by guide vehicle.
static void begin_crossing(Ctx& c, ShipmentIndex idx) {
  Shipment& sh = c.ship(idx);
  const Direction d = sh.direction;
  const int64_t manned = manned_wait_estimate(c, d);
  const int64_t unmanned = sh.unmanned_eligible && sh.declared ? unmanned_wait_estimate(c, d) : -1;
  if (unmanned >= 0 && (manned < 0 || unmanned < manned)) {
    sh.unmanned = true;
    if (d == Direction::Export) {
      c.s.yard_slot_queue.push_back(idx);
      sh.queued_since_ms = c.now();
      set_phase(c, idx, Phase::QueuedYardSlot);
    } else {
      join_queue(c, c.s.import_partner_waiting, idx);
      sh.queued_since_ms = c.now();
      set_phase(c, idx, Phase::AtPartnerYard);
    }
    return;
  }
  sh.unmanned = false;
  sh.lane = kNone16;
  sh.queued_since_ms = c.now();
  join_queue(c, c.s.lane_waiting[static_cast<int>(d)], idx);  // the scheduler picks the lane
  set_phase(c, idx, Phase::QueuedLane);
}

void advance(Ctx& c, ShipmentIndex idx) {
  Shipment& sh = c.ship(idx);
  TWIN_REQUIRE(!is_terminal(sh.phase), "advance() of shipment " + to_string(sh.id) + ", which is done");
  sh.checkpoint = kNone16;
  sh.server = kNone16;
  const bool exp = sh.direction == Direction::Export;
  if (!exp && !sh.crossed) return begin_crossing(c, idx);
  auto stage = [&](CheckpointKind k, bool& done) {
    if (done) return false;
    int cp = c.spec.checkpoint_index(k);
    if (cp < 0) { done = true; return false; }  // the site has no such checkpoint
    enqueue_checkpoint(c, idx, cp);
    return true;
  };
  if (stage(CheckpointKind::GateIn, sh.gate_in_done)) return;
  if (stage(CheckpointKind::Scanner, sh.scanned)) return;
  if (sh.channel == Channel::Yellow && stage(CheckpointKind::Booth, sh.check_done)) return;
  if (sh.channel == Channel::Red && stage(CheckpointKind::Inspection, sh.check_done)) return;
  bool no_quarantine = !needs_quarantine(c, sh);
  if (no_quarantine) sh.quarantine_done = true;
  if (stage(CheckpointKind::Quarantine, sh.quarantine_done)) return;
  if (exp) {
    if (!sh.crossed) return begin_crossing(c, idx);
    set_phase(c, idx, Phase::AwaitingReceipt);
    c.decide(DecisionKind::AwaitingPartner, sh.id);
    return;
  }
  if (stage(CheckpointKind::Release, sh.released)) return;
  sh.handed_over_ms = c.now();
  clear(c, idx);
}

void divert(Ctx& c, ShipmentIndex idx, Outcome outcome, const std::string& why) {
  Shipment& sh = c.ship(idx);
  free_yard_slot(c, sh);
  sh.outcome = outcome;
  sh.divert_reason = why;
  const int d = static_cast<int>(sh.direction);
  (outcome == Outcome::Refused ? c.s.counters.refused : c.s.counters.diverted)[d]++;
  // Into the holding area, if it has room; otherwise straight out to the traditional lanes.
  int park = c.spec.yard_index(YardKind::Parking);
  if (park >= 0) {
    auto& slots = c.s.yards[park].slot;
    auto it = std::find(slots.begin(), slots.end(), kNone);
    if (it != slots.end()) {
      *it = idx;
      sh.yard = static_cast<uint16_t>(park);
      sh.slot = static_cast<uint16_t>(it - slots.begin());
    }
  }
  set_phase(c, idx, Phase::Diverted);
  c.decide(DecisionKind::Diverted, sh.id, 0, 0, static_cast<int64_t>(outcome), why);
}

// --- inputs -----------------------------------------------------------------------

static ShipmentIndex add_shipment(Ctx& c, ShipmentId id) {
  const ShipmentIndex idx = c.s.shipments.next_index();
  Shipment& sh = c.s.shipments.add();
  sh.id = id;
  sh.history.reserve(16);  // a shipment's whole way (about a dozen phase changes) in one allocation
  c.s.by_id.emplace(id, idx);
  return idx;
}

void on_declaration(Ctx& c, const DeclarationFiled& e) {
  if (c.s.by_id.count(e.shipment)) return c.ignore("declaration: duplicate shipment id");
  if (e.goods >= c.spec.goods.size()) return c.ignore("declaration: unknown goods class");
  if (e.container.empty()) return c.ignore("declaration: no container number");
  if (c.s.by_container.count(e.container)) return c.ignore("declaration: container already declared");
  ShipmentIndex idx = add_shipment(c, e.shipment);
  Shipment& sh = c.ship(idx);
  sh.direction = e.direction;
  sh.goods = e.goods;
  sh.reefer = e.reefer;
  sh.unmanned_eligible = e.unmanned_eligible;
  sh.declared = true;
  sh.plate = e.plate;
  sh.container = e.container;
  c.s.by_container.emplace(e.container, idx);
  index_field_names(c, idx);
  adopt_undeclared(c, idx);
  set_phase(c, idx, Phase::Declared);
}

// What a second partner declaration changes against the first, for the alert.
static std::string partner_difference(const Ctx& c, const Shipment& sh, const PartnerDeclarationReceived& e) {
  auto goods = [&](uint16_t g) { return g < c.spec.goods.size() ? c.spec.goods[g].id : "#" + std::to_string(g); };
  std::string d;
  auto add = [&](const char* what, const std::string& first, const std::string& second) {
    if (first == second) return;
    if (!d.empty()) d += ", ";
    d += std::string(what) + " " + first + " then " + second;
  };
  add("goods", goods(sh.partner_goods), goods(e.goods));
  add("plate", sh.partner_plate, e.plate);
  add("container", sh.partner_container, e.container);
  return d;
}

void on_partner_declaration(Ctx& c, const PartnerDeclarationReceived& e) {
  auto it = c.s.by_id.find(e.shipment);
  if (it == c.s.by_id.end()) return c.ignore("partner declaration: unknown shipment");
  Shipment& sh = c.ship(it->second);
  if (sh.partner_received) {
    if (sh.partner_goods == e.goods && sh.partner_plate == e.plate && sh.partner_container == e.container)
      return c.ignore("partner declaration: duplicate");
    // Not the same declaration again: a partner error or a forgery. Never dropped unsaid.
    c.ignore("partner declaration: disagrees with the first");
    sh.partner_agrees = false;  // from now on the partner check diverts it (if still ahead)
    if (sh.partner_conflict) return;  // alerted once per shipment
    sh.partner_conflict = true;
    c.s.counters.alerts++;
    c.decide(DecisionKind::Alert, sh.id, 0, 0, 0,
             "second partner declaration for shipment " + to_string(sh.id) + " disagrees with the first (" +
                 partner_difference(c, sh, e) + "): check with the partner customs");
    return;
  }
  sh.partner_received = true;
  sh.partner_goods = e.goods;
  sh.partner_plate = e.plate;
  sh.partner_container = e.container;
  sh.partner_agrees = sh.plate == e.plate && sh.container == e.container && sh.goods == e.goods;
  if (sh.phase == Phase::WaitingPartnerData) {
    if (sh.partner_agrees) advance(c, it->second);
    else divert(c, it->second, Outcome::Diverted, "partner data disagrees");
  }
}

void on_vehicle_arrived(Ctx& c, const VehicleArrived& e) {
  ShipmentIndex idx;
  auto it = c.s.by_container.find(e.container);
  if (it != c.s.by_container.end() && c.ship(it->second).direction == e.direction) {
    idx = it->second;
    c.s.by_container.erase(it);
  } else {
    // Nothing declared for this container: the vehicle is known from now on, and the
    // gate-in match will send it out of the smart flow.
    idx = add_shipment(c, ShipmentId{static_cast<uint32_t>(c.w.undeclared_next++)});
    Shipment& sh = c.ship(idx);
    sh.direction = e.direction;
    sh.unmanned_eligible = false;
    sh.container = e.container;
    c.s.counters.alerts++;
    c.s.counters.undeclared_sighted++;
    c.decide(DecisionKind::Alert, sh.id, 0, 0, 0,
             "undeclared vehicle " + (e.plate.empty() ? e.container : e.plate) + " read at arrival: no declaration for container " +
                 e.container);
  }
  Shipment& sh = c.ship(idx);
  sh.plate = e.plate;  // the plate actually read wins over the declared one
  index_field_names(c, idx);
  adopt_undeclared(c, idx);
  sh.arrived_ms = c.now();
  c.s.counters.arrived[static_cast<int>(sh.direction)]++;
  advance(c, idx);
}

void on_step_completed(Ctx& c, const StepCompleted& e) {
  auto it = c.s.by_id.find(e.shipment);
  if (it == c.s.by_id.end())
    return diverge(c, "step: unknown shipment",
                   std::string(to_string(e.checkpoint)) + " finished shipment " + to_string(e.shipment) + ", which the twin does not know");
  const ShipmentIndex idx = it->second;
  Shipment& sh = c.ship(idx);
  if (sh.phase != Phase::AtCheckpoint || c.spec.checkpoints[sh.checkpoint].kind != e.checkpoint)
    return diverge(c, "step: shipment not at that checkpoint",
                   std::string(to_string(e.checkpoint)) + " finished shipment " + to_string(e.shipment) +
                       "; the twin has it " + where_core_has(c, sh));
  CheckpointState& cp = c.s.checkpoints[sh.checkpoint];
  CheckpointServer& server = cp.servers[sh.server];
  TWIN_REQUIRE(server.shipment == idx, "shipment " + to_string(sh.id) + " is not on the server it is at");
  server.shipment = kNone;
  cp.busy_ms += c.now() - server.busy_since_ms;
  switch (e.checkpoint) {
    case CheckpointKind::GateIn:
      sh.gate_in_done = true;
      if (!sh.declared) return divert(c, idx, Outcome::Diverted, "no declaration for this vehicle");
      if (!sh.partner_received) {
        if (!c.w.partner_link_up) {
          sh.checkpoint = kNone16;
          set_phase(c, idx, Phase::WaitingPartnerData);
          return;
        }
        return divert(c, idx, Outcome::Diverted, "no partner declaration");
      }
      if (!sh.partner_agrees) return divert(c, idx, Outcome::Diverted, "partner data disagrees");
      break;
    case CheckpointKind::Scanner:
      sh.scanned = true;
      sh.channel = sh.forced_inspection ? Channel::Red : (e.channel == Channel::None ? Channel::Green : e.channel);
      break;
    case CheckpointKind::Booth: sh.check_done = true; break;
    case CheckpointKind::Inspection:
      sh.check_done = true;
      free_yard_slot(c, sh);
      if (!e.passed) return divert(c, idx, Outcome::Refused, "goods seized at inspection");
      break;
    case CheckpointKind::Quarantine:
      sh.quarantine_done = true;
      if (!e.passed) return divert(c, idx, Outcome::Refused, "refused at quarantine");
      break;
    case CheckpointKind::Release: sh.released = true; break;
    case CheckpointKind::Count: break;
  }
  advance(c, idx);
}

void on_handover_completed(Ctx& c, const HandoverCompleted& e) {
  auto it = c.s.by_id.find(e.shipment);
  if (it == c.s.by_id.end())
    return diverge(c, "handover: unknown shipment",
                   "shipment " + to_string(e.shipment) + " crossed a lane; the twin does not know it");
  Shipment& sh = c.ship(it->second);
  if (sh.phase != Phase::OnLane)
    return diverge(c, "handover: shipment not on a lane",
                   "shipment " + to_string(e.shipment) + " crossed a lane; the twin has it " + where_core_has(c, sh));
  LaneState& lane = c.s.lanes[sh.lane];
  lane.on_lane = kNone;
  lane.busy_ms += c.now() - lane.busy_since_ms;
  lane.crossings++;
  sh.crossed = true;
  if (sh.direction == Direction::Export) sh.handed_over_ms = c.now();
  sh.lane = kNone16;
  advance(c, it->second);
}

void on_receipt_confirmed(Ctx& c, const PartnerReceiptConfirmed& e) {
  auto it = c.s.by_id.find(e.shipment);
  if (it == c.s.by_id.end()) return c.ignore("receipt: unknown shipment");
  if (c.ship(it->second).phase != Phase::AwaitingReceipt) return c.ignore("receipt: shipment not awaiting receipt");
  clear(c, it->second);
}

void on_transfer_completed(Ctx& c, const TransferCompleted& e) {
  auto it = c.s.by_id.find(e.shipment);
  if (it == c.s.by_id.end())
    return diverge(c, "transfer: unknown shipment",
                   "a container of shipment " + to_string(e.shipment) + " was transferred; the twin does not know it");
  const ShipmentIndex idx = it->second;
  if (c.ship(idx).phase != Phase::Transferring)
    return diverge(c, "transfer: shipment not transferring",
                   "the container of shipment " + to_string(e.shipment) + " was transferred; the twin has it " +
                       where_core_has(c, c.ship(idx)));
  // The truck has left its container in the transfer yard; a guide vehicle takes it on.
  set_phase(c, idx, Phase::InYard, c.ship(idx).yard);
  c.ship(idx).queued_since_ms = c.now();
  c.s.export_yard_waiting.push_back(idx);
}

void on_vehicle_left(Ctx& c, const VehicleLeft& e) {
  auto it = c.s.by_id.find(e.shipment);
  if (it == c.s.by_id.end())
    return diverge(c, "left: unknown shipment",
                   "shipment " + to_string(e.shipment) + " left the area; the twin does not know it");
  Shipment& sh = c.ship(it->second);
  if (sh.phase != Phase::Diverted)
    return diverge(c, "left: shipment not diverted",
                   "shipment " + to_string(e.shipment) + " left the area; the twin has it " + where_core_has(c, sh));
  free_yard_slot(c, sh);
  set_phase(c, it->second, Phase::Left);
  c.decide(DecisionKind::Exited, sh.id, 0, 0, 0, to_string(sh.outcome));
}

void on_partner_link(Ctx& c, bool up) {
  if (!up) return;
  // The link is back: shipments held for partner data now go on, or out if none came.
  for (ShipmentIndex idx : c.s.shipments.indices()) {
    Shipment& sh = c.ship(idx);
    if (sh.phase != Phase::WaitingPartnerData || sh.partner_received) continue;
    divert(c, idx, Outcome::Diverted, "no partner declaration");
  }
}

bool pull_from_queue(Ctx& c, ShipmentIndex idx) {
  Shipment& sh = c.ship(idx);
  auto drop = [idx, &c](std::deque<ShipmentIndex>& q, QueueLeaves* log) {
    auto it = std::find(q.begin(), q.end(), idx);
    if (it == q.end()) return false;
    if (log) leave_queue(c, q, static_cast<size_t>(it - q.begin()), *log);
    else q.erase(it);
    return true;
  };
  switch (sh.phase) {
    case Phase::QueuedCheckpoint: return drop(c.s.checkpoints[sh.checkpoint].queue, &c.s.checkpoints[sh.checkpoint].left);
    case Phase::QueuedLane:
      return sh.lane == kNone16 ? drop(c.s.lane_waiting[static_cast<int>(sh.direction)], &c.s.lane_waiting_left[static_cast<int>(sh.direction)])
                                : drop(c.s.lanes[sh.lane].queue, &c.s.lanes[sh.lane].left);
    case Phase::QueuedYardSlot: return drop(c.s.yard_slot_queue, nullptr);
    case Phase::InYard:
      if (!drop(c.s.export_yard_waiting, nullptr)) return false;
      free_yard_slot(c, sh);
      return true;
    default: return false;
  }
}

}  // namespace twin::detail
