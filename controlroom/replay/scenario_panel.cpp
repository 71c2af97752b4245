// The scenario's panels. See scenario_panel.h.
#include "controlroom/replay/scenario_panel.h"

#include "sessions/score_table.h"

#include "controlroom/ui/text_catalogue.h"
#include "twin/clock_text.h"

#include <imgui.h>

#include <algorithm>

namespace controlroom {

using ui::tr;
using ui::trf;

static void centred(float vp_w, float vp_h, float w, float h) {
  ImGui::SetNextWindowPos(ImVec2((vp_w - w) * 0.5f, (vp_h - h) * 0.5f), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_Always);
}

static constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse;

bool briefing_panel(float vp_w, float vp_h, const twin::Scenario& sc, double speed) {
  const float w = std::min(vp_w - 40, 900.0f), h = std::min(vp_h - 40, 400.0f);
  centred(vp_w, vp_h, w, h);
  ImGui::SetNextWindowBgAlpha(1.0f);  // over the panels: nothing shows through
  bool start = false;
  ImGui::Begin((std::string(tr("Briefing")) + "###briefing").c_str(), nullptr, kFixed);
  ImGui::SetWindowFontScale(1.35f);
  ImGui::TextWrapped("%s", sc.title.c_str());
  ImGui::SetWindowFontScale(1.0f);
  std::string sites;
  for (const auto& s : sc.sites) sites += (sites.empty() ? "" : ", ") + s;
  ImGui::TextDisabled("%s", trf("scenario %s  |  %s  |  load %s, seed %llu  |  00:00 to %s", sc.id.c_str(), sites.c_str(), sc.load.c_str(),
                                static_cast<unsigned long long>(sc.seed), twin::clock_text(sc.end_ms).c_str()).c_str());
  ImGui::Separator();
  ImGui::BeginChild("##text", ImVec2(0, h - 170), false);
  ImGui::PushTextWrapPos(0);
  std::string text = sc.briefing;  // paragraphs with a blank line between them
  for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 2)) text.insert(at, "\n");
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  ImGui::Separator();
  std::string focus;
  for (const auto& f : sc.focus) focus += (focus.empty() ? "" : ", ") + f;
  ImGui::TextWrapped("%s", trf("Scored against the same day with no intervention; the focus KPIs (%s) weigh 3. Command from the "
                               "Lanes and Vehicle panels with a reason.", focus.empty() ? tr("none") : focus.c_str()).c_str());
  ImGui::TextWrapped("%s", trf("The clock runs at x%.0f (simulated seconds per wall second); the bar above the view changes it.", speed).c_str());
  if (ImGui::Button((std::string(tr("Start")) + "###start").c_str(), ImVec2(ImGui::GetFontSize() * 10, ImGui::GetFrameHeight() * 1.5f))) start = true;
  ImGui::End();
  return start;
}

void scenario_bar(float x, float y, float w, float h, const twin::Scenario& sc, twin::SimTime now, ScenarioBarUi& ui) {
  ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_Always);
  ImGui::Begin("##scenario", nullptr, kFixed | ImGuiWindowFlags_NoTitleBar);
  ImGui::TextUnformatted(trf("Scenario: %s", sc.title.c_str()).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("%s", trf("  %s of 00:00-%s", twin::clock_text(now).c_str(), twin::clock_text(sc.end_ms).c_str()).c_str());
  if (ImGui::Button((std::string(ui.paused ? tr("Resume") : tr("Pause")) + "###pause").c_str())) ui.paused = !ui.paused;
  for (double s : {1.0, 10.0, 60.0, 300.0, 1000.0, 3600.0}) {
    ImGui::SameLine();
    const std::string label = (ui.speed == s ? "[x" : "x") + std::to_string(static_cast<int>(s)) + (ui.speed == s ? "]" : "");
    if (ImGui::Button(label.c_str())) ui.speed = s;
  }
  ImGui::SameLine();
  const float progress = sc.end_ms > 0 ? static_cast<float>(now) / static_cast<float>(sc.end_ms) : 1.0f;
  ImGui::ProgressBar(std::clamp(progress, 0.0f, 1.0f), ImVec2(-1, 0));
  if (!ui.status.empty()) ImGui::TextDisabled("%s", ui.status.c_str());
  ImGui::End();
}

bool score_panel(float vp_w, float vp_h, const twin::Scenario& sc, twin::SimTime now, const twin::ScenarioScore& score) {
  const float w = std::min(vp_w - 40, 980.0f), h = std::min(vp_h - 40, 150.0f + 22.0f * static_cast<float>(score.kpis.size()));
  centred(vp_w, vp_h, w, h);
  ImGui::SetNextWindowBgAlpha(1.0f);
  bool closed = false;
  ImGui::Begin((std::string(tr("Score")) + "###score").c_str(), nullptr, kFixed);
  ImGui::TextDisabled("%s", trf("%s  |  00:00-%s against the same day with no intervention", sc.title.c_str(), twin::clock_text(now).c_str()).c_str());
  ImGui::SetWindowFontScale(1.6f);
  const ImVec4 colour = score.score >= 55 ? ImVec4(0.4f, 0.9f, 0.4f, 1) : score.score <= 45 ? ImVec4(1, 0.5f, 0.4f, 1) : ImVec4(0.95f, 0.85f, 0.4f, 1);
  ImGui::TextColored(colour, "%.1f / 100", score.score);
  ImGui::SetWindowFontScale(1.0f);
  ImGui::TextWrapped("%s", score.verdict.c_str());
  const auto& cols = sessions::score_table_columns();
  if (ImGui::BeginTable("breakdown", static_cast<int>(cols.size()),
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_SizingStretchProp)) {
    for (size_t c = 0; c < cols.size(); ++c) ImGui::TableSetupColumn(ui::tr_data(cols[c]).c_str(), 0, c == 0 ? 3.0f : 1.0f);
    ImGui::TableHeadersRow();
    for (const auto& k : score.kpis) {
      const auto row = sessions::score_table_row(k);
      ImGui::TableNextRow();
      for (size_t c = 0; c < row.size(); ++c) {
        ImGui::TableSetColumnIndex(static_cast<int>(c));
        if (c == 4 && k.score != 50) ImGui::TextColored(k.score > 50 ? ImVec4(0.4f, 0.9f, 0.4f, 1) : ImVec4(1, 0.5f, 0.4f, 1), "%s", row[c].c_str());
        else ImGui::TextUnformatted(row[c].c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::TextWrapped("%s", tr("KPI score: 50 = as without intervention, 100 = 50% better or more; focus KPIs weigh 3 (docs/scenarios.md)."));
  if (ImGui::Button((std::string(tr("Close")) + "###close").c_str(), ImVec2(ImGui::GetFontSize() * 8, ImGui::GetFrameHeight() * 1.3f))) closed = true;
  ImGui::End();
  return closed;
}

}  // namespace controlroom
