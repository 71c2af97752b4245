// Alerts, KPIs, the wall's KPI strip, login and the status banner. See panels.h.
#include "controlroom/ui/panel_common.h"

#include "twin/clock_text.h"

#include <cstdio>

namespace controlroom {

using namespace twin;

void alerts_panel(const PanelRect& r, const AlertLog& alerts, const std::function<void(const Alert&)>& fly_to,
                  const std::function<std::string(SimTime)>& time_text) {
  if (ui::begin_fixed("Alerts", r)) {
    if (alerts.items().empty()) ImGui::TextDisabled("No alerts.");
    int i = 0;
    for (const Alert& a : alerts.items()) {
      ImGui::PushID(i++);
      std::string line = (time_text ? time_text(a.time_ms) : twin::clock_text(a.time_ms, twin::ClockStyle::DayAndTime)) + "  " + a.text;
      if (ImGui::Selectable(line.c_str()) && fly_to) fly_to(a);
      ImGui::PopID();
    }
  }
  ImGui::End();
}

static void target_line(const SiteKpis& k) {
  const double d = k.cleared_per_day;
  auto colour = [](bool ok) { return ok ? ImVec4(0.4f, 0.9f, 0.4f, 1) : ImVec4(1, 0.6f, 0.3f, 1); };
  ImGui::TextColored(colour(d >= k.targets.per_day_2027_min), "2027 %.0f-%.0f", k.targets.per_day_2027_min, k.targets.per_day_2027_max);
  ImGui::SameLine();
  ImGui::TextColored(colour(d >= k.targets.per_day_2030_min), "  2030 %.0f-%.0f", k.targets.per_day_2030_min, k.targets.per_day_2030_max);
}

void kpi_panel(const PanelRect& r, const Core& core, const KpiHistory& history) {
  if (ui::begin_fixed("KPIs", r)) {
    for (size_t i = 0; i < history.sites().size() && i < core.sites().size(); ++i) {
      const KpiSeries& s = history.sites()[i];
      const SiteKpis& k = s.latest;
      ImGui::PushID(static_cast<int>(i));
      ImGui::Text("%s  cleared %lld / %lld (exp/imp)  = %.0f a day", core.sites()[i].id.c_str(),
                  static_cast<long long>(k.cleared[0]), static_cast<long long>(k.cleared[1]), k.cleared_per_day);
      target_line(k);
      ImGui::Text("dwell p50 %.0f min  p95 %.0f min   lanes %.0f%%  scanners %.0f%%  yards %.0f%%  guide veh. %.0f%%",
                  k.dwell_min_p50, k.dwell_min_p95, 100 * k.lane_utilisation,
                  [&] { for (auto& c : k.checkpoints) if (c.kind == CheckpointKind::Scanner) return 100 * c.utilisation; return 0.0; }(),
                  100 * k.yard_utilisation, 100 * k.fleet_utilisation);
      const float w = (ImGui::GetContentRegionAvail().x - 8) / 2;
      // Per hour against the hourly rate the 2030 upper target needs.
      char overlay[64];
      std::snprintf(overlay, sizeof overlay, "cleared/h (2030 needs %.0f)", k.targets.per_day_2030_max / 24);
      ImGui::PlotHistogram("##perhour", s.cleared_per_hour.data(), static_cast<int>(s.cleared_per_hour.size()), 0, overlay, 0,
                           static_cast<float>(std::max(1.0, k.targets.per_day_2030_max / 12)), ImVec2(w, 60));
      ImGui::SameLine();
      ImGui::PlotLines("##dwell", s.dwell_p95_min.data(), static_cast<int>(s.dwell_p95_min.size()), 0, "dwell p95 (min)", 0,
                       FLT_MAX, ImVec2(w, 60));
      ImGui::PlotLines("##queue", s.queue_total.data(), static_cast<int>(s.queue_total.size()), 0, "vehicles queued", 0, FLT_MAX,
                       ImVec2(2 * w + 8, 40));
      ImGui::Separator();
      ImGui::PopID();
    }
  }
  ImGui::End();
}

void kpi_strip(const PanelRect& r, const Core& core, const KpiHistory& history) {
  if (ui::begin_fixed("##kpistrip", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
    for (size_t i = 0; i < history.sites().size() && i < core.sites().size(); ++i) {
      const SiteKpis& k = history.sites()[i].latest;
      int64_t queued = k.lane_queue_now;
      for (const auto& c : k.checkpoints) queued += c.queue_now;
      ImGui::Text("%-6s %5.0f / day   export %lld  import %lld   dwell p50 %3.0f  p95 %3.0f min   queued %lld   lanes %3.0f%%",
                  core.sites()[i].id.c_str(), k.cleared_per_day, static_cast<long long>(k.cleared[0]),
                  static_cast<long long>(k.cleared[1]), k.dwell_min_p50, k.dwell_min_p95, static_cast<long long>(queued),
                  100 * k.lane_utilisation);
      ImGui::SameLine();
      target_line(k);
    }
  }
  ImGui::End();
}

bool login_panel(const PanelRect& r, connectors::Accounts& accounts, OperatorSession& who) {
  static char user[64] = {}, password[64] = {};
  static std::string message;
  bool changed = false;
  if (ui::begin_fixed("Login", r)) {
    if (who.logged_in()) {
      ImGui::Text("%s  (%s)", who.user.c_str(), to_string(who.role));
      if (ImGui::Button("Log out")) { who = {}; changed = true; }
      ui_map::item("login/Log out");
    } else {
      // Enter in the user box goes on to the password; Enter in the password box logs in.
      if (ImGui::InputText("user", user, sizeof user, ImGuiInputTextFlags_EnterReturnsTrue)) ImGui::SetKeyboardFocusHere();
      ui_map::item("login/user");
      const bool enter = ImGui::InputText("password", password, sizeof password,
                                          ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
      ui_map::item("login/password");
      const bool click = ImGui::Button("Log in");
      ui_map::item("login/Log in");
      if (enter || click) {
        if (auto a = accounts.login(user, password)) {
          who.user = a->user;
          who.role = a->role;
          message.clear();
          user[0] = 0;  // the next one to log in starts from empty boxes
          changed = true;
        } else {
          message = "user or password not known";
        }
        password[0] = 0;
      }
      if (!message.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "%s", message.c_str());
    }
  }
  ImGui::End();
  return changed;
}

void status_banner(const PanelRect& r, const std::string& text, bool alarm) {
  if (text.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_WindowBg, alarm ? ImVec4(0.75f, 0.08f, 0.08f, 0.95f) : ImVec4(0.12f, 0.14f, 0.18f, 0.95f));
  if (ui::begin_fixed("##banner", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoInputs)) {
    const float tw = ImGui::CalcTextSize(text.c_str()).x;
    ImGui::SetCursorPosX(std::max(8.0f, (r.w - tw) / 2));
    ImGui::TextUnformatted(text.c_str());
  }
  ImGui::End();
  ImGui::PopStyleColor();
}

}  // namespace controlroom
