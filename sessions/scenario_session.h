// What a scenario session needs around its ScenarioRun, headless (replay_cli) or in the
// window (controlroom/replay/scenario_window): the file loaded with the command line's
// seed, the trainee's commands resolved, the recording opened, and the score written as
// JSON. Every failure is a message a person can act on; no clock, no drawing here.
#pragma once
#include "connectors/files/scenario_file.h"
#include "connectors/result.h"
#include "sessions/console_script.h"
#include "sessions/replay_args.h"
#include "sessions/session_writer.h"

#include "twin/scenario_run.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sessions {

struct ScenarioSession {
  connectors::LoadedScenario loaded;   // sites (lane plan applied) and the scenario
  std::string text;                    // the file's text, kept in the recording
  ConsoleScript script;                // --command and --console-script, by time
  std::vector<std::pair<uint8_t, twin::OperatorCommand>> commands;  // script[i] resolved
};

// Loads --scenario (with --seed) and the trainee's commands (actor kScenarioTrainee,
// supervisor). The failure's message, and in `exit_code` 1 (the file) or 2 (a command).
connectors::Result<ScenarioSession> load_scenario_session(const ReplayArgs& a, int& exit_code);

// The recording of the session (--record), or null when not asked.
connectors::Result<std::unique_ptr<SessionWriter>> open_scenario_recording(const ReplayArgs& a, const ScenarioSession& s);

// The --score JSON of a session scored at its current moment.
std::string scenario_score_json(const ReplayArgs& a, const twin::ScenarioRun& run, const twin::ScenarioScore& score,
                                const SessionWriter* writer);

}  // namespace sessions
