// gatetwin: the twin program. With a window it is the control room (ControlRoom over the
// twin's loop); --headless runs the same loop without drawing, and --screenshot renders
// the chosen view offscreen at the end. `gatetwin audit verify FILE` checks a recording;
// `gatetwin command ...` sends an operator command and prints the twin's answer.
#include "controlroom/app_hooks.h"
#include "runner/audit_cmd.h"
#include "runner/command_cmd.h"
#include "runner/follow_loop.h"
#include "runner/standby_loop.h"
#include "runner/headless_loop.h"
#include "runner/twin_args.h"
#include "controlroom/replay/replay_window.h"

#include "connectors/accounts/accounts.h"

#include <cstdio>
#include <iostream>
#include <random>
#include <string>

using namespace controlroom;
using namespace pipeline;
using namespace runner;
using namespace sessions;

// `gatetwin accounts line USER ROLE`: reads a password on stdin and prints the accounts-file
// entry for it (a salted scrypt hash), for tools/setup/make-accounts.sh.
static int accounts_command(int argc, char** argv) {
  if (argc != 5 || std::string(argv[2]) != "line") {
    std::fprintf(stderr, "usage: gatetwin accounts line USER viewer|operator|supervisor  (password on stdin)\n");
    return 2;
  }
  auto role = connectors::parse_role(argv[4]);
  if (!role) {
    std::fprintf(stderr, "gatetwin: the role is one of viewer, operator, supervisor\n");
    return 2;
  }
  std::string password;
  std::getline(std::cin, password);
  if (password.size() < 8) {
    std::fprintf(stderr, "gatetwin: a password needs at least 8 characters\n");
    return 2;
  }
  std::random_device rd;
  std::string salt;
  for (int i = 0; i < 32; ++i) salt += "0123456789abcdef"[rd() & 15];
  std::printf("%s\n", connectors::Accounts::make_entry_json(argv[3], *role, password, salt).c_str());
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "audit") return run_audit_command(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "command") return run_command_command(argc, argv);  // docs/mqtt.md
  if (sessions::is_replay_command(argc, argv)) return controlroom::run_replay_main(argc, argv);  // docs/replay.md
  if (argc >= 2 && std::string(argv[1]) == "accounts") return accounts_command(argc, argv);
  int code = 0;
  auto args = parse_twin_args(argc, argv, code);
  if (!args) return code;
  if (args->standby) return run_standby(*args);  // docs/control-room.md "Fail-over" (headless)
  if (args->follow) {  // a follower of the control room's primary (docs/control-room.md)
    if (!args->headless) {
      WindowHooks window(*args);
      return run_follower(*args, &window);
    }
    if (!args->screenshot_path.empty()) {
      ScreenshotHooks shot(*args);
      return run_follower(*args, &shot);
    }
    return run_follower(*args);
  }
  if (!args->headless) {
    WindowHooks window(*args);
    return run_headless(*args, &window);
  }
  if (!args->screenshot_path.empty()) {
    ScreenshotHooks shot(*args);
    return run_headless(*args, &shot);
  }
  if (!args->scene_json_path.empty()) {
    SceneJsonHooks scene(*args);
    return run_headless(*args, &scene);
  }
  return run_headless(*args);
}
