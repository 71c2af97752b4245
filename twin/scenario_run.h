// One run of a scenario: the core and the simulator set up from a Scenario, the
// incidents scheduled, and (optionally) its model answer. A trainer's program advances
// it, adds trainee commands at the current time, and at the end scores it against the
// same scenario with no intervention. Pure: no clock, no I/O; pacing belongs to the caller.
#pragma once
#include "twin/core.h"
#include "twin/run.h"
#include "twin/scenario.h"
#include "twin/scenario_score.h"
#include "twin/simulator.h"

#include <memory>
#include <vector>

namespace twin {

enum class ScenarioMode : uint8_t {
  Session = 0,     // incidents only; the trainee's commands come through command()
  ModelAnswer,     // incidents and the scenario's model answer
};

class ScenarioRun {
 public:
  // sites: the scenario's sites, in its order, with its lane plan applied (the loader in
  // connectors/files gives both). check_scenario() must have passed.
  ScenarioRun(std::vector<SiteSpec> sites, Scenario scenario, ScenarioMode mode = ScenarioMode::Session);

  // A trainee's command, folded at the current time (after the events already folded).
  void command(uint8_t site, OperatorCommand command);
  // A command at a later time (t >= now()).
  void command_at(SimTime t, uint8_t site, OperatorCommand command);
  // An instructor's incident (EquipmentStatus, PartnerLinkStatus, ReeferPower, a
  // PositionReport of an undeclared truck), folded at the current time like a scripted
  // one. It is part of the scenario from now on: the baseline gets it too. False
  // (nothing injected) once kMaxInjected have been.
  static constexpr size_t kMaxInjected = 10000;
  bool inject(uint8_t site, EventBody incident);
  // The instructor's incidents so far, in order (time_ms, site, body; seq unused).
  const std::vector<Event>& injected() const { return injected_; }

  // Folds every event up to t (clamped to the scenario's end); returns how many.
  uint64_t advance_to(SimTime t, const AfterEvent& after = {});
  uint64_t run_to_end(const AfterEvent& after = {}) { return advance_to(end_ms(), after); }

  SimTime now() const { return now_ms_; }
  SimTime end_ms() const { return scenario_.end_ms; }
  bool finished() const { return now_ms_ >= scenario_.end_ms; }
  uint64_t events() const { return events_; }

  const Core& core() const { return *core_; }
  const Scenario& scenario() const { return scenario_; }
  ScenarioMode mode() const { return mode_; }
  ScenarioKpis kpis() const { return scenario_kpis(*core_, now_ms_); }

 private:
  Scenario scenario_;
  ScenarioMode mode_;
  std::unique_ptr<Core> core_;       // owned by pointer: the simulator keeps a reference to its sites
  std::unique_ptr<Simulator> sim_;
  SimTime now_ms_ = 0;
  uint64_t events_ = 0;
  std::vector<Event> injected_;
};

// The same scenario with no intervention, run to `until` (its end by default): what a
// session is scored against.
// injected: an instructor's incidents (ScenarioRun::injected()), given to the baseline too.
ScenarioKpis baseline_kpis(const std::vector<SiteSpec>& sites, const Scenario& scenario, SimTime until = kForever,
                           const std::vector<Event>& injected = {});

// Scores a session against its baseline run to the same time (session.now(): a session
// stopped early is compared with the baseline at the same moment, not at the end).
ScenarioScore score_against_baseline(const ScenarioRun& session);
// With a baseline computed beforehand; it must cover the same span as the session.
ScenarioScore score_against_baseline(const ScenarioRun& session, const ScenarioKpis& baseline);

}  // namespace twin
