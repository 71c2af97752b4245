// Orders for later: a command with at_ms after the core's clock ("close E2 at 22:00",
// a tidal lane reversed at 06:00) is checked for who gave it, kept in
// WorldState::scheduled, and carried out by the core when its clock reaches at_ms
// (Core::apply, before the event that gets there), checked then against the state of
// that moment. Both steps are recorded in WorldState::commands and answered with a
// decision whose value is the ordering command's seq. Part of the fold: no clock is read.
#include "twin/clock_text.h"
#include "twin/core_context.h"

#include <algorithm>

namespace twin::detail {

static std::string when(SimTime t) { return clock_text(t, ClockStyle::DayAndTime); }

void order_for_later(Ctx& c, const OperatorCommand& e, CommandRecord rec) {
  rec.at_ms = e.at_ms;
  // Who may give it is checked now (and again when due); what it needs of the state
  // (a lane still open, a truck still waiting) only when it is due.
  std::string why;
  if (e.role == Role::Viewer) why = "the viewer role may not issue commands";
  else if (e.actor.empty()) why = "the command names no actor";
  else if (e.reason.empty()) why = "a reason is required";
  else if (c.w.scheduled.size() >= kMaxCommandOrders)
    why = "already " + std::to_string(kMaxCommandOrders) + " commands wait for their time; no more can be ordered";
  if (!why.empty()) return record_verdict(c, std::move(rec), false, std::move(why), c.seq);
  CommandOrder s{e.at_ms, c.seq, c.site, e};
  auto at = std::upper_bound(c.w.scheduled.begin(), c.w.scheduled.end(), s, [](const CommandOrder& a, const CommandOrder& b) {
    return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.seq < b.seq;
  });
  c.w.scheduled.insert(at, std::move(s));
  std::string text = std::string("ordered ") + to_string(e.command.kind) + " for " + when(e.at_ms) + " (checked and carried out then)";
  record_verdict(c, std::move(rec), true, std::move(text), c.seq);
}

void carry_out_due(Ctx& c, const CommandOrder& due) {
  const OperatorCommand& e = due.order;
  CommandRecord rec{c.seq, c.now(), c.site, e.actor, e.role, e.reason, e.command, false, {}};
  rec.at_ms = due.at_ms;
  rec.ordered_seq = due.seq;
  carry_out_now(c, e, std::move(rec), due.seq, "as ordered for " + when(due.at_ms) + ": ");
}

}  // namespace twin::detail
