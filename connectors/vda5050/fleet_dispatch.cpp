// The VDA 5050 master control's book of its vehicles. See fleet_dispatch.h.
#include "connectors/vda5050/fleet_dispatch.h"

#include "connectors/codec/log_text.h"
#include "connectors/codec/utc_time.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace connectors::vda5050 {

using nlohmann::json;

const char* to_string(Refusal r) {
  switch (r) {
    case Refusal::BadTopic: return "bad_topic";
    case Refusal::MalformedJson: return "malformed_json";
    case Refusal::SchemaViolation: return "schema_violation";
    case Refusal::TopicMismatch: return "topic_mismatch";
    case Refusal::UnknownVehicle: return "unknown_vehicle";
    case Refusal::UnknownMap: return "unknown_map";
    case Refusal::OutsideMap: return "outside_map";
    case Refusal::Duplicate: return "duplicate";
    case Refusal::BadTime: return "bad_time";
    case Refusal::Retained: return "retained";
    case Refusal::TimeAhead: return "time_ahead";
    case Refusal::TimeTooOld: return "time_too_old";
    case Refusal::Count: break;
  }
  return "?";
}

Result<Schemas> load_schemas(const std::string& dir) {
  auto one = [&](const char* name) { return JsonSchema::load(dir + "/" + name + ".schema.json"); };
  auto o = one("order"), ia = one("instantActions"), st = one("state"), vis = one("visualization"), c = one("connection");
  for (auto* r : {&o, &ia, &st, &vis, &c})
    if (auto* f = std::get_if<Failure>(r)) return *f;
  return Schemas{std::get<JsonSchema>(o), std::get<JsonSchema>(ia), std::get<JsonSchema>(st), std::get<JsonSchema>(vis),
                 std::get<JsonSchema>(c)};
}

std::string default_schemas_dir() {
  if (const char* e = std::getenv("GATETWIN_VDA5050_SCHEMAS"); e && *e) return e;
  return std::string(GATETWIN_VDA5050_SCHEMAS_DIR);
}

namespace {

// Errors whose type says the vehicle refused an order (VDA 5050 2.x, "errors").
bool is_order_refusal(const std::string& type) {
  return type == "orderError" || type == "orderUpdateError" || type == "noRouteError" || type == "validationError";
}

std::vector<std::string> split(const std::string& s, char c) {
  std::vector<std::string> out(1);
  for (char ch : s) {
    if (ch == c) out.emplace_back();
    else out.back() += ch;
  }
  return out;
}

double segment_distance(glm::vec2 a, glm::vec2 b, double x, double y) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((x - a.x) * dx + (y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(a.x + t * dx - x, a.y + t * dy - y);
}

}  // namespace

FleetDispatch::FleetDispatch(std::vector<twin::SiteSpec> sites, Schemas schemas, std::string session)
    : sites_(std::move(sites)), schemas_(std::move(schemas)), session_(std::move(session)) {
  for (uint8_t s = 0; s < sites_.size(); ++s) {
    for (const twin::FleetVehicleId& id : sites_[s].vda5050.vehicles) {
      Vehicle v;
      v.site = s;
      v.view.manufacturer = id.manufacturer;
      v.view.serial_number = id.serial_number;
      v.view.site = sites_[s].id;
      v.view.slot = id.slot;
      v.source = "vda5050/" + id.manufacturer + "/" + id.serial_number;
      v.topic_base = sites_[s].vda5050.interface_name + "/" + kMajor + "/" + id.manufacturer + "/" + id.serial_number;
      index_[{id.manufacturer, id.serial_number}] = vehicles_.size();
      vehicles_.push_back(std::move(v));
    }
  }
}

std::vector<std::string> FleetDispatch::subscriptions() const {
  std::set<std::string> ifaces;
  for (const auto& s : sites_)
    if (s.vda5050.given) ifaces.insert(s.vda5050.interface_name);
  std::vector<std::string> out;
  for (const std::string& i : ifaces)
    for (const char* leaf : {"state", "visualization", "connection"}) out.push_back(i + "/" + kMajor + "/+/+/" + leaf);
  return out;
}

FleetDispatch::Vehicle* FleetDispatch::find(const std::string& manufacturer, const std::string& serial) {
  auto it = index_.find({manufacturer, serial});
  return it == index_.end() ? nullptr : &vehicles_[it->second];
}

FleetDispatch::Vehicle* FleetDispatch::by_slot(uint8_t site, uint16_t slot) {
  for (Vehicle& v : vehicles_)
    if (v.site == site && v.view.slot == slot) return &v;
  return nullptr;
}

void FleetDispatch::refuse(Refusal r, const std::string& topic, const std::string& why, std::vector<std::string>& log) {
  const uint64_t n = ++stats_.refused[static_cast<size_t>(r)];
  // The 1st, 10th, 100th... of each reason: a vehicle that keeps sending garbage is one problem, not a flood.
  uint64_t p = 1;
  while (p * 10 <= n) p *= 10;
  if (n == p) log.push_back("vda5050: refused " + printable(topic) + " (" + to_string(r) + "): " + printable(why) +
                            (n > 1 ? " (" + std::to_string(n) + " times so far)" : ""));
}

FieldMessage FleetDispatch::field_message(Vehicle& v, int64_t utc_ms, twin::EventBody body, MessageClass cls) {
  FieldMessage m;
  m.source = v.source;
  m.source_seq = ++v.field_seq;
  m.site = v.site;
  m.body = std::move(body);
  m.cls = cls;
  m.topic = v.topic_base;
  m.session = session_;
  m.utc = true;
  m.utc_ms = utc_ms;
  return m;
}

bool FleetDispatch::outside_map(const twin::SiteSpec& s, double x, double y) const {
  for (const twin::LaneGraphEdge& e : s.vda5050.edges)
    if (segment_distance(s.vda5050.nodes[e.from].position, s.vda5050.nodes[e.to].position, x, y) <= kMaxOffGraphM) return false;
  return true;
}

void FleetDispatch::check_awaited(Vehicle& v, int64_t utc_ms, std::vector<FieldMessage>& emitted) {
  if (v.awaited.kind == Awaited::None || v.progress_order != v.order_id || v.order_id.empty()) return;
  const bool done = v.awaited.kind == Awaited::Action ? v.finished_actions.count(v.awaited.action_id) > 0
                                                      : v.reached_sequence >= v.awaited.node_sequence;
  if (!done) return;
  v.awaited = {};
  emitted.push_back(field_message(v, utc_ms, twin::GuideVehicleStepCompleted{v.view.slot}));
  ++stats_.steps_reported;
}

void FleetDispatch::set_available(Vehicle& v, int64_t utc_ms, std::vector<FieldMessage>& emitted, std::vector<std::string>& log) {
  const bool available = v.online && !v.fatal && !v.rejected;
  if (available == v.view.available) return;
  v.view.available = available;
  v.view.unavailable_why = available ? ""
                           : !v.online ? "connection " + v.view.connection
                           : v.fatal   ? "a FATAL error"
                                       : "it refused an order";
  twin::EquipmentStatus st;
  st.equipment.kind = twin::EquipmentRef::Kind::GuideVehicle;
  st.equipment.index = v.view.slot;
  st.ok = available;
  emitted.push_back(field_message(v, utc_ms, st));
  ++stats_.availability_changes;
  log.push_back("vda5050: vehicle " + v.view.manufacturer + "/" + v.view.serial_number + " (" + v.view.site + " guide vehicle " +
                std::to_string(v.view.slot) + ") is " + (available ? "available again" : "unavailable: " + v.view.unavailable_why));
}

void FleetDispatch::receive(const std::string& topic, const std::string& payload, bool retained, std::vector<FieldMessage>& emitted,
                            std::vector<std::string>& log, std::vector<OutMessage>* out, const FieldClock* clock, int64_t wall_utc_ms) {
  // Parse and schema check first, outside the lock (the schemas are read-only): the core's
  // thread, which takes the lock for each decision it hands over, never waits on them.
  const std::vector<std::string> level = split(topic, '/');
  const bool topic_ok =
      level.size() == 5 && level[1] == kMajor && (level[4] == "state" || level[4] == "visualization" || level[4] == "connection");
  json doc;
  std::optional<std::string> bad;
  if (topic_ok) {
    doc = json::parse(payload, nullptr, false);
    const JsonSchema& schema = level[4] == "state" ? schemas_.state : level[4] == "visualization" ? schemas_.visualization : schemas_.connection;
    if (!doc.is_discarded()) bad = schema.validate(doc);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.received;
  if (!topic_ok)
    return refuse(Refusal::BadTopic, topic, "expected <interfaceName>/v2/<manufacturer>/<serialNumber>/state|visualization|connection", log);
  const std::string& leaf = level[4];
  if (doc.is_discarded()) return refuse(Refusal::MalformedJson, topic, "not JSON", log);
  if (bad) return refuse(Refusal::SchemaViolation, topic, "VDA 5050 " + leaf + " schema: " + *bad, log);
  for (auto [key, want] : {std::pair<const char*, const std::string*>{"manufacturer", &level[2]}, {"serialNumber", &level[3]}})
    if (doc.contains(key) && doc[key].get<std::string>() != *want)
      return refuse(Refusal::TopicMismatch, topic, std::string(key) + " \"" + doc[key].get<std::string>() + "\" is not the topic's \"" + *want + "\"", log);
  Vehicle* v = find(level[2], level[3]);
  if (!v) return refuse(Refusal::UnknownVehicle, topic, "no site file lists manufacturer \"" + level[2] + "\" serial number \"" + level[3] + "\" (vda5050.vehicles)", log);
  if (sites_[v->site].vda5050.interface_name != level[0])
    return refuse(Refusal::BadTopic, topic, "the vehicle's site uses interface name \"" + sites_[v->site].vda5050.interface_name + "\"", log);
  if (retained && leaf != "connection") return refuse(Refusal::Retained, topic, "a retained " + leaf + " is not news", log);
  if (!doc.contains("timestamp")) return refuse(Refusal::BadTime, topic, "no timestamp: the twin cannot place it in time", log);
  std::string why;
  const std::optional<int64_t> utc = parse_rfc3339_ms(doc["timestamp"].get<std::string>(), &why);
  if (!utc) return refuse(Refusal::BadTime, topic, "timestamp: " + why, log);
  // The time bounds of every UTC field source (docs/mqtt.md "Time"), before anything of the
  // message is taken: a state stamped a century ahead changes neither the core nor the view.
  if (clock) {
    FieldMessage probe;
    probe.utc = true;
    probe.utc_ms = *utc;
    if (auto err = clock->stamp(probe, wall_utc_ms))
      return refuse(err->reason == RejectReason::TimeAhead ? Refusal::TimeAhead : Refusal::TimeTooOld, topic, err->detail, log);
  }
  if (doc.contains("headerId")) {
    const int64_t h = doc["headerId"].get<int64_t>();
    int64_t& last = leaf == "state" ? v->view.last_header_id : leaf == "visualization" ? v->vis_header : v->conn_header;
    if (last >= 0 && h == last) return refuse(Refusal::Duplicate, topic, "headerId " + std::to_string(h) + " again", log);
    if (last >= 0 && h < last) {
      ++v->view.header_restarts;
      if (leaf == "state") v->reconnected = true;
      log.push_back("vda5050: vehicle " + v->view.manufacturer + "/" + v->view.serial_number + " started a new headerId series on " + leaf +
                    " (" + std::to_string(last) + " -> " + std::to_string(h) + "): taken as a restart");
    }
    last = h;
  }
  ++stats_.accepted;
  const twin::SiteSpec& site = sites_[v->site];

  auto position = [&](const json& p) {
    if (!p.value("positionInitialized", false)) return;
    if (p["mapId"].get<std::string>() != site.vda5050.map_id)
      return refuse(Refusal::UnknownMap, topic, "mapId \"" + p["mapId"].get<std::string>() + "\" is not " + site.id + "'s \"" + site.vda5050.map_id + "\"", log);
    const double x = p["x"].get<double>(), y = p["y"].get<double>();
    if (outside_map(site, x, y))
      return refuse(Refusal::OutsideMap, topic, "position (" + std::to_string(x) + ", " + std::to_string(y) + ") lies more than " +
                                                    std::to_string(static_cast<int>(kMaxOffGraphM)) + " m from every edge of the lane graph", log);
    twin::PositionReport r;
    r.entity = twin::EntityKind::GuideVehicle;
    r.id = v->view.slot;
    r.position = {static_cast<float>(x), static_cast<float>(y)};
    r.heading_rad = static_cast<float>(p["theta"].get<double>());
    FieldMessage m = field_message(*v, *utc, r, MessageClass::Telemetry);
    // Positions have their own series, one for the whole fleet (latest wins per vehicle; the
    // sequencer's table holds one source for them, not one per vehicle): they never hold
    // the ordered ones up.
    m.source = kPoseSource;
    m.source_seq = ++pose_seq_;
    --v->field_seq;
    emitted.push_back(std::move(m));
    ++stats_.positions;
  };

  if (leaf == "connection") {
    const bool was_lost = v->view.connection == "OFFLINE" || v->view.connection == "CONNECTIONBROKEN";
    v->view.connection = doc["connectionState"].get<std::string>();
    if (was_lost && v->view.connection == "ONLINE") v->reconnected = true;
    v->online = v->view.connection == "ONLINE";
    set_available(*v, *utc, emitted, log);
    return;
  }
  if (leaf == "visualization") {
    ++v->view.visualizations;
    if (doc.contains("agvPosition")) position(doc["agvPosition"]);
    return;
  }
  // state
  VehicleView& w = v->view;
  ++w.states;
  w.has_state = true;
  w.order_id = doc["orderId"].get<std::string>();
  w.order_update_id = doc["orderUpdateId"].get<int64_t>();
  w.last_node_id = doc["lastNodeId"].get<std::string>();
  w.last_node_sequence_id = doc["lastNodeSequenceId"].get<int64_t>();
  w.nodes_to_go = static_cast<int>(doc["nodeStates"].size());
  w.edges_to_go = static_cast<int>(doc["edgeStates"].size());
  w.driving = doc["driving"].get<bool>();
  w.paused = doc.value("paused", false);
  w.battery_charge = doc["batteryState"]["batteryCharge"].get<double>();
  w.charging = doc["batteryState"]["charging"].get<bool>();
  w.operating_mode = doc["operatingMode"].get<std::string>();
  w.e_stop = doc["safetyState"]["eStop"].get<std::string>();
  w.field_violation = doc["safetyState"]["fieldViolation"].get<bool>();
  std::vector<std::pair<std::string, std::string>> errors;
  bool fatal = false, rejected = false;
  for (const json& e : doc["errors"]) {
    const std::string type = e["errorType"].get<std::string>(), lvl = e["errorLevel"].get<std::string>();
    const std::string text = type + (e.contains("errorDescription") ? ": " + e["errorDescription"].get<std::string>() : "");
    errors.push_back({lvl, text});
    if (lvl == "FATAL") fatal = true;
    if (is_order_refusal(type)) {
      bool ours = !v->order_id.empty();
      if (e.contains("errorReferences"))
        for (const json& r : e["errorReferences"])
          if (r["referenceKey"] == "orderId") ours = r["referenceValue"].get<std::string>() == v->order_id;
      if (ours) rejected = true;
    }
    if (std::find(w.errors.begin(), w.errors.end(), errors.back()) == w.errors.end()) {
      (lvl == "FATAL" ? stats_.fatals : stats_.warnings)++;
      log.push_back("vda5050: ALERT vehicle " + w.manufacturer + "/" + w.serial_number + " (" + w.site + " guide vehicle " +
                    std::to_string(w.slot) + ") reports a " + lvl + " error: " + printable(text));
    }
  }
  if (rejected && !v->rejected) ++stats_.order_rejections;
  w.errors = std::move(errors);
  v->fatal = fatal;
  v->rejected = rejected;
  // Back (ONLINE again, or a new headerId series) without the order the core still waits on
  // a step of: the order is sent again, as a new order from where the vehicle stands.
  if (v->reconnected) {
    v->reconnected = false;
    if (out && v->awaited.kind != Awaited::None && !v->order_id.empty() && w.order_id != v->order_id && !v->last_order.is_null() &&
        !fatal && !rejected)
      resend(*v, w.nodes_to_go > 0 || w.edges_to_go > 0, wall_utc_ms, *out, log);
  }
  // Progress on the twin's current order.
  if (!v->order_id.empty() && w.order_id == v->order_id) {
    if (v->progress_order != v->order_id) {
      v->progress_order = v->order_id;
      v->reached_sequence = -1;
      v->finished_actions.clear();
    }
    v->reached_sequence = std::max(v->reached_sequence, w.last_node_sequence_id);
    for (const json& a : doc["actionStates"]) {
      const std::string st = a["actionStatus"].get<std::string>();
      if (st == "FINISHED") v->finished_actions.insert(a["actionId"].get<std::string>());
      if (st == "FAILED" && !v->rejected) {
        v->rejected = true;
        ++stats_.order_rejections;
        log.push_back("vda5050: ALERT vehicle " + w.manufacturer + "/" + w.serial_number + " failed action " + printable(a["actionId"].get<std::string>()));
      }
    }
    w.nodes_done = static_cast<int>(v->reached_sequence / 2 + 1);
    w.edges_done = static_cast<int>(v->reached_sequence / 2);
  }
  if (doc.contains("agvPosition")) position(doc["agvPosition"]);
  check_awaited(*v, *utc, emitted);
  v->last_utc = *utc;
  set_available(*v, *utc, emitted, log);
}

std::string FleetDispatch::topic(const Vehicle& v, const char* leaf) const {
  return sites_[v.site].vda5050.interface_name + "/" + kMajor + "/" + v.view.manufacturer + "/" + v.view.serial_number + "/" + leaf;
}

json FleetDispatch::header(Vehicle& v, bool order, int64_t wall_utc_ms) {
  return {{"headerId", order ? v.out_header++ : v.out_ia_header++},
          {"timestamp", format_rfc3339_ms(wall_utc_ms)},
          {"version", kVersion},
          {"manufacturer", v.view.manufacturer},
          {"serialNumber", v.view.serial_number}};
}

json FleetDispatch::node_json(const Vehicle& v, uint16_t node, int64_t seq, bool released) const {
  const twin::SiteSpec& s = sites_[v.site];
  const twin::LaneGraphNode& n = s.vda5050.nodes[node];
  return {{"nodeId", n.id},
          {"sequenceId", seq},
          {"released", released},
          {"nodePosition", {{"x", n.position.x}, {"y", n.position.y}, {"mapId", s.vda5050.map_id}}},
          {"actions", json::array()}};
}

void FleetDispatch::emit_order(Vehicle& v, json msg, bool update, std::vector<OutMessage>& out, std::vector<std::string>& log) {
  if (auto bad = schemas_.order.validate(msg)) {
    ++stats_.out_invalid;
    log.push_back("vda5050: NOT SENT: the order for " + v.view.manufacturer + "/" + v.view.serial_number + " fails the order schema: " + *bad);
    return;
  }
  (update ? stats_.order_updates : stats_.orders)++;
  v.view.twin_order_id = v.order_id;
  v.view.twin_order_update_id = v.update_id;
  out.push_back({topic(v, "order"), msg.dump(), true});
  v.last_order = std::move(msg);
}

// The vehicle is back without the order the core waits on (docs/vda5050.md "A vehicle back
// without its order"). To a vehicle that has lost it any order is new (VDA 5050 2.x, the
// order acceptance flow: a new orderId from where it stands; an update would have to stitch
// onto an order it no longer has), so the last order sent goes out again under a new
// orderId "<root>-r<n>", orderUpdateId 0, starting at the vehicle's last node when that is
// on it (what lies before is dropped), sequenceIds from 0, its actions renamed to the new
// orderId. The twin's book follows: the awaited step and later updates use the new ids. A
// vehicle busy with another order gets cancelOrder first.
void FleetDispatch::resend(Vehicle& v, bool busy, int64_t wall_utc_ms, std::vector<OutMessage>& out, std::vector<std::string>& log) {
  json msg = v.last_order;
  json& nodes = msg["nodes"];
  json& edges = msg["edges"];
  size_t from = 0;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i]["nodeId"] == v.view.last_node_id && nodes[i]["released"] == true) from = i;  // the last released one
  if (from > 0) {
    nodes.erase(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(from));
    edges.erase(edges.begin(), edges.begin() + static_cast<std::ptrdiff_t>(std::min(from, edges.size())));
  }
  if (nodes.empty()) return;
  const int64_t shift = nodes[0]["sequenceId"].get<int64_t>();
  const std::string old_id = v.order_id, new_id = v.order_root + "-r" + std::to_string(++v.view.orders_resent);
  auto renamed = [&](const std::string& id) { return id.rfind(old_id, 0) == 0 ? new_id + id.substr(old_id.size()) : id; };
  for (json& n : nodes) {
    n["sequenceId"] = n["sequenceId"].get<int64_t>() - shift;
    for (json& a : n["actions"]) a["actionId"] = renamed(a["actionId"].get<std::string>());
  }
  for (json& e : edges) e["sequenceId"] = e["sequenceId"].get<int64_t>() - shift;
  if (busy) emit_instant(v, "cancelOrder", wall_utc_ms, static_cast<uint64_t>(wall_utc_ms), out, log);
  v.order_id = new_id;
  v.update_id = 0;
  v.seq_base -= static_cast<int>(shift);
  if (v.awaited.kind == Awaited::Action) v.awaited.action_id = renamed(v.awaited.action_id);
  if (v.awaited.kind == Awaited::Node) v.awaited.node_sequence -= shift;
  v.progress_order.clear();
  v.reached_sequence = -1;
  v.finished_actions.clear();
  json head = header(v, true, wall_utc_ms);
  for (auto it = head.begin(); it != head.end(); ++it) msg[it.key()] = it.value();
  msg["orderId"] = new_id;
  msg["orderUpdateId"] = 0;
  ++stats_.orders_resent;
  log.push_back("vda5050: vehicle " + v.view.manufacturer + "/" + v.view.serial_number + " (" + v.view.site + " guide vehicle " +
                std::to_string(v.view.slot) + ") is back without order " + old_id + " (it reports \"" + printable(v.view.order_id) +
                "\"): sent again as " + new_id + " from node " + nodes[0]["nodeId"].get<std::string>());
  emit_order(v, std::move(msg), false, out, log);
}

void FleetDispatch::emit_instant(Vehicle& v, const std::string& type, int64_t wall_utc_ms, uint64_t cause, std::vector<OutMessage>& out,
                                 std::vector<std::string>& log) {
  json msg = header(v, false, wall_utc_ms);
  json action = {{"actionId", type + "-" + sites_[v.site].id + "-" + std::to_string(cause)}, {"actionType", type}, {"blockingType", "HARD"}};
  if (type == "cancelOrder") action["blockingType"] = "NONE";
  msg["actions"] = json::array({action});
  if (auto bad = schemas_.instant_actions.validate(msg)) {
    ++stats_.out_invalid;
    log.push_back("vda5050: NOT SENT: instantActions for " + v.view.manufacturer + "/" + v.view.serial_number + " fail the schema: " + *bad);
    return;
  }
  ++stats_.instant_actions;
  out.push_back({topic(v, "instantActions"), msg.dump(), false});
}

namespace {

// The graph node with this id, or -1.
int node_of(const twin::Vda5050Spec& g, const std::string& id) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].id == id) return static_cast<int>(i);
  return -1;
}

// An edge that may be driven from node a to node b, or -1.
int edge_between(const twin::Vda5050Spec& g, int a, int b) {
  for (size_t i = 0; i < g.edges.size(); ++i) {
    const twin::LaneGraphEdge& e = g.edges[i];
    if ((e.from == a && e.to == b) || (e.both_ways && e.to == a && e.from == b)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

void FleetDispatch::observe(const twin::Event& e, const twin::Decisions& decisions, int64_t wall_utc_ms, std::vector<OutMessage>& out,
                            std::vector<FieldMessage>& emitted, std::vector<std::string>& log) {
  // Most applied events (positions) concern no vehicle's order: no lock taken for them.
  bool concerns = std::holds_alternative<twin::OperatorCommand>(e.body);
  for (const twin::Decision& d : decisions)
    concerns = concerns || d.kind == twin::DecisionKind::GuideVehicleLoad || d.kind == twin::DecisionKind::SegmentGranted ||
               d.kind == twin::DecisionKind::GuideVehicleUnload;
  if (!concerns) return;
  std::lock_guard<std::mutex> lock(mu_);
  // Operator commands on a guide vehicle, once accepted: the vehicle is held or released.
  if (const auto* cmd = std::get_if<twin::OperatorCommand>(&e.body)) {
    const twin::Command& c = cmd->command;
    const bool on_vehicle = (c.kind == twin::CommandKind::MarkEquipmentFailed || c.kind == twin::CommandKind::MarkEquipmentRestored) &&
                            c.equipment.kind == twin::EquipmentRef::Kind::GuideVehicle;
    bool accepted = false;
    for (const twin::Decision& d : decisions)
      if (d.kind == twin::DecisionKind::CommandAccepted && d.value == static_cast<int64_t>(e.seq)) accepted = true;
    if (on_vehicle && accepted && (cmd->at_ms < 0 || cmd->at_ms <= e.time_ms))
      if (Vehicle* v = by_slot(e.site, c.equipment.index))
        emit_instant(*v, c.kind == twin::CommandKind::MarkEquipmentFailed ? "startPause" : "stopPause", wall_utc_ms, e.seq, out, log);
  }
  for (const twin::Decision& d : decisions) {
    if (d.kind != twin::DecisionKind::GuideVehicleLoad && d.kind != twin::DecisionKind::SegmentGranted &&
        d.kind != twin::DecisionKind::GuideVehicleUnload)
      continue;
    Vehicle* v = by_slot(d.site, d.resource);
    if (!v) continue;  // a fleet slot no vehicle is mapped to: the core plans it as before, nothing is sent
    const twin::SiteSpec& s = sites_[v->site];
    const std::string fresh_id = s.id + "-v" + std::to_string(v->view.slot) + "-" + std::to_string(d.cause_seq);
    // Where the vehicle stands (its last node), when that is not the route's start but an
    // edge of the graph (a turn-around) leads there: the new order begins with that edge.
    int lead = -1, lead_edge = -1;
    auto new_order = [&](const twin::LaneRoute& route) {
      if (v->awaited.kind != Awaited::None && !v->order_id.empty()) emit_instant(*v, "cancelOrder", wall_utc_ms, d.cause_seq, out, log);
      v->order_id = fresh_id;
      v->order_root = fresh_id;
      v->update_id = 0;
      v->awaited = {};
      v->route = nullptr;
      v->released_to = -1;
      lead = -1, lead_edge = -1;
      const int here = v->view.last_node_id.empty() ? -1 : node_of(s.vda5050, v->view.last_node_id);
      if (here >= 0 && here != route.nodes.front()) {
        lead_edge = edge_between(s.vda5050, here, route.nodes.front());
        if (lead_edge >= 0) lead = here;
      }
      v->seq_base = lead >= 0 ? 2 : 0;
    };
    auto lead_json = [&](json& nodes, json& edges) {
      if (lead < 0) return;
      nodes.push_back(node_json(*v, static_cast<uint16_t>(lead), 0, true));
      const twin::LaneGraphEdge& ge = s.vda5050.edges[lead_edge];
      const std::string end = s.vda5050.nodes[v->route ? v->route->nodes.front() : 0].id;
      edges.push_back({{"edgeId", ge.id}, {"sequenceId", 1}, {"released", true}, {"startNodeId", s.vda5050.nodes[lead].id},
                       {"endNodeId", end}, {"length", ge.length_m}, {"maxSpeed", s.fleet.speed_mps}, {"actions", json::array()}});
    };
    if (d.kind == twin::DecisionKind::GuideVehicleLoad) {
      // At the start of the side it stands on: the first route of the direction it will travel.
      const twin::Direction dir = v->home ? twin::Direction::Export : twin::Direction::Import;
      const twin::LaneRoute* route = nullptr;
      for (const twin::LaneRoute& r : s.vda5050.routes)
        if (s.lanes[r.lane].direction == dir) { route = &r; break; }
      if (!route) {
        ++stats_.no_route;
        log.push_back("vda5050: " + s.id + " has no route for " + (v->home ? "export" : "import") + " in its lane graph: no order sent");
        continue;
      }
      new_order(*route);
      v->route = route;  // for the lead edge's end; reset below (the travel's lane is granted later)
      v->station_node = s.vda5050.nodes[route->nodes.front()].id;
      json msg = header(*v, true, wall_utc_ms);
      msg["orderId"] = v->order_id;
      msg["orderUpdateId"] = v->update_id;
      json nodes = json::array(), edges = json::array();
      lead_json(nodes, edges);
      v->route = nullptr;
      json node = node_json(*v, route->nodes.front(), v->seq_base, true);
      const std::string action_id = v->order_id + "-pick";
      node["actions"] = json::array({{{"actionId", action_id}, {"actionType", "pick"}, {"blockingType", "HARD"},
                                      {"actionParameters", json::array({{{"key", "loadId"}, {"value", std::to_string(d.shipment.value)}}})}}});
      nodes.push_back(std::move(node));
      msg["nodes"] = std::move(nodes);
      msg["edges"] = std::move(edges);
      v->awaited = {Awaited::Action, action_id, 0};
      emit_order(*v, std::move(msg), false, out, log);
    } else if (d.kind == twin::DecisionKind::SegmentGranted) {
      const twin::LaneRoute* route = s.vda5050.route_of(d.unit);
      const int k = static_cast<int>(d.value);
      if (!route || k < 0 || k + 1 >= static_cast<int>(route->nodes.size())) {
        ++stats_.no_route;
        log.push_back("vda5050: lane " + (d.unit < s.lanes.size() ? s.lanes[d.unit].id : std::string("?")) + " of " + s.id +
                      " has no route in the lane graph: no order sent for guide vehicle " + std::to_string(v->view.slot));
        continue;
      }
      const bool continues = !v->order_id.empty() && v->awaited.kind == Awaited::None &&
                             ((k == 0 && v->route == nullptr && v->released_to == -1 &&
                               v->station_node == s.vda5050.nodes[route->nodes.front()].id) ||
                              (k > 0 && v->route == route && v->released_to == k));
      bool update = false;
      if (continues) {
        ++v->update_id;
        update = true;
      } else {
        new_order(*route);
        if (k > 0) lead = -1, v->seq_base = 0;  // a new order mid-lane starts where the section does
      }
      v->route = route;
      json msg = header(*v, true, wall_utc_ms);
      msg["orderId"] = v->order_id;
      msg["orderUpdateId"] = v->update_id;
      const int base = v->seq_base;
      // From the stitching node (the last released, or the start): node k .. end, edge k .. end-1;
      // nodes and edge up to k + 1 released (the block section granted), the rest the horizon.
      json nodes = json::array(), edges = json::array();
      if (!update) lead_json(nodes, edges);
      const int last = static_cast<int>(route->nodes.size()) - 1;
      for (int i = k; i <= last; ++i) {
        json n = node_json(*v, route->nodes[i], base + 2 * i, i <= k + 1);
        if (i == last && i == k + 1 && d.shipment.value != 0)
          n["actions"] = json::array({{{"actionId", v->order_id + "-drop"}, {"actionType", "drop"}, {"blockingType", "HARD"},
                                       {"actionParameters", json::array({{{"key", "loadId"}, {"value", std::to_string(d.shipment.value)}}})}}});
        nodes.push_back(std::move(n));
      }
      for (int i = k; i < last; ++i) {
        const twin::LaneGraphEdge& ge = s.vda5050.edges[route->edges[i]];
        const twin::LaneGraphNode &a = s.vda5050.nodes[route->nodes[i]], &b = s.vda5050.nodes[route->nodes[i + 1]];
        edges.push_back({{"edgeId", ge.id}, {"sequenceId", base + 2 * i + 1}, {"released", i == k}, {"startNodeId", a.id},
                         {"endNodeId", b.id}, {"length", ge.length_m}, {"maxSpeed", s.fleet.speed_mps}, {"actions", json::array()}});
      }
      msg["nodes"] = std::move(nodes);
      msg["edges"] = std::move(edges);
      v->released_to = k + 1;
      v->awaited = {Awaited::Node, {}, base + 2 * (k + 1)};
      if (k + 1 == last) v->home = s.lanes[route->lane].direction != twin::Direction::Export;
      emit_order(*v, std::move(msg), update, out, log);
    } else {  // GuideVehicleUnload: the drop on the route's last node
      v->awaited = {Awaited::Action, v->order_id + "-drop", 0};
    }
    check_awaited(*v, v->last_utc, emitted);
  }
}

DispatchStats FleetDispatch::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

std::optional<VehicleView> FleetDispatch::vehicle(uint8_t site, uint16_t slot) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Vehicle& v : vehicles_)
    if (v.site == site && v.view.slot == slot) return v.view;
  return std::nullopt;
}

std::vector<VehicleView> FleetDispatch::vehicles() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<VehicleView> out;
  for (const Vehicle& v : vehicles_) out.push_back(v.view);
  return out;
}

json FleetDispatch::status_json() const {
  const DispatchStats s = stats();
  json refused = json::object();
  uint64_t total = 0;
  for (size_t r = 0; r < s.refused.size(); ++r) {
    refused[to_string(static_cast<Refusal>(r))] = s.refused[r];
    total += s.refused[r];
  }
  json out = {{"received", s.received}, {"accepted", s.accepted}, {"refused", refused}, {"refused_total", total},
              {"steps_reported", s.steps_reported}, {"positions", s.positions}, {"availability_changes", s.availability_changes},
              {"orders", s.orders}, {"order_updates", s.order_updates}, {"instant_actions", s.instant_actions},
              {"out_invalid", s.out_invalid}, {"no_route", s.no_route}, {"order_rejections", s.order_rejections},
              {"errors_warning", s.warnings}, {"errors_fatal", s.fatals}, {"orders_resent", s.orders_resent}};
  json vehicles = json::array();
  for (const VehicleView& v : this->vehicles()) {
    json errors = json::array();
    for (auto& [lvl, text] : v.errors) errors.push_back({{"level", lvl}, {"text", text}});
    vehicles.push_back({{"manufacturer", v.manufacturer}, {"serial_number", v.serial_number}, {"site", v.site}, {"slot", v.slot},
                        {"connection", v.connection}, {"available", v.available}, {"unavailable_why", v.unavailable_why},
                        {"has_state", v.has_state}, {"order_id", v.order_id}, {"order_update_id", v.order_update_id},
                        {"last_node_id", v.last_node_id}, {"last_node_sequence_id", v.last_node_sequence_id},
                        {"nodes_done", v.nodes_done}, {"edges_done", v.edges_done}, {"nodes_to_go", v.nodes_to_go},
                        {"edges_to_go", v.edges_to_go}, {"driving", v.driving}, {"paused", v.paused},
                        {"battery_charge", v.battery_charge}, {"charging", v.charging}, {"operating_mode", v.operating_mode},
                        {"e_stop", v.e_stop}, {"field_violation", v.field_violation}, {"errors", errors},
                        {"header_restarts", v.header_restarts}, {"states", v.states}, {"visualizations", v.visualizations},
                        {"twin_order_id", v.twin_order_id}, {"twin_order_update_id", v.twin_order_update_id},
                        {"orders_resent", v.orders_resent}});
  }
  out["vehicles"] = vehicles;
  return out;
}

}  // namespace connectors::vda5050
