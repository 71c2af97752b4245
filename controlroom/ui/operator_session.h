// OperatorSession: who is at this console (after login) and the commands they issued
// from it, so panels can show each one's outcome once the core has decided. The UI's
// only way to command is CommandForm::make() handed to the app's command sink: the same
// path commands from MQTT take. Knows no ImGui.
#pragma once
#include "twin/core.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace controlroom {

struct OperatorSession {
  std::string user;                 // empty: nobody logged in
  twin::Role role = twin::Role::Viewer;
  bool logged_in() const { return !user.empty(); }
};

// Hands a command to the app's input path (the same one MQTT commands take); returns a
// ticket (the console's own sequence number), or 0 when it could not be queued.
using CommandSink = std::function<uint64_t(uint8_t site, const twin::OperatorCommand&)>;

// A command a supervisor must confirm before it is sent (twin/lane_rules.h: it would leave
// a direction with no open lane).
struct PendingConfirm {
  uint8_t site = 0;
  twin::Command command;
  std::string action;   // "Close E4"
  std::string why;      // the rule's text
};

// What the form holds between frames: the reason typed, the last command's ticket and,
// once the core has folded it, its event seq (set by the app); the double-click guard and
// a command waiting for confirmation.
struct CommandForm {
  static constexpr double kAnswerWaitS = 5.0;  // the guard gives up waiting for an answer

  char reason[160] = {};
  uint64_t ticket = 0;
  uint64_t last_seq = 0;
  std::string last_summary;
  // Double-click guard (docs/gatetwin.md): after a command every command button is inert
  // until the pointer has left the button that sent it and the core has answered (or
  // kAnswerWaitS passed), so a second click on the same spot cannot undo the first.
  bool guard = false;
  float guard_rect[4] = {};   // x0, y0, x1, y1 in window pixels
  double sent_at_s = 0;
  std::optional<PendingConfirm> confirm;

  twin::OperatorCommand make(const OperatorSession& who, const twin::Command& what) const;
  // Builds, submits and remembers a command, then empties the reason box: every command
  // is given its own reason.
  void submit(const OperatorSession& who, uint8_t site, const twin::Command& what, const CommandSink& sink);
  // A new user (login or logout): nothing of the last user's form carries over.
  void clear() { *this = CommandForm{}; }
  // The outcome of the last command, once the core has decided it ("" while pending).
  std::string last_outcome(const twin::Core& core, bool* accepted = nullptr) const;
  // The last command has its answer (or could not be queued); no command sent: true.
  bool answered(const twin::Core& core) const { return ticket == 0 || !last_outcome(core).empty(); }
};

}  // namespace controlroom
