// `gatetwin command`. See command_cmd.h.
#include "runner/command_cmd.h"

#include "cli/flag_reader.h"
#include "connectors/codec/event_json.h"
#include "connectors/codec/log_text.h"
#include "connectors/codec/utc_time.h"
#include "connectors/mqtt/mqtt_client.h"
#include "twin/clock_text.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace runner {

namespace {

constexpr int kAccepted = 0, kRefused = 1, kNoAnswer = 2, kUsage = 3;

// A whole number >= 0 (a shipment, a server, a vehicle).
bool whole(const std::string& text, int64_t& out) {
  double d = 0;
  if (!cli::parse_number(text, d) || d < 0 || d > 9.0e15 || d != static_cast<double>(static_cast<int64_t>(d))) return false;
  out = static_cast<int64_t>(d);
  return true;
}

const char* kUsageText = R"(usage: gatetwin command --broker URL --site SITE [options] KIND [ARGUMENT]

Sends one operator command to the twin and prints its answer. Exit status: 0 accepted,
1 refused (the reason is printed), 2 no answer within --timeout-s, 3 a bad command line.

  KIND [ARGUMENT]      open_lane | close_lane | reverse_lane | reserve_lane_unmanned |
                       unreserve_lane LANE; hold_vehicle | release_vehicle |
                       force_inspection SHIPMENT; mark_failed | mark_restored EQUIPMENT
                       (checkpoint:ID:SERVER, lane_barrier:LANE or guide_vehicle:N);
                       prioritise_goods GOODS; clear_priority;
                       reroute_vehicle SHIPMENT LANE; close_crossing | reopen_crossing
  --at WHEN            an order for later, carried out when the twin's clock reaches it:
                       HH:MM[:SS] (the next such time at the gate, UTC+7) or RFC 3339
                       (2026-12-01T22:00:00+07:00); the answer says it was ordered
  --at-t-ms N          the same in run time (ms since the run's day 0, as gatesim's t_ms)
  --broker URL         tcp://host:port or ssl://host:port, as for the twin; URL1,URL2:
                       two brokers, the command is sent again after a move to the other
                       (same id: answered once)
  --mqtt-config FILE   user / password / TLS files, as for the twin (or the environment's
                       GATETWIN_MQTT_USER and GATETWIN_MQTT_PASSWORD); never on this line
  --site SITE          the site the command is for (m1119, m1088)
  --reason TEXT        why (recorded in the audit log with the command)
  --actor NAME         who asks (default: the broker user, else $USER)
  --role ROLE          viewer | operator | supervisor (default operator)
  --id ID              the command's id (default: a new random one); sending the same id
                       again gets the first answer again and changes nothing
  --timeout-s N        how long to wait for the answer (default 10)
)";

std::optional<nlohmann::json> command_body(const std::string& kind, const std::vector<std::string>& args, std::string& why) {
  nlohmann::json c;
  c["kind"] = kind;
  auto one = [&](const char* what) -> bool {
    if (args.size() != 1) { why = kind + " takes one " + what; return false; }
    return true;
  };
  if (kind == "open_lane" || kind == "close_lane" || kind == "reverse_lane" || kind == "reserve_lane_unmanned" ||
      kind == "unreserve_lane") {
    if (!one("lane (e.g. E2)")) return std::nullopt;
    c["lane"] = args[0];
  } else if (kind == "hold_vehicle" || kind == "release_vehicle" || kind == "force_inspection") {
    if (!one("shipment (its declaration number)")) return std::nullopt;
    int64_t n = 0;
    if (!whole(args[0], n)) { why = "the shipment is a declaration number, not \"" + args[0] + "\""; return std::nullopt; }
    c["shipment"] = n;
  } else if (kind == "mark_failed" || kind == "mark_restored") {
    if (!one("piece of equipment (checkpoint:ID:SERVER, lane_barrier:LANE or guide_vehicle:N)")) return std::nullopt;
    const std::string& a = args[0];
    nlohmann::json e;
    const size_t p = a.find(':');
    const std::string what = a.substr(0, p), rest = p == std::string::npos ? "" : a.substr(p + 1);
    int64_t n = 0;
    if (what == "checkpoint" && rest.find(':') != std::string::npos && whole(rest.substr(rest.find(':') + 1), n)) {
      e = {{"kind", "checkpoint"}, {"checkpoint", rest.substr(0, rest.find(':'))}, {"server", n}};
    } else if (what == "lane_barrier" && !rest.empty()) {
      e = {{"kind", "lane_barrier"}, {"lane", rest}};
    } else if (what == "guide_vehicle" && whole(rest, n)) {
      e = {{"kind", "guide_vehicle"}, {"vehicle", n}};
    } else {
      why = "equipment \"" + a + "\": write checkpoint:ID:SERVER, lane_barrier:LANE or guide_vehicle:N";
      return std::nullopt;
    }
    c["equipment"] = e;
  } else if (kind == "prioritise_goods") {
    if (!one("goods class (e.g. fruit)")) return std::nullopt;
    c["goods"] = args[0];
  } else if (kind == "clear_priority" || kind == "close_crossing" || kind == "reopen_crossing") {
    if (!args.empty()) { why = kind + " takes nothing"; return std::nullopt; }
  } else if (kind == "reroute_vehicle") {
    int64_t n = 0;
    if (args.size() != 2 || !whole(args[0], n)) { why = "reroute_vehicle takes a shipment (its declaration number) and a lane (e.g. 90001 E2)"; return std::nullopt; }
    c["shipment"] = n;
    c["lane"] = args[1];
  } else {
    why = "\"" + kind + "\" is not a command (see gatetwin command --help)";
    return std::nullopt;
  }
  return c;
}

// --at: HH:MM[:SS] at the gate (UTC+7), the next time it comes, or an RFC 3339 time;
// as the RFC 3339 text the twin takes ("at"). Empty when neither.
std::string due_time(const std::string& text, std::string& why) {
  if (auto t = connectors::parse_rfc3339_ms(text, &why)) return connectors::format_rfc3339_ms(*t);
  const auto hm = twin::parse_clock(text);
  if (!hm || *hm >= twin::kDay) {
    why = "--at \"" + text + "\": write HH:MM[:SS] (at the gate, UTC+7) or an RFC 3339 time (2026-12-01T22:00:00+07:00)";
    return {};
  }
  constexpr int64_t kGateOffsetMs = 7 * twin::kHour;
  const int64_t now_utc = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t local = now_utc + kGateOffsetMs;
  int64_t due_local = local - local % twin::kDay + *hm;
  if (due_local <= local) due_local += twin::kDay;
  return connectors::format_rfc3339_ms(due_local - kGateOffsetMs, 7 * 60);
}

std::string random_id() {
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 16; ++i) id += "0123456789abcdef"[rd() & 15];
  return id;
}

}  // namespace

int run_command_command(int argc, char** argv) {
  std::string broker, config, site, reason, actor, role = "operator", id, kind, at;
  int64_t timeout_s = 10, at_t_ms = -1;
  std::vector<std::string> args;
  auto bad = [](const std::string& why) {
    std::fprintf(stderr, "gatetwin command: %s\n", why.c_str());
    return kUsage;
  };
  for (int i = 2; i < argc; ++i) {
    const std::string f = argv[i];
    if (f == "--help" || f == "-h") {
      std::fputs(kUsageText, stdout);
      return 0;
    }
    if (f.rfind("--", 0) == 0) {
      if (f == "--user" || f == "--password")
        return bad(f + " is not a flag: credentials on a command line leak; use --mqtt-config FILE or GATETWIN_MQTT_USER / GATETWIN_MQTT_PASSWORD");
      if (i + 1 >= argc) return bad(f + " needs a value");
      const std::string v = argv[++i];
      if (f == "--broker") broker = v;
      else if (f == "--mqtt-config") config = v;
      else if (f == "--site") site = v;
      else if (f == "--reason") reason = v;
      else if (f == "--actor") actor = v;
      else if (f == "--role") role = v;
      else if (f == "--id") id = v;
      else if (f == "--at") { std::string why; at = due_time(v, why); if (at.empty()) return bad(why); }
      else if (f == "--at-t-ms") { if (!whole(v, at_t_ms)) return bad("--at-t-ms takes a run time in ms (>= 0)"); }
      else if (f == "--timeout-s") { if (!whole(v, timeout_s) || timeout_s < 1 || timeout_s > 3600) return bad("--timeout-s takes 1 to 3600"); }
      else return bad(f + " is not a flag of gatetwin command (see --help)");
      continue;
    }
    if (kind.empty()) kind = f;
    else args.push_back(f);
  }
  if (broker.empty()) return bad("needs --broker tcp://host:port");
  if (site.empty()) return bad("needs --site SITE (m1119, m1088)");
  if (kind.empty()) return bad("needs a command, e.g. close_lane E2 (see --help)");
  if (role != "viewer" && role != "operator" && role != "supervisor") return bad("--role is viewer, operator or supervisor");
  if (!at.empty() && at_t_ms >= 0) return bad("give --at or --at-t-ms, not both");
  std::string why;
  auto body = command_body(kind, args, why);
  if (!body) return bad(why);
  if (id.empty()) id = random_id();

  auto cfg = connectors::make_broker_config(broker, "gatetwin-command-" + random_id(), config, connectors::mqtt_environment());
  // The shipped broker binds client ids to accounts (NAME or NAME-<suffix>, docs/security.md).
  if (auto* c = std::get_if<connectors::BrokerConfig>(&cfg); c && !c->user.empty()) c->client_id = c->user + "-command-" + random_id();
  if (auto* err = std::get_if<connectors::BrokerConfigError>(&cfg)) return bad(err->message());
  connectors::BrokerConfig bc = std::get<connectors::BrokerConfig>(cfg);
  if (actor.empty()) actor = !bc.user.empty() ? bc.user : (std::getenv("USER") ? std::getenv("USER") : "");
  if (actor.empty()) return bad("needs --actor NAME (no broker user and no $USER to name who asks)");
  // A broker account publishes on the topic bound to it, as itself (docs/mqtt.md).
  const std::string src = bc.user.empty() ? "gatetwin-command" : bc.user + "/command";
  std::string topic = connectors::site_topic_prefix(site) + "command";
  if (!bc.user.empty()) topic = connectors::account_topic(topic, bc.user);

  nlohmann::json m;
  m["v"] = connectors::kSchemaVersion;
  m["src"] = src;
  m["id"] = id;
  m["actor"] = actor;
  m["role"] = role;
  m["reason"] = reason;
  m["command"] = *body;
  if (!at.empty()) m["at"] = at;
  if (at_t_ms >= 0) m["at_t_ms"] = at_t_ms;

  std::mutex mu;
  std::condition_variable cv;
  std::optional<nlohmann::json> answer;
  connectors::MqttClientOptions o;
  o.broker = bc;
  o.clean_session = true;
  o.subscriptions = {connectors::site_topic_prefix(site) + "twin/command_result"};
  connectors::MqttClient client(
      o,
      [&](const std::string&, const std::string& payload, const connectors::MqttClient::Delivery&) {
        nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
        if (!j.is_object() || j.value("command_id", std::string()) != id || j.value("command_src", std::string()) != src) return;
        std::lock_guard lock(mu);
        if (!answer) answer = std::move(j);
        cv.notify_all();
      },
      nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  client.start();
  if (!client.wait_connected(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()))) {
    std::fprintf(stderr, "gatetwin command: broker %s not reached within %lld s\n", broker.c_str(), static_cast<long long>(timeout_s));
    client.stop();
    return kNoAnswer;
  }
  client.publish(topic, m.dump(), 1, false, std::chrono::milliseconds(1000));
  std::unique_lock lock(mu);
  // With several brokers (--broker URL1,URL2), a move to another one sends the command
  // again (its id is the same: the twin answers it once, a repeat gets the first answer).
  uint64_t switches = 0;
  while (!answer && std::chrono::steady_clock::now() < deadline) {
    cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return answer.has_value(); });
    const uint64_t now_switches = client.stats().broker_switches;
    if (!answer && now_switches != switches && client.connected()) {
      switches = now_switches;
      lock.unlock();
      client.publish(topic, m.dump(), 1, false, std::chrono::milliseconds(1000));
      lock.lock();
    }
  }
  if (!answer) {
    lock.unlock();
    client.stop();
    std::fprintf(stderr, "gatetwin command: no answer to command %s within %lld s (is the twin running, with site %s?)\n", id.c_str(),
                 static_cast<long long>(timeout_s), site.c_str());
    return kNoAnswer;
  }
  const nlohmann::json a = *answer;
  lock.unlock();
  client.stop();
  const bool accepted = a.value("kind", std::string()) == "command_accepted";
  const std::string text = connectors::printable(a.value("text", std::string()));
  if (accepted) std::printf("accepted: %s (command %s)\n", text.c_str(), id.c_str());
  else if (a.contains("reason")) std::printf("refused (%s): %s (command %s)\n", a.value("reason", std::string()).c_str(), text.c_str(), id.c_str());
  else std::printf("refused: %s (command %s)\n", text.c_str(), id.c_str());
  return accepted ? kAccepted : kRefused;
}

}  // namespace runner
