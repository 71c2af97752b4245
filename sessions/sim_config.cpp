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
    j["scenario_file"] = scenario_file;
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
    c.scenario_file = s.value("scenario_file", "");
    c.model_answer = s.value("model_answer", false);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return c;
}

std::variant<SimWorld, std::string> make_sim_world(const SimConfig& config, const std::string& sites_dir) {
  SimWorld w;
  if (config.kind == SimConfig::Kind::Scenario) {
    auto loaded = connectors::load_scenario_file(config.scenario_file, sites_dir);
    if (auto* e = std::get_if<connectors::ScenarioFileError>(&loaded))
      return "the recorded session's scenario cannot be loaded: " + e->message();
    auto& ls = std::get<connectors::LoadedScenario>(loaded);
    ls.scenario.seed = config.seed;
    auto opt = twin::scenario_sim_options(ls.scenario, ls.sites);
    if (!opt) return "the scenario " + config.scenario_file + " does not fit its sites (load " + ls.scenario.load + ")";
    w.sites = std::move(ls.sites);
    w.options = *opt;
    w.scenario = std::move(ls.scenario);
    return w;
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
