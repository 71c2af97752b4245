// The gatetwin binary plays a scenario in its window under Xvfb, driven by a console
// script (typed into the console through the buttons' command path), and ends with the
// same score, KPIs and state hash as the same commands given headless, both as the same
// script (--console-script) and as --command arguments. Fails (never skips) when Xvfb is
// missing; the window's log and both score files stay in the temporary folder for a look.
#include "tests/support/child_process.h"
#include "tests/support/xvfb_server.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

const std::string kTwin = std::string(GATETWIN_BINARY_DIR) + "/tools/gatetwin/gatetwin";
const std::string kScenario = std::string(GATETWIN_SOURCE_DIR) + "/assets/scenarios/scanner-outage.json";

int run(const std::string& cmd, std::string& out) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("a scenario played in the window under Xvfb by a console script scores as the same commands headless",
          "[scenario][app][xvfb]") {
  const std::string xvfb = XvfbServer::find();
  if (xvfb.empty()) FAIL("Xvfb is not installed (Debian package xvfb); tools/setup/install-deps.sh installs what is missing");
  XvfbServer x;
  if (!x.start(xvfb, "1280x720x24")) FAIL("Xvfb is not working: " << x.why());
  const fs::path dir = fs::temp_directory_path() / ("gatetwin_scenario_live_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream s(dir / "trainee.txt");
    s << "# a trainee's morning at the scanner outage\n"
         "10:05,m1119,prioritise_goods,fruit,scanner down: fruit first\n"
         "10:40,m1119,close_lane,E2,barrier check\n"
         "11:10,m1119,open_lane,E2,barrier checked\n"
         "13:30,m1119,clear_priority,,queue drained\n";
  }
  ChildProcess window;
  REQUIRE(window.start(kTwin,
                       {"gatetwin", "--scenario", kScenario, "--console-script", (dir / "trainee.txt").string(), "--speed", "7200",
                        "--quit-when-done", "--size", "1280x720", "--score", (dir / "window.json").string()},
                       (dir / "window.log").string(), {"DISPLAY=" + x.display()}));
  const bool exited = window.wait_exit(std::chrono::seconds(200));
  INFO(window.output());
  REQUIRE(exited);
  REQUIRE(window.exit_code() == 0);
  CHECK_THAT(window.output(), Catch::Contains("in the window") && Catch::Contains("KPI (unit)"));

  std::string out;
  REQUIRE(run(kTwin + " --headless --scenario " + kScenario + " --console-script " + (dir / "trainee.txt").string() + " --score " +
                  (dir / "headless.json").string(), out) == 0);
  out.clear();
  REQUIRE(run(kTwin + " --headless --scenario " + kScenario +
                  " --command 10:05:00,m1119,prioritise_goods,fruit --command 10:40:00,m1119,close_lane,E2"
                  " --command 11:10:00,m1119,open_lane,E2 --command 13:30:00,m1119,clear_priority --score " +
                  (dir / "commands.json").string(), out) == 0);
  INFO(out);
  const auto win = read_json(dir / "window.json"), head = read_json(dir / "headless.json"), cmds = read_json(dir / "commands.json");
  CHECK(win["finished"] == true);
  CHECK(win["until"] == "20:00:00");
  CHECK(win["commands_accepted"] == 4);
  CHECK(win["score"] != 50.0);
  CHECK(win["score"] == head["score"]);
  CHECK(win["verdict"] == head["verdict"]);
  CHECK(win["kpis"] == head["kpis"]);
  CHECK(win["state_hash"] == head["state_hash"]);   // the same commands, actors and reasons
  CHECK(win["events"] == head["events"]);
  // As --command arguments (reason "console script" instead of the script's): the same score.
  CHECK(cmds["score"] == win["score"]);
  CHECK(cmds["kpis"] == win["kpis"]);
}
