// Loads a scenario file (assets/scenarios/*.json, format in docs/scenarios.md) into a
// twin::Scenario and the site specs it names (loaded from the site files, lane plan
// applied). Every problem becomes an error naming the file, the field and why; nothing
// here throws past its boundary or guesses a missing value.
//
// Supports: format "gatetwin-scenario/1"; times "HH:MM" or "HH:MM:SS" of the simulated
// day (hours up to 47: a second day); entities by their site-file ids.
#pragma once
#include "connectors/result.h"
#include "connectors/files/small_file.h"
#include "twin/scenario.h"
#include "twin/site.h"

#include <string>
#include <variant>
#include <vector>

namespace connectors {

struct ScenarioFileError {
  std::string file;
  std::string field;   // JSON path, e.g. "incidents[2].server"; empty for whole-file problems
  std::string why;
  std::string message() const;  // "file: field: why"
};

struct LoadedScenario {
  twin::Scenario scenario;
  std::vector<twin::SiteSpec> sites;   // in the scenario's order, lane plan applied
};

using ScenarioFileResult = Result<LoadedScenario, ScenarioFileError>;

// sites_dir: where the site files named by "sites" are (connectors::default_sites_dir()).
ScenarioFileResult load_scenario_file(const std::string& path, const std::string& sites_dir);
// The file's text (at most 4 MiB, a regular file only): what load_scenario_file parses,
// for a recorder that keeps the scenario in the recording itself.
std::variant<std::string, FileReadFailure> read_scenario_text(const std::string& path);
ScenarioFileResult parse_scenario(const std::string& text, const std::string& file_name, const std::string& sites_dir);


// The shipped scenarios' folder (assets/scenarios), or $GATETWIN_SCENARIOS.
std::string default_scenarios_dir();
// Every *.json in dir, sorted.
std::vector<std::string> scenario_paths(const std::string& dir);

}  // namespace connectors
