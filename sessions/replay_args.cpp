// Replay and scenario command lines. See replay_args.h.
#include "sessions/replay_args.h"

#include "cli/flag_reader.h"

#include "twin/clock_text.h"

#include "sessions/replay.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sessions {

static const char* kHelp = R"(usage: gatetwin [--headless] --replay FILE [options]      a recorded session (docs/replay.md)
       gatetwin [--headless] --scenario FILE [options]      a training scenario, scored

Replay (a window with the timeline, or --headless for batch work):
  --session N          the session to replay (default: the file's last); --list shows them
  --list               list the sessions and exit
  --bookmarks          list the session's bookmarks (alerts, commands, notes) and exit
  --add-bookmark NOTE  store a note at --seek (the only write to the recording, in its
                       replay_bookmarks table)
  --seek T             HH:MM:SS (hours may pass 24) or seq:N; default: the end
  --stats FILE         the state at that moment as JSON: seq, time, state hash, KPIs
  --screenshot FILE    the control room's view at that moment, offscreen, as PNG
  --view V / --size WxH  as for the live twin; --view wall (or --wall): the wall
                       display, with the REPLAY marker and the replayed date and time
  --lang vi|en         the window's language (default en), as for the live twin
  --export-csv FILE    the session's KPIs every --every minutes as CSV
  --export-plots DIR   cleared / in_flow / dwell_p95 / queues over time as PNG plots
  --every MIN          sampling period of the exports (default 15)
  --frames DIR         the view as PNG frames over --from T --to T, one every
                       --frame-every S simulated seconds (default 60): an incident window
  --fork-at T          take over at T (HH:MM:SS or seq:N): the simulator goes on from the
                       exact state, with the --command list, until --fork-until T (default
                       the recording's end); the original and the fork are compared
  --command T,SITE,KIND,TARGET   a trainee command in the fork at T (KIND: close_lane,
                       open_lane, reverse_lane, reserve_lane_unmanned, unreserve_lane,
                       hold_vehicle, release_vehicle, force_inspection, prioritise_goods,
                       clear_priority, close_crossing, reopen_crossing, reroute_vehicle;
                       TARGET: lane id, shipment id, goods id, or for reroute_vehicle
                       SHIPMENT@LANE, e.g. 41@E2)
  --fork-record FILE   record the fork as a session naming its parent and moment (default
                       FILE.forks.db beside the recording); a new FILE starts as a copy of
                       the recording, so the original is not written
  --no-fork-record     do not record the fork
  --compare FILE       the fork-vs-original report as JSON (text goes to stdout)
  --live-load L        forks of live recordings: the arrivals' load after the fork (2030)
Scenario (docs/scenarios.md; a window with the briefing, the console and the score, or
--headless to run it to its end at once):
  --scenario FILE      assets/scenarios/*.json
  --speed X            the window: simulated seconds per wall second (default 60; the
                       scenario bar changes it: x1 real time up to x3600)
  --console-script F   the trainee's commands at scenario times, one a line:
                       HH:MM[:SS],SITE,KIND,TARGET[,REASON]; in the window they are typed
                       into the console (reason box, the buttons' command path) and the
                       script presses Start; headless they are given at those times
  --command T,SITE,KIND,TARGET   one trainee command at T (as --console-script's lines)
  --quit-when-done     the window: close once the score has been shown (scripted runs)
  --run-for S          headless: simulated seconds from the start (default: to the end)
  --with-model-answer  run the scenario's model answer
  --seed N             override the file's seed
  --record FILE        record the session (replayable, forkable)
  --score FILE         the score and both KPI summaries as JSON (the window: at the end)
  --screenshot FILE    the window: the score panel as PNG at the end
  --sites-dir DIR      where the site files are
)";

bool is_replay_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--replay") || !std::strcmp(argv[i], "--scenario")) return true;
  return false;
}

static std::optional<twin::CommandKind> command_kind(const std::string& s) {
  for (int k = 0; k < static_cast<int>(twin::CommandKind::Count); ++k)
    if (s == twin::to_string(static_cast<twin::CommandKind>(k))) return static_cast<twin::CommandKind>(k);
  return std::nullopt;
}

std::optional<ReplayArgs> parse_replay_args(int argc, char** argv, int& exit_code) {
  ReplayArgs a;
  exit_code = 2;
  cli::FlagReader r(argc, argv, "gatetwin", "gatetwin --replay --help", kHelp);
  auto bad = [&](const std::string& why) { return r.refuse(why); };
  if (r.help_anywhere(exit_code)) return std::nullopt;
  while (r.next()) {
    const std::string& f = r.flag();
    if (f == "--headless") { a.headless = true; continue; }
    if (f == "--list") { a.list = true; continue; }
    if (f == "--wall") { a.view = "wall"; continue; }  // the wall display of the replayed moment
    if (f == "--bookmarks") { a.bookmarks = true; continue; }
    if (f == "--with-model-answer") { a.with_model_answer = true; continue; }
    if (f == "--quit-when-done") { a.quit_when_done = true; continue; }
    if (f == "--no-fork-record") { a.no_fork_record = true; continue; }
    const auto value = r.value();
    if (!value) return std::nullopt;
    const std::string& v = *value;
    double n = 0;
    if (f == "--replay") a.replay_path = v;
    else if (f == "--scenario") a.scenario_path = v;
    else if (f == "--session") { if (!cli::parse_number(v, n) || n < 1) return bad("--session takes a session id"); a.session = static_cast<int64_t>(n); }
    else if (f == "--seek") a.seek = v;
    else if (f == "--stats") a.stats_path = v;
    else if (f == "--screenshot") a.screenshot_path = v;
    else if (f == "--add-bookmark") a.add_bookmark = v;
    else if (f == "--export-csv") a.export_csv = v;
    else if (f == "--export-plots") a.export_plots = v;
    else if (f == "--every") { if (!cli::parse_number(v, n) || n < 1) return bad("--every takes minutes, 1 or more"); a.export_every_min = n; }
    else if (f == "--frames") a.frames_dir = v;
    else if (f == "--from") a.frames_from = v;
    else if (f == "--to") a.frames_to = v;
    else if (f == "--frame-every") { if (!cli::parse_number(v, n) || n < 1) return bad("--frame-every takes simulated seconds, 1 or more"); a.frame_every_s = n; }
    else if (f == "--fork-at") a.fork_at = v;
    else if (f == "--fork-until") a.fork_until = v;
    else if (f == "--fork-record") a.fork_record = v;
    else if (f == "--compare") a.compare_path = v;
    else if (f == "--live-load") a.live_load = v;
    else if (f == "--command") {
      ForkCommandArg c;
      char at[32] = {}, site[64] = {}, kind[64] = {}, target[64] = {};
      if (std::sscanf(v.c_str(), "%31[^,],%63[^,],%63[^,],%63s", at, site, kind, target) < 3)
        return bad("--command takes TIME,SITE,KIND,TARGET, e.g. 03:00:00,m1119,close_lane,L1");
      auto t = twin::parse_clock(at);
      if (!t) return bad(std::string("--command: \"") + at + "\" is not HH:MM:SS");
      auto k = command_kind(kind);
      if (!k) return bad(std::string("--command: unknown command kind \"") + kind + "\"");
      c.at_ms = *t;
      c.site = site;
      c.kind = *k;
      c.target = target;
      a.fork_commands.push_back(c);
    }
    else if (f == "--run-for") { if (!cli::parse_number(v, n) || n <= 0) return bad("--run-for takes simulated seconds above 0"); a.run_for_s = n; }
    else if (f == "--record") a.record_path = v;
    else if (f == "--score") a.score_path = v;
    else if (f == "--seed") { if (!cli::parse_number(v, n) || n < 0) return bad("--seed takes a number"); a.seed = static_cast<uint64_t>(n); }
    else if (f == "--sites-dir") a.sites_dir = v;
    else if (f == "--console-script") a.console_script = v;
    else if (f == "--speed") { if (!cli::parse_number(v, n) || n <= 0 || n > 100000) return bad("--speed takes simulated seconds per wall second, above 0 up to 100000"); a.speed = n; }
    else if (f == "--view") a.view = v;
    else if (f == "--lang") { if (v != "vi" && v != "en") return bad("--lang takes vi or en"); a.lang = v; }
    else if (f == "--size") { if (!cli::parse_size(v, a.width, a.height)) return bad(cli::size_rule()); }
    else return bad("unknown flag " + f + " for a replay or scenario run");
  }
  if (a.replay_path.empty() == a.scenario_path.empty()) return bad("give either --replay FILE or --scenario FILE");

  if (!a.frames_dir.empty() && (a.frames_from.empty() || a.frames_to.empty())) return bad("--frames needs --from T and --to T");
  if (!a.fork_commands.empty() && a.fork_at.empty() && a.scenario_path.empty()) return bad("--command is for a fork (give --fork-at T) or a scenario");
  if (!a.console_script.empty() && a.scenario_path.empty()) return bad("--console-script is for a scenario: give --scenario FILE");
  exit_code = 0;
  return a;
}

}  // namespace sessions
