// The command lines of replay, fork, export and scenario runs (docs/replay.md):
//   gatetwin [--headless] --replay FILE [--session N] [--seek T] [--stats F] [--screenshot F] ...
//   gatetwin [--headless] --scenario FILE [--speed X] [--console-script F] [--record F] [--score F] ...
// Parsing only; running is replay_cli.cpp (headless) and the replay app (window).
#pragma once
#include "twin/command.h"
#include "twin/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sessions {

struct ForkCommandArg {
  twin::SimTime at_ms = 0;
  std::string site;              // site id
  twin::CommandKind kind = twin::CommandKind::CloseLane;
  std::string target;            // lane id or index, shipment id, goods id or index
};

struct ReplayArgs {
  bool headless = false;
  std::string sites_dir;
  std::string view = "both";
  std::string lang = "en";         // --lang: the window's language, vi | en
  uint32_t width = 1600, height = 900;
  // --replay
  std::string replay_path;
  std::optional<int64_t> session;
  bool list = false;
  bool bookmarks = false;
  std::string add_bookmark;
  std::string seek;              // HH:MM:SS or seq:N; empty: the end
  std::string stats_path;
  std::string screenshot_path;
  std::string export_csv;
  std::string export_plots;      // a folder
  double export_every_min = 15;
  std::string frames_dir;        // an incident window as PNG frames
  std::string frames_from, frames_to;
  double frame_every_s = 60;
  std::string fork_at;           // HH:MM:SS or seq:N
  std::string fork_until;        // HH:MM:SS; default: the recording's end
  std::string fork_record;       // where the fork session goes (a copy of the file when new)
  bool no_fork_record = false;   // --no-fork-record: the fork is not recorded
  // Where forks are recorded: --fork-record, else FILE.forks.db beside the recording.
  std::string fork_record_path() const { return no_fork_record ? "" : fork_record.empty() ? replay_path + ".forks.db" : fork_record; }
  std::vector<ForkCommandArg> fork_commands;
  std::string compare_path;      // JSON report of fork vs original
  std::string live_load = "2030";
  // --scenario
  std::string scenario_path;
  double run_for_s = 0;          // simulated seconds; 0: to the scenario's end
  std::string record_path;
  std::string score_path;
  bool with_model_answer = false;
  std::optional<uint64_t> seed;
  std::string console_script;    // --console-script: the trainee's commands at scenario times
  double speed = 60;             // the window: simulated seconds per wall second (--speed)
  bool quit_when_done = false;   // the window: close once the score has been shown (--quit-when-done)
};

// True when the command line is a replay or scenario run (it names --replay or --scenario).
bool is_replay_command(int argc, char** argv);
// The arguments, or prints why not (or the help) and sets exit_code.
std::optional<ReplayArgs> parse_replay_args(int argc, char** argv, int& exit_code);

}  // namespace sessions
