// Which of the core's decisions an operator sees as an alert, and its text: the one rule
// the control room's Alerts panel (controlroom/ui/alert_log) and a replay's bookmarks
// (sessions/replay) both follow, so every alert shown live is a bookmark in replay.
// Pure: a decision in, text out; no state, no clock, no I/O.
#pragma once
#include "twin/core.h"

#include <optional>
#include <string>

namespace sessions {

// The alert's text without the site's id ("queue at scanner over 20", "declaration
// mismatch, shipment 41 diverted"), or nothing when the decision is not an alert:
// DecisionKind::Alert, and a vehicle diverted because the partner's data disagrees.
std::optional<std::string> operator_alert_text(const twin::Decision& d);

}  // namespace sessions
