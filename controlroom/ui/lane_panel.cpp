// The lane panel: every lane's state, queue and throughput, and the lane, equipment and
// goods-priority commands. See panels.h.
#include "controlroom/ui/panel_common.h"

#include "twin/lane_rules.h"

#include <algorithm>
#include <string>

namespace controlroom {

using namespace twin;

static const char* lane_state(const SiteSpec& spec, const LaneState& st, size_t l) {
  if (!st.open) return ui::tr("closed");
  if (st.barrier_failed) return ui::tr("barrier failed");
  if (st.direction != spec.lanes[l].direction) return ui::tr("open, reversed");
  if (st.reserved_unmanned) return ui::tr("reserved unmanned");
  return ui::tr("open");
}

void lane_panel(const PanelRect& r, const Core& core, uint8_t site, const OperatorSession& who, CommandForm& form,
                const CommandSink& sink) {
  if (ui::begin_fixed(ui::window_title("Lanes and equipment", "lanes").c_str(), r) && site < core.sites().size()) {
    const SiteSpec& spec = core.sites()[site];
    const SiteState& s = core.state().sites[site];
    const double hours = std::max(1.0, static_cast<double>(core.state().now_ms) / kHour);
    ui::update_guard(core, form);
    const std::string role_why = ui::role_why_not(who);
    const std::string why_not = ui::command_header("lanes", who, form);  // role, or an empty reason box
    ui::command_outcome(core, form);
    static int selected_lane = 0;
    if (ImGui::BeginTable("lanes", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn(ui::tr("lane"));
      ImGui::TableSetupColumn(ui::tr("dir"));
      ImGui::TableSetupColumn(ui::tr("state"));
      ImGui::TableSetupColumn(ui::tr("queue"));
      ImGui::TableSetupColumn(ui::tr("per h"));
      ImGui::TableHeadersRow();
      for (size_t l = 0; l < spec.lanes.size(); ++l) {
        const LaneState& st = s.lanes[l];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        std::string name = spec.lanes[l].id + (spec.lanes[l].kind == LaneKind::Unmanned ? ui::tr(" (U)") : "");
        if (ImGui::Selectable(name.c_str(), selected_lane == static_cast<int>(l), ImGuiSelectableFlags_SpanAllColumns))
          selected_lane = static_cast<int>(l);
        ui_map::item("lanes/row/" + spec.lanes[l].id);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(ui::tr_data(to_string(st.direction)).c_str());
        ImGui::TableSetColumnIndex(2);
        const bool trouble = !st.open || st.barrier_failed;
        ImGui::TextColored(trouble ? ImVec4(1, 0.5f, 0.4f, 1) : ImVec4(0.85f, 0.9f, 0.85f, 1), "%s", lane_state(spec, st, l));
        ImGui::TableSetColumnIndex(3);
        int on = 0;
        for (uint16_t v : st.segment) on += v != kNone16;
        ImGui::Text("%zu%s", st.queue.size() + (st.on_lane != kNone ? 1 : 0), on ? ui::trf(" +%dU", on).c_str() : "");
        ImGui::TableSetColumnIndex(4);
        ImGui::Text("%.1f", st.crossings / hours);
      }
      ImGui::EndTable();
    }
    if (selected_lane >= 0 && static_cast<size_t>(selected_lane) < spec.lanes.size()) {
      const size_t l = static_cast<size_t>(selected_lane);
      const LaneState& st = s.lanes[l];
      Command c;
      c.lane = static_cast<uint16_t>(l);
      ImGui::Text("%s:", spec.lanes[l].id.c_str());
      ui_map::item("lanes/selected/" + spec.lanes[l].id);
      std::string rule_note, rule_text;  // a button only a supervisor may use, and why
      // The last-lane rule (twin/lane_rules.h): disabled for all but a supervisor, who is
      // asked to confirm. The role's own reason comes first, the empty reason box last.
      auto button = [&](const char* english, CommandKind k) {
        const std::string label_text = std::string(ui::tr(english)) + "##" + english;
        const char* label = label_text.c_str();
        ImGui::SameLine();
        c.kind = k;
        const std::string rule = last_lane_rule(spec, s, c);
        const bool super = who.role == Role::Supervisor;
        std::string why = role_why;
        if (why.empty() && !rule.empty() && !super) {
          why = ui::tr_data(rule);
          rule_note += (rule_note.empty() ? "" : ", ") + std::string(ui::tr(english));
          rule_text = rule;
        }
        if (why.empty()) why = why_not;
        if (!ui::command_button(std::string("lanes/") + english, label, why, form)) return;
        if (rule.empty()) ui::send(form, who, site, c, sink);
        else form.confirm = PendingConfirm{site, c, std::string(ui::tr(english)) + " " + spec.lanes[l].id, rule};
      };
      button(st.open ? "Close" : "Open", st.open ? CommandKind::CloseLane : CommandKind::OpenLane);
      button("Reverse", CommandKind::ReverseLane);
      if (spec.lanes[l].kind == LaneKind::Manned)
        button(st.reserved_unmanned ? "Return to trucks" : "Reserve for unmanned",
               st.reserved_unmanned ? CommandKind::UnreserveLane : CommandKind::ReserveLaneForUnmanned);
      c.equipment = {EquipmentRef::Kind::LaneBarrier, static_cast<uint16_t>(l), 0};
      button(st.barrier_failed ? "Barrier restored" : "Barrier failed",
             st.barrier_failed ? CommandKind::MarkEquipmentRestored : CommandKind::MarkEquipmentFailed);
      if (!rule_note.empty()) ui::why_line(rule_note + " " + spec.lanes[l].id, ui::tr_data(rule_text));
      ui::why_line("", role_why.empty() ? why_not : role_why);
    }
    if (ImGui::CollapsingHeader((std::string(ui::tr("Checkpoints and guide vehicles")) + "###checkpoints").c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
      // Three columns however long the names are in the language shown: name, queue, servers.
      float name_w = 0, queue_w = ImGui::CalcTextSize(ui::trf("queue %zu", size_t{888}).c_str()).x;
      for (const auto& cps : spec.checkpoints) name_w = std::max(name_w, ImGui::CalcTextSize(ui::tr_data(cps.id).c_str()).x);
      const float x0 = ImGui::GetCursorPosX(), gap = ImGui::GetStyle().ItemSpacing.x * 2;
      for (size_t k = 0; k < spec.checkpoints.size(); ++k) {
        const CheckpointState& cp = s.checkpoints[k];
        ImGui::TextUnformatted(ui::tr_data(spec.checkpoints[k].id).c_str());
        ImGui::SameLine(x0 + name_w + gap);
        ImGui::TextUnformatted(ui::trf("queue %zu", cp.queue.size()).c_str());
        ImGui::SameLine(x0 + name_w + gap + queue_w);
        for (size_t srv = 0; srv < cp.servers.size(); ++srv) {
          ImGui::SameLine();
          ImGui::PushID(static_cast<int>(k * 1000 + srv));
          const bool failed = cp.servers[srv].failed;
          if (failed) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.8f, 0.15f, 0.15f, 1));
          std::string label = std::to_string(srv + 1);
          if (ui::command_button("lanes/server/" + spec.checkpoints[k].id + "#" + label, label.c_str(), why_not, form, true)) {
            Command c;
            c.kind = failed ? CommandKind::MarkEquipmentRestored : CommandKind::MarkEquipmentFailed;
            c.equipment = {EquipmentRef::Kind::CheckpointServer, static_cast<uint16_t>(k), static_cast<uint16_t>(srv)};
            ui::send(form, who, site, c, sink);
          }
          if (failed) ImGui::PopStyleColor();
          ImGui::PopID();
        }
      }
      ImGui::TextUnformatted(ui::tr("guide vehicles "));
      for (size_t v = 0; v < s.fleet.size(); ++v) {
        ImGui::SameLine();
        ImGui::PushID(static_cast<int>(100000 + v));
        const bool failed = s.fleet[v].failed;
        if (failed) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.8f, 0.15f, 0.15f, 1));
        std::string label = "U" + std::to_string(v + 1);
        if (ui::command_button("lanes/guide/" + label, label.c_str(), why_not, form, true)) {
          Command c;
          c.kind = failed ? CommandKind::MarkEquipmentRestored : CommandKind::MarkEquipmentFailed;
          c.equipment = {EquipmentRef::Kind::GuideVehicle, static_cast<uint16_t>(v), 0};
          ui::send(form, who, site, c, sink);
        }
        if (failed) ImGui::PopStyleColor();
        ImGui::PopID();
      }
      ImGui::TextDisabled("%s", ui::tr("Click a server or vehicle to mark it failed / restored."));
      ImGui::TextUnformatted(ui::tr("priority:"));
      for (size_t g = 0; g < spec.goods.size(); ++g) {
        ImGui::SameLine();
        Command c;
        c.kind = CommandKind::PrioritiseGoods;
        c.goods = static_cast<uint16_t>(g);
        const bool active = s.priority_goods == static_cast<int>(g);
        const std::string goods = ui::tr_data(spec.goods[g].id);
        std::string label = (active ? "[" + goods + "]" : goods) + "##prio" + spec.goods[g].id;
        if (ui::command_button("lanes/priority/" + spec.goods[g].id, label.c_str(), why_not, form, true)) ui::send(form, who, site, c, sink);
      }
      ImGui::SameLine();
      if (ui::command_button("lanes/priority/none", (std::string(ui::tr("none")) + "##prio-none").c_str(), why_not, form, true)) ui::send(form, who, site, Command{CommandKind::ClearPriority}, sink);
    }
    ui::confirm_popup(core, form, who, sink);
  }
  ImGui::End();
}

}  // namespace controlroom
