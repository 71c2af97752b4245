// Tests the shipped broker set-up (deploy/mosquitto, tools/setup/make-certs.sh) against
// a real mosquitto on a loopback port (tls_broker.h), and authorisation end to end:
// - a field device publishing a command, a device publishing under another site or
//   forging a decision, an anonymous client (with and without a certificate) and a
//   client with a certificate from another CA are refused by the broker, and the twin
//   never sees their messages (the device's own telemetry and an operator's command,
//   sent last, are the controls);
// - the twin refuses a broker whose certificate is not from its CA;
// - a viewer's command sent over MQTT by an operator console reaches the real gatetwin
//   process, is refused by the core, and is in the recording's audit chain as refused.
// Fails (naming the Debian package) when mosquitto, mosquitto_pub/sub, mosquitto_passwd
// or openssl is missing. Subscribers are waited for by the broker's log of their
// subscription, the gatetwin process by its own "mqtt: connected" line; never by sleeping.
#include <catch2/catch.hpp>

#include "tests/support/child_process.h"
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"
#include "tests/support/tls_broker.h"

#include "pipeline/frame_loop.h"

#include "connectors/codec/event_json.h"
#include "connectors/mqtt/broker_config.h"
#include "connectors/mqtt/mqtt_client.h"
#include "pipeline/sequencer.h"
#include "connectors/mqtt/twin_link.h"
#include "connectors/files/site_file.h"
#include "connectors/store/audit_chain.h"
#include "connectors/store/recording_reader.h"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace pipeline;

using namespace connectors;
using namespace std::chrono_literals;

namespace {

const std::string kGatetwin = testsupport::gatetwin_path();


BrokerConfig config_of(const TlsBroker& b, const std::string& account) {
  auto r = make_broker_config(b.uri(), account, b.mqtt_config(account), {});
  if (auto* e = std::get_if<BrokerConfigError>(&r)) FAIL(e->message());
  return std::get<BrokerConfig>(r);
}

// The twin as gatetwin --headless runs it, in-process, connected with TLS as "gatetwin".
struct TlsTwin {
  // The client logs from its own thread; Catch2 is not thread-safe, so lines are kept here.
  std::shared_ptr<std::mutex> log_mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<std::string>> log_lines = std::make_shared<std::vector<std::string>>();
  twin::Core core;
  TwinLink link;
  Sequencer sequencer;
  FrameLoop loop;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  static TwinLinkOptions options(const BrokerConfig& b) {
    TwinLinkOptions o;
    o.broker = b;
    return o;
  }
  explicit TlsTwin(const BrokerConfig& b)
      : core(testsupport::shipped_sites()),
        link(core.sites(), options(b),
             [mu = log_mu, lines = log_lines](const std::string& l) {
               std::lock_guard lk(*mu);
               lines->push_back(l);
             }),
        loop(core, link.queue(), sequencer, &link, nullptr, FrameLoopOptions{65536, std::chrono::microseconds(2000)}) {
    link.start();
  }
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return testsupport::run_frames_until(loop, start, done, timeout);
  }
  std::string log() const {
    std::lock_guard lk(*log_mu);
    std::string out;
    for (const auto& l : *log_lines) out += l + "\n";
    return out;
  }
};

// A valid command message for site m1119 (close lane E2), from `src`, as `role`.
EncodedMessage command_message(const std::vector<twin::SiteSpec>& sites, const std::string& src, const std::string& actor,
                               twin::Role role) {
  twin::OperatorCommand oc;
  oc.actor = actor;
  oc.role = role;
  oc.reason = "security test";
  oc.command.kind = twin::CommandKind::CloseLane;
  oc.command.lane = static_cast<uint16_t>(sites[0].lane_index("E2"));
  int site = -1;
  for (size_t i = 0; i < sites.size(); ++i)
    if (sites[i].id == "m1119") site = static_cast<int>(i);
  REQUIRE(site >= 0);
  oc.command.lane = static_cast<uint16_t>(sites[site].lane_index("E2"));
  twin::Event e{0, 60000, static_cast<uint8_t>(site), oc};
  return encode_event(e, src, 1, sites);
}

std::string sq(const std::string& s) { return "'" + s + "'"; }

}  // namespace

TEST_CASE("the broker refuses a device's command, other sites, forged decisions, anonymous and foreign-CA clients",
          "[security][live]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker("partner-cn:partner:+");  // the partner customs' link account
  INFO(broker.make_output());
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  TlsBroker rogue;  // another CA, with an account of the same name and a valid-looking certificate
  REQUIRE(rogue.made());

  TlsTwin twin(config_of(broker, "gatetwin"));
  REQUIRE(twin.link.wait_connected(10s));
  const auto& sites = twin.core.sites();
  const std::string pub = "mosquitto_pub -q 1 ";
  // An operator console listens to m1119's twin topics: it must see the twin's command
  // result, and not the device's forged decision published before it.
  std::string console_saw;
  std::thread sub([&] {
    console_saw = run_command("mosquitto_sub " + broker.client_flags("console-1") +
                              " -i console-1-watch -q 1 -v -t 'gatetwin/v1/m1119/twin/#' -C 1 -W 20 2>&1");
  });
  const bool subscribed = broker.wait_for_subscription("console-1-watch", "gatetwin/v1/m1119/twin/#");
  if (!subscribed) sub.join();
  INFO(broker.log());
  REQUIRE(subscribed);

  int rc = -1;
  // 1. A field device of m1119 publishes a well-formed supervisor command: the broker drops it.
  EncodedMessage forged = command_message(sites, "dev-forged", "dev-m1119", twin::Role::Supervisor);
  run_command(pub + broker.client_flags("dev-m1119") + " -t " + forged.topic + " -m " + sq(forged.payload), &rc);
  CHECK(rc == 0);  // MQTT 3.1.1 has no negative PUBACK: the broker acknowledges and discards
  // 2. The same device publishes an event under the other site.
  run_command(pub + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1088/event/vehicle_arrived -m " +
                  sq(R"({"v":1,"src":"dev-m1119","seq":1,"t_ms":1000})"),
              &rc);
  CHECK(rc == 0);
  // 3. The device forges a decision of the twin.
  run_command(pub + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1119/twin/command_result -m " +
                  sq(R"({"v":1,"src":"forged","kind":"command_accepted"})"),
              &rc);
  CHECK(rc == 0);
  // 3a. The device forges the partner customs' data for its own site (a declaration that
  // would win against the genuine one, a receipt that clears a shipment): dropped.
  const std::string partner_declaration =
      R"({"v":1,"src":"SRC","seq":1,"t_ms":1000,"shipment":90001,"goods":"fruit","plate":"12C-34567","container":""})";
  auto as = [&](std::string payload, const std::string& src) { return payload.replace(payload.find("SRC"), 3, src); };
  run_command(pub + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1119/event/partner_declaration -m " +
                  sq(as(partner_declaration, "dev-m1119")), &rc);
  CHECK(rc == 0);
  run_command(pub + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1119/event/receipt_confirmed -m " +
                  sq(R"({"v":1,"src":"dev-m1119","seq":2,"t_ms":1000,"shipment":90001})"), &rc);
  CHECK(rc == 0);
  // 3b. What the device may do goes through: its own site's telemetry (so the refusals
  // above are the ACL's, not a broken account).
  run_command(pub + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1119/telemetry/position -m " +
                  sq(R"({"v":1,"src":"dev-m1119","seq":1,"t_ms":61000,"entity":"guide_vehicle","id":2,"x":120.5,"y":-33.25,"heading_rad":1.57})"),
              &rc);
  CHECK(rc == 0);
  // 4. Anonymous, with a certificate of our CA but no user: refused at connect.
  run_command(pub + "-h 127.0.0.1 -p " + std::to_string(broker.port()) + " --cafile " + broker.dir() + "/ca.crt --cert " +
                  broker.dir() + "/console-1.crt --key " + broker.dir() + "/console-1.key -t " + forged.topic + " -m " +
                  sq(forged.payload) + " 2>&1",
              &rc);
  CHECK(rc != 0);
  // 5. Anonymous without any certificate: the TLS handshake fails.
  run_command(pub + "-h 127.0.0.1 -p " + std::to_string(broker.port()) + " --cafile " + broker.dir() + "/ca.crt -t " +
                  forged.topic + " -m " + sq(forged.payload) + " 2>&1",
              &rc);
  CHECK(rc != 0);
  // 6. A certificate from another CA, with the real console's password.
  run_command(pub + "-h 127.0.0.1 -p " + std::to_string(broker.port()) + " --cafile " + broker.dir() + "/ca.crt --cert " +
                  rogue.dir() + "/console-1.crt --key " + rogue.dir() + "/console-1.key -u console-1 -P " +
                  broker.password("console-1") + " -t " + forged.topic + " -m " + sq(forged.payload) + " 2>&1",
              &rc);
  CHECK(rc != 0);
  // 7. Plain TCP to the TLS port: no MQTT session.
  run_command(pub + "-h 127.0.0.1 -p " + std::to_string(broker.port()) + " -u console-1 -P " + broker.password("console-1") +
                  " -t " + forged.topic + " -m x 2>&1",
              &rc);
  CHECK(rc != 0);
  // The control: the operator console's command arrives and is applied, and so does the
  // partner account's declaration.
  EncodedMessage good = command_message(sites, "console-1", "tran.thi.b", twin::Role::Operator);
  run_command(pub + broker.client_flags("console-1") + " -t " + good.topic + " -m " + sq(good.payload), &rc);
  REQUIRE(rc == 0);
  run_command(pub + broker.client_flags("partner-cn") + " -t gatetwin/v1/m1119/event/partner_declaration -m " +
                  sq(as(partner_declaration, "partner-cn")), &rc);
  REQUIRE(rc == 0);
  REQUIRE(twin.run_until([&] { return twin.loop.stats().applied >= 3 && twin.loop.stats().applied_telemetry >= 1; }, 10s));
  twin.run_until([] { return false; }, 500ms);
  sub.join();
  INFO(broker.log());
  INFO(twin.log());
  const TwinLinkStats s = twin.link.stats();
  CHECK(s.received == 3);  // only the device's own telemetry, the console's command and the partner's declaration
  CHECK(twin.loop.stats().applied_telemetry == 1);
  CHECK(s.rejected_total == 0);
  REQUIRE(twin.core.state().commands.size() == 1);
  CHECK(twin.core.state().commands[0].actor == "tran.thi.b");
  CHECK(twin.core.state().commands[0].accepted);
  // The console saw the twin's result, not the forged decision.
  CHECK_THAT(console_saw, Catch::StartsWith("gatetwin/v1/m1119/twin/command_result"));
  CHECK_THAT(console_saw, Catch::Contains("\"src\":\"twin\"") && !Catch::Contains("forged"));
}

// Issue 12: a source's identity is its broker account. A field account cannot publish
// under another account's topic (the broker's ACL drops it), and on its own topic it cannot
// speak for another source (the twin refuses src_not_account); the other account's data
// keeps flowing.
TEST_CASE("one account publishing as another is dropped by the broker or refused by the twin", "[security][live][accounts]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker("gnss-gw-1:field:m1119 gnss-gw-2:field:m1119");
  INFO(broker.make_output());
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  TlsTwin twin(config_of(broker, "gatetwin"));
  REQUIRE(twin.link.wait_connected(10s));
  const std::string pub = "mosquitto_pub -q 1 ";
  auto position = [](const std::string& src, int seq, int vehicle) {
    return sq("{\"v\":1,\"src\":\"" + src + "\",\"seq\":" + std::to_string(seq) +
              ",\"t_ms\":61000,\"entity\":\"guide_vehicle\",\"id\":" + std::to_string(vehicle) +
              ",\"x\":1,\"y\":2,\"heading_rad\":0}");
  };
  int rc = -1;
  // 1. gnss-gw-2 on gnss-gw-1's topic: the ACL drops it; the twin never sees it.
  run_command(pub + broker.client_flags("gnss-gw-2") + " -t gatetwin/v1/m1119/telemetry/position/gnss-gw-1 -m " +
                  position("gnss-gw-1", 1, 1),
              &rc);
  CHECK(rc == 0);
  run_command(pub + broker.client_flags("gnss-gw-2") + " -t gatetwin/v1/m1119/event/vehicle_left/gnss-gw-1 -m " +
                  sq(R"({"v":1,"src":"gnss-gw-1","seq":1,"t_ms":61000,"shipment":5})"),
              &rc);
  CHECK(rc == 0);
  // 2. gnss-gw-2 on its own topic, naming gnss-gw-1 as the source: the twin refuses it.
  run_command(pub + broker.client_flags("gnss-gw-2") + " -t gatetwin/v1/m1119/telemetry/position/gnss-gw-2 -m " +
                  position("gnss-gw-1", 2, 2),
              &rc);
  CHECK(rc == 0);
  // 3. The controls: each account as itself, on its own topic.
  run_command(pub + broker.client_flags("gnss-gw-1") + " -t gatetwin/v1/m1119/telemetry/position/gnss-gw-1 -m " +
                  position("gnss-gw-1", 1, 3),
              &rc);
  CHECK(rc == 0);
  run_command(pub + broker.client_flags("gnss-gw-2") + " -t gatetwin/v1/m1119/telemetry/position/gnss-gw-2 -m " +
                  position("gnss-gw-2/unit-1", 1, 4),
              &rc);
  CHECK(rc == 0);
  REQUIRE(twin.run_until([&] { return twin.loop.stats().applied_telemetry >= 2; }, 10s));
  twin.run_until([] { return false; }, 500ms);
  INFO(broker.log());
  INFO(twin.log());
  const TwinLinkStats s = twin.link.stats();
  CHECK(s.received == 3);  // the impostor on its own topic and the two controls
  CHECK(s.rejected[static_cast<size_t>(RejectReason::SrcNotAccount)] == 1);
  CHECK(s.rejected_total == 1);
  CHECK(twin.loop.stats().applied_telemetry == 2);
  CHECK_THAT(twin.log(), Catch::Contains("src_not_account"));
  bool booked = false;
  for (const FeedStatus& f : twin.link.feeds().sources)
    if (f.name == "topic:gatetwin/v1/m1119/telemetry/position/gnss-gw-2") booked = f.rejected.count("src_not_account") == 1;
  CHECK(booked);
}

TEST_CASE("the twin does not connect to a broker whose certificate is not from its CA", "[security][live]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker;
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  TlsBroker rogue;
  REQUIRE(rogue.made());
  // Right account and certificate, but the trust store is another CA's: the broker's
  // certificate fails verification and nothing is sent.
  BrokerConfig c = config_of(broker, "gatetwin");
  c.ca_file = rogue.dir() + "/ca.crt";
  MqttClientOptions o;
  o.broker = c;
  std::vector<std::string> lines;
  std::mutex mu;
  MqttClient client(o, nullptr, [&](const std::string& l) { std::lock_guard lk(mu); lines.push_back(l); });
  client.start();
  CHECK_FALSE(client.wait_connected(3s));
  CHECK(client.stats().connects == 0);
  CHECK(client.stats().connect_failures >= 1);
  client.stop();
  std::string said;
  for (const auto& l : lines) said += l + "\n";
  CHECK_THAT(said, Catch::Contains("cannot connect"));  // the operator is told, not left guessing
  // With the right CA the same settings connect.
  MqttClientOptions ok;
  ok.broker = config_of(broker, "gatetwin");
  MqttClient good(ok, nullptr, nullptr);
  good.start();
  CHECK(good.wait_connected(10s));
  good.stop();
  // An ssl:// broker without a CA is refused before any connection is tried.
  auto no_ca = make_broker_config(broker.uri(), "x", "", {});
  REQUIRE(std::holds_alternative<BrokerConfigError>(no_ca));
  CHECK_THAT(std::get<BrokerConfigError>(no_ca).message(), Catch::Contains("ca_file"));
}

TEST_CASE("a viewer's command over MQTT is refused by the core and audited as refused", "[security][live]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker;
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  const std::string db = broker.dir() + "/session.db";
  ChildProcess twin;
  REQUIRE(twin.start(kGatetwin, {"gatetwin", "--headless", "--quiet", "--broker", broker.uri(), "--mqtt-config",
                                 broker.mqtt_config("gatetwin"), "--run-for", "60", "--until-applied", "1", "--record", db},
                     broker.dir() + "/twin.out"));
  // Subscribed: it says so once the broker acknowledged its subscriptions.
  const bool twin_ready = twin.wait_for_output("mqtt: connected to " + broker.uri() + " as gatetwin\n", 30s);
  INFO(twin.output());
  REQUIRE(twin_ready);
  std::string result;
  std::thread sub([&] {
    result = run_command("mosquitto_sub " + broker.client_flags("console-1") +
                         " -i console-1-result-watch -q 1 -t gatetwin/v1/m1119/twin/command_result -C 1 -W 20 2>&1");
  });
  const bool subscribed = broker.wait_for_subscription("console-1-result-watch", "gatetwin/v1/m1119/twin/command_result");
  if (!subscribed) sub.join();
  REQUIRE(subscribed);
  auto sites = testsupport::shipped_sites();
  EncodedMessage m = command_message(sites, "console-1", "visitor.le", twin::Role::Viewer);
  int rc = -1;
  run_command("mosquitto_pub -q 1 " + broker.client_flags("console-1") + " -t " + m.topic + " -m " + sq(m.payload), &rc);
  REQUIRE(rc == 0);
  const bool twin_ended = twin.wait_exit(60s);
  sub.join();
  INFO(twin.output());
  INFO(broker.log());
  REQUIRE(twin_ended);
  REQUIRE(twin.exit_code() == 0);
  CHECK_THAT(result, Catch::Contains("command_refused") && Catch::Contains("viewer"));

  auto rd = RecordingReader::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<RecordingReader>>(rd);
  auto sessions = std::get<std::vector<Session>>(reader->sessions());
  REQUIRE(sessions.size() == 1);
  auto cmds = std::get<std::vector<twin::CommandRecord>>(reader->read_commands(sessions[0].id));
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0].actor == "visitor.le");
  CHECK(cmds[0].role == twin::Role::Viewer);
  CHECK_FALSE(cmds[0].accepted);
  CHECK_THAT(cmds[0].outcome, Catch::Contains("viewer role may not issue commands"));
  auto v = AuditChain::verify(db);
  REQUIRE(std::holds_alternative<AuditReport>(v));
  CHECK(std::get<AuditReport>(v).intact);
  CHECK(std::get<AuditReport>(v).head.index == 1);
}

TEST_CASE("the shipped broker refuses a message above 1 MiB and CBC cipher suites", "[security][live][limits]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker;
  INFO(broker.make_output());
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  // The twin's account listens to m1119's events; a device of m1119 sends 2 MiB, then a
  // small message. Only the small one arrives: the first message the listener gets.
  std::string saw;
  std::thread sub([&] {
    saw = run_command("mosquitto_sub " + broker.client_flags("gatetwin") +
                      " -i gatetwin-limits-watch -q 1 -t 'gatetwin/v1/m1119/event/#' -C 1 -W 20 -F '%l' 2>&1");
  });
  const bool subscribed = broker.wait_for_subscription("gatetwin-limits-watch", "gatetwin/v1/m1119/event/#");
  if (!subscribed) sub.join();
  INFO(broker.log());
  REQUIRE(subscribed);
  const std::string big = broker.dir() + "/big.payload";
  { std::ofstream(big) << std::string(2u << 20, 'x'); }
  int rc = -1;
  run_command("mosquitto_pub -q 1 " + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1119/event/declaration -f " + big + " 2>&1", &rc);
  run_command("mosquitto_pub -q 1 " + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1119/event/declaration -m small 2>&1", &rc);
  CHECK(rc == 0);
  sub.join();
  CHECK(saw.find("5") == 0);            // "%l": the length of the first message received: 5 bytes ("small")
  CHECK(saw.find("2097152") == std::string::npos);
  // TLS: a client offering only CBC suites gets no handshake; one offering GCM does.
  const std::string s_client = "openssl s_client -connect 127.0.0.1:" + std::to_string(broker.port()) + " -tls1_2 -CAfile " +
                               broker.dir() + "/ca.crt -cert " + broker.dir() + "/console-1.crt -key " + broker.dir() +
                               "/console-1.key -cipher ";
  const std::string cbc = run_command(s_client + "AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA </dev/null 2>&1", &rc);
  INFO(cbc);
  CHECK(rc != 0);
  const std::string gcm = run_command(s_client + "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256 </dev/null 2>&1", &rc);
  INFO(gcm);
  CHECK(rc == 0);
  CHECK_THAT(gcm, Catch::Contains("GCM"));
}

TEST_CASE("no account can take over the twin's client id: the twin stays connected and loses nothing", "[security][live][ids]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker;
  INFO(broker.make_output());
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  TlsTwin twin(config_of(broker, "gatetwin"));
  REQUIRE(twin.link.wait_connected(10s));
  int rc = -1;
  // The attack of issue 19: a device account connecting with the twin's id, a persistent
  // session (-c) and a clean one (the clean start would wipe the twin's queue), and the
  // twin's stream session.
  std::string out;
  for (const std::string& attack : {" -i gatetwin -c", " -i gatetwin", " -i gatetwin-stream -c", " -i gatetwin-x -c"}) {
    out = run_command("mosquitto_sub " + broker.client_flags("dev-m1088") + attack + " -q 1 -t 'gatetwin/v1/#' -C 1 -W 2 2>&1", &rc);
    INFO(attack << ": " << out);
    CHECK_THAT(out, Catch::Contains("not authorised"));
  }
  // The account's own ids are taken (the control): it times out waiting, not refused.
  out = run_command("mosquitto_sub " + broker.client_flags("dev-m1088") + " -i dev-m1088-probe -c -q 1 -t 'gatetwin/v1/x' -C 1 -W 1 2>&1", &rc);
  CHECK_THAT(out, !Catch::Contains("not authorised"));
  // The twin was never thrown off, and a QoS 1 event sent now arrives.
  run_command("mosquitto_pub -q 1 " + broker.client_flags("dev-m1119") + " -t gatetwin/v1/m1119/telemetry/position -m " +
                  sq(R"({"v":1,"src":"dev-m1119","seq":1,"t_ms":61000,"entity":"guide_vehicle","id":1,"x":1,"y":2,"heading_rad":0})"),
              &rc);
  CHECK(rc == 0);
  CHECK(twin.run_until([&] { return twin.loop.stats().applied_telemetry >= 1; }, 10s));
  INFO(broker.log());
  INFO(twin.log());
  const TwinLinkStats s = twin.link.stats();
  CHECK(s.client.connects == 1);
  CHECK(s.client.connection_losses == 0);
  CHECK_THAT(broker.log(), Catch::Contains("gatetwin_client_ids: refused client id \"gatetwin\" for account \"dev-m1088\""));
}

TEST_CASE("make-certs.sh's defaults: no development accounts, a broker that is not root, the CA key apart", "[security][live][deploy]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker shipped("", TlsBroker::Accounts::Shipped);
  INFO(shipped.make_output());
  REQUIRE(shipped.made());
  const std::string d = shipped.dir() + "/";
  auto exists = [](const std::string& p) { return access(p.c_str(), F_OK) == 0; };
  CHECK(exists(d + "gatetwin.mqtt"));
  CHECK(exists(d + "console-1.mqtt"));
  CHECK_FALSE(exists(d + "gatesim.mqtt"));  // may publish every site's field and partner data
  CHECK_FALSE(exists(d + "dev-m1119.mqtt"));
  CHECK_FALSE(exists(d + "dev-m1088.mqtt"));
  CHECK_FALSE(exists(d + "ca.key"));  // beside the broker's files: no
  CHECK(exists(d + "ca/ca.key"));
  const std::string conf = read_text(d + "mosquitto.conf");
  CHECK_THAT(conf, !Catch::Contains(d + "ca/"));  // the broker never reads the CA's folder
  CHECK_THAT(conf, Catch::Contains("plugin " + d + "gatetwin_client_ids.so"));
  if (geteuid() == 0) {
    CHECK_THAT(conf, Catch::Contains("\nuser mosquitto\n"));
    REQUIRE(shipped.start());
    // The broker runs as mosquitto, and still serves: the console account connects.
    const std::string status = read_text("/proc/" + std::to_string(shipped.pid()) + "/status");
    const std::string mosquitto_uid = run_command("id -u mosquitto");
    INFO(status);
    CHECK_THAT(status, Catch::Contains("Uid:\t" + mosquitto_uid.substr(0, mosquitto_uid.find('\n')) + "\t"));
    int rc = -1;
    run_command("mosquitto_pub -q 1 " + shipped.client_flags("console-1") + " -i console-1-probe -t gatetwin/v1/m1119/command -m x 2>&1", &rc);
    INFO(shipped.log());
    CHECK(rc == 0);
  }
  TlsBroker dev("", TlsBroker::Accounts::ShippedDev);
  REQUIRE(dev.made());
  CHECK(exists(dev.dir() + "/gatesim.mqtt"));
  CHECK(exists(dev.dir() + "/dev-m1119.mqtt"));
}

TEST_CASE("make-certs.sh --renew: new leaf certificates from the same CA, accepted, the expiry moved", "[security][live][renew]") {
  REQUIRE_TLS_PROGRAMS();
  setenv("GATETWIN_CERT_DAYS", "2", 1);
  TlsBroker broker;
  unsetenv("GATETWIN_CERT_DAYS");
  INFO(broker.make_output());
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  const std::string d = broker.dir() + "/";
  auto expires_within_30_days = [&](const std::string& crt) {
    int rc = -1;
    run_command("openssl x509 -checkend 2592000 -noout -in " + d + crt, &rc);
    return rc != 0;
  };
  CHECK(expires_within_30_days("broker.crt"));
  CHECK(expires_within_30_days("console-1.crt"));
  const std::string ca_before = read_text(d + "ca.crt"), broker_before = read_text(d + "broker.crt");
  int rc = -1;
  const std::string out =
      run_command("GATETWIN_CERT_DAYS=90 " + std::string(GATETWIN_SOURCE_DIR) + "/tools/setup/make-certs.sh --renew " + broker.dir() + " 2>&1", &rc);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_FALSE(expires_within_30_days("broker.crt"));
  CHECK_FALSE(expires_within_30_days("console-1.crt"));
  CHECK_FALSE(expires_within_30_days("gatetwin.crt"));
  CHECK(read_text(d + "broker.crt") != broker_before);
  CHECK(read_text(d + "ca.crt") == ca_before);  // the same CA: clients keep their trust store
  // Restarted on the renewed certificates: a console and the twin connect with theirs.
  broker.stop();
  REQUIRE(broker.start());
  run_command("mosquitto_pub -q 1 " + broker.client_flags("console-1") + " -t gatetwin/v1/m1119/command -m x 2>&1", &rc);
  INFO(broker.log());
  CHECK(rc == 0);
  TlsTwin twin(config_of(broker, "gatetwin"));
  CHECK(twin.link.wait_connected(10s));
}
