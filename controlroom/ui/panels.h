// The control room's ImGui panels. Each reads the core's state (const) and what the app
// keeps beside it, and commands only through CommandForm and the CommandSink. Layout
// (positions, sizes) is decided by the caller so that no panels overlap.
#pragma once
#include "controlroom/ui/alert_log.h"
#include "controlroom/scene/draw_list.h"
#include "controlroom/ui/kpi_history.h"
#include "controlroom/ui/operator_session.h"

#include "connectors/accounts/accounts.h"
#include "connectors/mqtt/feed_book.h"
#include "connectors/vda5050/vehicle_view.h"
#include "twin/core.h"

#include <functional>

struct ImVec2;

namespace controlroom {

struct PanelRect {
  float x, y, w, h;
};

// The selected vehicle: shipment, declarations (own and partner), channel, every step with
// its time, dwell so far; buttons for vehicle commands. A guide vehicle that is a VDA 5050
// vehicle (vda: its view, taken by the caller from the VDA 5050 link) also shows its own
// report: connection, driving, battery, mode, safety, errors, its order's progress.
void inspector_panel(const PanelRect& r, const twin::Core& core, const PickTarget& selected, const OperatorSession& who,
                     CommandForm& form, const CommandSink& sink, const connectors::vda5050::VehicleView* vda = nullptr);
// Lanes of a site: state, queue, throughput, and every lane and equipment command.
void lane_panel(const PanelRect& r, const twin::Core& core, uint8_t site, const OperatorSession& who, CommandForm& form,
                const CommandSink& sink);
// Alerts, newest first; clicking one calls fly_to. time_text writes an alert's time (empty:
// run time, "d0 10:02:46").
void alerts_panel(const PanelRect& r, const AlertLog& alerts, const std::function<void(const Alert&)>& fly_to,
                  const std::function<std::string(twin::SimTime)>& time_text = {});
// KPIs with plots against the 2027 / 2030 targets.
void kpi_panel(const PanelRect& r, const twin::Core& core, const KpiHistory& history);
// The KPI strip of the wall display: one line per site, large type.
void kpi_strip(const PanelRect& r, const twin::Core& core, const KpiHistory& history);
// Login: user and password against the accounts file. Returns true on a new login.
bool login_panel(const PanelRect& r, connectors::Accounts& accounts, OperatorSession& who);
// Feeds: per field source its messages, rate, last message, clock offset, session and
// rejections by reason; per site undeclared vehicles, off-plan alerts, divergences and the
// partner link. A closable window (*open).
void feeds_panel(const PanelRect& r, const connectors::FeedsSnapshot& feeds, const twin::Core& core, bool* open);
// A banner (stale telemetry, broker gone; alarm: red) or a status box; nothing when text
// is empty. Each on screen at once needs its own id ("##banner").
void status_banner(const PanelRect& r, const std::string& text, bool alarm, const char* id = "##banner");

}  // namespace controlroom
