// gatetwin built without the engine (GATETWIN_ENGINE=OFF): headless only.
#include "runner/audit_cmd.h"
#include "runner/command_cmd.h"
#include "runner/follow_loop.h"
#include "runner/standby_loop.h"
#include "runner/headless_loop.h"
#include "runner/twin_args.h"
#include "sessions/replay_cli.h"

#include <cstdio>
#include <string>

using namespace pipeline;
using namespace runner;
using namespace sessions;

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "audit") return run_audit_command(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "command") return run_command_command(argc, argv);  // docs/mqtt.md
  if (sessions::is_replay_command(argc, argv)) {  // docs/replay.md; no renderer: no window, --screenshot or --frames
    int rc = 0;
    auto ra = sessions::parse_replay_args(argc, argv, rc);
    if (!ra) return rc;
    if (!ra->scenario_path.empty() && !ra->headless) {
      std::fprintf(stderr, "gatetwin: this build has no renderer (GATETWIN_ENGINE=OFF): run the scenario with --headless\n");
      return 2;
    }
    if (!ra->scenario_path.empty()) return sessions::run_scenario_cli(*ra);
    if (!ra->headless) {
      std::fprintf(stderr, "gatetwin: this build has no renderer (GATETWIN_ENGINE=OFF): replay with --headless\n");
      return 2;
    }
    return sessions::run_replay_cli(*ra, nullptr);
  }
  int code = 0;
  auto args = parse_twin_args(argc, argv, code);
  if (!args) return code;
  if (!args->headless || !args->screenshot_path.empty() || !args->scene_json_path.empty()) {
    std::fprintf(stderr, "gatetwin: this build has no renderer (GATETWIN_ENGINE=OFF): run with --headless, without --screenshot or --scene-json\n");
    return 2;
  }
  if (args->follow) return run_follower(*args);
  if (args->standby) return run_standby(*args);  // docs/control-room.md "Fail-over"
  return run_headless(*args);
}
