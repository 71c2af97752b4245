// The vehicle inspector. See panels.h.
#include "controlroom/ui/panel_common.h"
#include "controlroom/ui/vda_vehicle_text.h"

#include "twin/clock_text.h"
#include "twin/expected_place.h"

namespace controlroom {

using namespace twin;

// Where the field last put the vehicle, and how old that is; where the process has it.
static void where(const Core& core, const SiteSpec& spec, const FieldTrack& f, const ExpectedPlace* place) {
  ImGui::Separator();
  if (!f.reported()) {
    ImGui::TextDisabled("%s", ui::tr("field: no position reported (drawn where the process has it)"));
  } else {
    const double age_s = static_cast<double>(core.state().now_ms - f.at_ms) / kSecond;
    const bool stale = core.state().now_ms - f.at_ms > kFieldStaleAfterMs;
    const ImVec4 colour = stale ? ImVec4(0.7f, 0.7f, 0.7f, 1) : ImVec4(1, 1, 1, 1);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(colour, "%s", ui::trf("field: %s at (%.1f, %.1f) m, %.0f s ago%s", place_name(spec, f.position).c_str(),
                                             static_cast<double>(f.position.x), static_cast<double>(f.position.y), age_s,
                                             stale ? ui::tr("  STALE") : "").c_str());
    ImGui::PopTextWrapPos();
  }
  if (!place) return;
  if (!place->known()) {
    ImGui::TextDisabled("%s", ui::tr("process: no place in the site"));
    return;
  }
  ImGui::TextWrapped("%s", ui::trf("process: %s (within %.0f m)", place->what().c_str(), static_cast<double>(place->tolerance_m)).c_str());
  if (f.off_plan_m > 0)
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", ui::trf("OFF PLAN: %.0f m away%s", static_cast<double>(f.off_plan_m),
                                                             f.off_plan_alerted ? ui::tr(", alerted") : "").c_str());
}

static void field_vehicle(const Core& core, const PickTarget& t) {
  const SiteSpec& spec = core.sites()[t.site];
  const FieldVehicle& v = core.state().sites[t.site].undeclared[t.index];
  ImGui::TextColored(ImVec4(1, 0.4f, 0.85f, 1), "%s", ui::trf("UNDECLARED vehicle %s at %s", v.name.c_str(), spec.id.c_str()).c_str());
  ImGui::TextUnformatted(ui::trf("plate %s   container %s", v.plate.empty() ? "-" : v.plate.c_str(), v.container.empty() ? "-" : v.container.c_str()).c_str());
  ImGui::TextUnformatted(ui::trf("first seen %s", twin::clock_text(v.first_seen_ms, twin::ClockStyle::DayAndTime).c_str()).c_str());
  ImGui::TextWrapped("%s", ui::tr("No declaration and no arrival read for it: the field reports it, the process does not know it."));
  where(core, spec, v.track, nullptr);
}

// A VDA 5050 vehicle's own report (docs/vda5050.md "For the inspector"), coloured by tone.
static void vda_vehicle(const connectors::vda5050::VehicleView& v) {
  ImGui::Separator();
  ImGui::PushTextWrapPos(0.0f);
  for (const ui::VdaLine& l : ui::vda_vehicle_lines(v)) {
    ImVec4 c(1, 1, 1, 1);
    switch (l.tone) {
      case ui::VdaLine::Tone::Good: c = ImVec4(0.5f, 0.9f, 0.5f, 1); break;
      case ui::VdaLine::Tone::Warn: c = ImVec4(1, 0.8f, 0.35f, 1); break;
      case ui::VdaLine::Tone::Alarm: c = ImVec4(1, 0.45f, 0.35f, 1); break;
      case ui::VdaLine::Tone::Muted: c = ImVec4(0.65f, 0.65f, 0.65f, 1); break;
      case ui::VdaLine::Tone::Normal: break;
    }
    ImGui::TextColored(c, "%s", l.text.c_str());
    ui_map::item("vda5050/" + l.text);  // what the inspector says, for tests driving the window
  }
  ImGui::PopTextWrapPos();
}

static void guide_vehicle(const Core& core, const PickTarget& t, const connectors::vda5050::VehicleView* vda) {
  const GuideVehicle& g = core.state().sites[t.site].fleet[t.index];
  ImGui::TextUnformatted(ui::trf("Unmanned guide vehicle %u at %s", t.index + 1, core.sites()[t.site].id.c_str()).c_str());
  ImGui::TextUnformatted(ui::trf("state: %s%s, %s side", ui::tr_data(to_string(g.phase)).c_str(), g.failed ? ui::tr(" (FAILED)") : "",
                                 g.at_home ? ui::tr("VN") : ui::tr("partner")).c_str());
  if (g.lane != kNone16)
    ImGui::TextUnformatted(ui::trf("on lane %s, section %d of %d", core.sites()[t.site].lanes[g.lane].id.c_str(), g.segment + 1,
                                   core.sites()[t.site].lanes[g.lane].segments).c_str());
  if (g.cargo != kNone) ImGui::TextUnformatted(ui::trf("carrying shipment %u", core.state().sites[t.site].shipments[g.cargo].id.value).c_str());
  ImGui::TextUnformatted(ui::trf("trips: %lld", static_cast<long long>(g.trips)).c_str());
  if (vda) vda_vehicle(*vda);
  where(core, core.sites()[t.site], g.field, nullptr);
}

void inspector_panel(const PanelRect& r, const Core& core, const PickTarget& t, const OperatorSession& who, CommandForm& form,
                     const CommandSink& sink, const connectors::vda5050::VehicleView* vda) {
  if (ui::begin_fixed(ui::window_title("Vehicle", "vehicle").c_str(), r)) {
    if (t.kind == PickKind::GuideVehicle && t.site < core.sites().size()) {
      guide_vehicle(core, t, vda);
    } else if (t.kind == PickKind::FieldVehicle && t.site < core.sites().size() &&
               t.index < core.state().sites[t.site].undeclared.size()) {
      field_vehicle(core, t);
    } else if (t.kind != PickKind::Shipment || t.site >= core.sites().size() ||
               !core.state().sites[t.site].shipments.contains(t.shipment())) {
      ImGui::TextDisabled("%s", ui::tr("Click a truck or guide vehicle in the 3D view."));
    } else {
      const SiteSpec& spec = core.sites()[t.site];
      const Shipment& sh = core.state().sites[t.site].shipments[t.shipment()];
      ImGui::TextUnformatted(ui::trf("Shipment %u  (%s, %s)", sh.id.value, ui::tr_data(to_string(sh.direction)).c_str(), spec.id.c_str()).c_str());
      ImGui::TextUnformatted(ui::trf("plate %s   container %s%s", sh.plate.c_str(), sh.container.c_str(), sh.reefer ? ui::tr("  reefer") : "").c_str());
      ImGui::TextUnformatted(ui::trf("goods: %s", sh.goods < spec.goods.size() ? ui::tr_data(spec.goods[sh.goods].id).c_str() : "?").c_str());
      // The commands first, so that they are in view however short the panel is.
      ui::update_guard(core, form);
      const std::string why_not = ui::command_header("vehicle", who, form);
      Command c;
      c.shipment = sh.id;
      c.kind = sh.held ? CommandKind::ReleaseVehicle : CommandKind::HoldVehicle;
      const char* hold = sh.held ? "Release vehicle" : "Hold vehicle";
      if (ui::command_button(std::string("vehicle/") + hold, (std::string(ui::tr(hold)) + "##hold").c_str(), why_not, form))
        ui::send(form, who, t.site, c, sink);
      ImGui::SameLine();
      c.kind = CommandKind::ForceInspection;
      if (ui::command_button("vehicle/Force inspection", (std::string(ui::tr("Force inspection")) + "##force").c_str(), why_not, form))
        ui::send(form, who, t.site, c, sink);
      ui::why_line("", why_not);
      ui::command_outcome(core, form);
      ImGui::Separator();
      ImGui::TextUnformatted(ui::trf("own declaration:     %s", sh.declared ? ui::tr("filed") : ui::tr("NONE")).c_str());
      ImGui::TextUnformatted(ui::trf("partner declaration: %s", !sh.partner_received ? ui::tr("not received")
                                                                : sh.partner_agrees  ? ui::tr("received, agrees")
                                                                                     : ui::tr("received, DISAGREES")).c_str());
      ImGui::TextUnformatted(ui::trf("channel: %s%s%s", ui::tr_data(to_string(sh.channel)).c_str(),
                                     sh.forced_inspection ? ui::tr(" (inspection forced)") : "", sh.held ? ui::tr("   HELD") : "").c_str());
      ImGui::TextUnformatted(ui::trf("now: %s%s", ui::tr_data(to_string(sh.phase)).c_str(), sh.unmanned ? ui::tr(" (unmanned crossing)") : "").c_str());
      if (!sh.divert_reason.empty())
        ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", ui::trf("out of the smart flow: %s", ui::tr_data(sh.divert_reason).c_str()).c_str());
      const SimTime end = sh.done_ms >= 0 ? sh.done_ms : core.state().now_ms;
      if (sh.arrived_ms >= 0) ImGui::TextUnformatted(ui::trf("dwell so far: %.1f min", static_cast<double>(end - sh.arrived_ms) / kMinute).c_str());
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
          ImGui::Text("%s%s", ui::tr_data(to_string(p.phase)).c_str(), where.c_str());
        }
        ImGui::EndTable();
      }
    }
  }
  ImGui::End();
}

}  // namespace controlroom
