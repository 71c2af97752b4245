// VDA 5050 against a real broker (#13): the twin (`gatetwin --headless --vda5050`) is the
// master control of m1119's guide vehicles; the vehicles are separate processes
// (vda_test_vehicle, written from the specification with libmosquitto, none of the twin's
// code). One vehicle takes an order for a crossing and drives it edge by edge (state at
// 1 Hz and on every change, visualization at 10 Hz, time compressed: a block section in a
// quarter of a second), is held and released from the console on the way (instantActions
// startPause / stopPause), and finishes it: the core records every step, the shipment
// crosses, the recording refolds to the twin's hash. Meanwhile hostile and faulty vehicles:
// one takes its order and refuses its first update (orderUpdateError), one is killed mid-edge (its last will) and comes back
// with a new headerId series and without its order (the twin sends it again, as a new
// order from where it stands, and it drives on), a schema-invalid state, an unknown serial
// number, a pose off the map, a state stamped a century ahead (refused whole: time_ahead,
// the vehicle's book unchanged): each handled as docs/vda5050.md says, nothing else disturbed. Every order and
// instant action the twin sent validates against the shipped schemas, and its orders keep
// orderUpdateId and the stitching node as the specification says.
#include "tests/support/child_process.h"
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/codec/utc_time.h"
#include "connectors/files/site_file.h"
#include "connectors/store/recording_reader.h"
#include "connectors/vda5050/fleet_dispatch.h"
#include "twin/core.h"
#include "twin/identifiers.h"
#include "twin/site_plan.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

int64_t wall_utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string vehicle_path() { return std::string(GATETWIN_BINARY_DIR) + "/tests/connectors/vda_test_vehicle"; }

void pub(const MosquittoFixture& b, const std::string& topic, const std::string& payload, int qos = 1) {
  const std::string file = b.dir() + "/pub.txt";
  {
    std::ofstream out(file);
    out << payload << "\n";
  }
  int rc = 0;
  run_command("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(b.port()) + " -q " + std::to_string(qos) + " -t '" + topic + "' -l < " + file, &rc);
  REQUIRE(rc == 0);
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream t;
  t << in.rdbuf();
  return t.str();
}

json header(const std::string& serial, int id) {
  return {{"headerId", id}, {"timestamp", "2026-11-30T00:00:00Z"}, {"version", "2.0.0"}, {"manufacturer", "GateFleet"}, {"serialNumber", serial}};
}

}  // namespace

TEST_CASE("the twin dispatches VDA 5050 vehicles and mirrors them, whatever they do", "[live][vda5050]") {
  REQUIRE_MQTT_PROGRAMS();
  auto loaded = connectors::load_sites("m1119", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  const twin::SiteSpec site = twin::with_plan(std::get<std::vector<twin::SiteSpec>>(loaded)[0], twin::LanePlan::Expanded, twin::UnmannedPlan::On);
  const std::string map_id = site.vda5050.map_id;

  MosquittoFixture broker;
  REQUIRE(broker.start());
  const std::string dir = broker.dir(), stats = dir + "/stats.json", db = dir + "/vda.db";
  // What the twin sends to the vehicles, as an outsider sees it.
  ChildProcess sub;
  REQUIRE(sub.start(find_program("mosquitto_sub"), {"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1",
                                                    "-v", "-t", "uagv/v2/+/+/order", "-t", "uagv/v2/+/+/instantActions"},
                    dir + "/sent.txt"));
  ChildProcess twin_proc;
  REQUIRE(twin_proc.start(testsupport::gatetwin_path(),
                          {"gatetwin", "--headless", "--broker", broker.uri(), "--site", "m1119", "--run-for", "80", "--vda5050",
                           "--stats", stats, "--record", db},
                          dir + "/twin.out"));
  REQUIRE(twin_proc.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin-vda5050\n", 15s));
  REQUIRE(twin_proc.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin\n", 15s));

  auto vehicle = [&](ChildProcess& p, const std::string& serial, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"vda_test_vehicle", "--port", std::to_string(broker.port()), "--serial", serial, "--map", map_id};
    args.insert(args.end(), extra.begin(), extra.end());
    REQUIRE(p.start(vehicle_path(), args, dir + "/" + serial + "-" + std::to_string(wall_utc_ms()) + ".out"));
    REQUIRE(p.wait_for_output("online\n", 10s));
  };
  ChildProcess v1, v2, v3;
  // What every process said so far: for a failure's message.
  auto said = [&] {
    return "twin:\n" + file_text(dir + "/twin.out") + "\nvehicle 1:\n" + v1.output() + "\nvehicle 2:\n" + v2.output() +
           "\nvehicle 3:\n" + v3.output() + "\nsent:\n" + file_text(dir + "/sent.txt").substr(0, 4000);
  };
  auto wait = [&](ChildProcess& p, const std::string& needle, std::chrono::milliseconds t) {
    if (!p.wait_for_output(needle, t)) FAIL("no \"" + needle + "\" within " + std::to_string(t.count()) + " ms\n" + said());
  };
  vehicle(v1, "GV-m1119-01");
  // Fleet slots 0, 1, 2 take the three containers in that order: slot 1 (v3) is killed on the
  // lane, slot 2 (v2) refuses to enter it, behind the others.
  vehicle(v2, "GV-m1119-03", {"--reject-updates"});
  vehicle(v3, "GV-m1119-02", {"--edge-s", "1.0"});

  // The private field: the manned export lanes closed, three export containers put down in
  // the transfer yard (docs/mqtt.md's story): the core sends guide vehicles 0, 1 and 2.
  for (const char* lane : {"E1", "E2", "E3"})
    pub(broker, "gatetwin/v1/m1119/command",
        json{{"v", 1}, {"src", "console-test"}, {"id", std::string("close-") + lane}, {"actor", "test"}, {"role", "supervisor"},
             {"reason", "test"}, {"command", {{"kind", "close_lane"}, {"lane", lane}}}}.dump());
  std::this_thread::sleep_for(500ms);
  int seq = 0;
  auto ev = [&](const std::string& name, json body) {
    body.update({{"v", 1}, {"src", "field-test"}, {"seq", ++seq}, {"utc_ms", wall_utc_ms()}});
    pub(broker, "gatetwin/v1/m1119/event/" + name, body.dump());
  };
  for (int i = 0; i < 3; ++i) {
    const int64_t sh = 90003 + i;
    const std::string plate = "12C-3456" + std::to_string(i), container = twin::make_container_number("GTW", 'U', static_cast<unsigned>(sh));
    ev("declaration", {{"shipment", sh}, {"direction", "export"}, {"goods", "electronics"}, {"reefer", false}, {"unmanned_eligible", true}, {"plate", plate}, {"container", container}});
    ev("partner_declaration", {{"shipment", sh}, {"goods", "electronics"}, {"plate", plate}, {"container", container}});
    ev("vehicle_arrived", {{"direction", "export"}, {"plate", plate}, {"container", container}});
    ev("step_completed", {{"shipment", sh}, {"checkpoint", "gate-in"}, {"channel", "none"}, {"passed", true}});
    ev("step_completed", {{"shipment", sh}, {"checkpoint", "scanner"}, {"channel", "green"}, {"passed", true}});
    ev("transfer_completed", {{"shipment", sh}});
  }

  // Vehicle 3 (slot 2) is killed on its third edge: the broker publishes its last will.
  wait(v3, "edge m1119-E4-e02 started", 30s);
  {
    pid_t pid = v3.pid();
    ::kill(pid, SIGKILL);
    v3.wait_exit(5s);
  }
  // Vehicle 1 is held on the way (a supervisor marks guide vehicle 0 failed) and released.
  wait(v1, "node m1119-E4-n04 reached", 30s);
  pub(broker, "gatetwin/v1/m1119/command",
      json{{"v", 1}, {"src", "console-test"}, {"id", "hold-0"}, {"actor", "test"}, {"role", "supervisor"}, {"reason", "test hold"},
           {"command", {{"kind", "mark_failed"}, {"equipment", {{"kind", "guide_vehicle"}, {"vehicle", 0}}}}}}.dump());
  wait(v1, "instant action startPause", 10s);
  std::this_thread::sleep_for(600ms);
  pub(broker, "gatetwin/v1/m1119/command",
      json{{"v", 1}, {"src", "console-test"}, {"id", "release-0"}, {"actor", "test"}, {"role", "supervisor"}, {"reason", "test release"},
           {"command", {{"kind", "mark_restored"}, {"equipment", {{"kind", "guide_vehicle"}, {"vehicle", 0}}}}}}.dump());
  wait(v1, "instant action stopPause", 10s);

  // Hostile messages meanwhile: a schema-invalid state, an unknown serial number, a pose off the map.
  json bad = header("GV-m1119-04", 1);
  bad["orderId"] = 7;  // a number where the schema wants a string; and most required fields missing
  pub(broker, "uagv/v2/GateFleet/GV-m1119-04/state", bad.dump());
  json stranger = header("GV-9999", 1);
  stranger["connectionState"] = "ONLINE";
  pub(broker, "uagv/v2/GateFleet/GV-9999/connection", stranger.dump());
  json off_map = header("GV-m1119-05", 1);
  off_map.update({{"orderId", ""}, {"orderUpdateId", 0}, {"lastNodeId", ""}, {"lastNodeSequenceId", 0}, {"nodeStates", json::array()},
                  {"edgeStates", json::array()}, {"driving", false}, {"actionStates", json::array()},
                  {"batteryState", {{"batteryCharge", 50.0}, {"charging", false}}}, {"operatingMode", "AUTOMATIC"},
                  {"errors", json::array()}, {"safetyState", {{"eStop", "NONE"}, {"fieldViolation", false}}},
                  {"agvPosition", {{"x", 5000.0}, {"y", 3000.0}, {"theta", 0.0}, {"mapId", map_id}, {"positionInitialized", true}}}});
  off_map["timestamp"] = connectors::format_rfc3339_ms(wall_utc_ms());  // now, as the vehicles write it
  pub(broker, "uagv/v2/GateFleet/GV-m1119-05/state", off_map.dump());
  // A century ahead, no position, from a vehicle that sends nothing else: refused whole.
  json ahead = off_map;
  ahead["serialNumber"] = "GV-m1119-06";
  ahead["timestamp"] = "2126-11-30T08:00:00.000Z";
  ahead["batteryState"]["batteryCharge"] = 12.5;
  ahead.erase("agvPosition");
  pub(broker, "uagv/v2/GateFleet/GV-m1119-06/state", ahead.dump());

  // Vehicle 3 comes back: a new process, its headerIds from 0 again.
  ChildProcess v3b;
  vehicle(v3b, "GV-m1119-02");
  // It has no order: the twin sends its order again (a new orderId, from update 0), and it
  // drives the section the core had granted it to its end.
  wait(v3b, "-r1 update 0 accepted", 10s);
  wait(v3b, "node m1119-E4-n03 reached", 10s);

  // Vehicle 1 finishes its crossing: the drop at the partner yard.
  wait(v1, "-drop finished", 40s);
  wait(v1, " done\n", 5s);
  std::this_thread::sleep_for(1500ms);  // its last state reaches the twin
  ::kill(twin_proc.pid(), SIGTERM);  // it writes its --stats and closes the recording
  REQUIRE(twin_proc.wait_exit(20s));
  const std::string out = file_text(dir + "/twin.out");
  INFO(out);
  CHECK(v2.output().find("orderUpdateError") != std::string::npos);

  const json st = json::parse(file_text(stats), nullptr, false);
  REQUIRE(st.is_object());
  const json& vs = st["vda5050"];
  INFO(vs.dump(1));
  CHECK(vs["refused"]["schema_violation"].get<int>() >= 1);
  CHECK(vs["refused"]["unknown_vehicle"].get<int>() >= 1);
  CHECK(vs["refused"]["outside_map"].get<int>() >= 1);
  CHECK(vs["out_invalid"] == 0);
  CHECK(vs["order_rejections"].get<int>() >= 1);
  CHECK(vs["refused"]["time_ahead"] == 1);
  CHECK(vs["orders_resent"] == 1);
  CHECK(vs["steps_reported"].get<int>() >= 18);  // vehicle 1: pick, 16 block sections, drop
  std::map<int, json> by_slot;
  for (const json& v : vs["vehicles"]) by_slot[v["slot"].get<int>()] = v;
  CHECK(by_slot[0]["available"] == true);
  CHECK(by_slot[0]["battery_charge"] == 87.5);
  CHECK(by_slot[0]["operating_mode"] == "AUTOMATIC");
  CHECK(by_slot[0]["e_stop"] == "NONE");
  CHECK(by_slot[0]["nodes_done"].get<int>() >= 1);
  CHECK(by_slot[2]["available"] == false);  // it refused its order
  CHECK(by_slot[2]["unavailable_why"] == "it refused an order");
  CHECK(by_slot[1]["connection"] == "ONLINE");  // back after its last will
  CHECK(by_slot[1]["available"] == true);
  CHECK(by_slot[1]["header_restarts"].get<int>() >= 1);
  CHECK(by_slot[1]["orders_resent"] == 1);
  CHECK(by_slot[5]["has_state"] == false);  // the century-ahead state changed nothing
  CHECK(by_slot[5]["battery_charge"] == -1);
  CHECK(out.find("(time_ahead)") != std::string::npos);
  CHECK(out.find("is back without order") != std::string::npos);
  CHECK(out.find("CONNECTIONBROKEN") != std::string::npos);
  CHECK(out.find("refused an order") != std::string::npos);

  // Every order and instant action sent validates; orders keep orderUpdateId and stitch.
  auto schemas = connectors::vda5050::load_schemas(connectors::vda5050::default_schemas_dir());
  REQUIRE(std::holds_alternative<connectors::vda5050::Schemas>(schemas));
  const auto& sc = std::get<connectors::vda5050::Schemas>(schemas);
  std::istringstream sent(file_text(dir + "/sent.txt"));
  std::string line;
  int orders = 0, pauses = 0;
  std::map<std::string, json> last_update;  // orderId -> its last update
  while (std::getline(sent, line)) {
    const size_t sp = line.find(' ');
    const std::string topic = line.substr(0, sp);
    const json j = json::parse(line.substr(sp + 1), nullptr, false);
    INFO(line);
    REQUIRE(j.is_object());
    if (topic.size() > 6 && topic.substr(topic.size() - 6) == "/order") {
      ++orders;
      CHECK_FALSE(sc.order.validate(j).has_value());
      const std::string oid = j["orderId"];
      if (last_update.count(oid)) {
        const json& prev = last_update[oid];
        CHECK(j["orderUpdateId"].get<int>() == prev["orderUpdateId"].get<int>() + 1);
        json last_base;
        for (const json& n : prev["nodes"])
          if (n["released"] == true) last_base = n;
        CHECK(j["nodes"][0]["nodeId"] == last_base["nodeId"]);
        CHECK(j["nodes"][0]["sequenceId"] == last_base["sequenceId"]);
      } else {
        CHECK(j["orderUpdateId"] == 0);
      }
      last_update[oid] = j;
    } else {
      CHECK_FALSE(sc.instant_actions.validate(j).has_value());
      for (const json& a : j["actions"])
        if (a["actionType"] == "startPause" || a["actionType"] == "stopPause") ++pauses;
    }
  }
  CHECK(orders >= 18);
  CHECK(pauses == 2);

  // The recording refolds to the twin's hash; the crossing was done by guide vehicle 0.
  auto rd = connectors::RecordingReader::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<connectors::RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<connectors::RecordingReader>>(rd);
  auto sessions = std::get<std::vector<connectors::Session>>(reader->sessions());
  REQUIRE(sessions.size() == 1);
  auto events = std::get<std::vector<twin::Event>>(reader->read_events(sessions[0].id));
  twin::Core refold({site});
  twin::Decisions ds;
  int steps0 = 0, failed_vehicle_1 = 0;
  for (const twin::Event& e : events) {
    ds.clear();
    refold.apply(e, ds);
    if (auto* g = std::get_if<twin::GuideVehicleStepCompleted>(&e.body); g && g->vehicle == 0) ++steps0;
    if (auto* q = std::get_if<twin::EquipmentStatus>(&e.body); q && q->equipment.index == 1 && !q->ok) ++failed_vehicle_1;
  }
  CHECK(connectors::hash_hex(refold.state_hash()) == st["core"]["state_hash"].get<std::string>());
  CHECK(steps0 >= 18);  // pick, 16 block sections, drop; then it may be on its way back
  CHECK(refold.state().sites[0].fleet[0].trips == 1);
  CHECK(failed_vehicle_1 == 1);
  CHECK(refold.state().sites[0].counters.divergences == 0);
}

// gatesim --guide-protocol vda5050: the simulated fleet reports through the standard
// interface (each finished activity a `state` on the vehicle's topic, matching the twin's
// orders), in the closed loop; the run ends in the hash of the same span in-process. The
// span (m1119, seed 6, 54 minutes, 296 events) holds 47 guide steps: an empty run to the
// partner side, an import container loaded there (an order that starts with the turn-around
// edge), brought back and unloaded, a second vehicle loading; the whole day was checked by
// hand (docs/vda5050.md "gatesim").
TEST_CASE("gatesim's fleet over VDA 5050 ends in the in-process hash", "[live][vda5050][gatesim]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker;
  REQUIRE(broker.start());
  const std::string dir = broker.dir(), stats = dir + "/stats.json", sim = dir + "/sim.json";
  ChildProcess twin_proc;
  REQUIRE(twin_proc.start(testsupport::gatetwin_path(),
                          {"gatetwin", "--headless", "--broker", broker.uri(), "--site", "m1119", "--run-for", "100", "--vda5050",
                           "--max-ahead-ms", "86400000", "--stats", stats},
                          dir + "/twin.out"));
  REQUIRE(twin_proc.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin-stream\n", 15s));
  REQUIRE(twin_proc.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin-vda5050\n", 15s));
  int rc = -1;
  run_command(testsupport::gatesim_path() + " --site m1119 --broker " + broker.uri() +
                  " --closed-loop --guide-protocol vda5050 --hours 0.9 --seed 6 --speed max --json > " + sim + " 2> " + dir + "/sim.err",
              &rc);
  ::kill(twin_proc.pid(), SIGTERM);
  REQUIRE(twin_proc.wait_exit(20s));
  INFO(file_text(dir + "/sim.err") + "\n" + file_text(dir + "/twin.out"));
  REQUIRE(rc == 0);
  const json s = json::parse(file_text(sim), nullptr, false), st = json::parse(file_text(stats), nullptr, false);
  REQUIRE(s.is_object());
  REQUIRE(st.is_object());
  {
    run_command(testsupport::gatesim_path() + " --site m1119 --hours 0.9 --seed 6 --json > " + dir + "/ref.json", &rc);
    REQUIRE(rc == 0);
  }
  const json ref = json::parse(file_text(dir + "/ref.json"), nullptr, false);
  REQUIRE(ref.is_object());
  CHECK(s["vda5050_states"] == 47);
  CHECK(st["vda5050"]["steps_reported"] == s["vda5050_states"]);
  CHECK(st["vda5050"]["refused_total"] == 0);
  CHECK(st["vda5050"]["out_invalid"] == 0);
  CHECK(s["state_hash"] == ref["state_hash"]);
  CHECK(st["core"]["state_hash"] == ref["state_hash"]);
  CHECK(s["events"] == ref["events"]);
}
