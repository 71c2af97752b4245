// gatesim --closed-loop against the real gatetwin (issue 12, "Drive the twin with a
// closed-loop field"; docs/gatesim.md "Closed loop"): a real mosquitto, the real
// `gatetwin --headless --stats`, the real `gatesim --closed-loop --speed max --json`, and
// operator commands published with mosquitto_pub while it runs (close E1 and E2 at m1119,
// hold a truck that is in the area, release it, reopen the lanes). The field must act on
// them: gatesim's state hash equals the twin's, every command is accepted, and the twin
// counts no divergence at either site. The same commands against the open-loop gatesim
// (the default) give divergences: the check can fail. Fails (naming the Debian package)
// without mosquitto and its clients. Waits on events, never on sleeps: the twin's own
// "mqtt: connected" line, the broker's log of a subscription, the twin's health message.
#include "tests/support/child_process.h"
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, false);
}

// The real gatetwin, headless, stopped with SIGTERM (it then writes its stats).
struct Twin {
  ChildProcess proc;
  std::string stats, log;
  Twin(const MosquittoFixture& broker, const std::string& name) {
    stats = broker.dir() + "/" + name + "-stats.json";
    log = broker.dir() + "/" + name + ".log";
    REQUIRE(proc.start(testsupport::gatetwin_path(),
                       {"gatetwin", "--headless", "--quiet", "--broker", broker.uri(), "--client-id", name, "--run-for", "170",
                        "--stats", stats},
                       log));
    // Subscribed: each of its clients says so once the broker acknowledged its subscriptions.
    const bool up = proc.wait_for_output("mqtt: connected to " + broker.uri() + " as " + name + "\n", 30s) &&
                    proc.wait_for_output("mqtt: connected to " + broker.uri() + " as " + name + "-stream\n", 30s);
    INFO(proc.output());
    REQUIRE(up);
  }
  json stop() {
    proc.stop();
    json s = read_json(stats);
    INFO("twin log: " << last_line_of(log));
    REQUIRE(s.is_object());
    return s;
  }
};

// gatesim in a thread: its --json on stdout, its stderr in a log file.
struct Gatesim {
  std::future<std::pair<int, std::string>> run;
  std::string log;
  Gatesim(const MosquittoFixture& broker, const std::string& flags, const std::string& name) {
    log = broker.dir() + "/" + name + ".log";
    const std::string cmd = testsupport::gatesim_path() + " --seed 11 --json --no-progress --broker " +
                            broker.uri() + " --source " + name + " " + flags + " 2>" + log;
    run = std::async(std::launch::async, [cmd] {
      int rc = -1;
      std::string out = run_command(cmd, &rc);
      return std::make_pair(rc, out);
    });
  }
  bool running() { return run.wait_for(0ms) == std::future_status::timeout; }
  json finish(int& rc) {
    REQUIRE(run.wait_for(170s) == std::future_status::ready);
    auto [code, out] = run.get();
    rc = code;
    INFO("gatesim log: " << last_line_of(log));
    json j = json::parse(out, nullptr, false);
    REQUIRE(j.is_object());
    return j;
  }
};

// Publishes operator commands at m1119 as one console (its own src, seq 1, 2, 3...).
struct Console {
  const MosquittoFixture& broker;
  uint64_t seq = 0;
  void send(const std::string& command, int64_t t_ms) {
    const std::string payload = "{\"v\":1,\"src\":\"loop-test-console\",\"seq\":" + std::to_string(++seq) +
                                ",\"t_ms\":" + std::to_string(t_ms) +
                                ",\"actor\":\"tran.thi.b\",\"role\":\"supervisor\",\"reason\":\"closed-loop test\",\"command\":" +
                                command + "}";
    int rc = 0;
    run_command("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) + " -q 1 -t gatetwin/v1/m1119/command -m '" +
                    payload + "'",
                &rc);
    REQUIRE(rc == 0);
  }
};

// The twin's decisions at m1119 as they come (mosquitto_sub), up to n of them.
std::vector<json> decisions(const MosquittoFixture& broker, int n) {
  const std::string out = run_command("mosquitto_sub -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                                      " -t gatetwin/v1/m1119/twin/decision -C " + std::to_string(n) + " -W 20");
  std::vector<json> r;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object()) r.push_back(j);
  }
  return r;
}

// Waits until the twin's decisions are stamped at or after t_ms (simulated time); returns
// the time seen.
int64_t wait_sim_time(const MosquittoFixture& broker, int64_t t_ms) {
  for (int i = 0; i < 100; ++i) {
    for (const json& d : decisions(broker, 1))
      if (d.value("t_ms", int64_t{0}) >= t_ms) return d["t_ms"].get<int64_t>();
  }
  FAIL("the twin's decisions never reached " << t_ms << " ms");
  return 0;
}

int64_t divergences(const json& stats, const std::string& site) { return stats["field"][site]["divergences"].get<int64_t>(); }

}  // namespace

TEST_CASE("gatesim --closed-loop obeys closed lanes and holds: the twin and the field agree", "[mqtt][field][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string lanes[] = {"E1", "E2"};

  SECTION("closed loop: no divergence, the same state hash, every command accepted") {
    Twin twin(broker, "twin-loop");
    // Every decision of the twin at m1119, to see the held truck go on once released.
    ChildProcess watch;
    const std::string watched = broker.dir() + "/decisions.log";
    REQUIRE(watch.start(find_program("mosquitto_sub"),
                        {"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-i",
                         "decision-watch", "-t", "gatetwin/v1/m1119/twin/decision"},
                        watched));
    REQUIRE(broker.wait_for_subscription("decision-watch", "gatetwin/v1/m1119/twin/decision"));
    const auto t0 = std::chrono::steady_clock::now();
    // Paced (an hour in 15 s) so that the commands land at known simulated times; the
    // lock-step comes on top (at --speed max this quiet night takes 0.4 s).
    Gatesim sim(broker, "--closed-loop --hours 1.5 --speed 240", "field-loop");
    Console console{broker};
    const int64_t closed_at = wait_sim_time(broker, 10 * twin::kMinute);
    for (const auto& l : lanes) console.send("{\"kind\":\"close_lane\",\"lane\":\"" + l + "\"}", closed_at);
    // A truck the twin has just started serving at a checkpoint: it is in the area now.
    int64_t held = -1;
    for (int i = 0; i < 20 && held < 0; ++i)
      for (const json& d : decisions(broker, 10))
        if (held < 0 && d.value("kind", "") == "service_started" && d.value("checkpoint", "") == "gate-in" && d.contains("shipment"))
          held = d["shipment"].get<int64_t>();
    REQUIRE(held > 0);
    const int64_t hold_at = wait_sim_time(broker, 0);
    console.send("{\"kind\":\"hold_vehicle\",\"shipment\":" + std::to_string(held) + "}", hold_at);
    const int64_t reopen_at = wait_sim_time(broker, closed_at + 10 * twin::kMinute);
    REQUIRE(sim.running());  // the commands reached the twin while gatesim ran
    console.send("{\"kind\":\"release_vehicle\",\"shipment\":" + std::to_string(held) + "}", reopen_at);
    for (const auto& l : lanes) console.send("{\"kind\":\"open_lane\",\"lane\":\"" + l + "\"}", reopen_at);
    int rc = -1;
    json out = sim.finish(rc);
    const double sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    json stats = twin.stop();
    watch.stop();
    // The held truck went on after its release and left the area: the simulated field acted
    // on decisions that an operator's command, not its own event, caused.
    int64_t exited_at = -1;
    {
      std::ifstream in(watched);
      for (std::string line; std::getline(in, line);) {
        json d = json::parse(line, nullptr, false);
        if (d.is_object() && d.value("kind", "") == "exited" && d.value("shipment", int64_t{-1}) == held)
          exited_at = d["t_ms"].get<int64_t>();
      }
    }
    CHECK(exited_at > reopen_at);
    INFO("gatesim --json: " << out.dump());
    INFO("twin field stats: " << stats["field"].dump());
    WARN("closed loop: 1.5 simulated hours in " << sim_s << " s; " << out["closed_loop"].dump() << "; shipment " << held
                                              << " held at " << hold_at << " ms, released at " << reopen_at << " ms, left at "
                                              << exited_at << " ms");
    REQUIRE(rc == 0);
    CHECK(out["closed_loop"]["end"] == "done");
    CHECK(out["closed_loop"]["foreign"].get<uint64_t>() >= 6);
    CHECK(out["state_hash"] == stats["core"]["state_hash"]);
    CHECK(out["events"] == stats["core"]["last_seq"]);
    // Every command accepted (gatesim's core is the twin's: its KPIs count them).
    int64_t accepted = 0, refused = 0;
    for (const json& s : out["sites"]) {
      accepted += s["commands"]["accepted"].get<int64_t>();
      refused += s["commands"]["refused"].get<int64_t>();
    }
    CHECK(accepted == 6);
    CHECK(refused == 0);
    CHECK(divergences(stats, "m1119") == 0);
    CHECK(divergences(stats, "m1088") == 0);
  }

  SECTION("open loop (the default) under the same lane closures: the field contradicts the twin") {
    Twin twin(broker, "twin-open");
    // The twin's health message (once a second): says when it has folded what it received.
    ChildProcess health;
    const std::string health_log = broker.dir() + "/health.log";
    REQUIRE(health.start(find_program("mosquitto_sub"),
                         {"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-i", "health-watch", "-t",
                          "gatetwin/v1/twin/health"},
                         health_log));
    REQUIRE(broker.wait_for_subscription("health-watch", "gatetwin/v1/twin/health"));
    Console console{broker};
    // Closed before the field starts, never reopened: the open-loop simulator does not hear it.
    for (const auto& l : lanes) console.send("{\"kind\":\"close_lane\",\"lane\":\"" + l + "\"}", 0);
    Gatesim sim(broker, "--hours 1 --speed max", "field-open");
    int rc = -1;
    json out = sim.finish(rc);
    // The twin has folded what is in flight: a health message counts every message gatesim
    // published and both commands as received, with nothing left queued or held.
    const uint64_t sent = out.value("published", uint64_t{0}) + 2;
    bool folded = false;
    for (auto until = std::chrono::steady_clock::now() + 60s; !folded && std::chrono::steady_clock::now() < until;) {
      std::istringstream in(read_text(health_log));
      for (std::string line; std::getline(in, line);) {
        const json h = json::parse(line, nullptr, false);
        if (!h.is_object() || !h.contains("messages") || !h.contains("queue") || !h.contains("sequencer")) continue;
        if (h.at("messages").value("received", uint64_t{0}) >= sent && h.at("queue").value("size", uint64_t{1}) == 0 &&
            h.at("sequencer").value("held", uint64_t{1}) == 0)
          folded = true;
      }
      if (!folded) std::this_thread::sleep_for(50ms);
    }
    health.stop();
    INFO("last health message: " << last_line_of(health_log));
    REQUIRE(folded);
    json stats = twin.stop();
    INFO("twin field stats: " << stats["field"].dump());
    REQUIRE(rc == 0);
    CHECK(divergences(stats, "m1119") > 0);
    CHECK(out["state_hash"] != stats["core"]["state_hash"]);
  }
}
