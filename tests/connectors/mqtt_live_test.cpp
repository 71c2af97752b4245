// Tests the MQTT live path end to end against a private mosquitto on a loopback port
// (mosquitto_fixture): the real gatesim binary publishes a seeded hour and the twin
// (TwinLink -> IngestQueue -> Sequencer -> FrameLoop -> Core, as gatetwin runs them)
// ends in the in-process state hash; an independent client (mosquitto_pub) sends a
// command, a position, a batch of positions and a broken payload; the broker is restarted mid-stream and the
// twin reconnects by itself with no QoS 1 message lost; the gatetwin binary writes its
// stats. Fails (naming the Debian package) when mosquitto or its clients are missing.
// Readiness is waited for, never slept: the twin's own connect (after its SUBACKs), the
// broker's log of a mosquitto_sub's subscription, the gatetwin process's own
// "mqtt: connected" line.
#include <catch2/catch.hpp>

#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "pipeline/frame_loop.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/mqtt/field_publisher.h"
#include "pipeline/sequencer.h"
#include "connectors/mqtt/twin_link.h"
#include "connectors/files/site_file.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <thread>

using namespace pipeline;

using namespace connectors;
using namespace std::chrono_literals;

namespace {

const std::string kGatesim = testsupport::gatesim_path();
const std::string kGatetwin = testsupport::gatetwin_path();

// The twin as gatetwin --headless runs it, in-process so the test can look at its state.
struct LiveTwin {
  twin::Core core;
  TwinLink link;
  Sequencer sequencer;
  FrameLoop loop;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  static TwinLinkOptions options(const std::string& uri, const std::string& client_id) {
    TwinLinkOptions o;
    o.broker.uri = uri;
    o.broker.client_id = client_id;
    return o;
  }
  LiveTwin(const std::string& uri, const std::string& client_id)
      : core(testsupport::shipped_sites()),
        link(core.sites(), options(uri, client_id), [](const std::string& l) { UNSCOPED_INFO(l); }),
        loop(core, link.queue(), sequencer, &link, nullptr, FrameLoopOptions{65536, std::chrono::microseconds(2000)}) {
    link.start();
  }
  // Runs frames until done() or the timeout; returns done().
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return testsupport::run_frames_until(loop, start, done, timeout);
  }
  int lane(int site, const std::string& id) const { return core.sites()[site].lane_index(id); }
  int site(const std::string& id) const {
    for (size_t i = 0; i < core.sites().size(); ++i)
      if (core.sites()[i].id == id) return static_cast<int>(i);
    return -1;
  }
};

// gatesim as a child process; its --json output when it ends.
struct GatesimChild {
  std::string out;
  int rc = -1;
  std::thread t;
  explicit GatesimChild(const std::string& args) {
    t = std::thread([this, args] { out = run_command(kGatesim + " " + args + " 2>/dev/null", &rc); });
  }
  nlohmann::json finish() {
    t.join();
    auto j = nlohmann::json::parse(out, nullptr, false);
    return j;
  }
};

}  // namespace

TEST_CASE("a seeded hour through the broker ends in the in-process state hash", "[mqtt][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(1, 7);  // no structured binding: clang 14 cannot capture one in a lambda
  const uint64_t events = ref.first;
  const std::string hash = ref.second;
  LiveTwin twin(broker.uri(), "twin-e2e");
  REQUIRE(twin.link.wait_connected(5s));
  GatesimChild sim("--hours 1 --seed 7 --json --no-progress --speed max --source e2e --broker " + broker.uri());
  bool done = twin.run_until([&] { return twin.loop.stats().applied >= events; }, 60s);
  nlohmann::json j = sim.finish();
  REQUIRE(sim.rc == 0);
  REQUIRE(done);
  twin.run_until([] { return false; }, 200ms);  // nothing more arrives
  CHECK(j["events"] == events);
  CHECK(j["published"] == events);
  CHECK(j["state_hash"] == hash);
  CHECK(twin.loop.stats().applied == events);
  CHECK(hash_hex(twin.core.state_hash()) == hash);
  CHECK(twin.sequencer.stats().gaps_skipped == 0);
  const TwinLinkStats s = twin.link.stats();
  CHECK(s.rejected_total == 0);
  CHECK(s.queue.superseded == 0);
  CHECK(s.decisions_published > 0);  // the twin answered with its decisions
}

TEST_CASE("messages from mosquitto_pub are applied; a broken one is rejected and counted", "[mqtt][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  LiveTwin twin(broker.uri(), "twin-pub");
  REQUIRE(twin.link.wait_connected(5s));
  const int s = twin.site("m1119");
  REQUIRE(s >= 0);
  const std::string pub = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port());
  // Listen for the twin's command result as an independent client too.
  std::string result;
  std::thread sub([&] {
    result = run_command("mosquitto_sub -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                         " -i result-watch -t gatetwin/v1/m1119/twin/command_result -q 1 -C 1 -W 20");
  });
  // Subscribed: the broker logged it (and sends the SUBACK); nothing published later is missed.
  const bool subscribed = broker.wait_for_subscription("result-watch", "gatetwin/v1/m1119/twin/command_result");
  if (!subscribed) sub.join();
  REQUIRE(subscribed);
  int rc = 0;
  run_command(pub + " -q 1 -t gatetwin/v1/m1119/command -m '{\"v\":1,\"src\":\"ops-console\",\"seq\":1,\"t_ms\":60000,"
                    "\"actor\":\"nguyen.van.a\",\"role\":\"supervisor\",\"reason\":\"barrier maintenance\","
                    "\"command\":{\"kind\":\"close_lane\",\"lane\":\"E2\"}}'", &rc);
  REQUIRE(rc == 0);
  run_command(pub + " -q 0 -t gatetwin/v1/m1119/telemetry/position -m '{\"v\":1,\"src\":\"gnss-gw\",\"seq\":1,\"t_ms\":61000,"
                    "\"entity\":\"guide_vehicle\",\"id\":2,\"x\":120.5,\"y\":-33.25,\"heading_rad\":1.57}'", &rc);
  REQUIRE(rc == 0);
  // A gateway's batch: guide vehicle 3 is applied, vehicle 99 (not in the fleet) is rejected alone.
  run_command(pub + " -q 0 -t gatetwin/v1/m1119/telemetry/positions -m '{\"v\":1,\"src\":\"gnss-gw-2\",\"seq\":1,\"t_ms\":61000,"
                    "\"positions\":[{\"entity\":\"guide_vehicle\",\"id\":3,\"x\":-7.5,\"y\":4.25,\"heading_rad\":0},"
                    "{\"entity\":\"guide_vehicle\",\"id\":99,\"x\":1,\"y\":1,\"heading_rad\":0}]}'", &rc);
  REQUIRE(rc == 0);
  run_command(pub + " -q 1 -t gatetwin/v1/m1119/event/declaration -m '{\"v\":1,\"src\":\"nsw\",\"seq\":1,\"t_ms\":'", &rc);
  run_command(pub + " -q 1 -t gatetwin/v1/m1119/command -m '{\"v\":1,\"src\":\"ops-console\",\"seq\":1,\"t_ms\":60000,"
                    "\"actor\":\"nguyen.van.a\",\"role\":\"supervisor\",\"reason\":\"again\","
                    "\"command\":{\"kind\":\"open_lane\",\"lane\":\"E2\"}}'", &rc);
  // A command with the src and seq of one already sent is that command sent again (its id
  // is "seq-1"): never applied; answered with the first answer (here the first is still in
  // the queue, the frames not yet run: its answer is the one answer).
  REQUIRE(twin.run_until([&] { return twin.loop.stats().applied >= 3 && twin.link.stats().rejected_total >= 2 &&
                                      twin.link.command_stats().retry_waiting + twin.link.command_stats().repeated >= 1; },
                         10s));
  const twin::WorldState& w = twin.core.state();
  REQUIRE(w.commands.size() == 1);
  CHECK(w.commands[0].actor == "nguyen.van.a");
  CHECK(w.commands[0].accepted);
  CHECK(w.commands[0].reason == "barrier maintenance");
  CHECK_FALSE(w.sites[s].lanes[twin.lane(s, "E2")].open);
  CHECK(w.sites[s].fleet[2].field.reported());
  CHECK(w.sites[s].fleet[2].field.position.x == Approx(120.5f));
  CHECK(w.sites[s].fleet[2].field.position.y == Approx(-33.25f));
  CHECK(twin.link.stats().rejected[static_cast<size_t>(RejectReason::MalformedJson)] == 1);
  CHECK(w.sites[s].fleet[3].field.reported());
  CHECK(w.sites[s].fleet[3].field.position.x == Approx(-7.5f));
  CHECK(twin.link.stats().rejected[static_cast<size_t>(RejectReason::UnknownEntity)] == 1);
  CHECK(twin.link.stats().batch_positions == 2);
  sub.join();
  auto j = nlohmann::json::parse(result, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["kind"] == "command_accepted");
  CHECK(j["src"] == "twin");
}

TEST_CASE("broker restarted mid-stream: the twin reconnects, loses no QoS 1 message, telemetry resumes",
          "[mqtt][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(true);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(1, 11);  // no structured binding: clang 14 cannot capture one in a lambda
  const uint64_t events = ref.first;
  const std::string hash = ref.second;
  LiveTwin twin(broker.uri(), "twin-restart");
  REQUIRE(twin.link.wait_connected(5s));
  // One simulated hour over about 2.5 s of wall time; the broker goes away in the middle.
  GatesimChild sim("--hours 1 --seed 11 --json --no-progress --speed 1440 --source restart --broker " + broker.uri());
  REQUIRE(twin.run_until([&] { return twin.loop.stats().applied >= events / 4; }, 20s));
  const uint64_t before = twin.loop.stats().applied;
  broker.stop();
  // The twin runs on without a broker, and notices that it is gone.
  REQUIRE(twin.run_until([&] { return !twin.link.connected(); }, 30s));
  REQUIRE(broker.start());  // same port, persistence restored
  bool done = twin.run_until([&] { return twin.loop.stats().applied >= events; }, 60s);
  nlohmann::json j = sim.finish();
  INFO(broker.log());
  CHECK(sim.rc == 0);
  CHECK(before < events);
  REQUIRE(done);
  CHECK(twin.run_until([&] { return twin.link.connected(); }, 30s));
  CHECK(twin.link.stats().client.connects >= 2);          // reconnected by itself
  CHECK(twin.link.stats().client.connection_losses >= 1);
  CHECK(twin.loop.stats().applied == events);              // every QoS 1 message, once
  CHECK(twin.sequencer.stats().gaps_skipped == 0);
  CHECK(j["state_hash"] == hash);
  CHECK(hash_hex(twin.core.state_hash()) == hash);

  // Telemetry resumes: positions published after the restart are applied.
  FieldPublisherOptions po;
  po.broker.uri = broker.uri();
  po.broker.client_id = "gnss-after-restart";
  po.source = "gnss";
  FieldPublisher gnss(twin.core.sites(), po, nullptr);
  REQUIRE(gnss.start(5s));
  const uint64_t telemetry_before = twin.loop.stats().applied_telemetry;
  for (uint64_t i = 1; i <= 20; ++i) {
    twin::Event e{0, twin.core.state().now_ms, 0, twin::PositionReport{twin::EntityKind::GuideVehicle, 1, {float(i), 2.f}, 0.f}};
    REQUIRE(gnss.publish(e, i) == PublishStatus::Ok);
    twin.run_until([] { return false; }, 5ms);
  }
  REQUIRE(twin.run_until([&] { return twin.core.state().sites[0].fleet[1].field.position.x == 20.f; }, 5s));
  CHECK(twin.loop.stats().applied_telemetry > telemetry_before);
  gnss.finish(2s);
}

TEST_CASE("gatetwin --headless applies a seeded hour, writes its stats and records it", "[mqtt][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(1, 3);  // no structured binding: clang 14 cannot capture one in a lambda
  const uint64_t events = ref.first;
  const std::string hash = ref.second;
  const std::string stats = broker.dir() + "/stats.json";
  const std::string db = broker.dir() + "/session.db";
  ChildProcess twin;
  REQUIRE(twin.start(kGatetwin, {"gatetwin", "--headless", "--quiet", "--client-id", "twin-bin", "--broker", broker.uri(),
                                 "--run-for", "30", "--until-applied", std::to_string(events), "--stats", stats, "--record", db},
                     broker.dir() + "/twin.out"));
  // It says so once its subscriptions are acknowledged (MqttClient: SUBACKs, then the line).
  const bool subscribed = twin.wait_for_output("mqtt: connected to " + broker.uri() + " as twin-bin\n", 20s);
  INFO(twin.output());
  REQUIRE(subscribed);
  GatesimChild sim("--hours 1 --seed 3 --json --no-progress --speed max --broker " + broker.uri());
  nlohmann::json j = sim.finish();
  REQUIRE(twin.wait_exit(60s));
  INFO(twin.output());
  REQUIRE(twin.exit_code() == 0);
  std::ifstream in(stats);
  auto s = nlohmann::json::parse(in, nullptr, false);
  REQUIRE(s.is_object());
  CHECK(s["messages"]["received"] == events);
  CHECK(s["messages"]["applied"] == events);
  CHECK(s["messages"]["rejected_total"] == 0);
  CHECK(s["messages"]["dropped"] == 0);
  CHECK(s["messages"]["rejected"].contains("malformed_json"));
  CHECK(s["core"]["state_hash"] == hash);
  CHECK(j["state_hash"] == hash);
  CHECK(s["record"]["committed_events"] == events);
  CHECK(s["record"]["error"] == "");
}

// A console's command while the twin is behind: the ingest queue is full and the client
// library's receiving thread waits in IngestQueue::push, holding the library's lock. The
// core's thread must not call the library then (it alone drains the queue): publish_event
// queues the command for TwinLink's publishing thread and returns at once; the command
// reaches the broker once the core has drained the queue.
TEST_CASE("a console command published while the ingest queue is full neither waits nor is lost", "[mqtt][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  auto sites = testsupport::shipped_sites();
  TwinLinkOptions o = LiveTwin::options(broker.uri(), "twin-full-queue");
  o.queue_capacity = 8;
  TwinLink link(sites, o, nullptr);
  link.start();
  REQUIRE(link.wait_connected(5s));
  const std::string port = std::to_string(broker.port());
  // Fill the queue: 200 QoS 1 commands from a field console, none drained yet.
  std::string lines;
  for (int i = 1; i <= 200; ++i)
    lines += "{\"v\":1,\"src\":\"field-console\",\"seq\":" + std::to_string(i) + ",\"t_ms\":60000,\"actor\":\"a\",\"role\":\"viewer\","
             "\"reason\":\"fill\",\"command\":{\"kind\":\"close_lane\",\"lane\":\"E2\"}}\n";
  {
    std::ofstream f(broker.dir() + "/fill.txt");
    f << lines;
  }
  int rc = 0;
  run_command("mosquitto_pub -h 127.0.0.1 -p " + port + " -q 1 -t gatetwin/v1/m1119/command -l < " + broker.dir() + "/fill.txt", &rc);
  REQUIRE(rc == 0);
  auto until = std::chrono::steady_clock::now() + 10s;
  while (link.stats().queue.producer_waits == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
  REQUIRE(link.stats().queue.producer_waits >= 1);  // the receiving thread is waiting for room
  REQUIRE(link.stats().queue.size == 8);
  // An independent client listens for the console's command.
  std::string seen;
  std::thread sub([&] {
    seen = run_command("mosquitto_sub -h 127.0.0.1 -p " + port + " -i command-watch -t 'gatetwin/v1/+/command' -q 1 -C 1 -W 20");
  });
  const bool subscribed = broker.wait_for_subscription("command-watch", "gatetwin/v1/+/command");
  if (!subscribed) sub.join();
  REQUIRE(subscribed);
  twin::OperatorCommand cmd;
  cmd.actor = "tran.thi.b";
  cmd.role = twin::Role::Supervisor;
  cmd.reason = "lane E2 barrier stuck";
  uint8_t site = 0;
  while (site < sites.size() && sites[site].id != "m1119") ++site;
  REQUIRE(site < sites.size());
  cmd.command.kind = twin::CommandKind::CloseLane;
  cmd.command.lane = static_cast<uint16_t>(sites[site].lane_index("E2"));
  auto call = std::async(std::launch::async, [&] { return link.publish_event(twin::Event{0, 60000, site, cmd}, "wall-console:tran.thi.b", 1); });
  // It returns while the queue is still full and the receiving thread still waits: an
  // event (nothing is drained until below), not a time; 60 s only guard against a hang.
  const bool returned = call.wait_for(60s) == std::future_status::ready;
  CHECK(returned);
  CHECK(link.stats().queue.size == 8);  // before the queue is drained
  // The core catches up; the command then goes out (acknowledged by the broker).
  std::vector<FieldMessage> drained;
  size_t total = 0;
  until = std::chrono::steady_clock::now() + 15s;
  while (link.stats().client.delivered == 0 && std::chrono::steady_clock::now() < until) {
    drained.clear();
    total += link.queue().drain(drained, 1024, std::chrono::microseconds(10000));
  }
  CHECK(call.get());
  sub.join();
  INFO("mosquitto_sub saw: " << seen << "; drained " << total << ", client: connects " << link.stats().client.connects
       << ", losses " << link.stats().client.connection_losses << ", delivered " << link.stats().client.delivered);
  CHECK(link.stats().commands_published == 1);
  CHECK(seen.find("tran.thi.b") != std::string::npos);
  CHECK(total >= 8);
  link.stop();
}
