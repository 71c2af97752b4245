// A scenario session's set-up and score. See scenario_session.h.
#include "sessions/scenario_session.h"

#include "sessions/replay_cli.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/files/site_file.h"
#include "twin/clock_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace sessions {

connectors::Result<ScenarioSession> load_scenario_session(const ReplayArgs& a, int& exit_code) {
  exit_code = 1;
  const std::string sites_dir = a.sites_dir.empty() ? connectors::default_sites_dir() : a.sites_dir;
  ScenarioSession s;
  // Read once: the text is parsed here and kept in the recording (sessions/sim_config.h).
  auto text = connectors::read_scenario_text(a.scenario_path);
  if (auto* f = std::get_if<connectors::FileReadFailure>(&text)) return a.scenario_path + ": " + f->why + "; not a scenario file";
  s.text = std::get<std::string>(text);
  auto loaded = connectors::parse_scenario(s.text, a.scenario_path, sites_dir);
  if (auto* e = std::get_if<connectors::ScenarioFileError>(&loaded)) return e->message();
  s.loaded = std::move(std::get<connectors::LoadedScenario>(loaded));
  if (a.seed) s.loaded.scenario.seed = *a.seed;
  exit_code = 2;
  s.script = script_of_commands(a.fork_commands);
  if (!a.console_script.empty()) {
    auto read = read_console_script(a.console_script);
    if (auto* f = std::get_if<connectors::Failure>(&read)) return *f;
    auto& more = std::get<ConsoleScript>(read);
    s.script.insert(s.script.end(), more.begin(), more.end());
    std::stable_sort(s.script.begin(), s.script.end(), [](const ScriptCommand& x, const ScriptCommand& y) { return x.at_ms < y.at_ms; });
  }
  for (const auto& c : s.script) {
    uint8_t site = 0;
    auto oc = script_command(c, s.loaded.sites, kScenarioTrainee, twin::Role::Supervisor, site);
    if (auto* f = std::get_if<connectors::Failure>(&oc)) return *f;
    s.commands.emplace_back(site, std::get<twin::OperatorCommand>(oc));
  }
  exit_code = 0;
  return s;
}

connectors::Result<std::unique_ptr<SessionWriter>> open_scenario_recording(const ReplayArgs& a, const ScenarioSession& s) {
  if (a.record_path.empty()) return std::unique_ptr<SessionWriter>();
  const twin::Scenario& sc = s.loaded.scenario;
  SimConfig cfg;
  cfg.kind = SimConfig::Kind::Scenario;
  cfg.seed = sc.seed;
  cfg.scenario_id = std::filesystem::path(a.scenario_path).stem().string();
  cfg.scenario_json = s.text;
  cfg.model_answer = a.with_model_answer;
  return SessionWriter::open_sim(a.record_path, cfg, s.loaded.sites);
}

std::string scenario_score_json(const ReplayArgs& a, const twin::ScenarioRun& run, const twin::ScenarioScore& score,
                                const SessionWriter* writer) {
  const twin::Scenario& sc = run.scenario();
  nlohmann::json j;
  j["scenario"] = sc.id;
  j["file"] = a.scenario_path;
  j["seed"] = sc.seed;
  j["until"] = twin::clock_text(run.now());
  j["finished"] = run.finished();
  j["session"] = a.with_model_answer ? "model answer" : "as given";
  j["score"] = score.score;
  j["verdict"] = score.verdict;
  j["state_hash"] = connectors::hash_hex(run.core().state_hash());
  j["events"] = run.events();
  j["commands_accepted"] = score.session.commands_accepted;
  j["commands_refused"] = score.session.commands_refused;
  j["injected"] = run.injected().size();
  if (writer) j["recorded_session"] = writer->session();
  j["kpis"] = nlohmann::json::array();
  for (const auto& k : score.kpis)
    j["kpis"].push_back({{"id", k.id}, {"session", k.session}, {"baseline", k.baseline}, {"improvement", k.improvement}, {"score", k.score}});
  return j.dump(2) + "\n";
}

}  // namespace sessions
