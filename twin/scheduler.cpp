// The scheduler: after every event it re-plans one site in a fixed order: checkpoint
// servers, manned lanes, transfer-yard slots, then the guide-vehicle fleet and its block
// sections. It only assigns; how long anything takes comes back later as an event.
// Rules it keeps: no truck on a closed, failed, reserved or opposing lane; no crossing
// starts while the site's crossing is closed (close_crossing); never two
// guide vehicles on one lane segment; never more containers in a yard than slots.
#include "twin/contract.h"
#include "twin/core_context.h"

#include <algorithm>

namespace twin::detail {

// [SECTION] lanes -------------------------------------------------------------------

bool truck_lane_usable(const Ctx& c, uint16_t l, Direction d) {
  const LaneState& lane = c.s.lanes[l];
  return c.spec.lanes[l].kind == LaneKind::Manned && !lane.reserved_unmanned && lane.open &&
         !lane.barrier_failed && lane.direction == d;
}

bool guide_lane_usable(const Ctx& c, uint16_t l, Direction d) {
  const LaneState& lane = c.s.lanes[l];
  return (c.spec.lanes[l].kind == LaneKind::Unmanned || lane.reserved_unmanned) && lane.open &&
         !lane.barrier_failed && lane.direction == d;
}

int truck_lanes_usable(const Ctx& c, Direction d) {
  int n = 0;
  for (uint16_t l = 0; l < c.spec.lanes.size(); ++l) n += truck_lane_usable(c, l, d) ? 1 : 0;
  return n;
}

void join_queue(Ctx& c, std::deque<ShipmentIndex>& q, ShipmentIndex idx) {
  c.ship(idx).joined_at_spot = static_cast<uint32_t>(q.size());
  q.push_back(idx);
}

void leave_queue(Ctx& c, std::deque<ShipmentIndex>& q, size_t i, QueueLeaves& log) {
  TWIN_REQUIRE(i < q.size(), "a truck left a queue from past its end");
  auto& recent = log.recent;
  while (!recent.empty() && (recent.size() >= kQueueLeavesKept || c.now() - recent.front().at_ms > kQueueLeavesKeepMs)) recent.pop_front();
  recent.push_back({c.now(), static_cast<uint32_t>(i), static_cast<uint32_t>(q.size())});
  q.erase(q.begin() + static_cast<std::ptrdiff_t>(i));
}

// Presentation (Shipment::moved_ms): the truck at the head of a queue (lane from_lane's, or
// the staging area's: kNone16) moves between the two without a change of phase. Notes when,
// and the spot it stood at when this moment began (those that left the queue at this moment
// stood ahead of it); a second move in the same moment keeps the first one's place, where
// the truck still stands.
static void note_move(const Ctx& c, Shipment& sh, uint16_t from_lane, const QueueLeaves& log) {
  if (sh.moved_ms == c.now()) return;
  uint32_t ahead = 0;
  for (auto it = log.recent.rbegin(); it != log.recent.rend() && it->at_ms == c.now(); ++it) ++ahead;
  sh.moved_ms = c.now();
  sh.moved_from_lane = from_lane;
  sh.moved_from_spot = ahead;
}

// Trucks queued on a lane that can no longer take them go back to be re-assigned.
void requeue_lane(Ctx& c, uint16_t l) {
  LaneState& lane = c.s.lanes[l];
  while (!lane.queue.empty()) {
    ShipmentIndex idx = lane.queue.front();
    Shipment& sh = c.ship(idx);
    note_move(c, sh, l, lane.left);
    leave_queue(c, lane.queue, 0, lane.left);
    sh.lane = kNone16;
    join_queue(c, c.s.lane_waiting[static_cast<int>(sh.direction)], idx);
  }
}

// Index into q of the next shipment to serve: the first not held, preferring the
// priority goods class. -1 when none may go.
static int pick(const Ctx& c, const std::deque<ShipmentIndex>& q) {
  int first = -1;
  for (size_t i = 0; i < q.size(); ++i) {
    const Shipment& sh = c.s.shipments[q[i]];
    if (sh.held) continue;
    if (c.s.priority_goods < 0 || sh.goods == c.s.priority_goods) return static_cast<int>(i);
    if (first < 0) first = static_cast<int>(i);
  }
  return first;
}

static void assign_waiting_trucks(Ctx& c) {
  for (int d = 0; d < 2; ++d) {
    auto& waiting = c.s.lane_waiting[d];
    while (!waiting.empty()) {
      int best = -1;
      size_t best_len = 0;
      for (uint16_t l = 0; l < c.spec.lanes.size(); ++l) {
        if (!truck_lane_usable(c, l, static_cast<Direction>(d))) continue;
        size_t len = c.s.lanes[l].queue.size() + (c.s.lanes[l].on_lane != kNone ? 1 : 0);
        if (best < 0 || len < best_len) { best = l; best_len = len; }
      }
      if (best < 0) break;  // no usable lane in this direction: they wait
      ShipmentIndex idx = waiting.front();
      note_move(c, c.ship(idx), kNone16, c.s.lane_waiting_left[d]);
      leave_queue(c, waiting, 0, c.s.lane_waiting_left[d]);
      join_queue(c, c.s.lanes[best].queue, idx);
      c.ship(idx).lane = static_cast<uint16_t>(best);
      c.decide(DecisionKind::LaneAssigned, c.ship(idx).id, static_cast<uint16_t>(best));
    }
  }
}

static void start_crossings(Ctx& c) {
  if (c.s.crossing_closed) return;  // close_crossing: a truck already crossing finishes
  // Every crossing starts from a lane's queue, and none fills up below: with no truck
  // queued anywhere nothing can start (a shortcut, same result).
  if (std::all_of(c.s.lanes.begin(), c.s.lanes.end(), [](const LaneState& lane) { return lane.queue.empty(); })) return;
  for (uint16_t l = 0; l < c.spec.lanes.size(); ++l) {
    LaneState& lane = c.s.lanes[l];
    if (lane.on_lane != kNone || !truck_lane_usable(c, l, lane.direction)) continue;
    std::deque<ShipmentIndex>* from = &lane.queue;
    QueueLeaves* from_log = &lane.left;
    int i = pick(c, lane.queue);
    if (i < 0) {  // idle lane: take work from the longest queue of its direction
      size_t longest = 0;
      for (uint16_t o = 0; o < c.spec.lanes.size(); ++o) {
        // An empty queue has nothing to give (pick() is -1): skipped before the lane checks.
        if (o == l || c.s.lanes[o].queue.empty() || !truck_lane_usable(c, o, lane.direction)) continue;
        int j = pick(c, c.s.lanes[o].queue);
        if (j >= 0 && c.s.lanes[o].queue.size() > longest) { longest = c.s.lanes[o].queue.size(); from = &c.s.lanes[o].queue; from_log = &c.s.lanes[o].left; i = j; }
      }
      if (i < 0) continue;
    }
    ShipmentIndex idx = (*from)[i];
    leave_queue(c, *from, static_cast<size_t>(i), *from_log);
    Shipment& sh = c.ship(idx);
    sh.lane = l;
    lane.on_lane = idx;
    lane.busy_since_ms = c.now();
    set_phase(c, idx, Phase::OnLane, l);
    c.decide(DecisionKind::HandoverStarted, sh.id, l);
  }
}

// [SECTION] checkpoints -------------------------------------------------------------

static int free_slot(const Ctx& c, int yard, bool reefer) {
  if (yard < 0) return -1;
  const YardSpec& spec = c.spec.yards[yard];
  const auto& slots = c.s.yards[yard].slot;
  // Reefers need a powered plug; others keep off the plugs while other slots are free.
  int from = reefer ? 0 : spec.reefer_slots, to = reefer ? spec.reefer_slots : spec.slots;
  for (int i = from; i < to; ++i)
    if (slots[i] == kNone) return i;
  if (!reefer)
    for (int i = 0; i < spec.reefer_slots; ++i)
      if (slots[i] == kNone) return i;
  return -1;
}

static void take_slot(Ctx& c, ShipmentIndex idx, int yard, int slot) {
  TWIN_REQUIRE(c.s.yards[yard].slot[slot] == kNone, "a yard slot given twice");
  c.s.yards[yard].slot[slot] = idx;
  c.ship(idx).yard = static_cast<uint16_t>(yard);
  c.ship(idx).slot = static_cast<uint16_t>(slot);
}

void free_yard_slot(Ctx& c, Shipment& sh) {
  if (sh.yard == kNone16) return;
  c.s.yards[sh.yard].slot[sh.slot] = kNone;
  sh.left_yard = sh.yard;
  sh.left_slot = sh.slot;
  sh.yard = kNone16;
  sh.slot = kNone16;
}

// Index into q of the next shipment to inspect, as pick() but only among those a bay is
// free for: a reefer waiting for a powered bay does not stop the trucks behind it from
// taking a free unpowered bay (no head-of-line blocking). -1 when none may go.
static int pick_with_bay(const Ctx& c, const std::deque<ShipmentIndex>& q, int yard) {
  const bool bay[2] = {free_slot(c, yard, false) >= 0, free_slot(c, yard, true) >= 0};
  int first = -1;
  for (size_t i = 0; i < q.size(); ++i) {
    const Shipment& sh = c.s.shipments[q[i]];
    if (sh.held || !bay[sh.reefer ? 1 : 0]) continue;
    if (c.s.priority_goods < 0 || sh.goods == c.s.priority_goods) return static_cast<int>(i);
    if (first < 0) first = static_cast<int>(i);
  }
  return first;
}

static void start_services(Ctx& c) {
  const int inspection_yard = c.spec.yard_index(YardKind::Inspection);
  for (uint16_t k = 0; k < c.spec.checkpoints.size(); ++k) {
    CheckpointState& cp = c.s.checkpoints[k];
    const bool needs_bay = c.spec.checkpoints[k].kind == CheckpointKind::Inspection && inspection_yard >= 0;
    for (uint16_t srv = 0; srv < cp.servers.size() && !cp.queue.empty(); ++srv) {
      CheckpointServer& server = cp.servers[srv];
      if (server.failed || server.shipment != kNone) continue;
      int i = needs_bay ? pick_with_bay(c, cp.queue, inspection_yard) : pick(c, cp.queue);
      if (i < 0) break;
      ShipmentIndex idx = cp.queue[i];
      if (needs_bay) {  // physical inspection happens in a bay of the inspection yard
        int slot = free_slot(c, inspection_yard, c.ship(idx).reefer);
        TWIN_REQUIRE(slot >= 0, "an inspection started with no free bay");
        free_yard_slot(c, c.ship(idx));  // a container waiting in a transfer slot moves to the bay
        take_slot(c, idx, inspection_yard, slot);
      }
      leave_queue(c, cp.queue, static_cast<size_t>(i), cp.left);
      Shipment& sh = c.ship(idx);
      cp.wait_ms_sum += c.now() - sh.queued_since_ms;
      cp.served++;
      server.shipment = idx;
      server.busy_since_ms = c.now();
      sh.server = srv;
      sh.served_cp = {k, sh.served_cp[0]};
      sh.served_server = {srv, sh.served_server[0]};
      set_phase(c, idx, Phase::AtCheckpoint, k);
      c.decide(DecisionKind::ServiceStarted, sh.id, k, srv);
    }
  }
}

static void assign_transfer_slots(Ctx& c) {
  const int yard = c.spec.yard_index(YardKind::Transfer);
  auto& q = c.s.yard_slot_queue;
  for (size_t i = 0; i < q.size();) {
    ShipmentIndex idx = q[i];
    Shipment& sh = c.ship(idx);
    int slot = sh.held ? -1 : free_slot(c, yard, sh.reefer);
    if (slot < 0) { ++i; continue; }
    q.erase(q.begin() + i);
    take_slot(c, idx, yard, slot);
    set_phase(c, idx, Phase::Transferring, static_cast<uint16_t>(yard));
    c.decide(DecisionKind::TransferStarted, sh.id, static_cast<uint16_t>(yard), static_cast<uint16_t>(slot));
  }
}

// [SECTION] guide vehicles ----------------------------------------------------------

void set_guide_phase(Ctx& c, uint16_t v, GuidePhase phase) {
  GuideVehicle& g = c.s.fleet[v];
  if (g.phase != GuidePhase::Idle) g.busy_ms += c.now() - g.phase_since_ms;
  g.phase = phase;
  g.phase_since_ms = c.now();
}

static int guide_lane_with_free_entry(const Ctx& c, Direction d) {
  for (uint16_t l = 0; l < c.spec.lanes.size(); ++l)
    if (guide_lane_usable(c, l, d) && c.s.lanes[l].segment[0] == kNone16) return l;
  return -1;
}

static bool any_guide_lane(const Ctx& c, Direction d) {
  for (uint16_t l = 0; l < c.spec.lanes.size(); ++l)
    if (guide_lane_usable(c, l, d)) return true;
  return false;
}

// Moves a waiting vehicle onto its next block section if that section is free.
static void try_advance(Ctx& c, uint16_t v) {
  GuideVehicle& g = c.s.fleet[v];
  const Direction d = g.at_home ? Direction::Export : Direction::Import;
  if (g.segment < 0) {  // at the lane entry: any usable lane of the direction will do
    if (c.s.crossing_closed) return;  // close_crossing: waits at the entry; one on a lane goes on
    int l = guide_lane_with_free_entry(c, d);
    if (l < 0) return;
    g.lane = static_cast<uint16_t>(l);
  }
  LaneState& lane = c.s.lanes[g.lane];
  const int next = g.segment + 1;
  TWIN_REQUIRE(next < static_cast<int>(lane.segment.size()), "a guide vehicle past its lane's last section");
  if (lane.segment[next] != kNone16) return;
  if (g.segment >= 0) lane.segment[g.segment] = kNone16;
  lane.segment[next] = v;
  g.segment = static_cast<int16_t>(next);
  if (next == 0) {  // a trip begins (presentation: the scene drives it from where the vehicle waits)
    g.last_trip = g.trip;
    g.trip = {g.lane, g.at_home, c.now(), -1};
  }
  set_guide_phase(c, v, GuidePhase::Travelling);
  c.decide(DecisionKind::SegmentGranted, g.cargo == kNone ? ShipmentId{} : c.ship(g.cargo).id, v, g.lane, next);
}

static void load(Ctx& c, uint16_t v, ShipmentIndex idx) {
  GuideVehicle& g = c.s.fleet[v];
  g.cargo = idx;
  Shipment& sh = c.ship(idx);
  sh.vehicle = v;
  set_phase(c, idx, Phase::OnGuideVehicle, v);
  set_guide_phase(c, v, GuidePhase::Loading);
  c.decide(DecisionKind::GuideVehicleLoad, sh.id, v);
}

// Takes the next shipment to serve out of q (see pick()); kNone when none may go.
static ShipmentIndex take_first_unheld(Ctx& c, std::deque<ShipmentIndex>& q) {
  int i = pick(c, q);
  if (i < 0) return kNone;
  ShipmentIndex idx = q[i];
  q.erase(q.begin() + i);
  return idx;
}

static void dispatch_fleet(Ctx& c) {
  const int transfer = c.spec.yard_index(YardKind::Transfer);
  for (uint16_t v = 0; v < c.s.fleet.size(); ++v) {
    GuideVehicle& g = c.s.fleet[v];
    if (g.failed) continue;
    if (g.phase == GuidePhase::WaitingSegment) { try_advance(c, v); continue; }
    if (g.phase != GuidePhase::Idle) continue;
    if (c.s.crossing_closed) continue;  // close_crossing: no new trip, on either side
    if (g.at_home) {
      // Nothing waiting on either side: nothing below would start (a shortcut, same result).
      if (c.s.export_yard_waiting.empty() && c.s.import_partner_waiting.empty()) continue;
      if (!any_guide_lane(c, Direction::Export)) continue;
      const ShipmentIndex idx = take_first_unheld(c, c.s.export_yard_waiting);
      if (idx != kNone) { load(c, v, idx); continue; }
      // Nothing to take out: fetch waiting imports, if the way back is open.
      if (pick(c, c.s.import_partner_waiting) >= 0 && any_guide_lane(c, Direction::Import)) {
        // Only as many empty runs as there are containers waiting over there.
        size_t going = 0;
        for (const GuideVehicle& o : c.s.fleet)
          if (o.at_home && o.cargo == kNone && o.phase != GuidePhase::Idle && !o.failed) ++going;
        if (going >= c.s.import_partner_waiting.size()) continue;
        set_guide_phase(c, v, GuidePhase::WaitingSegment);
        try_advance(c, v);
      }
      continue;
    }
    // On the partner side: bring an import container back if a yard slot can take it.
    if (!any_guide_lane(c, Direction::Import)) continue;
    int i = pick(c, c.s.import_partner_waiting);
    if (i >= 0) {
      ShipmentIndex idx = c.s.import_partner_waiting[i];
      int slot = free_slot(c, transfer, c.ship(idx).reefer);
      if (slot >= 0) {
        leave_queue(c, c.s.import_partner_waiting, static_cast<size_t>(i), c.s.import_partner_left);
        take_slot(c, idx, transfer, slot);
        load(c, v, idx);
        continue;
      }
    }
    set_guide_phase(c, v, GuidePhase::WaitingSegment);  // return empty
    try_advance(c, v);
  }
}

void on_guide_step_completed(Ctx& c, const GuideVehicleStepCompleted& e) {
  if (e.vehicle >= c.s.fleet.size()) return c.ignore("guide vehicle: unknown vehicle");
  GuideVehicle& g = c.s.fleet[e.vehicle];
  if (g.phase == GuidePhase::Idle || g.phase == GuidePhase::WaitingSegment)
    return diverge(c, "guide vehicle: no activity in progress",
                   "guide vehicle " + std::to_string(e.vehicle + 1) + " finished an activity; the twin has it " +
                       (g.phase == GuidePhase::Idle ? "idle" : "waiting for a block section"));
  if (g.failed) { g.step_done_while_failed = true; return; }
  switch (g.phase) {
    case GuidePhase::Loading:
      if (g.at_home) free_yard_slot(c, c.ship(g.cargo));  // export container leaves its slot
      set_guide_phase(c, e.vehicle, GuidePhase::WaitingSegment);
      g.segment = -1;
      try_advance(c, e.vehicle);
      break;
    case GuidePhase::Travelling: {
      LaneState& lane = c.s.lanes[g.lane];
      if (g.segment + 1 < static_cast<int>(lane.segment.size())) {
        set_guide_phase(c, e.vehicle, GuidePhase::WaitingSegment);
        try_advance(c, e.vehicle);
        break;
      }
      lane.segment[g.segment] = kNone16;  // arrived at the far end of the lane
      g.trip.end_ms = c.now();
      g.segment = -1;
      g.lane = kNone16;
      g.at_home = !g.at_home;
      if (g.cargo != kNone) {
        set_guide_phase(c, e.vehicle, GuidePhase::Unloading);
        c.decide(DecisionKind::GuideVehicleUnload, c.ship(g.cargo).id, e.vehicle);
      } else {
        set_guide_phase(c, e.vehicle, GuidePhase::Idle);
      }
      break;
    }
    case GuidePhase::Unloading: {
      ShipmentIndex idx = g.cargo;
      g.cargo = kNone;
      g.trips++;
      set_guide_phase(c, e.vehicle, GuidePhase::Idle);
      Shipment& sh = c.ship(idx);
      sh.vehicle = kNone16;
      sh.crossed = true;
      if (sh.direction == Direction::Export) sh.handed_over_ms = c.now();
      advance(c, idx);
      break;
    }
    default: break;
  }
}

// [SECTION] the plan ----------------------------------------------------------------

void schedule(Ctx& c) {
  start_services(c);
  assign_waiting_trucks(c);
  start_crossings(c);
  assign_transfer_slots(c);
  dispatch_fleet(c);
}

void on_tick(Ctx& c) {
  forget_quiet_undeclared(c);
  for (uint16_t k = 0; k < c.s.checkpoints.size(); ++k) {
    CheckpointState& cp = c.s.checkpoints[k];
    const int64_t len = static_cast<int64_t>(cp.queue.size());
    cp.queue_sum += len;
    cp.queue_max = std::max(cp.queue_max, len);
    const int64_t limit = c.spec.queue_alert_vehicles;
    if (limit > 0 && len > limit && !c.s.queue_alerted[k]) {
      c.s.queue_alerted[k] = 1;
      c.s.counters.alerts++;
      c.decide(DecisionKind::Alert, {}, k, 0, len, "queue at " + c.spec.checkpoints[k].id + " over " + std::to_string(limit));
    } else if (len <= limit / 2) {
      c.s.queue_alerted[k] = 0;
    }
  }
  for (uint16_t y = 0; y < c.s.yards.size(); ++y) {
    YardState& yard = c.s.yards[y];
    // Every tick, every slot: the reefers (a look-up per container) are counted only
    // while the power is off, the one time they are used.
    const int64_t occupied = std::count_if(yard.slot.begin(), yard.slot.end(), [](ShipmentIndex idx) { return idx != kNone; });
    yard.occupied_sum += occupied;
    yard.occupied_max = std::max(yard.occupied_max, occupied);
    if (!yard.power_on) {
      int64_t reefers = 0;
      for (ShipmentIndex idx : yard.slot)
        if (idx != kNone && c.ship(idx).reefer) ++reefers;
      yard.reefer_unpowered_ticks += reefers;
    }
  }
  c.s.counters.ticks++;
}

}  // namespace twin::detail
