// Scenario text for people. See scenario_text.h.
#include "connectors/files/scenario_text.h"

#include "twin/clock_text.h"

#include "connectors/files/scenario_file.h"

#include <cstdio>

namespace connectors {

std::string describe_incident(const twin::Incident& in, const twin::SiteSpec& s) {
  std::string what;
  switch (in.kind) {
    case twin::IncidentKind::EquipmentFailure: {
      const auto& eq = in.equipment;
      if (eq.kind == twin::EquipmentRef::Kind::CheckpointServer)
        what = s.checkpoints[eq.index].id + " server " + std::to_string(eq.server + 1) + " fails";
      else if (eq.kind == twin::EquipmentRef::Kind::LaneBarrier)
        what = "barrier of lane " + s.lanes[eq.index].id + " fails";
      else
        what = "guide vehicle " + std::to_string(eq.index + 1) + " breaks down";
      break;
    }
    case twin::IncidentKind::PartnerLinkDown: what = "link to the partner customs down"; break;
    case twin::IncidentKind::ReeferPowerLoss: what = "reefer power off in " + s.yards[in.yard].id; break;
    case twin::IncidentKind::Surge: {
      char f[32];
      std::snprintf(f, sizeof f, " x%g", in.factor);
      what = (in.goods < 0 ? std::string("all") : s.goods[in.goods].id) + " arrivals" + f;
      break;
    }
    case twin::IncidentKind::DeclarationMismatch: {
      char f[48];
      std::snprintf(f, sizeof f, "%.0f%% of partner declarations disagree", in.share * 100);
      what = f;
      break;
    }
    case twin::IncidentKind::Command: what = std::string("command ") + twin::to_string(in.command.command.kind); break;
    case twin::IncidentKind::Count: break;
  }
  std::string when = twin::clock_text(in.at_ms, twin::ClockStyle::Minutes);
  if (in.until_ms != twin::kForever) when += "-" + twin::clock_text(in.until_ms, twin::ClockStyle::Minutes);
  return when + "  " + s.id + "  " + what;
}

std::string describe_command(const twin::ScheduledCommand& c, const twin::SiteSpec& s) {
  const twin::Command& cmd = c.command.command;
  std::string what = twin::to_string(cmd.kind);
  using K = twin::CommandKind;
  if (cmd.kind <= K::UnreserveLane) what += " " + s.lanes[cmd.lane].id;
  if (cmd.kind == K::PrioritiseGoods) what += " " + s.goods[cmd.goods].id;
  if (cmd.kind == K::HoldVehicle || cmd.kind == K::ReleaseVehicle || cmd.kind == K::ForceInspection)
    what += " shipment " + twin::to_string(cmd.shipment);
  return twin::clock_text(c.at_ms, twin::ClockStyle::Minutes) + "  " + s.id + "  " + what + "  (" + twin::to_string(c.command.role) + " " +
         c.command.actor + ": " + c.command.reason + ")";
}

}  // namespace connectors
