// The timeline and the fork-vs-original panel. See timeline_panel.h.
#include "controlroom/replay/timeline_panel.h"

#include "controlroom/ui/text_catalogue.h"
#include "twin/clock_text.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

using namespace sessions;
using controlroom::ui::tr;
using controlroom::ui::trf;

namespace controlroom {

static void compare_panel(float x, float y, float w, ReplayController& c, TimelineUi& ui, double wall_dt_s) {
  ui.compare_age_s += wall_dt_s;
  if (!ui.compare || ui.compare_age_s >= 1.0) {
    ui.compare = c.compare();
    ui.compare_age_s = 0;
  }
  if (!ui.compare) return;
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(std::min(w, 560.0f), 380));
  ImGui::Begin((std::string(tr("Fork vs original")) + "###fork").c_str(), nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
  ImGui::TextWrapped("%s", c.fork()->how().c_str());
  ImGui::Text("%s", ui.compare->identical() ? tr("identical states") : tr("the states differ"));
  if (ImGui::BeginTable("cmp", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn(tr("site"));
    ImGui::TableSetupColumn(tr("KPI"));
    ImGui::TableSetupColumn(tr("original"));
    ImGui::TableSetupColumn(tr("fork"));
    ImGui::TableHeadersRow();
    for (const auto& r : ui.compare->rows()) {
      const bool differs = std::fabs(r.a - r.b) > 1e-9;
      ImGui::TableNextRow();
      ImGui::TableNextColumn(); ImGui::TextUnformatted(r.site.c_str());
      ImGui::TableNextColumn(); ImGui::TextUnformatted(r.what.c_str());
      ImGui::TableNextColumn(); ImGui::Text("%.1f", r.a);
      ImGui::TableNextColumn();
      if (differs) ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.2f, 1), "%.1f", r.b);
      else ImGui::Text("%.1f", r.b);
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

void timeline_panel(float x, float y, float w, float h, ReplayController& c, TimelineUi& ui, double wall_dt_s) {
  Replay& r = c.replay();
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::Begin("##timeline", nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
  auto result = [&](const connectors::Status& why) { ui.status = why ? why->message() : std::string(); };
  auto said = [&](const std::string& text) { ui.status = text; };
  // Transport.
  if (ImGui::Button((std::string(c.playing() ? tr("Pause") : tr("Play")) + "###play").c_str())) c.set_playing(!c.playing());
  ui.seeked = false;
  ImGui::SameLine();
  if (ImGui::Button("|<")) { result(c.jump_bookmark(-1)); ui.seeked = true; }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("previous bookmark"));
  ImGui::SameLine();
  if (ImGui::Button("<")) { result(c.step(-1)); ui.seeked = true; }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("one event back"));
  ImGui::SameLine();
  if (ImGui::Button(">")) result(c.step(+1));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("one event on"));
  ImGui::SameLine();
  if (ImGui::Button(">|")) { result(c.jump_bookmark(+1)); ui.seeked = true; }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("next bookmark"));
  ImGui::SameLine();
  static const double kSpeeds[] = {0.25, 1, 10, 60, 300, 1000};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  char label[32];
  std::snprintf(label, sizeof label, "x%g", c.speed());
  if (ImGui::BeginCombo((std::string(tr("speed")) + "###speed").c_str(), label)) {
    for (double s : kSpeeds) {
      std::snprintf(label, sizeof label, "x%g", s);
      if (ImGui::Selectable(label, s == c.speed())) c.set_speed(s);
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextUnformatted(trf("%s  seq %llu / %llu  %s", r.time_text(c.shown_ms()).c_str(), static_cast<unsigned long long>(r.seq()),
                             static_cast<unsigned long long>(r.events().empty() ? 0 : r.events().back().seq),
                             c.forked() ? tr("FORK: you are in control") : tr("REPLAY")).c_str());
  // The slider: drag to any moment (replay only).
  int t_s = static_cast<int>(c.shown_ms() / 1000);
  ImGui::SetNextItemWidth(w - 20);
  const int t0 = static_cast<int>(r.start_ms() / 1000), t1 = static_cast<int>(std::max(r.end_ms(), c.shown_ms()) / 1000);
  if (ImGui::SliderInt("##t", &t_s, t0, std::max(t0 + 1, t1), twin::clock_text(static_cast<int64_t>(t_s) * 1000).c_str()) && !c.forked())
  {
    result(c.seek_time(static_cast<twin::SimTime>(t_s) * 1000));
    ui.seeked = true;
  }
  // Bookmarks.
  ImGui::SetNextItemWidth(std::min(420.0f, w * 0.45f));
  const auto& marks = r.bookmarks();
  std::string current = ui.bookmark_index >= 0 && ui.bookmark_index < static_cast<int>(marks.size())
                            ? r.time_text(marks[ui.bookmark_index].time_ms) + " " + marks[ui.bookmark_index].text
                            : trf("%zu bookmarks", marks.size());
  if (ImGui::BeginCombo("##marks", current.c_str())) {
    for (int i = 0; i < static_cast<int>(marks.size()) && i < 2000; ++i) {
      std::string item = r.time_text(marks[i].time_ms) + " [" + to_string(marks[i].kind) + "] " + marks[i].text + "##" + std::to_string(i);
      if (ImGui::Selectable(item.c_str(), i == ui.bookmark_index) && !c.forked()) {
        ui.bookmark_index = i;
        result(c.seek_bookmark(marks[i]));
        ui.seeked = true;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(260.0f, w * 0.25f));
  ImGui::InputTextWithHint("##note", tr("note for this moment"), ui.note, sizeof ui.note);
  ImGui::SameLine();
  if (ImGui::Button((std::string(tr("Bookmark")) + "###bookmark").c_str())) {
    const connectors::Status why = c.add_bookmark(ui.note);
    said(why ? why->message() : trf("bookmark stored in %s", r.path().c_str()));
    if (!why) ui.note[0] = 0;
  }
  ImGui::SameLine();
  if (!c.forked()) {
    if (ImGui::Button((std::string(tr("Take over (fork)")) + "###takeover").c_str())) {
      const connectors::Status why = c.take_over();
      said(why ? why->message() : trf("forked at %s: your commands now drive the twin", twin::clock_text(c.shown_ms()).c_str()));
      ui.compare.reset();
    }
  } else if (ImGui::Button((std::string(tr("Leave fork")) + "###leave").c_str())) {
    result(c.leave_fork());
    ui.compare.reset();
  }
  if (r.damaged()) ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "%s", r.warning().c_str());
  if (!ui.status.empty()) ImGui::TextWrapped("%s", ui.status.c_str());
  ImGui::End();
  if (c.forked()) compare_panel(x, y + h + 4, w, c, ui, wall_dt_s);
}

}  // namespace controlroom
