// gatesim's guide vehicles as VDA 5050 vehicles. See sim_fleet.h.
#include "connectors/vda5050/sim_fleet.h"

#include "connectors/codec/utc_time.h"

namespace connectors::vda5050 {

using nlohmann::json;

SimFleet::SimFleet(std::vector<twin::SiteSpec> sites, BrokerConfig broker, int64_t epoch_utc_ms, MqttClient::LogHandler log)
    : sites_(std::move(sites)), epoch_(epoch_utc_ms), log_(std::move(log)) {
  MqttClientOptions o;
  o.broker = std::move(broker);
  o.clean_session = true;
  for (uint8_t s = 0; s < sites_.size(); ++s)
    for (const twin::FleetVehicleId& id : sites_[s].vda5050.vehicles) {
      Vehicle v;
      v.manufacturer = id.manufacturer;
      v.serial = id.serial_number;
      v.map_id = sites_[s].vda5050.map_id;
      v.iface = sites_[s].vda5050.interface_name;
      v.site = s;
      v.slot = id.slot;
      o.subscriptions.push_back(v.iface + "/v2/" + v.manufacturer + "/" + v.serial + "/order");
      vehicles_.push_back(std::move(v));
    }
  client_ = std::make_unique<MosquittoClient>(
      o, [this](const std::string& t, const std::string& p, const MqttClient::Delivery&) { on_message(t, p); }, log_);
}

SimFleet::~SimFleet() { stop(); }

bool SimFleet::start(std::chrono::milliseconds wait) {
  client_->start();
  return client_->wait_connected(wait);
}

void SimFleet::stop() {
  if (client_) client_->stop();
}

SimFleet::Vehicle* SimFleet::find(uint8_t site, uint16_t slot) {
  for (Vehicle& v : vehicles_)
    if (v.site == site && v.slot == slot) return &v;
  return nullptr;
}

void SimFleet::on_message(const std::string& topic, const std::string& payload) {
  json o = json::parse(payload, nullptr, false);
  if (!o.is_object() || !o.contains("nodes") || !o.contains("orderId")) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (Vehicle& v : vehicles_) {
    if (topic != v.iface + "/v2/" + v.manufacturer + "/" + v.serial + "/order") continue;
    const std::string oid = o["orderId"];
    const int64_t uid = o["orderUpdateId"];
    if (oid != v.order_id) {
      v.order_id = oid;
      v.nodes.clear();
      v.edges.clear();
      v.actions.clear();
      v.last_seq = o["nodes"].empty() ? 0 : o["nodes"][0]["sequenceId"].get<int64_t>();
    } else if (uid <= v.update_id) {
      return;
    }
    v.update_id = uid;
    const int64_t from = o["nodes"].empty() ? 0 : o["nodes"][0]["sequenceId"].get<int64_t>();
    for (auto it = v.nodes.lower_bound(from); it != v.nodes.end();) it = v.nodes.erase(it);
    for (auto it = v.edges.lower_bound(from); it != v.edges.end();) it = v.edges.erase(it);
    for (const json& n : o["nodes"]) v.nodes[n["sequenceId"].get<int64_t>()] = n;
    for (const json& e : o["edges"]) v.edges[e["sequenceId"].get<int64_t>()] = e;
    if (!o["nodes"].empty() && v.last_node.empty()) {  // placed on the first node of its first order
      const json& n = o["nodes"][0];
      v.last_node = n["nodeId"];
      v.x = n["nodePosition"]["x"], v.y = n["nodePosition"]["y"], v.have_pose = true;
    }
    cv_.notify_all();
    return;
  }
}

std::optional<std::string> SimFleet::step(uint8_t site, uint16_t slot, twin::GuidePhase phase, int64_t time_ms,
                                          std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  Vehicle* v = find(site, slot);
  if (!v) return "no VDA 5050 vehicle is mapped to guide vehicle " + std::to_string(slot) + " of " + sites_[site].id;
  auto last_released = [&]() -> int64_t {
    int64_t best = -1;
    for (auto& [seq, n] : v->nodes)
      if (n["released"] == true) best = seq;
    return best;
  };
  auto pending_action = [&](const char* type) -> std::string {
    for (auto& [seq, n] : v->nodes)
      if (n["released"] == true && seq <= std::max(v->last_seq, last_released()))
        for (const json& a : n["actions"])
          if (a["actionType"] == type && v->actions[a["actionId"].get<std::string>()] != "FINISHED") return a["actionId"];
    return {};
  };
  // Waits for the twin's order that this activity needs.
  auto ready = [&] {
    if (phase == twin::GuidePhase::Loading) return !pending_action("pick").empty();
    if (phase == twin::GuidePhase::Unloading) return !pending_action("drop").empty();
    return last_released() > v->last_seq;
  };
  if (!cv_.wait_for(lock, wait, ready))
    return "no order from the twin for " + v->manufacturer + "/" + v->serial + " allows its " + twin::to_string(phase) + " step";
  // Drive to the last released node (reporting the node reached), then finish the action.
  const int64_t to = last_released();
  if (to > v->last_seq) {
    const json& n = v->nodes[to];
    v->last_seq = to;
    v->last_node = n["nodeId"];
    v->x = n["nodePosition"]["x"], v->y = n["nodePosition"]["y"], v->have_pose = true;
  }
  if (phase == twin::GuidePhase::Loading) v->actions[pending_action("pick")] = "FINISHED";
  if (phase == twin::GuidePhase::Unloading) v->actions[pending_action("drop")] = "FINISHED";
  json ns = json::array(), es = json::array(), as = json::array();
  for (auto& [seq, n] : v->nodes)
    if (seq > v->last_seq) ns.push_back({{"nodeId", n["nodeId"]}, {"sequenceId", seq}, {"released", n["released"]}});
  for (auto& [seq, e] : v->edges)
    if (seq > v->last_seq) es.push_back({{"edgeId", e["edgeId"]}, {"sequenceId", seq}, {"released", e["released"]}});
  for (auto& [id, st] : v->actions) as.push_back({{"actionId", id}, {"actionStatus", st}});
  json s = {{"headerId", v->header++}, {"timestamp", format_rfc3339_ms(epoch_ + time_ms)}, {"version", "2.0.0"},
            {"manufacturer", v->manufacturer}, {"serialNumber", v->serial}, {"orderId", v->order_id},
            {"orderUpdateId", std::max<int64_t>(0, v->update_id)}, {"lastNodeId", v->last_node}, {"lastNodeSequenceId", v->last_seq},
            {"nodeStates", ns}, {"edgeStates", es}, {"driving", false}, {"actionStates", as},
            {"batteryState", {{"batteryCharge", 80.0}, {"charging", false}}}, {"operatingMode", "AUTOMATIC"},
            {"errors", json::array()}, {"safetyState", {{"eStop", "NONE"}, {"fieldViolation", false}}}};
  const std::string topic = v->iface + "/v2/" + v->manufacturer + "/" + v->serial + "/state";
  lock.unlock();
  const PublishStatus st = client_->publish(topic, s.dump(), 1, false, std::chrono::milliseconds(10000));
  if (st != PublishStatus::Ok) return std::string("publishing ") + topic + " failed (" + to_string(st) + ")";
  ++states_;
  return std::nullopt;
}

}  // namespace connectors::vda5050
