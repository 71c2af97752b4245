// The inspector's lines of a VDA 5050 vehicle. See vda_vehicle_text.h.
#include "controlroom/ui/vda_vehicle_text.h"

#include "controlroom/ui/text_catalogue.h"

namespace controlroom::ui {

std::vector<VdaLine> vda_vehicle_lines(const connectors::vda5050::VehicleView& v) {
  using Tone = VdaLine::Tone;
  std::vector<VdaLine> out;
  out.push_back({trf("VDA 5050 vehicle %s / %s", v.manufacturer.c_str(), v.serial_number.c_str()), Tone::Normal});
  const bool online = v.connection == "ONLINE";
  out.push_back({trf("connection: %s", tr_data(v.connection).c_str()), online ? Tone::Good : v.connection == "UNKNOWN" ? Tone::Muted : Tone::Alarm});
  if (v.available) out.push_back({tr("planned with by the core"), Tone::Good});
  else out.push_back({trf("NOT PLANNED WITH: %s", tr_data(v.unavailable_why).c_str()), Tone::Alarm});
  if (!v.has_state) {
    out.push_back({tr("no state received yet"), Tone::Muted});
    return out;
  }
  out.push_back({trf("motion: %s%s", v.driving ? tr("driving") : tr("standing"), v.paused ? tr(", PAUSED") : ""), v.paused ? Tone::Warn : Tone::Normal});
  if (v.battery_charge < 0) out.push_back({tr("battery: not reported"), Tone::Muted});
  else
    out.push_back({trf("battery: %.0f %%%s", v.battery_charge, v.charging ? tr(" (charging)") : ""), v.battery_charge < 20 ? Tone::Warn : Tone::Normal});
  out.push_back({trf("operating mode: %s", v.operating_mode.empty() ? "-" : tr_data(v.operating_mode).c_str()),
                 v.operating_mode == "AUTOMATIC" ? Tone::Normal : Tone::Warn});
  if (v.e_stop != "NONE") out.push_back({trf("E-STOP: %s", tr_data(v.e_stop).c_str()), Tone::Alarm});
  if (v.field_violation) out.push_back({tr("PROTECTIVE FIELD VIOLATED"), Tone::Alarm});
  if (v.e_stop == "NONE" && !v.field_violation) out.push_back({tr("safety: no e-stop, protective field clear"), Tone::Good});
  // Errors by level, the worst first.
  int fatal = 0, warning = 0;
  for (const auto& [level, text] : v.errors) (level == "FATAL" ? fatal : warning)++;
  if (v.errors.empty()) out.push_back({tr("errors: none"), Tone::Good});
  else out.push_back({trf("errors: %d fatal, %d warning", fatal, warning), fatal ? Tone::Alarm : Tone::Warn});
  for (const bool fatal_pass : {true, false})
    for (const auto& [level, text] : v.errors)
      if ((level == "FATAL") == fatal_pass) out.push_back({"  " + tr_data(level) + ": " + text, fatal_pass ? Tone::Alarm : Tone::Warn});
  // The order.
  if (v.order_id.empty()) out.push_back({tr("vehicle's order: none"), Tone::Normal});
  else out.push_back({trf("vehicle's order: %s, update %lld", v.order_id.c_str(), static_cast<long long>(v.order_update_id)), Tone::Normal});
  if (v.twin_order_id.empty()) out.push_back({tr("twin's order: none sent"), Tone::Muted});
  else
    out.push_back({trf("twin's order: %s, update %lld", v.twin_order_id.c_str(), static_cast<long long>(v.twin_order_update_id)),
                   v.twin_order_id == v.order_id ? Tone::Normal : Tone::Warn});
  out.push_back({trf("nodes: %d done, %d to go   edges: %d done, %d to go", v.nodes_done, v.nodes_to_go, v.edges_done, v.edges_to_go), Tone::Normal});
  out.push_back({trf("last node: %s (sequence %lld)", v.last_node_id.empty() ? "-" : v.last_node_id.c_str(),
                     static_cast<long long>(v.last_node_sequence_id)), Tone::Normal});
  if (v.orders_resent > 0)
    out.push_back({trf("order sent again %lld times (back without it)", static_cast<long long>(v.orders_resent)), Tone::Warn});
  out.push_back({trf("states %lld, visualizations %lld, restarts %lld", static_cast<long long>(v.states), static_cast<long long>(v.visualizations),
                     static_cast<long long>(v.header_restarts)), Tone::Muted});
  return out;
}

}  // namespace controlroom::ui
