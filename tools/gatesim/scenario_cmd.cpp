// gatesim --scenario. See scenario_cmd.h.
#include "scenario_cmd.h"

#include "twin/clock_text.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/files/scenario_file.h"
#include "connectors/files/scenario_text.h"
#include "connectors/files/site_file.h"
#include "twin/scenario_run.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace {

nlohmann::json kpis_json(const twin::ScenarioKpis& k) {
  return {{"arrived", k.arrived},
          {"cleared", k.cleared},
          {"diverted_refused", k.diverted_refused},
          {"in_flow", k.in_flow},
          {"dwell_min_p95", k.dwell_min_p95},
          {"perishable_dwell_min_p95", k.perishable_dwell_min_p95},
          {"queue_max", k.queue_max},
          {"reefer_unpowered_container_min", k.reefer_unpowered_container_min},
          {"commands_accepted", k.commands_accepted},
          {"commands_refused", k.commands_refused}};
}

}  // namespace

int run_scenario_command(const SimArgs& args) {
  const std::string sites_dir = args.sites_dir.empty() ? connectors::default_sites_dir() : args.sites_dir;
  auto loaded = connectors::load_scenario_file(args.scenario, sites_dir);
  if (auto* err = std::get_if<connectors::ScenarioFileError>(&loaded)) {
    std::fprintf(stderr, "gatesim: %s\n", err->message().c_str());
    return 1;
  }
  auto& ls = std::get<connectors::LoadedScenario>(loaded);
  twin::Scenario sc = ls.scenario;
  if (args.seed_given) sc.seed = args.seed;  // --seed overrides the file's seed
  const auto wall_start = std::chrono::steady_clock::now();

  std::vector<std::string> violations;
  auto checker = [&](const twin::ScenarioRun& run, const char* which) {
    return [&, which](const twin::Event& e, const twin::Decisions&) {
      if (!violations.empty()) return;
      violations = run.core().check_invariants();
      for (auto& v : violations) v = std::string(which) + " run, after event " + std::to_string(e.seq) + ": " + v;
    };
  };
  const twin::ScenarioMode mode = args.with_model_answer ? twin::ScenarioMode::ModelAnswer : twin::ScenarioMode::Session;
  twin::ScenarioRun session(ls.sites, sc, mode);
  session.run_to_end(args.check ? twin::AfterEvent(checker(session, "session")) : twin::AfterEvent{});
  twin::ScenarioRun baseline(ls.sites, sc, twin::ScenarioMode::Session);
  baseline.run_to_end(args.check ? twin::AfterEvent(checker(baseline, "baseline")) : twin::AfterEvent{});
  const twin::ScenarioScore score = twin::score_against_baseline(session, baseline.kpis());
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const std::string session_hash = connectors::hash_hex(session.core().state_hash());
  const std::string baseline_hash = connectors::hash_hex(baseline.core().state_hash());
  const char* session_name = args.with_model_answer ? "model answer" : "as given";

  if (args.json) {
    nlohmann::json j;
    j["scenario"] = sc.id;
    j["title"] = sc.title;
    j["file"] = args.scenario;
    j["seed"] = sc.seed;
    j["load"] = sc.load;
    j["end"] = twin::clock_text(sc.end_ms, twin::ClockStyle::Minutes);
    j["session"] = session_name;
    j["score"] = score.score;
    j["verdict"] = score.verdict;
    j["kpis"] = nlohmann::json::array();
    for (const auto& k : score.kpis)
      j["kpis"].push_back({{"id", k.id}, {"label", k.label}, {"unit", k.unit}, {"session", k.session},
                           {"baseline", k.baseline}, {"improvement", k.improvement}, {"weight", k.weight},
                           {"score", k.score}});
    j["session_kpis"] = kpis_json(score.session);
    j["baseline_kpis"] = kpis_json(score.baseline);
    j["session_state_hash"] = session_hash;
    j["baseline_state_hash"] = baseline_hash;
    j["events"] = session.events() + baseline.events();
    j["wall_s"] = wall_s;
    j["sites"] = nlohmann::json::array();
    for (size_t i = 0; i < ls.sites.size(); ++i)
      j["sites"].push_back(connectors::kpis_to_json(twin::compute_kpis(session.core(), i, sc.end_ms)));
    if (!violations.empty()) j["invariant_violations"] = violations;
    std::cout << j.dump(2) << std::endl;
  } else {
    std::printf("gatesim  scenario %s  \"%s\"\n", sc.id.c_str(), sc.title.c_str());
    std::printf("seed %llu  load %s  00:00-%s  %llu events in %.2f s\n\n", static_cast<unsigned long long>(sc.seed),
                sc.load.c_str(), twin::clock_text(sc.end_ms, twin::ClockStyle::Minutes).c_str(),
                static_cast<unsigned long long>(session.events() + baseline.events()), wall_s);
    std::string briefing = "  " + sc.briefing;
    for (size_t at = briefing.find('\n'); at != std::string::npos; at = briefing.find('\n', at + 1)) briefing.insert(at + 1, "  ");
    std::printf("briefing\n%s\n\nincidents\n", briefing.c_str());
    for (const auto& in : sc.incidents) std::printf("  %s\n", connectors::describe_incident(in, ls.sites[in.site]).c_str());
    if (args.with_model_answer) {
      std::printf("\nmodel answer\n");
      for (const auto& c : sc.model_answer) std::printf("  %s\n", connectors::describe_command(c, ls.sites[c.site]).c_str());
      if (sc.model_answer.empty()) std::printf("  (none in this scenario)\n");
      if (!sc.model_answer_note.empty()) std::printf("  why: %s\n", sc.model_answer_note.c_str());
    }
    std::printf("\n%-42s %12s %12s %9s %6s %6s\n", "KPI", session_name, "baseline", "better by", "score", "weight");
    for (const auto& k : score.kpis)
      std::printf("%-42s %12.1f %12.1f %+8.0f%% %6.0f %6.0f\n", (k.label + " (" + k.unit + ")").c_str(), k.session,
                  k.baseline, k.improvement * 100, k.score, k.weight);
    std::printf("(better by: the improvement on the baseline, against max(baseline, floor), negative when worse)\n\n");
    std::printf("commands accepted %lld  refused %lld\n", static_cast<long long>(score.session.commands_accepted),
                static_cast<long long>(score.session.commands_refused));
    std::printf("%s\n", score.verdict.c_str());
    std::printf("state hash %s (%s)  %s (baseline)\n", session_hash.c_str(), session_name, baseline_hash.c_str());
  }
  for (const auto& v : violations) std::fprintf(stderr, "gatesim: invariant violated %s\n", v.c_str());
  return violations.empty() ? 0 : 3;
}
