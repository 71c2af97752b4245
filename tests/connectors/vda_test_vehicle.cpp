// A VDA 5050 2.x vehicle for the live tests (test_vda5050_live), written from the
// specification, not from the twin's code: it links libmosquitto and nlohmann::json only.
// It connects with its last will (connection CONNECTIONBROKEN, retained), says ONLINE
// (retained), takes orders (a new orderId from where it stands; an update only from the
// stitching node, the last released node of the order it has), drives the released edges
// one after the other (--edge-s seconds each), runs the node actions pick / drop (--action-s
// seconds each, RUNNING then FINISHED), obeys instantActions startPause / stopPause /
// cancelOrder, and reports state at 1 Hz and on every change, visualization at 10 Hz.
// --reject: refuses every order with an orderError (WARNING, referencing the orderId);
// --reject-updates: takes a new order but refuses its updates with an orderUpdateError.
// It prints one line per thing it does ("order o-1 accepted", "edge e-3 started",
// "node n-4 reached", "action a finished", "order o-1 done"), for the test to wait on.
#include <mosquitto.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string opt(int argc, char** argv, const std::string& name, const std::string& def) {
  for (int i = 1; i + 1 < argc; ++i)
    if (name == argv[i]) return argv[i + 1];
  return def;
}
bool flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i)
    if (name == argv[i]) return true;
  return false;
}

std::string now_iso() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const time_t s = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  gmtime_r(&s, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::mutex inbox_mu;
std::deque<std::pair<std::string, std::string>> inbox;
volatile std::sig_atomic_t stop_flag = 0;

void on_message(mosquitto*, void*, const mosquitto_message* m) {
  std::lock_guard<std::mutex> lock(inbox_mu);
  inbox.push_back({m->topic, std::string(static_cast<const char*>(m->payload), static_cast<size_t>(m->payloadlen))});
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

struct Node { std::string id; int64_t seq = 0; bool released = false; double x = 0, y = 0; json actions; };
struct Edge { std::string id; int64_t seq = 0; bool released = false; std::string start, end; };
struct ActionState { std::string type; std::string status; Clock::time_point done_at; };

}  // namespace

int main(int argc, char** argv) {
  const int port = std::atoi(opt(argc, argv, "--port", "1883").c_str());
  const std::string iface = opt(argc, argv, "--interface", "uagv"), manufacturer = opt(argc, argv, "--manufacturer", "GateFleet");
  const std::string serial = opt(argc, argv, "--serial", "GV-1"), map_id = opt(argc, argv, "--map", "map");
  const double edge_s = std::atof(opt(argc, argv, "--edge-s", "0.25").c_str());
  const double action_s = std::atof(opt(argc, argv, "--action-s", "0.3").c_str());
  const bool reject = flag(argc, argv, "--reject"), reject_updates = flag(argc, argv, "--reject-updates");
  const std::string base = iface + "/v2/" + manufacturer + "/" + serial + "/";
  std::signal(SIGTERM, [](int) { stop_flag = 1; });

  mosquitto_lib_init();
  mosquitto* m = mosquitto_new((manufacturer + "-" + serial).c_str(), true, nullptr);
  int64_t conn_header = 0, state_header = 0, vis_header = 0;
  auto header = [&](int64_t& h) {
    return json{{"headerId", h++}, {"timestamp", now_iso()}, {"version", "2.0.0"}, {"manufacturer", manufacturer}, {"serialNumber", serial}};
  };
  json will = header(conn_header);
  will["connectionState"] = "CONNECTIONBROKEN";
  const std::string will_text = will.dump();
  mosquitto_will_set(m, (base + "connection").c_str(), static_cast<int>(will_text.size()), will_text.data(), 1, true);
  mosquitto_message_callback_set(m, on_message);
  if (mosquitto_connect(m, "127.0.0.1", port, 5) != MOSQ_ERR_SUCCESS) { say("cannot connect"); return 1; }
  mosquitto_subscribe(m, nullptr, (base + "order").c_str(), 1);
  mosquitto_subscribe(m, nullptr, (base + "instantActions").c_str(), 1);
  mosquitto_loop_start(m);
  auto publish = [&](const std::string& leaf, const json& j, bool retain = false) {
    const std::string t = j.dump();
    mosquitto_publish(m, nullptr, (base + leaf).c_str(), static_cast<int>(t.size()), t.data(), leaf == "visualization" ? 0 : 1, retain);
  };
  json online = header(conn_header);
  online["connectionState"] = "ONLINE";
  publish("connection", online, true);
  say("online");

  std::string order_id, last_node_id;
  int64_t order_update_id = 0, last_node_seq = 0;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::map<std::string, ActionState> actions;
  std::vector<json> errors;
  double x = 0, y = 0, theta = 0;
  bool have_pose = false, driving = false, paused = false, order_done = true;
  int64_t current_seq = -1;  // the edge being driven (-1: none)
  auto edge_by = [&](int64_t seq) -> const Edge* {
    for (const Edge& e : edges)
      if (e.seq == seq) return &e;
    return nullptr;
  };
  Clock::time_point edge_started;
  double from_x = 0, from_y = 0;

  auto node_by = [&](const std::string& id, int64_t seq) -> Node* {
    for (Node& n : nodes)
      if (n.id == id && n.seq == seq) return &n;
    return nullptr;
  };
  auto state = [&] {
    json s = header(state_header);
    json ns = json::array(), es = json::array(), as = json::array();
    for (const Node& n : nodes)
      if (n.seq > last_node_seq) ns.push_back({{"nodeId", n.id}, {"sequenceId", n.seq}, {"released", n.released}});
    for (const Edge& e : edges)
      if (e.seq > last_node_seq) es.push_back({{"edgeId", e.id}, {"sequenceId", e.seq}, {"released", e.released}});
    for (auto& [id, a] : actions) as.push_back({{"actionId", id}, {"actionType", a.type}, {"actionStatus", a.status}});
    s.update({{"orderId", order_id}, {"orderUpdateId", order_update_id}, {"lastNodeId", last_node_id},
              {"lastNodeSequenceId", last_node_seq}, {"nodeStates", ns}, {"edgeStates", es}, {"driving", driving},
              {"paused", paused}, {"actionStates", as}, {"batteryState", {{"batteryCharge", 87.5}, {"charging", false}}},
              {"operatingMode", "AUTOMATIC"}, {"errors", errors}, {"safetyState", {{"eStop", "NONE"}, {"fieldViolation", false}}}});
    if (have_pose) s["agvPosition"] = {{"x", x}, {"y", y}, {"theta", theta}, {"mapId", map_id}, {"positionInitialized", true}};
    publish("state", s);
  };
  auto start_actions = [&](const Node& n) {
    for (const json& a : n.actions) {
      actions[a["actionId"].get<std::string>()] = {a["actionType"].get<std::string>(), "RUNNING",
                                                  Clock::now() + std::chrono::milliseconds(static_cast<int>(action_s * 1000))};
      say("action " + a["actionId"].get<std::string>() + " started");
    }
  };
  auto refuse = [&](const std::string& type, const std::string& oid, const std::string& why) {
    errors.push_back({{"errorType", type}, {"errorLevel", "WARNING"}, {"errorDescription", why},
                      {"errorReferences", {{{"referenceKey", "orderId"}, {"referenceValue", oid}}}}});
    say(type + " " + oid + ": " + why);
  };
  auto take_order = [&](const json& o) {
    const std::string oid = o["orderId"].get<std::string>();
    const int64_t uid = o["orderUpdateId"].get<int64_t>();
    if (reject) return refuse("orderError", oid, "this vehicle refuses orders (--reject)");
    if (o["nodes"].empty()) return refuse("validationError", oid, "no nodes");
    const json& first = o["nodes"][0];
    if (oid == order_id) {
      if (uid == order_update_id) return;  // the same update again
      if (reject_updates) return refuse("orderUpdateError", oid, "this vehicle refuses order updates (--reject-updates)");
      if (uid < order_update_id) return refuse("orderUpdateError", oid, "orderUpdateId went back");
      // The stitching node: the last released node of the order it has.
      const Node* last_base = nullptr;
      for (const Node& n : nodes)
        if (n.released && (!last_base || n.seq > last_base->seq)) last_base = &n;
      if (!last_base || first["nodeId"] != last_base->id || first["sequenceId"] != last_base->seq)
        return refuse("orderUpdateError", oid, "the update does not start at the stitching node");
    } else {
      if (!order_done) return refuse("orderError", oid, "a new order while the current one runs");
      if (!last_node_id.empty() && first["nodeId"] != last_node_id) return refuse("orderError", oid, "the order does not start where the vehicle is");
      nodes.clear();
      edges.clear();
      actions.clear();
      errors.clear();
      order_id = oid;
    }
    order_update_id = uid;
    // Keep what was traversed; replace the rest with the update (base + horizon).
    std::vector<Node> kept;
    for (const Node& n : nodes)
      if (n.seq < first["sequenceId"].get<int64_t>()) kept.push_back(n);
    nodes = kept;
    std::vector<Edge> kept_e;
    for (const Edge& e : edges)
      if (e.seq < first["sequenceId"].get<int64_t>()) kept_e.push_back(e);
    edges = kept_e;
    for (const json& n : o["nodes"])
      nodes.push_back({n["nodeId"], n["sequenceId"], n["released"], n["nodePosition"]["x"], n["nodePosition"]["y"], n["actions"]});
    for (const json& e : o["edges"]) edges.push_back({e["edgeId"], e["sequenceId"], e["released"], e["startNodeId"], e["endNodeId"]});
    order_done = false;
    say("order " + oid + " update " + std::to_string(uid) + " accepted");
    if (last_node_id.empty() || uid == 0) {  // on the first node now
      const Node& n0 = nodes.front();
      last_node_id = n0.id;
      last_node_seq = n0.seq;
      x = n0.x, y = n0.y, have_pose = true;
      start_actions(n0);
    }
  };

  auto next_state = Clock::now(), next_vis = Clock::now();
  while (!stop_flag) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    bool changed = false;
    std::deque<std::pair<std::string, std::string>> in;
    {
      std::lock_guard<std::mutex> lock(inbox_mu);
      in.swap(inbox);
    }
    for (auto& [topic, payload] : in) {
      json j = json::parse(payload, nullptr, false);
      if (j.is_discarded()) continue;
      changed = true;
      if (topic == base + "order") take_order(j);
      else
        for (const json& a : j["actions"]) {
          const std::string type = a["actionType"];
          say("instant action " + type);
          if (type == "startPause") paused = true;
          if (type == "stopPause") paused = false;
          if (type == "cancelOrder") {
            nodes.clear(), edges.clear(), current_seq = -1, driving = false, order_done = true;
          }
          actions[a["actionId"].get<std::string>()] = {type, "FINISHED", Clock::now()};
        }
    }
    const auto now = Clock::now();
    bool busy = false;
    for (auto& [id, a] : actions)
      if (a.status == "RUNNING") {
        if (now >= a.done_at) {
          a.status = "FINISHED";
          say("action " + id + " finished");
          changed = true;
        } else {
          busy = true;
        }
      }
    if (current_seq < 0 && !busy && !paused && !order_done) {
      for (const Edge& e : edges)
        if (e.seq == last_node_seq + 1 && e.released) {
          current_seq = e.seq;
          edge_started = now;
          from_x = x, from_y = y;
          driving = true;
          changed = true;
          say("edge " + e.id + " started");
          break;
        }
    }
    const Edge* current = current_seq >= 0 ? edge_by(current_seq) : nullptr;
    if (current_seq >= 0 && !current) current_seq = -1;
    if (current && !paused) {
      const Node* to = node_by(current->end, current->seq + 1);
      const double t = std::min(1.0, std::chrono::duration<double>(now - edge_started).count() / edge_s);
      if (to) {
        x = from_x + t * (to->x - from_x), y = from_y + t * (to->y - from_y);
        theta = std::atan2(to->y - from_y, to->x - from_x);
      }
      if (t >= 1.0 && to) {
        last_node_id = to->id;
        last_node_seq = to->seq;
        current_seq = -1;
        driving = false;
        changed = true;
        say("node " + to->id + " reached");
        start_actions(*to);
      }
    } else if (current && paused) {
      edge_started += std::chrono::milliseconds(10);  // the clock of the edge stops
    }
    if (!order_done && current_seq < 0 && !busy) {
      bool more = false;
      for (const Node& n : nodes)
        if (n.seq > last_node_seq) more = true;
      bool running = false;
      for (auto& [id, a] : actions)
        if (a.status != "FINISHED" && a.status != "FAILED") running = true;
      if (!more && !running) {
        order_done = true;
        say("order " + order_id + " done");
      }
    }
    if (changed || now >= next_state) {
      state();
      next_state = now + std::chrono::seconds(1);
    }
    if (now >= next_vis) {
      json v = header(vis_header);
      if (have_pose) v["agvPosition"] = {{"x", x}, {"y", y}, {"theta", theta}, {"mapId", map_id}, {"positionInitialized", true}};
      v["velocity"] = {{"vx", driving ? 6.9 : 0.0}, {"vy", 0.0}, {"omega", 0.0}};
      publish("visualization", v);
      next_vis = now + std::chrono::milliseconds(100);
    }
  }
  json off = header(conn_header);
  off["connectionState"] = "OFFLINE";
  publish("connection", off, true);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
  mosquitto_lib_cleanup();
  return 0;
}
