// The vehicle inspector. See panels.h.
#include "controlroom/ui/panel_common.h"

#include "twin/clock_text.h"
#include "twin/expected_place.h"

namespace controlroom {

using namespace twin;

// Where the field last put the vehicle, and how old that is; where the process has it.
static void where(const Core& core, const SiteSpec& spec, const FieldTrack& f, const ExpectedPlace* place) {
  ImGui::Separator();
  if (!f.reported()) {
    ImGui::TextDisabled("field: no position reported (drawn where the process has it)");
  } else {
    const double age_s = static_cast<double>(core.state().now_ms - f.at_ms) / kSecond;
    const bool stale = core.state().now_ms - f.at_ms > kFieldStaleAfterMs;
    const ImVec4 colour = stale ? ImVec4(0.7f, 0.7f, 0.7f, 1) : ImVec4(1, 1, 1, 1);
    ImGui::TextColored(colour, "field: %s at (%.1f, %.1f) m, %.0f s ago%s", place_name(spec, f.position).c_str(),
                       static_cast<double>(f.position.x), static_cast<double>(f.position.y), age_s, stale ? "  STALE" : "");
  }
  if (!place) return;
  if (!place->known()) {
    ImGui::TextDisabled("process: no place in the site");
    return;
  }
  ImGui::Text("process: %s (within %.0f m)", place->what().c_str(), static_cast<double>(place->tolerance_m));
  if (f.off_plan_m > 0)
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "OFF PLAN: %.0f m away%s", static_cast<double>(f.off_plan_m),
                       f.off_plan_alerted ? ", alerted" : "");
}

static void field_vehicle(const Core& core, const PickTarget& t) {
  const SiteSpec& spec = core.sites()[t.site];
  const FieldVehicle& v = core.state().sites[t.site].undeclared[t.index];
  ImGui::TextColored(ImVec4(1, 0.4f, 0.85f, 1), "UNDECLARED vehicle %s at %s", v.name.c_str(), spec.id.c_str());
  ImGui::Text("plate %s   container %s", v.plate.empty() ? "-" : v.plate.c_str(), v.container.empty() ? "-" : v.container.c_str());
  ImGui::Text("first seen %s", twin::clock_text(v.first_seen_ms, twin::ClockStyle::DayAndTime).c_str());
  ImGui::TextWrapped("No declaration and no arrival read for it: the field reports it, the process does not know it.");
  where(core, spec, v.track, nullptr);
}

static void guide_vehicle(const Core& core, const PickTarget& t) {
  const GuideVehicle& g = core.state().sites[t.site].fleet[t.index];
  ImGui::Text("Unmanned guide vehicle %u at %s", t.index + 1, core.sites()[t.site].id.c_str());
  ImGui::Text("state: %s%s, %s side", to_string(g.phase), g.failed ? " (FAILED)" : "", g.at_home ? "VN" : "partner");
  if (g.lane != kNone16) ImGui::Text("on lane %s, section %d of %d", core.sites()[t.site].lanes[g.lane].id.c_str(), g.segment + 1,
                                     core.sites()[t.site].lanes[g.lane].segments);
  if (g.cargo != kNone) ImGui::Text("carrying shipment %u", core.state().sites[t.site].shipments[g.cargo].id.value);
  ImGui::Text("trips: %lld", static_cast<long long>(g.trips));
  where(core, core.sites()[t.site], g.field, nullptr);
}

void inspector_panel(const PanelRect& r, const Core& core, const PickTarget& t, const OperatorSession& who, CommandForm& form,
                     const CommandSink& sink) {
  if (ui::begin_fixed("Vehicle", r)) {
    if (t.kind == PickKind::GuideVehicle && t.site < core.sites().size()) {
      guide_vehicle(core, t);
    } else if (t.kind == PickKind::FieldVehicle && t.site < core.sites().size() &&
               t.index < core.state().sites[t.site].undeclared.size()) {
      field_vehicle(core, t);
    } else if (t.kind != PickKind::Shipment || t.site >= core.sites().size() ||
               !core.state().sites[t.site].shipments.contains(t.shipment())) {
      ImGui::TextDisabled("Click a truck or guide vehicle in the 3D view.");
    } else {
      const SiteSpec& spec = core.sites()[t.site];
      const Shipment& sh = core.state().sites[t.site].shipments[t.shipment()];
      ImGui::Text("Shipment %u  (%s, %s)", sh.id.value, to_string(sh.direction), spec.id.c_str());
      ImGui::Text("plate %s   container %s%s", sh.plate.c_str(), sh.container.c_str(), sh.reefer ? "  reefer" : "");
      ImGui::Text("goods: %s", sh.goods < spec.goods.size() ? spec.goods[sh.goods].id.c_str() : "?");
      // The commands first, so that they are in view however short the panel is.
      ui::update_guard(core, form);
      const std::string why_not = ui::command_header("vehicle", who, form);
      Command c;
      c.shipment = sh.id;
      c.kind = sh.held ? CommandKind::ReleaseVehicle : CommandKind::HoldVehicle;
      const char* hold = sh.held ? "Release vehicle" : "Hold vehicle";
      if (ui::command_button(std::string("vehicle/") + hold, hold, why_not, form)) ui::send(form, who, t.site, c, sink);
      ImGui::SameLine();
      c.kind = CommandKind::ForceInspection;
      if (ui::command_button("vehicle/Force inspection", "Force inspection", why_not, form)) ui::send(form, who, t.site, c, sink);
      ui::why_line("", why_not);
      ui::command_outcome(core, form);
      ImGui::Separator();
      ImGui::Text("own declaration:     %s", sh.declared ? "filed" : "NONE");
      ImGui::Text("partner declaration: %s", !sh.partner_received ? "not received" : sh.partner_agrees ? "received, agrees" : "received, DISAGREES");
      ImGui::Text("channel: %s%s%s", to_string(sh.channel), sh.forced_inspection ? " (inspection forced)" : "", sh.held ? "   HELD" : "");
      ImGui::Text("now: %s%s", to_string(sh.phase), sh.unmanned ? " (unmanned crossing)" : "");
      if (!sh.divert_reason.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "out of the smart flow: %s", sh.divert_reason.c_str());
      const SimTime end = sh.done_ms >= 0 ? sh.done_ms : core.state().now_ms;
      if (sh.arrived_ms >= 0) ImGui::Text("dwell so far: %.1f min", static_cast<double>(end - sh.arrived_ms) / kMinute);
      const ExpectedPlace place = expected_place(spec, core.state().sites[t.site], sh);
      where(core, spec, sh.field, &place);
      ImGui::Separator();
      if (ImGui::BeginTable("steps", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY, ImVec2(0, r.h * 0.35f))) {
        for (const PhaseChange& p : sh.history) {
          ImGui::TableNextRow();
          ImGui::TableSetColumnIndex(0);
          ImGui::TextUnformatted(twin::clock_text(p.time_ms, twin::ClockStyle::DayAndTime).c_str());
          ImGui::TableSetColumnIndex(1);
          std::string where;
          if (p.phase == Phase::QueuedCheckpoint || p.phase == Phase::AtCheckpoint)
            where = p.where < spec.checkpoints.size() ? " " + spec.checkpoints[p.where].id : "";
          else if (p.phase == Phase::OnLane && p.where < spec.lanes.size())
            where = " " + spec.lanes[p.where].id;
          ImGui::Text("%s%s", to_string(p.phase), where.c_str());
        }
        ImGui::EndTable();
      }
    }
  }
  ImGui::End();
}

}  // namespace controlroom
