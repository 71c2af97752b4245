// gatetwin: the twin program. Today it runs headless (--headless): MQTT in, core,
// decisions and health out, stats and a recording at exit. The windowed app will run
// the same FrameLoop (frame_loop.h) and draw from the core's state.
#include "audit_cmd.h"
#include "headless_loop.h"
#include "twin_args.h"

#include <string>

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "audit") return run_audit_command(argc, argv);
  int code = 0;
  auto args = parse_twin_args(argc, argv, code);
  if (!args) return code;
  return run_headless(*args);
}
