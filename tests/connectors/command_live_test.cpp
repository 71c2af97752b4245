// Every command answered exactly once, against a real mosquitto and a real gatetwin: a
// console's command by id (no seq, no time), the same id again (the first answer again,
// applied once), commands the twin cannot read (not JSON, unknown lane, unknown kind, a
// missing field, a site the twin does not run: each refused on command_result with its
// reason and id), a role the core refuses, an old-style src/seq command sent twice, and
// `gatetwin command` (exit 0 accepted, 1 refused, 2 no answer, 3 bad line). The recording
// proves what reached the core: each command once. Waits on what the processes print and
// on the broker's log, never on a fixed sleep. Fails (naming the Debian package) without
// mosquitto, mosquitto_pub and mosquitto_sub.
#include "tests/support/child_process.h"
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "connectors/accounts/accounts.h"
#include "connectors/store/recording_reader.h"
#include "twin/identifiers.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;

namespace {

std::string sq(const std::string& s) { return "'" + s + "'"; }

// One answer seen on a command_result topic.
struct Answer {
  std::string topic;
  nlohmann::json body;
  std::string raw;
};

std::vector<Answer> answers_in(const std::string& sub_output) {
  std::vector<Answer> out;
  std::istringstream in(sub_output);
  std::string line;
  while (std::getline(in, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    Answer a{line.substr(0, space), nlohmann::json::parse(line.substr(space + 1), nullptr, false), line.substr(space + 1)};
    if (a.body.is_object()) out.push_back(std::move(a));
  }
  return out;
}

std::vector<Answer> answers_to(const std::vector<Answer>& all, const std::string& id) {
  std::vector<Answer> out;
  for (const Answer& a : all)
    if (a.body.value("command_id", std::string()) == id) out.push_back(a);
  return out;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
  const auto until = std::chrono::steady_clock::now() + timeout;  // guards a hang only
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// A headless gatetwin on the broker (client id `id`, extra flags after the common ones),
// started and connected.
void start_twin(ChildProcess& twin, const MosquittoFixture& broker, const std::string& id, std::vector<std::string> extra) {
  std::vector<std::string> args = {"gatetwin", "--headless", "--quiet", "--broker", broker.uri(), "--client-id", id, "--run-for", "90"};
  args.insert(args.end(), extra.begin(), extra.end());
  REQUIRE(twin.start(testsupport::gatetwin_path(), args, broker.dir() + "/twin.out"));
  const bool ready = twin.wait_for_output("mqtt: connected to " + broker.uri() + " as " + id + "\n", 30s);
  INFO(twin.output());
  REQUIRE(ready);
}

// A mosquitto_sub that prints every command_result it sees (topic and payload), subscribed.
void watch_answers(ChildProcess& sub, const MosquittoFixture& broker) {
  REQUIRE(sub.start("/usr/bin/mosquitto_sub", {"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-i",
                                               "answers", "-q", "1", "-v", "-t", "gatetwin/v1/+/twin/command_result"},
                    broker.dir() + "/answers.out"));
  REQUIRE(broker.wait_for_subscription("answers", "gatetwin/v1/+/twin/command_result"));
}

}  // namespace

TEST_CASE("every command gets exactly one answer; a retry gets the first answer and changes nothing", "[mqtt][commands]") {
  REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub", "mosquitto_sub");
  MosquittoFixture broker;
  REQUIRE(broker.start());
  const std::string db = broker.dir() + "/commands.db";
  const std::string gatetwin = testsupport::gatetwin_path();
  // Six commands reach the core in this test; the twin ends after applying the sixth.
  ChildProcess twin;
  start_twin(twin, broker, "cmd-twin", {"--until-applied", "6", "--record", db});
  ChildProcess sub;
  watch_answers(sub, broker);

  const std::string pub = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) + " -q 1 ";
  auto send = [&](const std::string& site, const std::string& payload) {
    int rc = -1;
    run_command(pub + "-t gatetwin/v1/" + site + "/command -m " + sq(payload), &rc);
    REQUIRE(rc == 0);
  };
  auto answers = [&] { return answers_in(sub.output()); };
  auto answered = [&](const std::string& id, size_t n) { return wait_until([&] { return answers_to(answers(), id).size() >= n; }); };

  // 1. A command named by its id: no seq, no time. Accepted; sent again, the same answer.
  const std::string close_e2 = R"({"v":1,"src":"ops-console-1","id":"c-1","actor":"nguyen.van.a","role":"supervisor",)"
                               R"("reason":"barrier maintenance","command":{"kind":"close_lane","lane":"E2"}})";
  send("m1119", close_e2);
  REQUIRE(answered("c-1", 1));
  send("m1119", close_e2);
  REQUIRE(answered("c-1", 2));
  {
    auto c1 = answers_to(answers(), "c-1");
    CHECK(c1[0].topic == "gatetwin/v1/m1119/twin/command_result");
    CHECK(c1[0].body.value("kind", "") == "command_accepted");
    CHECK(c1[0].body.value("command_src", "") == "ops-console-1");
    CHECK(c1[1].raw == c1[0].raw);  // the first answer again, not a second application
  }

  // 2. Commands the twin cannot read: each refused with its reason, named by its id.
  auto bad = [&](const std::string& site, const std::string& id, const std::string& payload, const std::string& reason) {
    send(site, payload);
    REQUIRE(answered(id, 1));
    const Answer a = answers_to(answers(), id).front();
    INFO(a.raw);
    CHECK(a.topic == "gatetwin/v1/" + site + "/twin/command_result");
    CHECK(a.body.value("kind", "") == "command_refused");
    CHECK(a.body.value("reason", "") == reason);
    CHECK(!a.body.value("text", std::string()).empty());
  };
  bad("m1119", "c-2", R"({"v":1,"src":"ops-console-1","id":"c-2","actor":"a","role":"supervisor","reason":"r","command":{"kind":"close_lane","lane":"E9"}})",
      "unknown_entity");
  bad("m1119", "c-3", R"({"v":1,"src":"ops-console-1","id":"c-3","actor":"a","role":"supervisor","reason":"r","command":{"kind":"open_everything"}})",
      "bad_value");
  bad("m1119", "c-4", R"({"v":1,"src":"ops-console-1","id":"c-4","actor":"a","role":"supervisor","reason":"r"})", "missing_field");
  bad("m9999", "c-5", R"({"v":1,"src":"ops-console-1","id":"c-5","actor":"a","role":"supervisor","reason":"r","command":{"kind":"clear_priority"}})",
      "unknown_site");
  // Not JSON: no id can be read, the answer still comes, on the site's topic.
  const size_t before = answers().size();
  send("m1088", "{not json");
  REQUIRE(wait_until([&] { return answers().size() > before; }));
  {
    const Answer a = answers().back();
    CHECK(a.topic == "gatetwin/v1/m1088/twin/command_result");
    CHECK(a.body.value("reason", "") == "malformed_json");
    CHECK_FALSE(a.body.contains("command_id"));
  }

  // 3. A role the core refuses: its answer comes from the core, with the id.
  send("m1119", R"({"v":1,"src":"ops-console-2","id":"c-6","actor":"le.thi.c","role":"viewer","reason":"r","command":{"kind":"close_lane","lane":"E3"}})");
  REQUIRE(answered("c-6", 1));
  CHECK(answers_to(answers(), "c-6").front().body.value("kind", "") == "command_refused");
  CHECK_THAT(answers_to(answers(), "c-6").front().body.value("text", ""), Catch::Contains("viewer"));

  // 4. An old-style command (src and seq, no id) sent twice: named "seq-7", answered twice alike.
  const std::string old_style = R"({"v":1,"src":"ops-console-3","seq":7,"t_ms":0,"actor":"a","role":"supervisor","reason":"r",)"
                                R"("command":{"kind":"prioritise_goods","goods":"fruit"}})";
  send("m1119", old_style);
  REQUIRE(answered("seq-7", 1));
  send("m1119", old_style);
  REQUIRE(answered("seq-7", 2));
  CHECK(answers_to(answers(), "seq-7")[1].raw == answers_to(answers(), "seq-7")[0].raw);

  // 5. gatetwin command: accepted (0), refused (1), a bad line (3).
  const std::string cli = gatetwin + " command --broker " + broker.uri() + " --site m1119 --actor tran.van.d ";
  int rc = -1;
  std::string said = run_command(cli + "--role supervisor --reason 'repaired' open_lane E2 2>&1", &rc);
  INFO(said);
  CHECK(rc == 0);
  CHECK_THAT(said, Catch::StartsWith("accepted: "));
  said = run_command(cli + "--role viewer --reason 'try' close_lane E1 2>&1", &rc);
  INFO(said);
  CHECK(rc == 1);
  CHECK_THAT(said, Catch::StartsWith("refused"));
  said = run_command(cli + "--role supervisor close_lane 2>&1", &rc);
  CHECK(rc == 3);
  CHECK_THAT(said, Catch::Contains("takes one lane"));
  said = run_command(cli + "--user x close_lane E1 2>&1", &rc);
  CHECK(rc == 3);

  // The sixth command to reach the core: the twin ends.
  send("m1119", R"({"v":1,"src":"ops-console-1","id":"c-7","actor":"a","role":"supervisor","reason":"r","command":{"kind":"clear_priority"}})");
  const bool ended = twin.wait_exit(60s);
  INFO(twin.output());
  REQUIRE(ended);
  REQUIRE(twin.exit_code() == 0);

  // No twin: no answer within the stated time (2).
  said = run_command(cli + "--role supervisor --timeout-s 2 open_lane E1 2>&1", &rc);
  INFO(said);
  CHECK(rc == 2);
  CHECK_THAT(said, Catch::Contains("no answer"));

  // What reached the core: each command once (the retries and the unreadable ones never).
  auto rd = connectors::RecordingReader::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<connectors::RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<connectors::RecordingReader>>(rd);
  auto sessions = std::get<std::vector<connectors::Session>>(reader->sessions());
  REQUIRE(sessions.size() == 1);
  auto cmds = std::get<std::vector<twin::CommandRecord>>(reader->read_commands(sessions[0].id));
  std::map<std::string, int> by_actor;
  for (const auto& c : cmds) by_actor[c.actor]++;
  CHECK(cmds.size() == 6);
  CHECK(by_actor["nguyen.van.a"] == 1);  // c-1, sent twice
  CHECK(by_actor["le.thi.c"] == 1);
  CHECK(by_actor["a"] == 2);             // seq-7 (sent twice) and c-7
  CHECK(by_actor["tran.van.d"] == 2);
}

TEST_CASE("with --command-accounts a command's actor and role are its broker account's; a forged one is refused", "[mqtt][commands][security]") {
  REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub", "mosquitto_sub");
  MosquittoFixture broker;
  REQUIRE(broker.start());
  // The accounts that may command, each with its role (the passwords are not used here:
  // the broker's login is the identity; its ACL lets an account publish only on
  // .../command/<itself>, tools/setup/make-certs.sh, tested in test_field_feeds).
  const std::string accounts = broker.dir() + "/command-accounts.json";
  {
    const connectors::ScryptCost cheap{1024, 8, 1};
    std::ofstream(accounts) << R"({"format": "gatetwin-accounts/2", "accounts": [)"
                            << connectors::Accounts::make_entry_json("nguyen.van.a", twin::Role::Supervisor, "pass-one-x", "aa", cheap) << ","
                            << connectors::Accounts::make_entry_json("le.thi.c", twin::Role::Operator, "pass-two-x", "bb", cheap) << "]}";
  }
  const std::string db = broker.dir() + "/identity.db";
  ChildProcess twin;
  // Six commands reach the core: the two honest ones, and the four forged ones, which the
  // core refuses and records (the audit trail keeps forgeries, by their real account).
  start_twin(twin, broker, "id-twin", {"--until-applied", "6", "--record", db, "--command-accounts", accounts});
  ChildProcess sub;
  watch_answers(sub, broker);
  const std::string pub = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) + " -q 1 ";
  auto send = [&](const std::string& topic, const std::string& src, const std::string& id, const std::string& actor, const std::string& role) {
    int rc = -1;
    run_command(pub + "-t " + topic + " -m " +
                    sq(R"({"v":1,"src":")" + src + R"(","id":")" + id + R"(","actor":")" + actor + R"(","role":")" + role +
                       R"(","reason":"r","command":{"kind":"close_lane","lane":"E2"}})"),
                &rc);
    REQUIRE(rc == 0);
  };
  auto answer = [&](const std::string& id) {
    REQUIRE(wait_until([&] { return !answers_to(answers_in(sub.output()), id).empty(); }));
    return answers_to(answers_in(sub.output()), id).front();
  };
  const std::string bound = "gatetwin/v1/m1119/command/";
  send(bound + "nguyen.van.a", "nguyen.van.a", "i-1", "nguyen.van.a", "supervisor");  // itself: taken
  CHECK(answer("i-1").body.value("kind", "") == "command_accepted");
  send(bound + "nguyen.van.a", "nguyen.van.a", "i-2", "tran.van.d", "supervisor");    // another actor
  CHECK(answer("i-2").body.value("reason", "") == "forged_identity");
  CHECK_THAT(answer("i-2").body.value("text", ""), Catch::Contains("an account commands as itself only"));
  send(bound + "le.thi.c", "le.thi.c", "i-3", "le.thi.c", "supervisor");              // a role above its own
  CHECK(answer("i-3").body.value("reason", "") == "forged_identity");
  CHECK_THAT(answer("i-3").body.value("text", ""), Catch::Contains("le.thi.c\" is operator"));
  send("gatetwin/v1/m1119/command", "ops-console-1", "i-4", "nguyen.van.a", "supervisor");  // no account at all
  CHECK(answer("i-4").body.value("reason", "") == "forged_identity");
  send(bound + "mallory", "mallory", "i-5", "mallory", "supervisor");                 // not in the file
  CHECK(answer("i-5").body.value("reason", "") == "forged_identity");
  send(bound + "le.thi.c", "le.thi.c", "i-6", "le.thi.c", "operator");               // itself: taken (the core decides)
  REQUIRE(answer("i-6").body.contains("kind"));
  const bool ended = twin.wait_exit(60s);
  INFO(twin.output());
  REQUIRE(ended);
  CHECK_THAT(twin.output(), Catch::Contains("forged_identity"));  // logged
  // Every command is in the recording's audit trail: the honest ones with their verdicts,
  // the forged ones refused, under the broker account that really sent them, with what
  // they claimed. One answer each all the same (the core's refusal names no id).
  for (const char* id : {"i-2", "i-3", "i-4", "i-5"}) CHECK(answers_to(answers_in(sub.output()), id).size() == 1);
  auto rd = connectors::RecordingReader::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<connectors::RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<connectors::RecordingReader>>(rd);
  auto sessions = std::get<std::vector<connectors::Session>>(reader->sessions());
  auto cmds = std::get<std::vector<twin::CommandRecord>>(reader->read_commands(sessions.at(0).id));
  REQUIRE(cmds.size() == 6);
  CHECK(cmds[0].actor == "nguyen.van.a");
  CHECK(cmds[0].accepted);
  auto forged = [&](size_t i, const std::string& actor, twin::Role role, const std::string& says) {
    INFO("row " << i << ": " << cmds[i].actor << " " << cmds[i].outcome);
    CHECK(cmds[i].actor == actor);
    CHECK(cmds[i].role == role);
    CHECK_FALSE(cmds[i].accepted);
    CHECK_THAT(cmds[i].outcome, Catch::StartsWith("forged identity: "));
    CHECK_THAT(cmds[i].outcome, Catch::Contains(says));
  };
  forged(1, "nguyen.van.a", twin::Role::Supervisor, "it claimed actor \"tran.van.d\", role supervisor");
  forged(2, "le.thi.c", twin::Role::Operator, "claims role supervisor; account \"le.thi.c\" is operator");
  forged(3, "(no broker account)", twin::Role::Viewer, "it claimed actor \"nguyen.van.a\"");
  forged(4, "mallory", twin::Role::Viewer, "not in --command-accounts");
  CHECK(cmds[5].actor == "le.thi.c");
  CHECK(cmds[5].outcome == "the lane is already closed");  // honest, so the core's own rules decide
  // The chain over all six is intact.
  int rc = -1;
  const std::string verified = run_command(testsupport::gatetwin_path() + " audit verify " + db + " 2>&1", &rc);
  INFO(verified);
  CHECK(rc == 0);
  CHECK_THAT(verified, Catch::StartsWith("intact") && Catch::Contains("6 commands, 6 chained"));
}

// Issue 15's re-route, crossing and orders for later, end to end: the payloads of
// docs/mqtt.md "Re-route, the crossing, orders for later" sent with mosquitto_pub to a real
// gatetwin, and `gatetwin command --at-t-ms` / `--at HH:MM`. Three export trucks make a
// queue (E3 closed: one crossing on each of E1 and E2, the third queued), the third is
// re-routed; the crossing is closed (a truck that finishes does not free a lane for the
// next) and reopened; an order for later is carried out when a clock tick reaches it.
TEST_CASE("reroute_vehicle, close_crossing / reopen_crossing and orders for later over MQTT", "[mqtt][commands]") {
  REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub", "mosquitto_sub");
  MosquittoFixture broker;
  REQUIRE(broker.start());
  const std::string db = broker.dir() + "/routes.db";
  // 15 truck events, 2 more events and 8 commands reach the core.
  ChildProcess twin;
  start_twin(twin, broker, "route-twin", {"--until-applied", "25", "--record", db});
  ChildProcess sub;
  watch_answers(sub, broker);
  const std::string pub = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) + " -q 1 ";
  auto publish = [&](const std::string& topic, const std::string& payload) {
    int rc = -1;
    run_command(pub + "-t " + topic + " -m " + sq(payload), &rc);
    REQUIRE(rc == 0);
  };
  auto answer = [&](const std::string& id) {
    REQUIRE(wait_until([&] { return !answers_to(answers_in(sub.output()), id).empty(); }));
    return answers_to(answers_in(sub.output()), id).front().body;
  };
  const std::string site = "gatetwin/v1/m1119/";
  uint64_t seq = 0;
  int64_t t_ms = 30000000;
  auto event = [&](const std::string& name, const std::string& fields) {
    publish(site + "event/" + name, R"({"v":1,"src":"field","seq":)" + std::to_string(++seq) + R"(,"t_ms":)" +
                                        std::to_string(t_ms += 1000) + (fields.empty() ? "" : ",") + fields + "}");
  };
  auto command = [&](const std::string& id, const std::string& role, const std::string& body, const std::string& extra = "") {
    publish(site + "command", R"({"v":1,"src":"ops-console-1","id":")" + id + R"(","actor":"nguyen.van.a","role":")" + role +
                                  R"(","reason":"test")" + extra + R"(,"command":)" + body + "}");
  };

  command("r-1", "operator", R"({"kind":"close_lane","lane":"E3"})");
  CHECK(answer("r-1").value("kind", "") == "command_accepted");
  for (uint32_t id : {90011u, 90012u, 90013u}) {
    const std::string s = std::to_string(id), c = twin::make_container_number("GTW", 'U', id * 10), plate = "12C-" + s;
    event("declaration", R"("shipment":)" + s + R"(,"direction":"export","goods":"electronics","reefer":false,"unmanned_eligible":false,"plate":")" +
                             plate + R"(","container":")" + c + "\"");
    event("partner_declaration", R"("shipment":)" + s + R"(,"goods":"electronics","plate":")" + plate + R"(","container":")" + c + "\"");
    event("vehicle_arrived", R"("direction":"export","plate":")" + plate + R"(","container":")" + c + "\"");
    event("step_completed", R"("shipment":)" + s + R"(,"checkpoint":"gate-in","channel":"none","passed":true)");
    event("step_completed", R"("shipment":)" + s + R"(,"checkpoint":"scanner","channel":"green","passed":true)");
  }
  // The payload of docs/mqtt.md: 90013 waits behind 90011 on E1; E2's queue is shorter.
  publish(site + "command", R"({"v":1,"src":"ops-console-1","id":"7f3a-0010","actor":"nguyen.van.a","role":"operator","reason":"E1 barrier slow","command":{"kind":"reroute_vehicle","shipment":90013,"lane":"E2"}})");
  {
    const auto a = answer("7f3a-0010");
    INFO(a.dump());
    CHECK(a.value("kind", "") == "command_accepted");
    CHECK(a.value("text", "") == "shipment 90013 re-routed to E2");
  }
  command("r-2", "operator", R"({"kind":"reroute_vehicle","shipment":90013,"lane":"E3"})");
  CHECK(answer("r-2").value("text", "") == "E3 is closed");
  command("r-3", "operator", R"({"kind":"reroute_vehicle","shipment":90013,"lane":"E9"})");
  CHECK(answer("r-3").value("reason", "") == "unknown_entity");  // never reaches the core
  // The crossing: an operator may not close it; a supervisor does (docs/mqtt.md's payload).
  command("r-4", "operator", R"({"kind":"close_crossing"})");
  CHECK_THAT(answer("r-4").value("text", ""), Catch::Contains("only a supervisor"));
  publish(site + "command", R"({"v":1,"src":"ops-console-1","id":"7f3a-0011","actor":"nguyen.van.a","role":"supervisor","reason":"Youyi Guan closed: partner notice 2026-12-01","command":{"kind":"close_crossing"}})");
  CHECK_THAT(answer("7f3a-0011").value("text", ""), Catch::StartsWith("closed the crossing of m1119"));
  event("handover_completed", R"("shipment":90011)");  // E1 is free, but nothing starts across
  publish(site + "command", R"({"v":1,"src":"ops-console-1","id":"7f3a-0012","actor":"nguyen.van.a","role":"supervisor","reason":"partner open again","command":{"kind":"reopen_crossing"}})");
  CHECK(answer("7f3a-0012").value("text", "") == "reopened the crossing of m1119");

  // Orders for later: from `gatetwin command`, in run time and at the gate's clock.
  const std::string cli = testsupport::gatetwin_path() + " command --broker " + broker.uri() + " --site m1119 --actor nguyen.van.a ";
  int rc = -1;
  std::string said = run_command(cli + "--role supervisor --reason 'tidal: E1 to import at night' --at-t-ms 30100000 close_lane E1 2>&1", &rc);
  INFO(said);
  CHECK(rc == 0);
  CHECK_THAT(said, Catch::StartsWith("accepted: ordered close_lane for d0 08:21:40"));
  said = run_command(cli + "--role supervisor --reason 'night shift' --at 22:00 close_lane E2 2>&1", &rc);
  INFO(said);
  CHECK(rc == 0);
  CHECK_THAT(said, Catch::Contains("ordered close_lane for d") && Catch::Contains(" 22:00:00"));
  said = run_command(cli + "--at 25:00 close_lane E2 2>&1", &rc);
  CHECK(rc == 3);
  // The clock reaches 08:21:40: the order is carried out, answered on command_result.
  t_ms = 30100000 - 1000;
  event("clock_tick", "");
  const bool ended = twin.wait_exit(60s);
  INFO(twin.output());
  REQUIRE(ended);
  REQUIRE(twin.exit_code() == 0);
  bool carried_out = false;
  for (const Answer& a : answers_in(sub.output()))
    carried_out |= a.body.value("text", "") == "as ordered for d0 08:21:40: closed E1";
  CHECK(carried_out);
  // The audit trail: every command that reached the core, the orders as ordered.
  auto rd = connectors::RecordingReader::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<connectors::RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<connectors::RecordingReader>>(rd);
  auto sessions = std::get<std::vector<connectors::Session>>(reader->sessions());
  auto cmds = std::get<std::vector<twin::CommandRecord>>(reader->read_commands(sessions.at(0).id));
  CHECK(cmds.size() == 8);
  said = run_command(testsupport::gatetwin_path() + " audit verify " + db + " 2>&1", &rc);
  INFO(said);
  CHECK(rc == 0);
}
