// Small ImGui helpers the panels share: a fixed-placement window, the reason box and the
// outcome line of the last command. Private to ui/.
#pragma once
#include "controlroom/ui/operator_session.h"
#include "controlroom/ui/panels.h"

#include <imgui.h>

namespace controlroom::ui {

inline bool begin_fixed(const char* title, const PanelRect& r, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
  return ImGui::Begin(title, nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse | extra);
}

// The reason box and the who-am-I line; false when this console may not command.
inline bool command_header(const OperatorSession& who, CommandForm& form) {
  if (!who.logged_in()) {
    ImGui::TextDisabled("Log in to command.");
    return false;
  }
  ImGui::Text("%s (%s)", who.user.c_str(), twin::to_string(who.role));
  if (who.role == twin::Role::Viewer) ImGui::TextDisabled("Viewers may not command; commands will be refused.");
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##reason", "reason (required for every command)", form.reason, sizeof form.reason);
  return true;
}

inline void command_outcome(const twin::Core& core, const CommandForm& form) {
  if (form.ticket == 0 && form.last_seq == 0) {
    if (!form.last_summary.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "%s: could not be queued", form.last_summary.c_str());
    return;
  }
  bool accepted = false;
  std::string text = form.last_outcome(core, &accepted);
  if (text.empty()) ImGui::TextDisabled("%s: waiting for the core...", form.last_summary.c_str());
  else ImGui::TextColored(accepted ? ImVec4(0.4f, 0.9f, 0.4f, 1) : ImVec4(1, 0.45f, 0.35f, 1), "%s: %s",
                          form.last_summary.c_str(), text.c_str());
}

}  // namespace controlroom::ui
