// gatetwin's headless replay and scenario runs (docs/replay.md): open a recording, seek,
// write the state as JSON and the view as PNG, export KPIs and an incident window, fork
// and compare; run a scenario to its end, record it and score it. Prints what it did;
// every failure is a message a person can act on and a non-zero exit code.
#pragma once
#include "connectors/result.h"
#include "sessions/replay_args.h"
#include "sessions/replay_view.h"

#include "twin/core.h"

#include <vector>

namespace sessions {

class Replay;

// view: the offscreen renderer (null in a build without the engine: --screenshot and
// --frames are then refused). Returns the exit code.
int run_replay_cli(const ReplayArgs& args, ReplayView* view);
int run_scenario_cli(const ReplayArgs& args);

// Who gives a scenario's trainee commands, headless and in the window (logged in as
// this supervisor), so that both record the same commands.
inline constexpr const char* kScenarioTrainee = "trainee";

// A --command argument as the operator command it names (actor "trainee", supervisor,
// reason "fork"), resolved against the sites; the site's index in `site`.
connectors::Result<twin::OperatorCommand> make_command(const ForkCommandArg& c, const std::vector<twin::SiteSpec>& sites, uint8_t& site);

// "HH:MM:SS" or "seq:N" applied to the replay; what went wrong, or nothing.
connectors::Status seek_text(Replay& replay, const std::string& where);
// The state at the replay's cursor as the --stats JSON.
std::string replay_stats_json(const Replay& replay);

}  // namespace sessions
