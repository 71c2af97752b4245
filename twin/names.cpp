// Names of the core's enums, as used in traces, payloads, logs and the UI. Each name
// here is part of the MQTT and recording contract: change none without a schema bump.
#include "twin/core.h"

namespace twin {

const char* to_string(Direction d) { return d == Direction::Export ? "export" : "import"; }
const char* to_string(LaneKind k) { return k == LaneKind::Manned ? "manned" : "unmanned"; }
const char* to_string(CheckpointKind k) {
  static const char* n[] = {"gate_in", "scanner", "booth", "inspection", "quarantine", "release"};
  return k < CheckpointKind::Count ? n[static_cast<int>(k)] : "?";
}
const char* to_string(YardKind k) {
  static const char* n[] = {"parking", "transfer", "inspection"};
  return k < YardKind::Count ? n[static_cast<int>(k)] : "?";
}
const char* to_string(Channel c) {
  static const char* n[] = {"none", "green", "yellow", "red"};
  return n[static_cast<int>(c) & 3];
}
const char* to_string(Role r) {
  static const char* n[] = {"viewer", "operator", "supervisor"};
  return static_cast<int>(r) < 3 ? n[static_cast<int>(r)] : "?";
}
const char* to_string(CommandKind k) {
  static const char* n[] = {"open_lane",     "close_lane",      "reverse_lane",   "reserve_lane_unmanned",
                            "unreserve_lane", "hold_vehicle",   "release_vehicle", "force_inspection",
                            "mark_failed",   "mark_restored",   "prioritise_goods", "clear_priority",
                            "reroute_vehicle", "close_crossing",  "reopen_crossing"};
  return k < CommandKind::Count ? n[static_cast<int>(k)] : "?";
}
const char* to_string(EquipmentRef::Kind k) {
  static const char* n[] = {"checkpoint", "lane_barrier", "guide_vehicle"};
  return static_cast<int>(k) < 3 ? n[static_cast<int>(k)] : "?";
}
const char* to_string(DecisionKind k) {
  static const char* n[] = {"service_started",  "lane_assigned",     "handover_started", "transfer_started",
                            "awaiting_partner", "diverted",          "exited",           "guide_load",
                            "guide_unload",     "segment_granted",   "command_accepted", "command_refused",
                            "alert"};
  return k < DecisionKind::Count ? n[static_cast<int>(k)] : "?";
}
const char* to_string(Phase p) {
  static const char* n[] = {"declared",     "queued_checkpoint", "at_checkpoint",   "waiting_partner_data",
                            "queued_lane",  "on_lane",           "queued_yard_slot", "transferring",
                            "in_yard",      "at_partner_yard",   "on_guide_vehicle", "awaiting_receipt",
                            "diverted",     "cleared",           "left"};
  return p < Phase::Count ? n[static_cast<int>(p)] : "?";
}
const char* to_string(Outcome o) {
  static const char* n[] = {"open", "cleared", "diverted", "refused"};
  return n[static_cast<int>(o) & 3];
}
const char* to_string(GuidePhase p) {
  static const char* n[] = {"idle", "loading", "travelling", "waiting_segment", "unloading"};
  return p < GuidePhase::Count ? n[static_cast<int>(p)] : "?";
}
const char* event_name(const EventBody& body) {
  static const char* n[] = {"clock_tick",      "declaration",  "partner_declaration", "vehicle_arrived",
                            "step_completed",  "handover_completed", "receipt_confirmed", "transfer_completed",
                            "vehicle_left",    "guide_step_completed", "equipment_status", "partner_link",
                            "reefer_power",    "position",     "command"};
  return n[body.index()];
}

}  // namespace twin
