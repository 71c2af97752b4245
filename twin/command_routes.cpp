// Re-routing and the site's crossing: reroute_vehicle (a truck waiting for a lane goes
// to the lane the operator names), close_crossing / reopen_crossing (the partner side
// closed: no crossing starts; what is under way finishes). Who may and what changes;
// the role, actor and reason checks common to every command are command_rules.cpp's,
// and the scheduler (scheduler.cpp) is what keeps a closed crossing closed.
#include "twin/core_context.h"

namespace twin::detail {

static std::string lane_name(const Ctx& c, uint16_t l) { return c.spec.lanes[l].id; }

// Why truck `sh` cannot go to lane l now, or empty.
static std::string lane_refusal(const Ctx& c, const Shipment& sh, uint16_t l) {
  const LaneState& lane = c.s.lanes[l];
  const std::string name = lane_name(c, l);
  if (c.spec.lanes[l].kind != LaneKind::Manned) return name + " is an unmanned lane (guide vehicles only)";
  if (lane.reserved_unmanned) return name + " is reserved for unmanned vehicles";
  if (!lane.open) return name + " is closed";
  if (lane.barrier_failed) return "the barrier of " + name + " has failed";
  if (lane.direction != sh.direction)
    return name + " runs " + to_string(lane.direction) + "; the truck is " + to_string(sh.direction);
  if (sh.lane == l) return "the truck is already queued on " + name;
  return {};
}

static std::string check_reroute(const Ctx& c, const Command& cmd) {
  auto it = c.s.by_id.find(cmd.shipment);
  if (it == c.s.by_id.end()) return "no vehicle with shipment " + to_string(cmd.shipment) + " at this site";
  if (cmd.lane >= c.spec.lanes.size()) return "no lane " + std::to_string(cmd.lane) + " at this site";
  const Shipment& sh = c.s.shipments[it->second];
  if (is_terminal(sh.phase)) return "the vehicle has already left the smart flow";
  if (sh.phase == Phase::OnLane) return "the truck is already crossing on " + lane_name(c, sh.lane);
  if (sh.phase != Phase::QueuedLane)
    return "only a truck waiting for a lane can be re-routed; shipment " + to_string(cmd.shipment) + " is " +
           where_core_has(c, sh);
  return lane_refusal(c, sh, cmd.lane);
}

std::string check_route_command(const Ctx& c, const OperatorCommand& e) {
  const bool super = e.role == Role::Supervisor;
  switch (e.command.kind) {
    case CommandKind::RerouteVehicle: return check_reroute(c, e.command);
    case CommandKind::CloseCrossing:
      if (!super) return "closing the crossing stops every crossing of the site; only a supervisor may do that";
      if (c.s.crossing_closed) return "the crossing of " + c.spec.id + " is already closed";
      return {};
    case CommandKind::ReopenCrossing:
      if (!super) return "only a supervisor may reopen the crossing (check that the partner side is open)";
      if (!c.s.crossing_closed) return "the crossing of " + c.spec.id + " is not closed";
      return {};
    default: break;
  }
  return "unknown command";
}

std::string carry_out_route_command(Ctx& c, const Command& cmd) {
  switch (cmd.kind) {
    case CommandKind::RerouteVehicle: {
      const ShipmentIndex idx = c.s.by_id.at(cmd.shipment);
      pull_from_queue(c, idx);  // out of the lane's queue, or of the trucks with no lane yet
      Shipment& sh = c.ship(idx);
      sh.lane = cmd.lane;
      join_queue(c, c.s.lanes[cmd.lane].queue, idx);
      c.decide(DecisionKind::LaneAssigned, sh.id, cmd.lane);
      return "shipment " + to_string(cmd.shipment) + " re-routed to " + lane_name(c, cmd.lane);
    }
    case CommandKind::CloseCrossing:
      c.s.crossing_closed = true;  // crossings under way finish; the scheduler starts none
      return "closed the crossing of " + c.spec.id + ": no vehicle starts across until it is reopened";
    case CommandKind::ReopenCrossing:
      c.s.crossing_closed = false;
      return "reopened the crossing of " + c.spec.id;
    default: break;
  }
  return {};
}

}  // namespace twin::detail
