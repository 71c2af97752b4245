// The inspector shows a VDA 5050 guide vehicle's own report in the real window (#13): the
// real `gatetwin --vda5050` in a window under Xvfb, a private mosquitto, REAL X input from
// xdotool. A click on a guide vehicle in the 3D view (where the window's UI map says it is
// drawn) selects it; a `state` for that vehicle, written from the VDA 5050 2.x
// specification and published with mosquitto_pub, then shows in the inspector: connection,
// driving, battery, operating mode, the e-stop and the protective field, its errors by
// level, its order's ids and what it has to go. The inspector's lines are read from the UI
// map (GATETWIN_UI_MAP: `vda5050/<line>`). Needs Xvfb, xdotool and mosquitto: fails naming
// the Debian package (never skips).
#include "tests/support/child_process.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"
#include "tests/support/xvfb_server.h"

#include "connectors/codec/utc_time.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kGatetwin = std::string(GATETWIN_BINARY_DIR) + "/tools/gatetwin/gatetwin";

json read_map(const std::string& path) {
  std::ifstream in(path);
  json j = json::parse(in, nullptr, false);
  return j.is_discarded() ? json() : j;
}

bool wait_for(const std::string& path, ChildProcess& twin, const std::function<bool(const json&)>& cond, std::chrono::milliseconds t) {
  const auto until = std::chrono::steady_clock::now() + t;
  while (std::chrono::steady_clock::now() < until) {
    const json j = read_map(path);
    if (j.is_object() && cond(j)) return true;
    if (!twin.alive()) return false;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

bool has_item(const json& m, const std::string& id) {
  for (const json& i : m["items"])
    if (i["id"] == id) return true;
  return false;
}

std::string vda_items(const json& m) {
  std::string out;
  if (m.is_object())
    for (const json& i : m["items"])
      if (i["id"].get<std::string>().rfind("vda5050/", 0) == 0) out += "\n  " + i["id"].get<std::string>();
  return out;
}

void xdo(const std::string& args) {
  const std::string cmd = "xdotool " + args + " >/dev/null 2>&1";
  INFO(cmd);
  REQUIRE(std::system(cmd.c_str()) == 0);
}

std::string window_id() {
  std::string id;
  for (int i = 0; i < 200 && id.empty(); ++i) {
    if (FILE* p = popen("xdotool search --name 'Gate Twin' 2>/dev/null", "r")) {
      char line[64] = {};
      if (std::fgets(line, sizeof line, p)) id = std::to_string(std::strtoull(line, nullptr, 10));
      pclose(p);
    }
    if (id == "0") id.clear();
    if (id.empty()) std::this_thread::sleep_for(50ms);
  }
  return id;
}

}  // namespace

TEST_CASE("the window's inspector shows a VDA 5050 guide vehicle's own report", "[window][vda5050]") {
  REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub", "Xvfb", "xdotool");
  XvfbServer x;
  REQUIRE(x.start(XvfbServer::find(), "1600x900x24"));
  setenv("DISPLAY", x.display().c_str(), 1);
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string d = broker.dir() + "/", map = d + "map.json";
  ChildProcess twin;
  REQUIRE(twin.start(kGatetwin, {"gatetwin", "--broker", broker.uri(), "--site", "m1119", "--view", "m1119", "--size", "1600x900", "--vda5050"},
                     d + "twin.out", {"DISPLAY=" + x.display(), "GATETWIN_UI_MAP=" + map}));
  INFO(twin.output());
  REQUIRE(twin.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin-vda5050\n", 60s));
  const std::string win = window_id();
  REQUIRE(!win.empty());

  // Click guide vehicles (where the map says they are drawn) until the inspector shows one
  // that is a VDA 5050 vehicle (every guide vehicle of m1119 is one).
  std::string serial;
  json last;
  for (int attempt = 0; attempt < 6 && serial.empty(); ++attempt) {
    json guide;
    REQUIRE(wait_for(map, twin, [&](const json& m) {
      last = m;
      const json& f = m["free"];
      for (const json& g : m["guides"]) {
        const float gx = g["x"], gy = g["y"];
        if (gx > f["x"].get<float>() + 10 && gx < f["x"].get<float>() + f["w"].get<float>() - 10 && gy > f["y"].get<float>() + 10 &&
            gy < f["y"].get<float>() + f["h"].get<float>() - 10)
          return guide = g, true;
      }
      return false;
    }, 30s));
    xdo("windowfocus " + win);
    xdo("mousemove --window " + win + " " + std::to_string(static_cast<int>(guide["x"].get<float>())) + " " +
        std::to_string(static_cast<int>(guide["y"].get<float>())));
    std::this_thread::sleep_for(100ms);
    xdo("mousedown 1");
    std::this_thread::sleep_for(150ms);
    xdo("mouseup 1");
    wait_for(map, twin, [&](const json& m) {
      last = m;
      for (const json& i : m["items"]) {
        const std::string id = i["id"];
        const std::string head = "vda5050/VDA 5050 vehicle GateFleet / ";
        if (id.rfind(head, 0) == 0) return serial = id.substr(head.size()), true;
      }
      return false;
    }, 5s);
  }
  INFO("picks " << last["picks"] << ", last pick " << last["last_pick"] << ", guides " << last["guides"].dump());
  REQUIRE(!serial.empty());
  // Never heard of yet: its connection unknown, no state.
  CHECK(has_item(last, "vda5050/connection: UNKNOWN"));
  CHECK(has_item(last, "vda5050/no state received yet"));

  // Its state, as the specification writes it, stamped now.
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const json state = {
      {"headerId", 3}, {"timestamp", connectors::format_rfc3339_ms(now)}, {"version", "2.0.0"}, {"manufacturer", "GateFleet"},
      {"serialNumber", serial}, {"orderId", "o-77"}, {"orderUpdateId", 3}, {"lastNodeId", "m1119-E4-n02"}, {"lastNodeSequenceId", 4},
      {"nodeStates", json::array({{{"nodeId", "m1119-E4-n03"}, {"sequenceId", 6}, {"released", true}},
                                  {{"nodeId", "m1119-E4-n04"}, {"sequenceId", 8}, {"released", false}}})},
      {"edgeStates", json::array({{{"edgeId", "m1119-E4-e02"}, {"sequenceId", 5}, {"released", true}}})},
      {"driving", true}, {"paused", false}, {"actionStates", json::array()}, {"batteryState", {{"batteryCharge", 42.0}, {"charging", true}}},
      {"operatingMode", "SEMIAUTOMATIC"},
      {"errors", json::array({{{"errorType", "laserScannerFault"}, {"errorLevel", "FATAL"}, {"errorDescription", "front scanner"}}})},
      {"safetyState", {{"eStop", "REMOTE"}, {"fieldViolation", true}}}};
  {
    std::ofstream(d + "state.json") << state.dump() << "\n";
    int rc = 0;
    run_command("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) + " -q 1 -t 'uagv/v2/GateFleet/" + serial +
                    "/state' -l < " + d + "state.json",
                &rc);
    REQUIRE(rc == 0);
  }
  const std::vector<std::string> want = {"vda5050/motion: driving",
                                         "vda5050/battery: 42 % (charging)",
                                         "vda5050/operating mode: SEMIAUTOMATIC",
                                         "vda5050/E-STOP: REMOTE",
                                         "vda5050/PROTECTIVE FIELD VIOLATED",
                                         "vda5050/errors: 1 fatal, 0 warning",
                                         "vda5050/  FATAL: laserScannerFault: front scanner",
                                         "vda5050/NOT PLANNED WITH: a FATAL error",
                                         "vda5050/vehicle's order: o-77, update 3",
                                         "vda5050/nodes: 0 done, 2 to go   edges: 0 done, 1 to go",
                                         "vda5050/last node: m1119-E4-n02 (sequence 4)"};
  const bool shown = wait_for(map, twin, [&](const json& m) {
    last = m;
    for (const std::string& w : want)
      if (!has_item(m, w)) return false;
    return true;
  }, 20s);
  INFO("the inspector shows:" << vda_items(last));
  CHECK(shown);
  ::kill(twin.pid(), SIGTERM);
  twin.wait_exit(20s);
}
