// OperatorSession: who is at this console (after login) and the commands they issued
// from it, so panels can show each one's outcome once the core has decided. The UI's
// only way to command is CommandForm::make() handed to the app's command sink: the same
// path commands from MQTT take. Knows no ImGui.
#pragma once
#include "twin/core.h"

#include <functional>
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

// What the form holds between frames: the reason typed, the last command's ticket and,
// once the core has folded it, its event seq (set by the app).
struct CommandForm {
  char reason[160] = {};
  uint64_t ticket = 0;
  uint64_t last_seq = 0;
  std::string last_summary;

  twin::OperatorCommand make(const OperatorSession& who, const twin::Command& what) const;
  // Builds, submits and remembers a command; the reason box is kept for the next one.
  void submit(const OperatorSession& who, uint8_t site, const twin::Command& what, const CommandSink& sink);
  // The outcome of the last command, once the core has decided it ("" while pending).
  std::string last_outcome(const twin::Core& core, bool* accepted = nullptr) const;
};

}  // namespace controlroom
