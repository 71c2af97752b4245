// Small ImGui helpers the panels share: a fixed-placement window, the reason box, command
// buttons (disabled with their reason, the double-click guard), the supervisor's
// confirmation and the outcome line of the last command. Private to ui/.
#pragma once
#include "controlroom/ui/operator_session.h"
#include "controlroom/ui/panels.h"
#include "controlroom/ui/text_catalogue.h"
#include "controlroom/ui/ui_map.h"

#include <imgui.h>

#include <string>

namespace controlroom::ui {

// A window's title in the current language, with an ID that stays the same in both
// ("Alerts###alerts"), so switching the language does not make a new window.
inline std::string window_title(const char* english, const char* id) { return std::string(tr(english)) + "###" + id; }

inline bool begin_fixed(const char* title, const PanelRect& r, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
  return ImGui::Begin(title, nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse | extra);
}

// Why this console may not command at all ("" when it may): nobody logged in, or a viewer.
inline std::string role_why_not(const OperatorSession& who) {
  if (!who.logged_in()) return tr("log in to command");
  if (who.role == twin::Role::Viewer) return tr("the viewer role may not issue commands");
  return {};
}

// The who-am-I line and, for a user who may command, the reason box (noted in the UI map
// as "<panel>/reason"). Returns why the command buttons are disabled: the role's reason,
// "type a reason first" while the box is empty, or "".
// Always two lines high (the who-am-I line and the reason box, or room for it): what
// follows stays where it is when someone logs in or out.
inline std::string command_header(const char* panel, const OperatorSession& who, CommandForm& form) {
  if (!who.logged_in()) {
    ImGui::TextDisabled("%s", tr("Log in to command: the buttons are disabled."));
    ImGui::Dummy(ImVec2(1, ImGui::GetFrameHeight()));
    return role_why_not(who);
  }
  ImGui::Text("%s (%s)", who.user.c_str(), tr_data(twin::to_string(who.role)).c_str());
  if (who.role == twin::Role::Viewer) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "%s", tr("viewers may not command: buttons disabled"));
    ImGui::Dummy(ImVec2(1, ImGui::GetFrameHeight()));
    return role_why_not(who);
  }
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##reason", tr("reason (required for every command)"), form.reason, sizeof form.reason);
  ui_map::item(std::string(panel) + "/reason");
  return form.reason[0] ? std::string() : std::string(tr("type a reason first"));
}

// The double-click guard (operator_session.h): lifted once the pointer is off the button
// that sent the last command and that command has its answer. Called before any button.
inline void update_guard(const twin::Core& core, CommandForm& form) {
  if (!form.guard) return;
  const ImVec2 m = ImGui::GetIO().MousePos;
  const float* r = form.guard_rect;
  const bool over = m.x >= r[0] && m.x < r[2] && m.y >= r[1] && m.y < r[3];
  const bool answered = form.answered(core) || ImGui::GetTime() - form.sent_at_s > CommandForm::kAnswerWaitS;
  if (!over && answered) form.guard = false;
}

// A command button, noted in the UI map as map_id. Disabled, with why_not as its tooltip,
// when it may not be used; inert while the double-click guard holds. True when clicked.
inline bool command_button(const std::string& map_id, const char* label, const std::string& why_not, const CommandForm& form,
                           bool small = false) {
  const bool disabled = !why_not.empty() || form.guard;
  ImGui::BeginDisabled(disabled);
  const bool clicked = small ? ImGui::SmallButton(label) : ImGui::Button(label);
  ImGui::EndDisabled();
  if (!why_not.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", why_not.c_str());
  ui_map::item(map_id, !disabled, !why_not.empty() ? why_not : form.guard ? "guard: the last command's button" : "");  // map: English
  return clicked && !disabled;
}

// Sends a command from the button just clicked and arms the double-click guard on it.
inline void send(CommandForm& form, const OperatorSession& who, uint8_t site, const twin::Command& what, const CommandSink& sink) {
  form.submit(who, site, what, sink);
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  form.guard_rect[0] = a.x;
  form.guard_rect[1] = a.y;
  form.guard_rect[2] = b.x;
  form.guard_rect[3] = b.y;
  form.guard = true;
  form.sent_at_s = ImGui::GetTime();
}

// The reason a row of buttons is disabled, under the row (also each button's tooltip).
inline void why_line(const std::string& what, const std::string& why) {
  if (why.empty()) return;
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "%s%s%s", what.c_str(), what.empty() ? "" : ": ", why.c_str());
  ImGui::PopTextWrapPos();
}

// The supervisor's confirmation of a command that leaves a direction with no open lane
// (form.confirm, set by the lane panel). A modal over the window: Confirm sends it with
// the reason in the box, Cancel drops it.
inline void confirm_popup(const twin::Core& core, CommandForm& form, const OperatorSession& who, const CommandSink& sink) {
  const std::string title_text = window_title("Confirm: a direction loses its last open lane", "confirm");
  const char* title = title_text.c_str();
  if (form.confirm && !ImGui::IsPopupOpen(title)) ImGui::OpenPopup(title);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  if (!form.confirm) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  const PendingConfirm p = *form.confirm;
  const std::string site = p.site < core.sites().size() ? core.sites()[p.site].id : "?";
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 34);
  ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "%s", trf("%s at %s", p.action.c_str(), site.c_str()).c_str());
  ImGui::TextWrapped("%s.", tr_data(p.why).c_str());
  ImGui::TextWrapped("%s", trf("No vehicle can cross that way until a lane opens again. Confirm as %s (%s)?", who.user.c_str(),
                               tr_data(twin::to_string(who.role)).c_str()).c_str());
  ImGui::TextWrapped("%s", trf("reason: %s", form.reason).c_str());
  ImGui::PopTextWrapPos();
  const std::string role = who.role == twin::Role::Supervisor ? role_why_not(who) : tr("only a supervisor may confirm this");
  const std::string why = !role.empty() ? role : form.reason[0] ? "" : tr("type a reason first");
  const std::string label = trf("Confirm: %s", p.action.c_str()) + "##confirm";
  if (command_button("confirm/Confirm", label.c_str(), why, form)) {
    send(form, who, p.site, p.command, sink);
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button((std::string(tr("Cancel")) + "##cancel").c_str())) {
    form.confirm.reset();
    ImGui::CloseCurrentPopup();
  }
  ui_map::item("confirm/Cancel");
  ImGui::EndPopup();
}

// The last command's outcome, wrapped in a box of `lines` lines that is there (empty)
// before any command: what follows never moves when an outcome comes or grows.
inline void command_outcome(const twin::Core& core, const CommandForm& form, int lines = 2) {
  const float h = ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(lines);
  ImGui::BeginChild("##outcome", ImVec2(0, h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PushTextWrapPos(0.0f);
  const std::string what = tr_data(form.last_summary);
  if (form.ticket == 0 && form.last_seq == 0) {
    if (!form.last_summary.empty())
      ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "%s", trf("%s: could not be queued", what.c_str()).c_str());
  } else {
    bool accepted = false;
    const std::string text = form.last_outcome(core, &accepted);
    if (text.empty()) ImGui::TextDisabled("%s", trf("%s: waiting for the core...", what.c_str()).c_str());
    else {
      // "done: ..." / "refused: ...": the verdict translated, the core's text as far as the catalogue knows it.
      const size_t colon = text.find(": ");
      const std::string verdict = colon == std::string::npos ? std::string() : text.substr(0, colon);
      const std::string reason = colon == std::string::npos ? text : text.substr(colon + 2);
      ImGui::TextColored(accepted ? ImVec4(0.4f, 0.9f, 0.4f, 1) : ImVec4(1, 0.45f, 0.35f, 1), "%s: %s: %s", what.c_str(),
                         tr_data(verdict).c_str(), tr_data(reason).c_str());
    }
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

}  // namespace controlroom::ui
