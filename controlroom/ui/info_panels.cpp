// Alerts, KPIs (with their plots: axes, a time scale, the 2027 / 2030 target lines, the
// value under the cursor), the wall's KPI strip, login and the status banner. See panels.h.
#include "controlroom/ui/panel_common.h"

#include "controlroom/ui/alert_text.h"
#include "twin/clock_text.h"

#include <cmath>
#include <cstdio>

namespace controlroom {

using namespace twin;

void alerts_panel(const PanelRect& r, const AlertLog& alerts, const std::function<void(const Alert&)>& fly_to,
                  const std::function<std::string(SimTime)>& time_text) {
  if (ui::begin_fixed(ui::window_title("Alerts", "alerts").c_str(), r)) {
    if (alerts.items().empty()) ImGui::TextDisabled("%s", ui::tr("No alerts."));
    int i = 0;
    for (const Alert& a : alerts.items()) {
      ImGui::PushID(i++);
      std::string line = (time_text ? time_text(a.time_ms) : twin::clock_text(a.time_ms, twin::ClockStyle::DayAndTime)) + "  " + ui::alert_text(a.text);
      ImGui::PushTextWrapPos(0.0f);  // a long alert wraps inside the panel, never cut at its edge
      const float width = ImGui::GetContentRegionAvail().x;
      const ImVec2 size(0, ImGui::CalcTextSize(line.c_str(), nullptr, false, width).y);
      if (!ImGui::IsRectVisible(ImVec2(width, size.y))) {
        ImGui::Dummy(size);  // scrolled out of sight: its place only (up to 500 alerts a frame)
      } else {
        if (ImGui::Selectable(("##alert" + std::to_string(i)).c_str(), false, 0, size) && fly_to) fly_to(a);
        ImGui::SameLine(ImGui::GetStyle().WindowPadding.x);
        ImGui::TextWrapped("%s", line.c_str());
      }
      ImGui::PopTextWrapPos();
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

// [SECTION] plots

namespace {

struct TargetMark {
  float value;
  const char* label;   // "2027", "2030"
  ImU32 colour;
};

// "10:00" for an hour of run time (the day's hour; run time starts at 00:00).
std::string hour_text(double h) {
  const int total_min = static_cast<int>(std::lround(h * 60.0));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (total_min / 60) % 24, total_min % 60);
  return buf;
}

// A plot of ys over xs (hours of run time) in a box of size: the y axis with 0, half and
// the top value, the time axis with up to five times, dashed target lines with their year,
// bars or a line, and under the cursor a marker and the sample's time and value.
void plot(const char* id, const char* title, const char* unit, const std::vector<float>& xs, const std::vector<float>& ys,
          bool bars, const std::vector<TargetMark>& targets, ImVec2 size) {
  ImGui::PushID(id);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plot", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 axis = IM_COL32(150, 150, 160, 255), grid = IM_COL32(90, 90, 100, 120);
  dl->AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y), IM_COL32(20, 22, 28, 200), 3.0f);
  dl->AddText(ImVec2(at.x + 4, at.y + 1), text, title);
  // The value range: 0 to the largest of the data and the targets, rounded up.
  float top = 1.0f;
  for (float y : ys) top = std::max(top, y);
  for (const TargetMark& t : targets) top = std::max(top, t.value);
  const float step = std::pow(10.0f, std::floor(std::log10(top)));
  top = std::ceil(top * 1.1f / step) * step;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.0f", static_cast<double>(top));
  const float y_axis_w = ImGui::CalcTextSize(buf).x + 8;
  const ImVec2 p0(at.x + y_axis_w, at.y + fs + 4), p1(at.x + size.x - 6, at.y + size.y - fs - 4);  // the data area
  if (p1.x - p0.x < 20 || p1.y - p0.y < 10) {
    ImGui::PopID();
    return;
  }
  // Bars cover their hour: the time axis runs to the end of the last one.
  const float x0 = xs.empty() ? 0.0f : xs.front();
  const float x1 = xs.empty() ? 1.0f : std::max(xs.back() + (bars ? 1.0f : 0.0f), xs.front() + 1.0f / 60);
  auto px = [&](float x) { return p0.x + (x - x0) / (x1 - x0) * (p1.x - p0.x); };
  auto py = [&](float y) { return p1.y - y / top * (p1.y - p0.y); };
  // Axes, the value scale and the time scale.
  for (float v : {0.0f, top / 2, top}) {
    std::snprintf(buf, sizeof buf, "%.0f", static_cast<double>(v));
    dl->AddLine(ImVec2(p0.x, py(v)), ImVec2(p1.x, py(v)), v == 0 ? axis : grid);
    dl->AddText(ImVec2(at.x + 2, py(v) - fs / 2), dim, buf);
  }
  dl->AddLine(p0, ImVec2(p0.x, p1.y), axis);
  // At most four ticks, never two with the same minute.
  const int ticks = std::clamp(std::min(static_cast<int>((p1.x - p0.x) / (fs * 5)), static_cast<int>((x1 - x0) * 60)), 1, 4);
  for (int i = 0; i <= ticks && !xs.empty(); ++i) {
    const float x = x0 + (x1 - x0) * static_cast<float>(i) / static_cast<float>(ticks);
    const std::string t = hour_text(x);
    const float tw = ImGui::CalcTextSize(t.c_str()).x;
    dl->AddLine(ImVec2(px(x), p1.y), ImVec2(px(x), p1.y + 3), axis);
    dl->AddText(ImVec2(std::clamp(px(x) - tw / 2, p0.x - y_axis_w / 2, p1.x - tw), p1.y + 2), dim, t.c_str());
  }
  // The data.
  const ImU32 ink = IM_COL32(110, 170, 255, 255);
  if (bars) {
    const float w = std::max(1.0f, px(x0 + 1.0f) - px(x0) - 1);  // an hour wide
    for (size_t i = 0; i < ys.size() && i < xs.size(); ++i)
      dl->AddRectFilled(ImVec2(px(xs[i]), py(ys[i])), ImVec2(px(xs[i]) + w, p1.y), ink);
  } else {
    for (size_t i = 1; i < ys.size() && i < xs.size(); ++i)
      dl->AddLine(ImVec2(px(xs[i - 1]), py(ys[i - 1])), ImVec2(px(xs[i]), py(ys[i])), ink, 1.5f);
  }
  // Targets: dashed lines with their year at the right, over the data. The lowest target's
  // year under its line, the others' above theirs: close targets keep their labels apart.
  float lowest = FLT_MAX;
  for (const TargetMark& t : targets) lowest = std::min(lowest, t.value);
  for (const TargetMark& t : targets) {
    const float y = py(t.value);
    for (float x = p0.x; x < p1.x; x += 10) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 6, p1.x), y), t.colour, 1.5f);
    const float lw = ImGui::CalcTextSize(t.label).x;
    dl->AddText(ImVec2(p1.x - lw - 2, t.value == lowest && targets.size() > 1 ? y + 1 : y - fs - 1), t.colour, t.label);
  }
  if (xs.empty()) dl->AddText(ImVec2(p0.x + 6, p1.y - fs - 2), dim, ui::tr("no samples yet"));
  // The value under the cursor: the nearest sample.
  if (hovered && !xs.empty()) {
    const float mx = ImGui::GetIO().MousePos.x - (bars ? (px(x0 + 1.0f) - px(x0)) / 2 : 0.0f);  // a bar: its middle
    size_t best = 0;
    for (size_t i = 0; i < xs.size() && i < ys.size(); ++i)
      if (std::fabs(px(xs[i]) - mx) < std::fabs(px(xs[best]) - mx)) best = i;
    dl->AddLine(ImVec2(px(xs[best]), p0.y), ImVec2(px(xs[best]), p1.y), IM_COL32(255, 255, 255, 140));
    dl->AddCircleFilled(ImVec2(px(xs[best]), py(ys[best])), 3.5f, IM_COL32(255, 255, 255, 255));
    ImGui::SetTooltip("%s  %s: %.1f %s", hour_text(xs[best]).c_str(), title, static_cast<double>(ys[best]), unit);
  }
  ImGui::PopID();
}

}  // namespace

void kpi_panel(const PanelRect& r, const Core& core, const KpiHistory& history) {
  if (ui::begin_fixed(ui::window_title("KPIs", "kpis").c_str(), r)) {
    // Each site gets an equal share of the panel: three lines of figures, then its plots.
    const size_t n = std::max<size_t>(1, std::min(history.sites().size(), core.sites().size()));
    const float share = ImGui::GetContentRegionAvail().y / static_cast<float>(n);
    const float text_h = 3 * ImGui::GetTextLineHeightWithSpacing() + 2 * ImGui::GetStyle().ItemSpacing.y;
    const float h = std::max(ImGui::GetFontSize() * 4, share - text_h - ImGui::GetStyle().ItemSpacing.y);
    for (size_t i = 0; i < history.sites().size() && i < core.sites().size(); ++i) {
      const KpiSeries& s = history.sites()[i];
      const SiteKpis& k = s.latest;
      ImGui::PushID(static_cast<int>(i));
      ImGui::TextUnformatted(ui::trf("%s  cleared %lld / %lld (exp/imp)  = %.0f a day", core.sites()[i].id.c_str(),
                                     static_cast<long long>(k.cleared[0]), static_cast<long long>(k.cleared[1]), k.cleared_per_day)
                                 .c_str());
      // The targets on the same line when they fit, else on the next.
      const float targets_w = ImGui::CalcTextSize("2027 00000-00000    2030 00000-00000").x;
      if (ImGui::GetContentRegionAvail().x - ImGui::GetItemRectSize().x > targets_w) ImGui::SameLine();
      target_line(k);
      const double scanners = [&] { for (auto& c : k.checkpoints) if (c.kind == CheckpointKind::Scanner) return 100 * c.utilisation; return 0.0; }();
      ImGui::TextWrapped("%s", ui::trf("dwell p50 %.0f min  p95 %.0f min   lanes %.0f%%  scanners %.0f%%  yards %.0f%%  guide veh. %.0f%%",
                                       k.dwell_min_p50, k.dwell_min_p95, 100 * k.lane_utilisation, scanners,
                                       100 * k.yard_utilisation, 100 * k.fleet_utilisation).c_str());
      const float gap = ImGui::GetStyle().ItemSpacing.x;
      const float w = (ImGui::GetContentRegionAvail().x - 2 * gap) / 3;
      // Per hour against the hourly rate each year's lower target needs.
      std::vector<float> hours;
      for (size_t b = 0; b < s.cleared_per_hour.size(); ++b) hours.push_back(static_cast<float>(s.first_hour + static_cast<int64_t>(b)));
      const std::vector<TargetMark> per_hour{{static_cast<float>(k.targets.per_day_2027_min / 24), "2027", IM_COL32(240, 200, 80, 255)},
                                             {static_cast<float>(k.targets.per_day_2030_min / 24), "2030", IM_COL32(240, 120, 80, 255)}};
      plot("perhour", ui::tr("cleared per hour"), ui::tr("vehicles"), hours, s.cleared_per_hour, true, per_hour, ImVec2(w, h));
      ImGui::SameLine();
      plot("dwell", ui::tr("dwell p95 (min)"), ui::tr("min"), s.at_h, s.dwell_p95_min, false, {}, ImVec2(w, h));
      ImGui::SameLine();
      plot("queue", ui::tr("vehicles queued"), ui::tr("vehicles"), s.at_h, s.queue_total, false, {}, ImVec2(w, h));
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
      ImGui::TextUnformatted(ui::trf("%-6s %5.0f / day   export %lld  import %lld   dwell p50 %3.0f  p95 %3.0f min   queued %lld   lanes %3.0f%%",
                                     core.sites()[i].id.c_str(), k.cleared_per_day, static_cast<long long>(k.cleared[0]),
                                     static_cast<long long>(k.cleared[1]), k.dwell_min_p50, k.dwell_min_p95, static_cast<long long>(queued),
                                     100 * k.lane_utilisation).c_str());
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
  if (ui::begin_fixed(ui::window_title("Login", "login").c_str(), r)) {
    if (who.logged_in()) {
      ImGui::Text("%s  (%s)", who.user.c_str(), ui::tr_data(to_string(who.role)).c_str());
      if (ImGui::Button((std::string(ui::tr("Log out")) + "##logout").c_str())) { who = {}; changed = true; }
      ui_map::item("login/Log out");
    } else {
      // Enter in the user box goes on to the password; Enter in the password box logs in.
      if (ImGui::InputText((std::string(ui::tr("user")) + "##user").c_str(), user, sizeof user, ImGuiInputTextFlags_EnterReturnsTrue))
        ImGui::SetKeyboardFocusHere();
      ui_map::item("login/user");
      const bool enter = ImGui::InputText((std::string(ui::tr("password")) + "##password").c_str(), password, sizeof password,
                                          ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
      ui_map::item("login/password");
      const bool click = ImGui::Button((std::string(ui::tr("Log in")) + "##login").c_str());
      ui_map::item("login/Log in");
      if (enter || click) {
        if (auto a = accounts.login(user, password)) {
          who.user = a->user;
          who.role = a->role;
          message.clear();
          user[0] = 0;  // the next one to log in starts from empty boxes
          changed = true;
        } else {
          message = "user or password not known";  // translated when shown
        }
        password[0] = 0;
      }
      if (!message.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "%s", ui::tr(message.c_str()));
    }
  }
  ImGui::End();
  return changed;
}

void status_banner(const PanelRect& r, const std::string& text, bool alarm, const char* id) {
  if (text.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_WindowBg, alarm ? ImVec4(0.75f, 0.08f, 0.08f, 0.95f) : ImVec4(0.12f, 0.14f, 0.18f, 0.95f));
  if (ui::begin_fixed(id, r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoInputs)) {
    const float tw = ImGui::CalcTextSize(text.c_str()).x;
    ImGui::SetCursorPosX(std::max(8.0f, (r.w - tw) / 2));
    ImGui::TextUnformatted(text.c_str());
  }
  ImGui::End();
  ImGui::PopStyleColor();
}

}  // namespace controlroom
