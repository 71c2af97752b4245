// Operator alerts. See operator_alert.h.
#include "sessions/operator_alert.h"

namespace sessions {

std::optional<std::string> operator_alert_text(const twin::Decision& d) {
  if (d.kind == twin::DecisionKind::Alert) return d.text;
  if (d.kind == twin::DecisionKind::Diverted && d.text == "partner data disagrees")
    return "declaration mismatch, shipment " + twin::to_string(d.shipment) + " diverted";
  return std::nullopt;
}

}  // namespace sessions
