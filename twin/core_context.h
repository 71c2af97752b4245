// Private to twin/: the context the core's parts (clearance flow, scheduler, command
// rules) share while folding one event. Not part of the core's public interface.
#pragma once
#include "twin/decision.h"
#include "twin/site.h"
#include "twin/state.h"

#include <string>

namespace twin::detail {

struct Ctx {
  const SiteSpec& spec;
  SiteState& s;
  WorldState& w;
  Decisions& out;
  uint8_t site;
  uint64_t seq;

  SimTime now() const { return w.now_ms; }
  Shipment& ship(ShipmentIndex idx) { return s.shipments[idx]; }
  Decision& decide(DecisionKind kind, ShipmentId shipment = {}, uint16_t resource = 0, uint16_t unit = 0,
                   int64_t value = 0, std::string text = {}) {
    out.push_back(Decision{kind, site, shipment, resource, unit, value, seq, w.now_ms, std::move(text)});
    return out.back();
  }
  void ignore(const std::string& reason) { w.ignored_by_reason[reason]++; s.counters.events_ignored++; }
};

// [clearance_flow.cpp] the path of a shipment through the checkpoints.
void set_phase(Ctx& c, ShipmentIndex idx, Phase phase, uint16_t where = kNone16);
void advance(Ctx& c, ShipmentIndex idx);
void divert(Ctx& c, ShipmentIndex idx, Outcome outcome, const std::string& why);
void on_declaration(Ctx& c, const DeclarationFiled& e);
void on_partner_declaration(Ctx& c, const PartnerDeclarationReceived& e);
void on_vehicle_arrived(Ctx& c, const VehicleArrived& e);
void on_step_completed(Ctx& c, const StepCompleted& e);
void on_handover_completed(Ctx& c, const HandoverCompleted& e);
void on_receipt_confirmed(Ctx& c, const PartnerReceiptConfirmed& e);
void on_transfer_completed(Ctx& c, const TransferCompleted& e);
void on_vehicle_left(Ctx& c, const VehicleLeft& e);
void on_partner_link(Ctx& c, bool up);
bool needs_quarantine(const Ctx& c, const Shipment& sh);
bool is_terminal(Phase p);
// Removes a shipment from whatever waiting queue holds it; true if it was waiting.
bool pull_from_queue(Ctx& c, ShipmentIndex idx);

// [scheduler.cpp] assignment of checkpoints, lanes, yard slots and guide vehicles.
void schedule(Ctx& c);
bool truck_lane_usable(const Ctx& c, uint16_t lane, Direction d);
bool guide_lane_usable(const Ctx& c, uint16_t lane, Direction d);
int truck_lanes_usable(const Ctx& c, Direction d);
void requeue_lane(Ctx& c, uint16_t lane);
// Puts idx at the end of a queue the scene draws, noting where it joined (Shipment::joined_at_spot).
void join_queue(Ctx& c, std::deque<ShipmentIndex>& q, ShipmentIndex idx);
// Takes q[i] out of a queue the scene draws, noting it in the queue's log (state.h, QueueLeaves).
void leave_queue(Ctx& c, std::deque<ShipmentIndex>& q, size_t i, QueueLeaves& log);
void on_guide_step_completed(Ctx& c, const GuideVehicleStepCompleted& e);
void set_guide_phase(Ctx& c, uint16_t v, GuidePhase phase);
void free_yard_slot(Ctx& c, Shipment& sh);
void on_tick(Ctx& c);

// [retention.cpp] removes Left / Cleared shipments whose last phase change is before
// `before` from the site's shipments, keeping what the KPIs need; re-indexes the rest.
void retire_shipments(Ctx& c, SimTime before);

// [field_tracking.cpp] the field's reports of where vehicles are; field/core divergence.
void on_position(Ctx& c, const PositionReport& e);
// The field said something that contradicts the core: ignored as `reason`, counted by
// reason, and alerted (1st, 10th, 100th... of a reason per site) with what it said.
void diverge(Ctx& c, const std::string& reason, const std::string& said);
// Where the process has a shipment, in words ("queued at gate-in", "cleared").
std::string where_core_has(const Ctx& c, const Shipment& sh);
// Keeps SiteState::by_field_name up to date with a shipment's plate and container.
void index_field_names(Ctx& c, ShipmentIndex idx);
// A shipment now known (declared or read at arrival) takes over the track of the
// undeclared vehicle with its plate / container / id, which stops being undeclared.
void adopt_undeclared(Ctx& c, ShipmentIndex idx);
// Undeclared vehicles not reported for kUndeclaredForgetMs are forgotten (at each tick).
void forget_quiet_undeclared(Ctx& c);

// [command_rules.cpp] operator commands and equipment health.
void on_command(Ctx& c, const OperatorCommand& e);
// Checks e now and carries it out or refuses it: recorded as rec, answered with a
// decision whose value is answer_seq (the seq of the command that asked for it); the
// outcome text starts with prefix.
void carry_out_now(Ctx& c, const OperatorCommand& e, CommandRecord rec, uint64_t answer_seq, const std::string& prefix = {});
void record_verdict(Ctx& c, CommandRecord rec, bool accepted, std::string text, uint64_t answer_seq);

// [command_routes.cpp] reroute_vehicle, close_crossing, reopen_crossing: the refusal
// (empty: may go ahead) and the effect (its summary).
std::string check_route_command(const Ctx& c, const OperatorCommand& e);
std::string carry_out_route_command(Ctx& c, const Command& cmd);

// [command_schedule.cpp] orders for later: kept, then carried out when due.
void order_for_later(Ctx& c, const OperatorCommand& e, CommandRecord rec);
// Carries out one due order (taken out of WorldState::scheduled by the caller).
void carry_out_due(Ctx& c, const CommandOrder& due);
void set_equipment(Ctx& c, const EquipmentRef& eq, bool ok);
bool equipment_valid(const Ctx& c, const EquipmentRef& eq);

}  // namespace twin::detail
