// Scenario -> simulator inputs. See scenario.h; pure, no I/O.
#include "twin/scenario.h"

namespace twin {

const char* to_string(IncidentKind k) {
  switch (k) {
    case IncidentKind::EquipmentFailure: return "equipment_failure";
    case IncidentKind::PartnerLinkDown: return "partner_link_down";
    case IncidentKind::ReeferPowerLoss: return "reefer_power_loss";
    case IncidentKind::Surge: return "surge";
    case IncidentKind::DeclarationMismatch: return "declaration_mismatch";
    case IncidentKind::Command: return "command";
    case IncidentKind::Count: break;
  }
  return "?";
}

static std::string equipment_problem(const EquipmentRef& eq, const SiteSpec& s) {
  switch (eq.kind) {
    case EquipmentRef::Kind::CheckpointServer:
      if (eq.index >= s.checkpoints.size()) return "no checkpoint " + std::to_string(eq.index);
      if (eq.server >= s.checkpoints[eq.index].servers) return "no server " + std::to_string(eq.server) + " at " + s.checkpoints[eq.index].id;
      return {};
    case EquipmentRef::Kind::LaneBarrier:
      return eq.index < s.lanes.size() ? std::string() : "no lane " + std::to_string(eq.index);
    case EquipmentRef::Kind::GuideVehicle:
      return eq.index < s.fleet.guide_vehicles ? std::string() : "no guide vehicle " + std::to_string(eq.index);
  }
  return "unknown equipment";
}

std::vector<std::string> check_scenario(const Scenario& sc, const std::vector<SiteSpec>& sites) {
  std::vector<std::string> bad;
  if (sites.empty()) bad.push_back("the scenario has no sites");
  if (sc.end_ms <= 0) bad.push_back("the scenario ends at or before 00:00");
  for (size_t i = 0; i < sites.size(); ++i)
    if (!load_per_day(sites[i], sc.load)) bad.push_back("load \"" + sc.load + "\" is not a load name");
  auto at = [](const std::string& what, size_t i) { return what + "[" + std::to_string(i) + "]: "; };
  for (size_t i = 0; i < sc.incidents.size(); ++i) {
    const Incident& in = sc.incidents[i];
    const std::string where = at("incidents", i);
    if (in.site >= sites.size()) { bad.push_back(where + "no site " + std::to_string(in.site)); continue; }
    const SiteSpec& s = sites[in.site];
    if (in.at_ms < 0 || in.at_ms >= sc.end_ms) bad.push_back(where + "starts outside the scenario");
    if (in.until_ms <= in.at_ms) bad.push_back(where + "ends before it starts");
    switch (in.kind) {
      case IncidentKind::EquipmentFailure: {
        std::string p = equipment_problem(in.equipment, s);
        if (!p.empty()) bad.push_back(where + p);
        break;
      }
      case IncidentKind::ReeferPowerLoss:
        if (in.yard >= s.yards.size()) bad.push_back(where + "no yard " + std::to_string(in.yard));
        break;
      case IncidentKind::Surge:
        if (in.goods >= static_cast<int>(s.goods.size())) bad.push_back(where + "no goods class " + std::to_string(in.goods));
        if (!(in.factor >= 0)) bad.push_back(where + "the factor must be 0 or more");
        if (in.until_ms == kForever) bad.push_back(where + "a surge needs an end");
        break;
      case IncidentKind::DeclarationMismatch:
        if (!(in.share >= 0 && in.share <= 1)) bad.push_back(where + "the share must be between 0 and 1");
        if (in.until_ms == kForever) bad.push_back(where + "a mismatch window needs an end");
        break;
      default: break;
    }
  }
  for (size_t i = 0; i < sc.model_answer.size(); ++i) {
    const ScheduledCommand& c = sc.model_answer[i];
    if (c.site >= sites.size()) bad.push_back(at("model_answer", i) + "no site " + std::to_string(c.site));
    if (c.at_ms < 0 || c.at_ms >= sc.end_ms) bad.push_back(at("model_answer", i) + "outside the scenario");
  }
  return bad;
}

SimOverrides scenario_overrides(const Scenario& sc) {
  SimOverrides o;
  for (const Incident& in : sc.incidents) {
    if (in.kind == IncidentKind::Surge) o.arrivals.push_back({in.site, in.goods, in.at_ms, in.until_ms, in.factor});
    if (in.kind == IncidentKind::DeclarationMismatch) o.mismatch.push_back({in.site, in.at_ms, in.until_ms, in.share});
  }
  return o;
}

std::optional<SimOptions> scenario_sim_options(const Scenario& sc, const std::vector<SiteSpec>& sites) {
  SimOptions opt;
  opt.seed = sc.seed;
  for (const SiteSpec& s : sites) {
    auto per_day = load_per_day(s, sc.load);
    if (!per_day) return std::nullopt;
    opt.vehicles_per_day.push_back(*per_day);
  }
  opt.overrides = scenario_overrides(sc);
  opt.common_random_numbers = true;  // a session and its baseline meet the same vehicles
  opt.partner_data_follows_link = true;
  return opt;
}

void inject_incidents(const Scenario& sc, Simulator& sim) {
  for (const Incident& in : sc.incidents) {
    const bool ends = in.until_ms != kForever && in.until_ms < sc.end_ms;
    switch (in.kind) {
      case IncidentKind::EquipmentFailure:
        sim.inject(in.at_ms, in.site, EquipmentStatus{in.equipment, false});
        if (ends) sim.inject(in.until_ms, in.site, EquipmentStatus{in.equipment, true});
        break;
      case IncidentKind::PartnerLinkDown:
        sim.inject(in.at_ms, in.site, PartnerLinkStatus{false});
        if (ends) sim.inject(in.until_ms, in.site, PartnerLinkStatus{true});
        break;
      case IncidentKind::ReeferPowerLoss:
        sim.inject(in.at_ms, in.site, ReeferPower{in.yard, false});
        if (ends) sim.inject(in.until_ms, in.site, ReeferPower{in.yard, true});
        break;
      case IncidentKind::Command:
        sim.inject(in.at_ms, in.site, in.command);
        break;
      case IncidentKind::Surge:
      case IncidentKind::DeclarationMismatch:
      case IncidentKind::Count:
        break;  // simulator overrides, not events
    }
  }
}

void inject_commands(const std::vector<ScheduledCommand>& commands, Simulator& sim) {
  for (const ScheduledCommand& c : commands) sim.inject(c.at_ms, c.site, c.command);
}

}  // namespace twin
