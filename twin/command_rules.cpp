// Operator commands: who may do what, and what each command changes. A command is
// refused with a reason a person can act on, and the refusal is recorded like an
// acceptance. Equipment health from the field goes through set_equipment() too.
// This file decides on commands; re-planning after them is the scheduler's, re-routing
// and the site's crossing are command_routes.cpp's, orders for later command_schedule.cpp's.
#include "twin/core_context.h"
#include "twin/lane_rules.h"

#include <algorithm>

namespace twin::detail {

bool equipment_valid(const Ctx& c, const EquipmentRef& eq) {
  switch (eq.kind) {
    case EquipmentRef::Kind::CheckpointServer:
      return eq.index < c.spec.checkpoints.size() && eq.server < c.s.checkpoints[eq.index].servers.size();
    case EquipmentRef::Kind::LaneBarrier: return eq.index < c.spec.lanes.size();
    case EquipmentRef::Kind::GuideVehicle: return eq.index < c.s.fleet.size();
  }
  return false;
}

static bool equipment_failed(const Ctx& c, const EquipmentRef& eq) {
  switch (eq.kind) {
    case EquipmentRef::Kind::CheckpointServer: return c.s.checkpoints[eq.index].servers[eq.server].failed;
    case EquipmentRef::Kind::LaneBarrier: return c.s.lanes[eq.index].barrier_failed;
    case EquipmentRef::Kind::GuideVehicle: return c.s.fleet[eq.index].failed;
  }
  return false;
}

static std::string equipment_name(const Ctx& c, const EquipmentRef& eq) {
  switch (eq.kind) {
    case EquipmentRef::Kind::CheckpointServer:
      return c.spec.checkpoints[eq.index].id + "#" + std::to_string(eq.server + 1);
    case EquipmentRef::Kind::LaneBarrier: return "barrier of " + c.spec.lanes[eq.index].id;
    case EquipmentRef::Kind::GuideVehicle: return "guide vehicle " + std::to_string(eq.index + 1);
  }
  return "?";
}

void set_equipment(Ctx& c, const EquipmentRef& eq, bool ok) {
  if (equipment_failed(c, eq) == !ok) return;
  switch (eq.kind) {
    case EquipmentRef::Kind::CheckpointServer:
      c.s.checkpoints[eq.index].servers[eq.server].failed = !ok;  // work in hand finishes
      break;
    case EquipmentRef::Kind::LaneBarrier:
      c.s.lanes[eq.index].barrier_failed = !ok;
      if (!ok) requeue_lane(c, eq.index);
      break;
    case EquipmentRef::Kind::GuideVehicle: {
      GuideVehicle& g = c.s.fleet[eq.index];
      g.failed = !ok;  // it stops where it is and keeps its block section
      if (ok && g.step_done_while_failed) {
        g.step_done_while_failed = false;
        on_guide_step_completed(c, GuideVehicleStepCompleted{eq.index});
      }
      break;
    }
  }
  if (!ok) {
    c.s.counters.alerts++;
    c.decide(DecisionKind::Alert, {}, eq.index, eq.server, static_cast<int64_t>(eq.kind),
             equipment_name(c, eq) + " failed");
  }
}

// [SECTION] rules --------------------------------------------------------------------

static bool lane_has_vehicles(const Ctx& c, uint16_t l) {
  const LaneState& lane = c.s.lanes[l];
  if (!lane.queue.empty() || lane.on_lane != kNone) return true;
  if (std::any_of(lane.segment.begin(), lane.segment.end(), [](uint16_t v) { return v != kNone16; })) return true;
  return false;
}

static const Shipment* active_shipment(const Ctx& c, ShipmentId id, std::string& why) {
  auto it = c.s.by_id.find(id);
  if (it == c.s.by_id.end()) { why = "no vehicle with shipment " + to_string(id) + " at this site"; return nullptr; }
  const Shipment& sh = c.s.shipments[it->second];
  if (is_terminal(sh.phase)) { why = "the vehicle has already left the smart flow"; return nullptr; }
  return &sh;
}

// Returns the refusal reason, or empty when the command may go ahead.
static std::string check(const Ctx& c, const OperatorCommand& e) {
  const Command& cmd = e.command;
  if (e.role == Role::Viewer) return "the viewer role may not issue commands";
  if (e.actor.empty()) return "the command names no actor";
  if (e.reason.empty()) return "a reason is required";
  const bool lane_cmd = cmd.kind <= CommandKind::UnreserveLane;
  if (lane_cmd && cmd.lane >= c.spec.lanes.size()) return "no lane " + std::to_string(cmd.lane) + " at this site";
  const bool super = e.role == Role::Supervisor;
  std::string why;
  switch (cmd.kind) {
    case CommandKind::OpenLane:
      if (c.s.lanes[cmd.lane].open) return "the lane is already open";
      return {};
    case CommandKind::CloseLane:
      if (!c.s.lanes[cmd.lane].open) return "the lane is already closed";
      if (!super) if (std::string last = last_lane_rule(c.spec, c.s, cmd); !last.empty()) return last;
      return {};
    case CommandKind::ReverseLane:
      if (lane_has_vehicles(c, cmd.lane)) return "vehicles are on the lane; clear it before reversing";
      if (!super) if (std::string last = last_lane_rule(c.spec, c.s, cmd); !last.empty()) return last;
      return {};
    case CommandKind::ReserveLaneForUnmanned:
      if (c.spec.lanes[cmd.lane].kind == LaneKind::Unmanned) return "the lane is already an unmanned lane";
      if (c.s.lanes[cmd.lane].reserved_unmanned) return "the lane is already reserved for unmanned vehicles";
      if (c.s.lanes[cmd.lane].on_lane != kNone) return "a truck is crossing on the lane";
      if (!super) if (std::string last = last_lane_rule(c.spec, c.s, cmd); !last.empty()) return last;
      return {};
    case CommandKind::UnreserveLane:
      if (!c.s.lanes[cmd.lane].reserved_unmanned) return "the lane is not reserved for unmanned vehicles";
      if (lane_has_vehicles(c, cmd.lane)) return "guide vehicles are on the lane";
      return {};
    case CommandKind::HoldVehicle: {
      const Shipment* sh = active_shipment(c, cmd.shipment, why);
      if (!sh) return why;
      if (sh->held) return "the vehicle is already held";
      return {};
    }
    case CommandKind::ReleaseVehicle: {
      const Shipment* sh = active_shipment(c, cmd.shipment, why);
      if (!sh) return why;
      if (!sh->held) return "the vehicle is not held";
      return {};
    }
    case CommandKind::ForceInspection: {
      const Shipment* sh = active_shipment(c, cmd.shipment, why);
      if (!sh) return why;
      if (sh->direction == Direction::Export ? sh->crossed : sh->released) return "the shipment has already been handed over";
      if (sh->forced_inspection || (sh->channel == Channel::Red && !sh->check_done)) return "the shipment is already set for inspection";
      if (c.spec.checkpoint_index(CheckpointKind::Inspection) < 0) return "this site has no inspection checkpoint";
      return {};
    }
    case CommandKind::MarkEquipmentFailed:
    case CommandKind::MarkEquipmentRestored:
      if (!equipment_valid(c, cmd.equipment)) return "no such equipment at this site";
      if (equipment_failed(c, cmd.equipment) == (cmd.kind == CommandKind::MarkEquipmentFailed))
        return cmd.kind == CommandKind::MarkEquipmentFailed ? "the equipment is already marked failed"
                                                            : "the equipment is not marked failed";
      return {};
    case CommandKind::PrioritiseGoods:
      if (cmd.goods >= c.spec.goods.size()) return "no goods class " + std::to_string(cmd.goods) + " at this site";
      return {};
    case CommandKind::ClearPriority:
      if (c.s.priority_goods < 0) return "no goods class has priority";
      return {};
    case CommandKind::RerouteVehicle:
    case CommandKind::CloseCrossing:
    case CommandKind::ReopenCrossing: return check_route_command(c, e);  // command_routes.cpp
    case CommandKind::Count: break;
  }
  return "unknown command";
}

// [SECTION] effects ------------------------------------------------------------------

static std::string carry_out(Ctx& c, const Command& cmd) {
  switch (cmd.kind) {
    case CommandKind::OpenLane:
      c.s.lanes[cmd.lane].open = true;
      return "opened " + c.spec.lanes[cmd.lane].id;
    case CommandKind::CloseLane:
      c.s.lanes[cmd.lane].open = false;  // a truck already crossing finishes
      requeue_lane(c, cmd.lane);
      return "closed " + c.spec.lanes[cmd.lane].id;
    case CommandKind::ReverseLane: {
      LaneState& lane = c.s.lanes[cmd.lane];
      lane.direction = opposite(lane.direction);
      return "reversed " + c.spec.lanes[cmd.lane].id + " to " + to_string(lane.direction);
    }
    case CommandKind::ReserveLaneForUnmanned:
      c.s.lanes[cmd.lane].reserved_unmanned = true;
      requeue_lane(c, cmd.lane);
      return "reserved " + c.spec.lanes[cmd.lane].id + " for unmanned vehicles";
    case CommandKind::UnreserveLane:
      c.s.lanes[cmd.lane].reserved_unmanned = false;
      return "returned " + c.spec.lanes[cmd.lane].id + " to trucks";
    case CommandKind::HoldVehicle:
      c.ship(c.s.by_id.at(cmd.shipment)).held = true;
      return "holding shipment " + to_string(cmd.shipment);
    case CommandKind::ReleaseVehicle:
      c.ship(c.s.by_id.at(cmd.shipment)).held = false;
      return "released shipment " + to_string(cmd.shipment);
    case CommandKind::ForceInspection: {
      const ShipmentIndex idx = c.s.by_id.at(cmd.shipment);
      Shipment& sh = c.ship(idx);
      sh.forced_inspection = true;
      if (sh.scanned) {
        sh.channel = Channel::Red;
        sh.check_done = false;
      }
      // Waiting somewhere: re-route now. Being served or carried: re-routed afterwards.
      if (pull_from_queue(c, idx)) advance(c, idx);
      return "shipment " + to_string(cmd.shipment) + " sent to physical inspection";
    }
    case CommandKind::MarkEquipmentFailed:
    case CommandKind::MarkEquipmentRestored: {
      const bool ok = cmd.kind == CommandKind::MarkEquipmentRestored;
      set_equipment(c, cmd.equipment, ok);
      return equipment_name(c, cmd.equipment) + (ok ? " restored" : " marked failed");
    }
    case CommandKind::PrioritiseGoods:
      c.s.priority_goods = cmd.goods;
      return c.spec.goods[cmd.goods].id + " goes first";
    case CommandKind::ClearPriority:
      c.s.priority_goods = -1;
      return "no goods class has priority";
    case CommandKind::RerouteVehicle:
    case CommandKind::CloseCrossing:
    case CommandKind::ReopenCrossing: return carry_out_route_command(c, cmd);
    case CommandKind::Count: break;
  }
  return {};
}

void record_verdict(Ctx& c, CommandRecord rec, bool accepted, std::string text, uint64_t answer_seq) {
  rec.accepted = accepted;
  rec.outcome = std::move(text);
  (accepted ? c.s.counters.commands_accepted : c.s.counters.commands_refused)++;
  c.decide(accepted ? DecisionKind::CommandAccepted : DecisionKind::CommandRefused, rec.command.shipment,
           static_cast<uint16_t>(rec.command.kind), 0, static_cast<int64_t>(answer_seq), rec.outcome);
  c.w.commands.push_back(std::move(rec));
}

void carry_out_now(Ctx& c, const OperatorCommand& e, CommandRecord rec, uint64_t answer_seq, const std::string& prefix) {
  std::string why = check(c, e);
  if (!why.empty()) return record_verdict(c, std::move(rec), false, prefix + why, answer_seq);
  std::string done = carry_out(c, e.command);
  record_verdict(c, std::move(rec), true, prefix + done, answer_seq);
}

void on_command(Ctx& c, const OperatorCommand& e) {
  CommandRecord rec{c.seq, c.now(), c.site, e.actor, e.role, e.reason, e.command, false, {}};
  if (!e.forged_identity.empty()) return record_verdict(c, std::move(rec), false, "forged identity: " + e.forged_identity, c.seq);
  if (e.at_ms > c.now()) return order_for_later(c, e, std::move(rec));
  carry_out_now(c, e, std::move(rec), c.seq);
}

}  // namespace twin::detail
