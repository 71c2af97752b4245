// A scenario run and its score. See scenario_run.h.
#include "twin/scenario_run.h"
#include "twin/contract.h"

#include <algorithm>

namespace twin {

ScenarioRun::ScenarioRun(std::vector<SiteSpec> sites, Scenario scenario, ScenarioMode mode)
    : scenario_(std::move(scenario)), mode_(mode), core_(std::make_unique<Core>(std::move(sites))) {
  auto opt = scenario_sim_options(scenario_, core_->sites());
  TWIN_REQUIRE(opt.has_value(), "check_scenario() first: the load does not fit the sites");
  sim_ = std::make_unique<Simulator>(core_->sites(), *opt);
  inject_incidents(scenario_, *sim_);
  if (mode_ == ScenarioMode::ModelAnswer) inject_commands(scenario_.model_answer, *sim_);
}

void ScenarioRun::command(uint8_t site, OperatorCommand command) { sim_->inject(now_ms_, site, std::move(command)); }

void ScenarioRun::command_at(SimTime t, uint8_t site, OperatorCommand command) {
  sim_->inject(std::max(t, now_ms_), site, std::move(command));
}

bool ScenarioRun::inject(uint8_t site, EventBody incident) {
  TWIN_REQUIRE(!std::holds_alternative<OperatorCommand>(incident), "a command goes through command()");
  if (injected_.size() >= kMaxInjected) return false;
  injected_.push_back(Event{0, now_ms_, site, incident});
  sim_->inject(now_ms_, site, std::move(incident));
  return true;
}

uint64_t ScenarioRun::advance_to(SimTime t, const AfterEvent& after) {
  t = std::min(t, scenario_.end_ms);
  if (t <= now_ms_) return 0;
  // Events exactly at the end belong to the next period: [0, end_ms).
  const uint64_t n = run_until(*core_, *sim_, t == scenario_.end_ms ? t - 1 : t, after);
  now_ms_ = t;
  events_ += n;
  return n;
}

ScenarioKpis baseline_kpis(const std::vector<SiteSpec>& sites, const Scenario& scenario, SimTime until,
                           const std::vector<Event>& injected) {
  ScenarioRun base(sites, scenario, ScenarioMode::Session);
  // The same calls as the session made (advance, then inject at that moment), so the
  // incidents fall at the same place among the events of equal time.
  for (const Event& e : injected) {
    base.advance_to(std::min(e.time_ms, until));
    base.inject(e.site, e.body);
  }
  base.advance_to(until);
  return base.kpis();
}

ScenarioScore score_against_baseline(const ScenarioRun& session, const ScenarioKpis& baseline) {
  return score_session(session.kpis(), baseline, session.scenario().focus);
}

ScenarioScore score_against_baseline(const ScenarioRun& session) {
  return score_against_baseline(session, baseline_kpis(session.core().sites(), session.scenario(), session.now(), session.injected()));
}

}  // namespace twin
