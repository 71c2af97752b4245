// What a recording must say so that its simulator can be rebuilt: the plain run's load,
// lane plan and seed, or the scenario file and its mode. Stored as JSON in the session's
// `notes` column ({"gatetwin_sim": {...}}) by every in-process recorder (gatesim
// --record, gatetwin --scenario --record, forks). A live recording has none. A recording
// is untrusted input: it names sites by id only (never a path), and carries a scenario's
// whole text, so that replaying it opens no file that the recording names.
#pragma once
#include "connectors/result.h"
#include "twin/scenario.h"
#include "twin/simulator.h"
#include "twin/site.h"
#include "twin/site_plan.h"

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sessions {

struct SimConfig {
  enum class Kind { Plain, Scenario };
  Kind kind = Kind::Plain;
  uint64_t seed = 7;
  // Plain runs (gatesim): the load and plan that made the sites and the simulator options.
  std::string site = "all";                 // --site as given
  std::string load = "2030";
  twin::LanePlan lanes = twin::LanePlan::Expanded;
  twin::UnmannedPlan unmanned = twin::UnmannedPlan::On;
  // Scenario runs: the scenario's id (its file name without .json), its text as recorded
  // (empty in recordings made before 2026-11-30: then the id is looked up in
  // connectors::default_scenarios_dir()), and whether the model answer ran.
  std::string scenario_id;
  std::string scenario_json;
  bool model_answer = false;

  std::string to_notes() const;                        // {"gatetwin_sim": {...}}
  static std::optional<SimConfig> from_notes(const std::string& notes);  // empty: a live recording
};

// The world a SimConfig describes: the sites (plan applied), the simulator's options, and
// the scenario when there is one. Rebuilding it needs the site (and scenario) files.
struct SimWorld {
  std::vector<twin::SiteSpec> sites;
  twin::SimOptions options;
  std::optional<twin::Scenario> scenario;
};

// An error message a person can act on, or the world.
connectors::Result<SimWorld> make_sim_world(const SimConfig& config, const std::string& sites_dir);

// A fresh simulator for the world, with the scenario's incidents (and model answer) injected:
// the exact start of the recorded run. sites must outlive it.
std::unique_ptr<twin::Simulator> make_simulator(const SimWorld& world, const std::vector<twin::SiteSpec>& sites,
                                                const SimConfig& config);

}  // namespace sessions
