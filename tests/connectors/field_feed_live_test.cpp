// A field that was not written for this project feeds the twin (issue 12): an independent
// client (mosquitto_pub -l, one message per line) publishes declarations, arrivals and 60
// vehicle tracks (trucks by plate, undeclared plates, guide vehicles) with wall-clock UTC
// stamps and WGS84 positions to a real mosquitto; the real gatetwin --headless mirrors them.
// Through --scene-json every vehicle must be drawn within 1 m of its last reported position,
// the undeclared plates as undeclared vehicles with one alert each, the declared trucks, far
// from gate-in where the process has them, with one plan/reality alert each, a message stamped a
// century ahead must change nothing, and the recording must refold to the twin's hash.
// Fails (naming the Debian package) without mosquitto and its clients; the twin is waited
// for by its own "mqtt: connected" line (printed after its SUBACKs), not by sleeping.
#include "tests/support/child_process.h"
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/files/site_file.h"
#include "connectors/store/recording_reader.h"
#include "twin/core.h"
#include "twin/geo.h"
#include "twin/identifiers.h"
#include "twin/site_plan.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <thread>

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

int64_t wall_utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Track {
  std::string plate;        // trucks
  int vehicle = -1;         // guide vehicles
  bool declared = false;
  glm::dvec2 last{0};       // site metres of the last report
  twin::LatLon last_ll;
};

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, false);
}

// Publishes the lines of a file, one message each, to one topic, with an outside client.
void publish_lines(const MosquittoFixture& broker, const std::string& topic, const std::vector<std::string>& lines,
                   const std::string& file) {
  {
    std::ofstream out(file);
    for (const std::string& l : lines) out << l << "\n";
  }
  int rc = 0;
  run_command("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) + " -q 1 -i field-" +
                  std::to_string(std::hash<std::string>{}(file) % 100000) + " -t " + topic + " -l < " + file,
              &rc);
  REQUIRE(rc == 0);
}

}  // namespace

TEST_CASE("an outside field with UTC time, WGS84 positions and plates is drawn where it says", "[live][field]") {
  REQUIRE_MQTT_PROGRAMS();
  auto loaded = connectors::load_sites("m1119", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  const twin::SiteSpec site =
      twin::with_plan(std::get<std::vector<twin::SiteSpec>>(loaded)[0], twin::LanePlan::Expanded, twin::UnmannedPlan::On);
  REQUIRE(site.geo);
  const twin::GeoReference& geo = *site.geo;

  MosquittoFixture broker;
  REQUIRE(broker.start());
  const std::string dir = broker.dir(), scene = dir + "/scene.json", stats = dir + "/stats.json", db = dir + "/field.db";
  ChildProcess twin_proc;
  REQUIRE(twin_proc.start(testsupport::gatetwin_path(),
                          {"gatetwin", "--headless", "--broker", broker.uri(), "--site", "m1119", "--run-for", "20",
                           "--scene-json", scene, "--stats", stats, "--record", db},
                          dir + "/twin.out"));
  // Subscribed: it says so once the broker acknowledged its subscriptions.
  const bool connected = twin_proc.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin\n", 15s);
  INFO(twin_proc.output());
  REQUIRE(connected);

  // 20 declared trucks, 36 undeclared plates, 4 guide vehicles: 60 tracks.
  std::vector<Track> tracks;
  for (int i = 0; i < 20; ++i) tracks.push_back({"51D-" + std::to_string(10000 + i), -1, true});
  for (int i = 0; i < 36; ++i) tracks.push_back({"29H-" + std::to_string(50000 + i), -1, false});
  for (int v = 0; v < 4; ++v) tracks.push_back({"", v, false});
  const int64_t t0 = wall_utc_ms() - 2000;
  std::vector<std::string> declarations, arrivals;
  std::vector<std::vector<json>> rounds(12);  // one reporting cycle each, a second apart
  for (size_t i = 0; i < 20; ++i) {
    const std::string container = twin::make_container_number("TST", 'U', static_cast<unsigned>(i + 1));
    declarations.push_back(json{{"v", 1}, {"src", "nsw-test"}, {"seq", i + 1}, {"utc_ms", t0}, {"shipment", 70001 + i},
                                {"direction", "export"}, {"goods", "electronics"}, {"reefer", false},
                                {"unmanned_eligible", false}, {"plate", tracks[i].plate}, {"container", container}}
                               .dump());
    arrivals.push_back(json{{"v", 1}, {"src", "gate-cam-test"}, {"seq", i + 1}, {"utc_ms", t0 + 100}, {"direction", "export"},
                            {"plate", tracks[i].plate}, {"container", container}}
                           .dump());
  }
  // Twelve reports a second apart (11 s: past twin::kOffPlanAfterMs); each vehicle drives along
  // its own line across the site, far from gate-in, where the process has the declared trucks.
  for (int k = 0; k < 12; ++k)
    for (size_t i = 0; i < tracks.size(); ++i) {
      Track& tr = tracks[i];
      const double x = 320 + 7.0 * static_cast<double>(i) + 4.0 * k, y = -60 + 2.0 * static_cast<double>(i);
      tr.last = {x, y};
      tr.last_ll = twin::wgs84_from_site(geo, tr.last);
      json p{{"v", 1}, {"src", "gnss-test"}, {"seq", k * 100 + static_cast<int>(i) + 1}, {"utc_ms", 0},  // stamped when sent
             {"lat", tr.last_ll.lat_deg}, {"lon", tr.last_ll.lon_deg}, {"heading_deg", 90}};
      if (tr.vehicle >= 0) {
        p["entity"] = "guide_vehicle";
        p["id"] = tr.vehicle;
      } else {
        p["entity"] = "truck";
        p["plate"] = tr.plate;
      }
      rounds[static_cast<size_t>(k)].push_back(p);
    }
  // Hostile: a century ahead, for a plate seen nowhere else: it must change nothing.
  rounds.back().push_back(json{{"v", 1}, {"src", "gnss-rogue"}, {"seq", 1}, {"utc_ms", wall_utc_ms() + 100LL * 365 * 86400000},
                           {"entity", "truck"}, {"plate", "00X-00000"}, {"lat", geo.lat_deg}, {"lon", geo.lon_deg},
                               {"heading_deg", 0}});
  publish_lines(broker, "gatetwin/v1/m1119/event/declaration", declarations, dir + "/decl.txt");
  publish_lines(broker, "gatetwin/v1/m1119/event/vehicle_arrived", arrivals, dir + "/arr.txt");
  // A cycle a second, stamped with the wall clock when sent, as a gateway reports: the twin
  // applies a stamp older than its clock at its clock, so reports sent all at once would all
  // land within a moment and never last the plan/reality check's 10 s.
  for (size_t k = 0; k < rounds.size(); ++k) {
    const auto due = std::chrono::steady_clock::now() + 1s;
    std::vector<std::string> lines;
    for (json& p : rounds[k]) {
      if (p["src"] != "gnss-rogue") p["utc_ms"] = wall_utc_ms();
      lines.push_back(p.dump());
    }
    publish_lines(broker, "gatetwin/v1/m1119/telemetry/position", lines, dir + "/pos" + std::to_string(k) + ".txt");
    if (k + 1 < rounds.size()) std::this_thread::sleep_until(due);
  }

  for (int i = 0; i < 1000 && twin_proc.alive(); ++i) std::this_thread::sleep_for(25ms);
  REQUIRE_FALSE(twin_proc.alive());
  INFO(twin_proc.why_not_running());
  std::ifstream out_file(dir + "/twin.out");
  const std::string out((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
  INFO(out);

  const json sj = read_json(scene);
  REQUIRE(sj.is_object());
  std::map<std::string, json> by_plate;
  std::map<int, json> by_vehicle;
  for (const json& v : sj["vehicles"]) {
    if (v.contains("plate")) by_plate[v["plate"].get<std::string>()] = v;
    if (v["kind"] == "guide_vehicle") by_vehicle[v["vehicle"].get<int>()] = v;
  }
  int checked = 0;
  for (const Track& tr : tracks) {
    const json& v = tr.vehicle >= 0 ? by_vehicle[tr.vehicle] : by_plate[tr.plate];
    INFO((tr.vehicle >= 0 ? "guide vehicle " + std::to_string(tr.vehicle) : tr.plate));
    REQUIRE(v.is_object());
    CHECK(v["from_field"] == true);
    CHECK(v["kind"] == (tr.vehicle >= 0 ? "guide_vehicle" : tr.declared ? "truck" : "undeclared"));
    const double dx = v["x"].get<double>() - tr.last.x, dy = v["y"].get<double>() - tr.last.y;
    CHECK(std::hypot(dx, dy) < 1.0);
    // And its WGS84, back through the site's geo-reference.
    const glm::dvec2 back = twin::site_from_wgs84(geo, {v["lat"].get<double>(), v["lon"].get<double>()});
    CHECK(std::hypot(back.x - tr.last.x, back.y - tr.last.y) < 1.0);
    ++checked;
  }
  CHECK(checked == 60);
  CHECK(by_plate.count("00X-00000") == 0);

  // The recording refolds to the twin's own hash, and holds one alert per undeclared plate.
  const json st = read_json(stats);
  REQUIRE(st.is_object());
  auto rd = connectors::RecordingReader::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<connectors::RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<connectors::RecordingReader>>(rd);
  auto sessions = std::get<std::vector<connectors::Session>>(reader->sessions());
  REQUIRE(sessions.size() == 1);
  auto events = std::get<std::vector<twin::Event>>(reader->read_events(sessions[0].id));
  twin::Core refold({site});
  int undeclared_alerts = 0, off_plan_alerts = 0, off_plan_at_gate_in = 0;
  twin::Decisions ds;
  for (const twin::Event& e : events) {
    ds.clear();
    refold.apply(e, ds);
    for (const twin::Decision& d : ds)
      if (d.kind == twin::DecisionKind::Alert && d.text.rfind("undeclared vehicle 29H-", 0) == 0) ++undeclared_alerts;
      else if (d.kind == twin::DecisionKind::Alert && d.text.find("from where the process has it") != std::string::npos) {
        ++off_plan_alerts;
        if (d.text.find("at gate-in)") != std::string::npos) ++off_plan_at_gate_in;
      }
  }
  CHECK(undeclared_alerts == 36);
  // The declared trucks are served or queued at gate-in (x = 20 m) by the process, and reported
  // 300 m and more away for 11 s: each raises one plan/reality alert naming both places.
  CHECK(off_plan_alerts == 20);
  CHECK(off_plan_at_gate_in == 20);
  CHECK(st["field"]["m1119"]["off_plan_alerts"] == 20);
  // The century-ahead message was refused for its time, and nobody else's data suffered.
  CHECK(st["feeds"]["gnss-rogue"]["rejected"]["time_ahead"] == 1);
  CHECK(st["feeds"]["gnss-test"]["rejected_total"] == 0);
  CHECK(st["field"]["m1119"]["undeclared_sighted"] == 36);
  CHECK(st["field"]["m1119"]["undeclared_now"] == 36);
  CHECK(connectors::hash_hex(refold.state_hash()) == st["core"]["state_hash"].get<std::string>());
}

// Messages lost on the way (a broker that dropped a slow subscriber's queue, a gateway that
// skipped seqs): the twin waits --gap-wait-ms, goes on without them, and says so: a log line
// naming the source and the seqs, "missing" in the source's feed, and the rest flows.
TEST_CASE("ordered messages that never arrived are logged and counted per source, and the rest flows", "[live][field][lost]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker;
  REQUIRE(broker.start());
  const std::string dir = broker.dir(), stats = dir + "/stats.json";
  ChildProcess twin_proc;
  REQUIRE(twin_proc.start(testsupport::gatetwin_path(),
                          {"gatetwin", "--headless", "--broker", broker.uri(), "--site", "m1119", "--run-for", "5",
                           "--gap-wait-ms", "300", "--stats", stats},
                          dir + "/twin.out"));
  const bool connected = twin_proc.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin\n", 15s);
  INFO(twin_proc.output());
  REQUIRE(connected);
  auto event = [](const std::string& src, uint64_t seq) {
    return json{{"v", 1}, {"src", src}, {"seq", seq}, {"t_ms", 1000}, {"shipment", 90000 + seq}}.dump();
  };
  // lane-ctl-test's seqs 4-6 never reach the broker; scanner-test's all do.
  std::vector<std::string> lossy, whole;
  for (uint64_t s : {1, 2, 3, 7, 8}) lossy.push_back(event("lane-ctl-test", s));
  for (uint64_t s = 1; s <= 5; ++s) whole.push_back(event("scanner-test", s));
  // A source already running when the twin started listening: joined, not lost.
  for (uint64_t s : {40, 41}) whole.push_back(event("gate-cam-test", s));
  publish_lines(broker, "gatetwin/v1/m1119/event/handover_completed", lossy, dir + "/lossy.txt");
  publish_lines(broker, "gatetwin/v1/m1119/event/handover_completed", whole, dir + "/whole.txt");

  for (int i = 0; i < 1000 && twin_proc.alive(); ++i) std::this_thread::sleep_for(25ms);
  REQUIRE_FALSE(twin_proc.alive());
  std::ifstream out_file(dir + "/twin.out");
  const std::string out((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
  INFO(out);
  CHECK_THAT(out, Catch::Contains("source lane-ctl-test: 3 ordered messages never arrived (seq 4-6), skipped after waiting "
                                  "300 ms: the twin may now differ from the field"));
  CHECK_THAT(out, !Catch::Contains("source scanner-test: "));
  CHECK_THAT(out, Catch::Contains("source gate-cam-test joined at seq 40: its seqs 1-39 were sent before the twin listened"));
  CHECK_THAT(out, !Catch::Contains("source gate-cam-test: "));
  const json st = read_json(stats);
  REQUIRE(st.is_object());
  // Never arrived, apart from the rejections: nothing refused them.
  CHECK(st["feeds"]["lane-ctl-test"]["never_arrived"]["missing"] == 3);
  CHECK(st["feeds"]["lane-ctl-test"]["never_arrived_total"] == 3);
  CHECK(st["feeds"]["lane-ctl-test"]["rejected_total"] == 0);
  CHECK_THAT(out, !Catch::Contains("feed lane-ctl-test: "));  // not in the rejection summaries: said above
  CHECK(st["feeds"]["scanner-test"]["never_arrived_total"] == 0);
  CHECK(st["feeds"]["gate-cam-test"]["never_arrived"]["before_join"] == 39);
  CHECK_FALSE(st["feeds"]["gate-cam-test"]["never_arrived"].contains("missing"));
  CHECK(st["feeds"]["gate-cam-test"]["rejected_total"] == 0);
  CHECK(st["sequencer"]["seqs_skipped"] == 3 + 39);
  // Every message that did arrive was sequenced: 5 + 5 + 2, the twin's own ticks aside.
  CHECK(st["messages"]["received"] == 12);
  CHECK(st["sequencer"]["held"] == 0);
}
