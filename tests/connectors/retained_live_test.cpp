// Retained messages against a real mosquitto: a command and a field event left retained
// on the broker (planted before the twin started, or by an account since revoked) are
// delivered to every twin that subscribes; the twin refuses both as "retained", counted,
// and applies nothing; the same payloads sent now are taken. Waits on the link's own
// counters, never on a fixed sleep. Fails (naming the Debian package) without mosquitto
// and mosquitto_pub.
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "connectors/codec/event_json.h"
#include "connectors/mqtt/twin_link.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace connectors;

namespace {

// The docs' examples (docs/mqtt.md): a supervisor's close_lane and a declaration.
const char* kCommand = R"({"v":1,"src":"ops-console-1","seq":1,"t_ms":31310000,"actor":"nguyen.van.a","role":"supervisor",)"
                       R"("reason":"barrier maintenance","command":{"kind":"close_lane","lane":"E1"}})";
const char* kDeclaration = R"({"v":1,"src":"nsw","seq":1,"t_ms":28800000,"shipment":90001,"direction":"export","goods":"fruit",)"
                           R"("reefer":true,"unmanned_eligible":true,"plate":"12C-34567","container":"GTWU0900010"})";

void publish(const MosquittoFixture& broker, const std::string& topic, const std::string& payload, bool retain) {
  int rc = -1;
  run_command("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) + " -q 1 " + (retain ? "-r " : "") + "-t '" + topic +
                  "' -m '" + payload + "'",
              &rc);
  REQUIRE(rc == 0);
}

bool wait_for(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);  // guards a hang only
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

TEST_CASE("retained commands and events are refused, counted and never applied; sent now they are taken", "[mqtt][security]") {
  REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub");
  MosquittoFixture broker;
  REQUIRE(broker.start());
  // Planted before the twin exists: the broker keeps them and hands them to every subscriber.
  publish(broker, "gatetwin/v1/m1119/command", kCommand, true);
  publish(broker, "gatetwin/v1/m1119/event/declaration", kDeclaration, true);

  TwinLinkOptions o;
  o.broker.uri = broker.uri();
  o.broker.client_id = "retained-test-twin";
  std::vector<std::string> log;
  std::mutex log_mu;
  TwinLink link(testsupport::shipped_sites(), o, [&](const std::string& l) {
    std::lock_guard lock(log_mu);
    log.push_back(l);
  });
  link.start();
  REQUIRE(link.wait_connected(std::chrono::seconds(5)));
  // Wait on the outcomes: `received` counts a message before it is decoded and judged.
  REQUIRE(wait_for([&] { const TwinLinkStats t = link.stats(); return t.accepted + t.rejected_total >= 2; }));
  TwinLinkStats s = link.stats();
  CHECK(s.received == 2);
  CHECK(s.accepted == 0);
  CHECK(s.queue.pushed == 0);   // nothing reached the core's queue
  CHECK(s.rejected_total == 2);
  CHECK(s.rejected[static_cast<size_t>(RejectReason::Retained)] == 2);
  {
    std::lock_guard lock(log_mu);
    REQUIRE(log.size() >= 2);
    CHECK_THAT(log[0] + log[1], Catch::Contains("retained: published with the retain flag"));
  }

  // The same messages sent now (not retained) are taken: the check is the flag, not the content.
  publish(broker, "gatetwin/v1/m1119/command", kCommand, false);
  publish(broker, "gatetwin/v1/m1119/event/declaration", kDeclaration, false);
  REQUIRE(wait_for([&] { const TwinLinkStats t = link.stats(); return t.accepted + t.rejected_total >= 4; }));
  s = link.stats();
  CHECK(s.accepted == 2);
  CHECK(s.rejected_total == 2);
  link.stop();
}
