// The instructor's panel: inject an incident into the running session (a scanner portal
// fails or is repaired, the partner link drops or returns, a yard's reefer power goes off
// or on, an undeclared truck appears at gate-in). It only builds the incident as the core
// event the field would send (EquipmentStatus, PartnerLinkStatus, ReeferPower,
// PositionReport); the app puts it on its input path, so it is folded and recorded like
// any other event. Supervisors only (the instructor's role); it never commands.
#pragma once
#include "controlroom/ui/operator_session.h"
#include "controlroom/ui/panels.h"

#include "twin/core.h"

#include <optional>
#include <string>

namespace controlroom {

struct Injection {
  uint8_t site = 0;
  twin::EventBody body;
  std::string what;   // for the panel's status line: "scanner 2 failed at m1119"
};

struct InstructorForm {
  int checkpoint = -1;     // -1: the site's scanner
  int server = 0;
  int yard = -1;           // -1: the first yard with reefer plugs
  uint32_t undeclared = 0; // trucks injected so far (their plates and containers count on)
  std::string status;
};

// The builders the panel's buttons call (testable without ImGui).
Injection equipment_incident(const twin::Core& core, uint8_t site, uint16_t checkpoint, uint16_t server, bool ok);
Injection partner_link_incident(uint8_t site, bool up);
Injection reefer_power_incident(const twin::Core& core, uint8_t site, uint16_t yard, bool on);
// A truck seen at gate-in with plate "INSTR-<n>" and a valid container number that no
// declaration names: the core sights it as an undeclared vehicle (docs/field.md).
Injection undeclared_truck_incident(const twin::Core& core, uint8_t site, uint32_t n);

// Draws the panel; the incident asked for this frame, if any. Disabled, with the reason,
// for anyone but a supervisor.
std::optional<Injection> instructor_panel(const PanelRect& r, const twin::Core& core, uint8_t site, const OperatorSession& who,
                                          InstructorForm& form);

}  // namespace controlroom
