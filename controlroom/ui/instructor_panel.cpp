// The instructor's panel. See instructor_panel.h.
#include "controlroom/ui/instructor_panel.h"

#include "controlroom/ui/panel_common.h"

#include "twin/identifiers.h"

#include <string>

namespace controlroom {

using namespace twin;

Injection equipment_incident(const Core& core, uint8_t site, uint16_t checkpoint, uint16_t server, bool ok) {
  const SiteSpec& spec = core.sites().at(site);
  EquipmentStatus e{EquipmentRef{EquipmentRef::Kind::CheckpointServer, checkpoint, server}, ok};
  return {site, e, spec.checkpoints.at(checkpoint).id + " " + std::to_string(server + 1) + (ok ? " repaired" : " failed") + " at " + spec.id};
}

Injection partner_link_incident(uint8_t site, bool up) {
  return {site, PartnerLinkStatus{up}, std::string("partner link ") + (up ? "back up" : "down")};
}

Injection reefer_power_incident(const Core& core, uint8_t site, uint16_t yard, bool on) {
  const SiteSpec& spec = core.sites().at(site);
  return {site, ReeferPower{yard, on}, "reefer power " + std::string(on ? "on" : "off") + " in " + spec.yards.at(yard).id + " at " + spec.id};
}

Injection undeclared_truck_incident(const Core& core, uint8_t site, uint32_t n) {
  const SiteSpec& spec = core.sites().at(site);
  PositionReport p;
  p.entity = EntityKind::Truck;
  p.has_id = false;
  p.plate = "INSTR-" + std::to_string(n);
  p.container = make_container_number("INS", 'U', 900000 + n % 100000);
  const int gate = spec.checkpoint_index(CheckpointKind::GateIn);
  if (gate >= 0) p.position = spec.checkpoints[gate].positions.front() + glm::vec2(0, -25.0f);
  return {site, p, "undeclared truck " + p.plate + " (" + p.container + ") at " + spec.id + " gate-in"};
}

std::optional<Injection> instructor_panel(const PanelRect& r, const Core& core, uint8_t site, const OperatorSession& who,
                                          InstructorForm& form) {
  std::optional<Injection> out;
  if (ui::begin_fixed(ui::window_title("Instructor: inject an incident", "instructor").c_str(), r) && site < core.sites().size()) {
    const SiteSpec& spec = core.sites()[site];
    const SiteState& s = core.state().sites[site];
    const bool may = who.role == Role::Supervisor;
    if (!may) ImGui::TextDisabled("%s", ui::tr("Instructors only: log in as a supervisor to inject incidents."));
    ImGui::BeginDisabled(!may);
    if (form.checkpoint < 0 || form.checkpoint >= static_cast<int>(spec.checkpoints.size()))
      form.checkpoint = std::max(0, spec.checkpoint_index(CheckpointKind::Scanner));
    const auto& cp = spec.checkpoints[form.checkpoint];
    form.server = std::clamp(form.server, 0, cp.servers - 1);
    ImGui::TextUnformatted(ui::trf("%s at %s, server", ui::tr_data(cp.id).c_str(), spec.id.c_str()).c_str());
    for (int k = 0; k < cp.servers; ++k) {
      ImGui::SameLine();
      ImGui::PushID(k);
      if (ImGui::RadioButton(std::to_string(k + 1).c_str(), form.server == k)) form.server = k;
      ImGui::PopID();
    }
    const bool failed = s.checkpoints[form.checkpoint].servers[form.server].failed;
    if (ImGui::Button((std::string(ui::tr(failed ? "Scanner repaired" : "Scanner fails")) + "##scanner").c_str()))
      out = equipment_incident(core, site, static_cast<uint16_t>(form.checkpoint), static_cast<uint16_t>(form.server), failed);
    ImGui::SameLine();
    const bool up = core.state().partner_link_up;
    if (ImGui::Button((std::string(ui::tr(up ? "Partner link down" : "Partner link up")) + "##partner").c_str()))
      out = partner_link_incident(site, !up);
    if (form.yard < 0 || form.yard >= static_cast<int>(spec.yards.size())) {
      form.yard = 0;
      for (size_t y = 0; y < spec.yards.size(); ++y)
        if (spec.yards[y].reefer_slots > 0) { form.yard = static_cast<int>(y); break; }
    }
    if (!spec.yards.empty()) {
      const bool on = s.yards[form.yard].power_on;
      if (ImGui::Button((std::string(ui::tr(on ? "Reefer power off" : "Reefer power on")) + "##reefer").c_str()))
        out = reefer_power_incident(core, site, static_cast<uint16_t>(form.yard), !on);
      ImGui::SameLine();
      ImGui::TextDisabled("(%s)", spec.yards[form.yard].id.c_str());
      ImGui::SameLine();
    }
    if (ImGui::Button((std::string(ui::tr("Undeclared truck")) + "##undeclared").c_str()))
      out = undeclared_truck_incident(core, site, ++form.undeclared);
    ImGui::EndDisabled();
    if (out) form.status = ui::trf("injected: %s", out->what.c_str());
    if (!form.status.empty()) ImGui::TextWrapped("%s", form.status.c_str());
  }
  ImGui::End();
  return out;
}

}  // namespace controlroom
