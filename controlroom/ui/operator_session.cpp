// CommandForm. See operator_session.h.
#include "controlroom/ui/operator_session.h"

namespace controlroom {

twin::OperatorCommand CommandForm::make(const OperatorSession& who, const twin::Command& what) const {
  twin::OperatorCommand c;
  c.actor = who.user;
  c.role = who.role;
  c.reason = reason;
  c.command = what;
  return c;
}

void CommandForm::submit(const OperatorSession& who, uint8_t site, const twin::Command& what, const CommandSink& sink) {
  ticket = sink ? sink(site, make(who, what)) : 0;
  last_seq = 0;
  last_summary = twin::to_string(what.kind);
  reason[0] = 0;
  confirm.reset();
}

std::string CommandForm::last_outcome(const twin::Core& core, bool* accepted) const {
  if (last_seq == 0) return {};
  const auto& records = core.state().commands;
  for (auto it = records.rbegin(); it != records.rend(); ++it)
    if (it->seq == last_seq) {
      if (accepted) *accepted = it->accepted;
      return (it->accepted ? "done: " : "refused: ") + it->outcome;
    }
  return {};
}

}  // namespace controlroom
