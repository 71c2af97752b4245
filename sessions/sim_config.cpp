// SimConfig: the notes JSON of a recorded session and the world it rebuilds. See sim_config.h.
#include "sessions/sim_config.h"

#include "connectors/files/scenario_file.h"
#include "connectors/files/site_file.h"

#include <nlohmann/json.hpp>

namespace sessions {

static const char* lane_name(twin::LanePlan p) { return p == twin::LanePlan::Today ? "today" : "expanded"; }
static const char* unmanned_name(twin::UnmannedPlan p) {
  return p == twin::UnmannedPlan::Off ? "off" : p == twin::UnmannedPlan::AsManned ? "as-manned" : "on";
}

std::string SimConfig::to_notes() const {
  nlohmann::json j;
  j["kind"] = kind == Kind::Scenario ? "scenario" : "plain";
  j["seed"] = seed;
  if (kind == Kind::Plain) {
    j["site"] = site;
    j["load"] = load;
    j["lanes"] = lane_name(lanes);
    j["unmanned"] = unmanned_name(unmanned);
  } else {
    j["scenario"] = scenario_id;
    j["scenario_json"] = scenario_json;
    j["model_answer"] = model_answer;
  }
  return nlohmann::json{{"gatetwin_sim", j}}.dump();
}

std::optional<SimConfig> SimConfig::from_notes(const std::string& notes) {
  auto j = nlohmann::json::parse(notes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("gatetwin_sim")) return std::nullopt;
  const auto& s = j["gatetwin_sim"];
  if (!s.is_object()) return std::nullopt;
  SimConfig c;
  try {
    c.kind = s.value("kind", "plain") == "scenario" ? Kind::Scenario : Kind::Plain;
    c.seed = s.value("seed", uint64_t{7});
    c.site = s.value("site", "all");
    c.load = s.value("load", "2030");
    if (auto p = twin::parse_lane_plan(s.value("lanes", "expanded"))) c.lanes = *p;
    if (auto p = twin::parse_unmanned_plan(s.value("unmanned", "on"))) c.unmanned = *p;
    c.scenario_id = s.value("scenario", "");
    c.scenario_json = s.value("scenario_json", "");
    if (c.scenario_id.empty() && s.contains("scenario_file")) {  // before 2026-11-30: a path; only its name is used
      const std::string path = s.value("scenario_file", "");
      std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
      if (name.size() > 5 && name.ends_with(".json")) name.resize(name.size() - 5);
      c.scenario_id = name;
    }
    c.model_answer = s.value("model_answer", false);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return c;
}

connectors::Result<SimWorld> make_sim_world(const SimConfig& config, const std::string& sites_dir) {
  SimWorld w;
  if (config.kind == SimConfig::Kind::Scenario) {
    std::string text = config.scenario_json;
    if (text.empty()) {  // an older recording: the shipped scenario of that id
      if (!connectors::is_site_id(config.scenario_id))
        return "the recorded session names scenario \"" + config.scenario_id.substr(0, 80) + "\", which is not a scenario id";
      auto read = connectors::read_scenario_text(connectors::default_scenarios_dir() + "/" + config.scenario_id + ".json");
      if (auto* f = std::get_if<connectors::FileReadFailure>(&read))
        return "the recorded session's scenario \"" + config.scenario_id + "\" is not in " + connectors::default_scenarios_dir() + ": " + f->why;
      text = std::move(std::get<std::string>(read));
    }
    auto loaded = connectors::parse_scenario(text, "the recording's scenario " + config.scenario_id, sites_dir);
    if (auto* e = std::get_if<connectors::ScenarioFileError>(&loaded))
      return "the recorded session's scenario cannot be loaded: " + e->message();
    auto& ls = std::get<connectors::LoadedScenario>(loaded);
    ls.scenario.seed = config.seed;
    auto opt = twin::scenario_sim_options(ls.scenario, ls.sites);
    if (!opt) return "the scenario " + config.scenario_id + " does not fit its sites (load " + ls.scenario.load + ")";
    w.sites = std::move(ls.sites);
    w.options = *opt;
    w.scenario = std::move(ls.scenario);
    return w;
  }
  // Sites by id only: "all" or "m1119,m1088" (a crafted recording must not name a path).
  for (size_t start = 0; start <= config.site.size();) {
    const size_t end = std::min(config.site.find(',', start), config.site.size());
    if (!connectors::is_site_id(std::string_view(config.site).substr(start, end - start)))
      return "the recorded session names site \"" + config.site.substr(0, 80) + "\": sites are named by id (\"all\", \"m1119,m1088\")";
    start = end + 1;
  }
  auto loaded = connectors::load_sites(config.site, sites_dir);
  if (auto* e = std::get_if<connectors::SiteFileError>(&loaded)) return "the recorded session's sites: " + e->message();
  for (auto& s : std::get<std::vector<twin::SiteSpec>>(loaded)) w.sites.push_back(twin::with_plan(s, config.lanes, config.unmanned));
  w.options.seed = config.seed;
  for (const auto& s : w.sites) {
    auto per_day = twin::load_per_day(s, config.load);
    if (!per_day) return "the recorded load \"" + config.load + "\" is not a load name";
    w.options.vehicles_per_day.push_back(*per_day);
  }
  return w;
}

std::unique_ptr<twin::Simulator> make_simulator(const SimWorld& world, const std::vector<twin::SiteSpec>& sites,
                                                const SimConfig& config) {
  auto sim = std::make_unique<twin::Simulator>(sites, world.options);
  if (world.scenario) {
    twin::inject_incidents(*world.scenario, *sim);
    if (config.model_answer) twin::inject_commands(world.scenario->model_answer, *sim);
  }
  return sim;
}

}  // namespace sessions
