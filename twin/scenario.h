// A training scenario: a seeded simulated day of one or more sites with timed incidents
// (equipment failures, a partner-link drop, reefer power loss, a surge of arrivals, a
// share of disagreeing declarations, scripted commands) and an optional "model answer"
// of operator commands kept apart from the incidents. Pure data plus the functions that
// turn it into simulator inputs; it never reads files (connectors/files does).
#pragma once
#include "twin/event.h"
#include "twin/simulator.h"
#include "twin/site.h"
#include "twin/site_plan.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twin {

constexpr SimTime kForever = INT64_MAX;

enum class IncidentKind : uint8_t {
  EquipmentFailure = 0,  // equipment fails at at_ms, restored at until_ms (EquipmentStatus)
  PartnerLinkDown,       // link to the partner customs down [at, until) (PartnerLinkStatus)
  ReeferPowerLoss,       // a yard's reefer plugs lose power [at, until) (ReeferPower)
  Surge,                 // arrivals of one goods class (or all) x factor over [at, until)
  DeclarationMismatch,   // a share of partner declarations disagree over [at, until)
  Command,               // an operator command that belongs to the scenario itself
  Count
};
const char* to_string(IncidentKind k);

struct Incident {
  IncidentKind kind = IncidentKind::EquipmentFailure;
  uint8_t site = 0;              // index into the scenario's sites
  SimTime at_ms = 0;
  SimTime until_ms = kForever;   // kForever: not restored within the scenario
  EquipmentRef equipment;        // EquipmentFailure
  uint16_t yard = 0;             // ReeferPowerLoss
  int goods = -1;                // Surge: goods class index, -1 every class
  double factor = 1;             // Surge
  double share = 0;              // DeclarationMismatch: 0..1
  OperatorCommand command;       // Command
  std::string note;              // what the trainer sees in the timeline
};

// An operator command at a time: the model answer's steps, or a trainee's.
struct ScheduledCommand {
  SimTime at_ms = 0;
  uint8_t site = 0;
  OperatorCommand command;
};

struct Scenario {
  std::string id;
  std::string title;
  std::string briefing;                    // read to the trainee before the start
  std::vector<std::string> sites;          // site ids, in the order of the world's sites
  LanePlan lanes = LanePlan::Expanded;
  UnmannedPlan unmanned = UnmannedPlan::On;
  uint64_t seed = 7;
  std::string load = "2027";               // a load name (site_plan.h: baseline, 2027, 2030, xN)
  SimTime end_ms = kDay;                   // the run covers [0, end_ms)
  std::vector<Incident> incidents;
  std::vector<ScheduledCommand> model_answer;
  std::string model_answer_note;           // why the model answer does what it does
  std::vector<std::string> focus;          // KPI ids (scenario_score.h) the scenario is about
};

// What makes a scenario unusable with these (already planned) sites, one line each;
// empty when sound. The file loader reports the same problems with field names.
std::vector<std::string> check_scenario(const Scenario& sc, const std::vector<SiteSpec>& sites);

// Simulator options for the scenario: seed, load, overrides, common random numbers.
// Empty when the load name does not fit a site.
std::optional<SimOptions> scenario_sim_options(const Scenario& sc, const std::vector<SiteSpec>& sites);

// The surge and mismatch windows as simulator overrides.
SimOverrides scenario_overrides(const Scenario& sc);

// Schedules the incidents that are events (equipment, link, power, scenario commands).
void inject_incidents(const Scenario& sc, Simulator& sim);

// Schedules operator commands (the model answer, or a trainee's script).
void inject_commands(const std::vector<ScheduledCommand>& commands, Simulator& sim);

}  // namespace twin
