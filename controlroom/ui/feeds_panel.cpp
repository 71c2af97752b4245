// The Feeds panel: what each field source has sent the twin (docs/mqtt.md "Feeds"): last
// message, rate, rejections by reason, clock offset, session and restarts; and per site the
// field against the process (undeclared vehicles, off-plan alerts, divergences) and the
// partner link. Messages that never arrived have their own column: nothing refused them. Reads a snapshot the caller takes from the TwinLink; commands nothing.
#include "controlroom/ui/panel_common.h"

#include <cstdio>

namespace controlroom {

namespace {

std::string age_text(int64_t ms) {
  if (ms < 0) return "-";
  char buf[32];
  if (ms < 10000) std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000);
  else if (ms < 600000) std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(ms / 1000));
  else std::snprintf(buf, sizeof buf, "%lld min", static_cast<long long>(ms / 60000));
  return buf;
}

std::string reasons_text(const connectors::FeedStatus& f) {
  std::string out;
  for (const auto& [reason, n] : f.rejected) out += (out.empty() ? "" : ", ") + reason + " " + std::to_string(n);
  return out;
}

// "missing 3, before_join 39": the seqs the twin stopped waiting for, by why.
std::string never_arrived_text(const connectors::FeedStatus& f) {
  std::string out;
  for (const auto& [why, n] : f.never_arrived)
    out += (out.empty() ? "" : ", ") + std::string(why == "missing" ? ui::tr("missing") : ui::tr("before the twin listened")) + " " +
           std::to_string(n);
  return out;
}

}  // namespace

void feeds_panel(const PanelRect& r, const connectors::FeedsSnapshot& feeds, const twin::Core& core, bool* open) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
  if (ImGui::Begin(ui::window_title("Feeds", "feeds").c_str(), open, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse)) {
    // Per site: the field against the process.
    for (size_t i = 0; i < core.sites().size() && i < core.state().sites.size(); ++i) {
      const twin::SiteState& s = core.state().sites[i];
      ImGui::TextWrapped("%s", ui::trf("%s  undeclared now %zu (seen %lld)   off-plan alerts %lld   field/twin divergences %lld",
                                       core.sites()[i].id.c_str(), s.undeclared.size(), static_cast<long long>(s.counters.undeclared_sighted),
                                       static_cast<long long>(s.counters.off_plan_alerts), static_cast<long long>(s.counters.divergences)).c_str());
    }
    const bool up = core.state().partner_link_up;
    ImGui::TextColored(up ? ImVec4(0.5f, 0.9f, 0.5f, 1) : ImVec4(1, 0.45f, 0.35f, 1), "%s",
                       ui::trf("partner customs link: %s", up ? ui::tr("up") : ui::tr("DOWN (partner data stale)")).c_str());
    ImGui::Separator();
    if (feeds.sources.empty()) ImGui::TextDisabled("%s", ui::tr("No field messages yet."));
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!feeds.sources.empty() && ImGui::BeginTable("feeds", 9, flags)) {
      ImGui::TableSetupScrollFreeze(0, 1);
      // Numbers fit their content (and header); names and reasons share the rest.
      const std::pair<const char*, float> columns[] = {{"source", 1.2f}, {"account", 1.0f},      {"session", 1.8f},
                                                       {"messages", 0},  {"per s", 0},           {"last", 0},
                                                       {"clock", 0},     {"rejected", 1.5f},     {"never arrived", 1.3f}};
      for (const auto& [h, weight] : columns)
        ImGui::TableSetupColumn(ui::tr(h), weight > 0 ? ImGuiTableColumnFlags_WidthStretch : ImGuiTableColumnFlags_WidthFixed, weight);
      ImGui::TableHeadersRow();
      for (const connectors::FeedStatus& f : feeds.sources) {
        ImGui::TableNextRow();
        const bool quiet = f.age_ms > 10000;
        const bool lost = f.never_arrived.count("missing") > 0;
        const ImVec4 text = f.rejected_total || lost ? ImVec4(1, 0.6f, 0.4f, 1) : quiet ? ImVec4(0.65f, 0.65f, 0.65f, 1) : ImVec4(1, 1, 1, 1);
        ImGui::TableSetColumnIndex(0);
        ImGui::TextColored(text, "%s", f.name.c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(f.account.empty() ? "-" : f.account.c_str());
        ImGui::TableSetColumnIndex(2);
        ImGui::TextWrapped("%s%s", f.session.empty() ? "-" : f.session.c_str(),  // a long session id wraps: the restarts stay seen
                    f.restarts ? ui::trf(" (restarts: %d)", static_cast<int>(f.restarts)).c_str() : "");
        ImGui::TableSetColumnIndex(3);
        ImGui::Text("%llu", static_cast<unsigned long long>(f.messages));
        ImGui::TableSetColumnIndex(4);
        ImGui::Text("%.1f", f.rate_per_s);
        ImGui::TableSetColumnIndex(5);
        ImGui::TextColored(text, "%s", ui::trf("%s ago", age_text(f.age_ms).c_str()).c_str());
        ImGui::TableSetColumnIndex(6);
        if (f.has_clock_offset) ImGui::TextUnformatted(ui::trf("%+.1f s", static_cast<double>(f.clock_offset_ms) / 1000).c_str());
        else ImGui::TextDisabled("%s", ui::tr("run time"));
        ImGui::TableSetColumnIndex(7);
        if (f.rejected_total) ImGui::TextColored(ImVec4(1, 0.6f, 0.4f, 1), "%llu: %s", static_cast<unsigned long long>(f.rejected_total),
                                                 reasons_text(f).c_str());
        else ImGui::TextDisabled("0");
        ImGui::TableSetColumnIndex(8);
        if (lost) ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "%s", never_arrived_text(f).c_str());
        else if (f.never_arrived_total) ImGui::TextDisabled("%s", never_arrived_text(f).c_str());
        else ImGui::TextDisabled("0");
      }
      ImGui::EndTable();
    }
  }
  ImGui::End();
}

}  // namespace controlroom
