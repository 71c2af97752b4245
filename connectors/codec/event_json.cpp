// The MQTT payload codec. See event_json.h for what it supports and must not do.
//
// Index
//   [SECTION] names and limits
//   [SECTION] encoding events
//   [SECTION] decoding: a reader that records the first problem
//   [SECTION] decoding events
//   [SECTION] decisions
#include "connectors/codec/event_json.h"

#include "connectors/codec/position_fast.h"

#include "connectors/codec/utc_time.h"
#include "twin/identifiers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>

namespace connectors {

using nlohmann::json;
using namespace twin;

// [SECTION] names and limits ------------------------------------------------------------

const char* to_string(RejectReason r) {
  static const char* n[] = {"oversized",       "bad_topic",     "unknown_site", "malformed_json",
                            "unsupported_version", "missing_field", "wrong_type", "bad_value",
                            "string_too_long", "unknown_entity", "bad_container", "no_geo_reference",
                            "src_not_account", "unbound_topic", "time_ahead", "time_too_old", "retained", "forged_identity",
                            "partner_unsigned", "partner_bad_signature"};
  static_assert(sizeof n / sizeof n[0] == static_cast<size_t>(RejectReason::Count));
  return r < RejectReason::Count ? n[static_cast<int>(r)] : "?";
}

std::string DecodeError::message() const { return std::string(to_string(reason)) + ": " + detail; }

std::string site_topic_prefix(const std::string& site_id) { return std::string(kTopicRoot) + "/" + site_id + "/"; }

std::vector<std::string> site_subscriptions(const std::string& site_id) {
  const std::string p = site_topic_prefix(site_id);
  // The unbound topics (gatesim, the first examples) and the account-bound ones.
  return {p + "event/+", p + "telemetry/+", p + "event/+/+", p + "telemetry/+/+"};
}

std::vector<std::string> command_subscriptions() {
  // Every site's, the twin's or not: a command to a site the twin does not run is answered too.
  const std::string p = std::string(kTopicRoot) + "/+/";
  return {p + "command", p + "command/+"};
}

std::optional<std::string> command_topic_site(std::string_view topic) {
  const std::string root = std::string(kTopicRoot) + "/";
  if (topic.size() > kMaxTopicBytes || topic.substr(0, root.size()) != root) return std::nullopt;
  std::string_view rest = topic.substr(root.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string_view kind = rest.substr(slash + 1);
  if (kind != "command" && kind.rfind("command/", 0) != 0) return std::nullopt;
  std::string site(rest.substr(0, slash));
  if (site.find_first_of("+#") != std::string::npos) return std::nullopt;
  return site;
}

std::string account_topic(const std::string& topic, const std::string& account) { return topic + "/" + account; }

std::string health_topic() { return std::string(kTopicRoot) + "/twin/health"; }

namespace {

constexpr const char* kEquipmentKinds[] = {"checkpoint", "lane_barrier", "guide_vehicle"};

std::string name_or_index(const std::string* id, size_t index) { return id ? *id : "#" + std::to_string(index); }

std::string lane_name(const SiteSpec& s, size_t i) { return name_or_index(i < s.lanes.size() ? &s.lanes[i].id : nullptr, i); }
std::string checkpoint_name(const SiteSpec& s, size_t i) {
  return name_or_index(i < s.checkpoints.size() ? &s.checkpoints[i].id : nullptr, i);
}
std::string yard_name(const SiteSpec& s, size_t i) { return name_or_index(i < s.yards.size() ? &s.yards[i].id : nullptr, i); }
std::string goods_name(const SiteSpec& s, size_t i) { return name_or_index(i < s.goods.size() ? &s.goods[i].id : nullptr, i); }
std::string checkpoint_kind_name(const SiteSpec& s, CheckpointKind k) {
  int i = s.checkpoint_index(k);
  return i >= 0 ? s.checkpoints[i].id : std::string("#") + to_string(k);
}

// [SECTION] encoding events -------------------------------------------------------------

json equipment_json(const SiteSpec& s, const EquipmentRef& r) {
  json j;
  j["kind"] = kEquipmentKinds[static_cast<int>(r.kind) % 3];
  switch (r.kind) {
    case EquipmentRef::Kind::CheckpointServer: j["checkpoint"] = checkpoint_name(s, r.index); j["server"] = r.server; break;
    case EquipmentRef::Kind::LaneBarrier: j["lane"] = lane_name(s, r.index); break;
    case EquipmentRef::Kind::GuideVehicle: j["vehicle"] = r.index; break;
  }
  return j;
}

json command_json(const SiteSpec& s, const Command& c) {
  json j;
  j["kind"] = to_string(c.kind);
  switch (c.kind) {
    case CommandKind::OpenLane: case CommandKind::CloseLane: case CommandKind::ReverseLane:
    case CommandKind::ReserveLaneForUnmanned: case CommandKind::UnreserveLane:
      j["lane"] = lane_name(s, c.lane); break;
    case CommandKind::HoldVehicle: case CommandKind::ReleaseVehicle: case CommandKind::ForceInspection:
      j["shipment"] = c.shipment.value; break;
    case CommandKind::MarkEquipmentFailed: case CommandKind::MarkEquipmentRestored:
      j["equipment"] = equipment_json(s, c.equipment); break;
    case CommandKind::PrioritiseGoods: j["goods"] = goods_name(s, c.goods); break;
    case CommandKind::RerouteVehicle: j["shipment"] = c.shipment.value; j["lane"] = lane_name(s, c.lane); break;
    case CommandKind::ClearPriority: case CommandKind::CloseCrossing: case CommandKind::ReopenCrossing:
    case CommandKind::Count: break;
  }
  return j;
}

void put_position(json& j, const PositionReport& b) {
  j["entity"] = b.entity == EntityKind::Truck ? "truck" : "guide_vehicle";
  if (b.has_id || b.entity == EntityKind::GuideVehicle) j["id"] = b.id;
  if (!b.plate.empty()) j["plate"] = b.plate;
  if (!b.container.empty()) j["container"] = b.container;
  j["x"] = b.position.x; j["y"] = b.position.y; j["heading_rad"] = b.heading_rad;
}

// The topic's last part(s) for a body: event/<name>, telemetry/position or command.
std::string topic_kind(const EventBody& b) {
  if (std::holds_alternative<PositionReport>(b)) return "telemetry/position";
  if (std::holds_alternative<OperatorCommand>(b)) return "command";
  return std::string("event/") + event_name(b);
}

}  // namespace

json event_to_json(const Event& e, const std::string& source, uint64_t source_seq, const std::vector<SiteSpec>& sites,
                   const std::string& command_id) {
  static const SiteSpec kEmpty;
  const SiteSpec& s = e.site < sites.size() ? sites[e.site] : kEmpty;
  json j;
  j["v"] = kSchemaVersion;
  j["src"] = source;
  j["seq"] = source_seq;
  j["t_ms"] = e.time_ms;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, DeclarationFiled>) {
          j["shipment"] = b.shipment.value; j["direction"] = to_string(b.direction); j["goods"] = goods_name(s, b.goods);
          j["reefer"] = b.reefer; j["unmanned_eligible"] = b.unmanned_eligible; j["plate"] = b.plate; j["container"] = b.container;
        } else if constexpr (std::is_same_v<T, PartnerDeclarationReceived>) {
          j["shipment"] = b.shipment.value; j["goods"] = goods_name(s, b.goods); j["plate"] = b.plate; j["container"] = b.container;
        } else if constexpr (std::is_same_v<T, VehicleArrived>) {
          j["direction"] = to_string(b.direction); j["plate"] = b.plate; j["container"] = b.container;
        } else if constexpr (std::is_same_v<T, StepCompleted>) {
          j["shipment"] = b.shipment.value; j["checkpoint"] = checkpoint_kind_name(s, b.checkpoint);
          j["channel"] = to_string(b.channel); j["passed"] = b.passed;
        } else if constexpr (std::is_same_v<T, HandoverCompleted> || std::is_same_v<T, PartnerReceiptConfirmed> ||
                             std::is_same_v<T, TransferCompleted> || std::is_same_v<T, VehicleLeft>) {
          j["shipment"] = b.shipment.value;
        } else if constexpr (std::is_same_v<T, GuideVehicleStepCompleted>) {
          j["vehicle"] = b.vehicle;
        } else if constexpr (std::is_same_v<T, EquipmentStatus>) {
          j["equipment"] = equipment_json(s, b.equipment); j["ok"] = b.ok;
        } else if constexpr (std::is_same_v<T, PartnerLinkStatus>) {
          j["up"] = b.up;
        } else if constexpr (std::is_same_v<T, ReeferPower>) {
          j["yard"] = yard_name(s, b.yard); j["on"] = b.on;
        } else if constexpr (std::is_same_v<T, PositionReport>) {
          put_position(j, b);
        } else if constexpr (std::is_same_v<T, OperatorCommand>) {
          j["actor"] = b.actor; j["role"] = to_string(b.role); j["reason"] = b.reason; j["command"] = command_json(s, b.command);
          if (b.at_ms >= 0) j["at_t_ms"] = b.at_ms;  // an order for later, in run time
          if (!command_id.empty()) j["id"] = command_id;
        }
      },
      e.body);
  return j;
}

EncodedMessage encode_event(const Event& e, const std::string& source, uint64_t source_seq, const std::vector<SiteSpec>& sites,
                            const std::string& command_id) {
  EncodedMessage m;
  const std::string site_id = e.site < sites.size() ? sites[e.site].id : "#" + std::to_string(e.site);
  m.topic = site_topic_prefix(site_id) + topic_kind(e.body);
  m.payload = event_to_json(e, source, source_seq, sites, command_id).dump();
  m.qos = std::holds_alternative<PositionReport>(e.body) ? 0 : 1;
  return m;
}

EncodedMessage encode_position_batch(uint8_t site, SimTime t_ms, const std::vector<PositionReport>& positions,
                                     const std::string& source, uint64_t source_seq, const std::vector<SiteSpec>& sites) {
  json j;
  j["v"] = kSchemaVersion;
  j["src"] = source;
  j["seq"] = source_seq;
  j["t_ms"] = t_ms;
  json& list = j["positions"] = json::array();
  for (const PositionReport& p : positions) {
    json item;
    put_position(item, p);
    list.push_back(std::move(item));
  }
  EncodedMessage m;
  m.topic = site_topic_prefix(site < sites.size() ? sites[site].id : "#" + std::to_string(site)) + "telemetry/positions";
  m.payload = j.dump();
  m.qos = 0;
  return m;
}

// [SECTION] decoding: a reader that records the first problem ----------------------------

namespace {

// Max nesting of arrays and objects, outside strings; stops early past the limit.
int json_depth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escape = false;
  for (char ch : text) {
    if (in_string) {
      if (escape) escape = false;
      else if (ch == '\\') escape = true;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') in_string = true;
    else if (ch == '{' || ch == '[') { if (++depth > max_depth) max_depth = depth; if (max_depth > kMaxJsonDepth) break; }
    else if (ch == '}' || ch == ']') --depth;
  }
  return max_depth;
}

class Reader {
 public:
  Reader(const json& j, std::string where) : j_(j), where_(std::move(where)) {}
  std::optional<DecodeError> error;

  const json* field(const char* key) {
    if (error) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end()) return fail(RejectReason::MissingField, std::string("no \"") + key + "\"");
    return &*it;
  }
  bool has(const char* key) const { return j_.contains(key); }

  uint64_t u64(const char* key, uint64_t max = std::numeric_limits<uint64_t>::max()) {
    const json* f = field(key);
    if (!f) return 0;
    if (f->is_number_integer() && !f->is_number_unsigned()) {
      fail(RejectReason::BadValue, std::string("\"") + key + "\" must not be negative");
      return 0;
    }
    if (!f->is_number_unsigned()) { fail(RejectReason::WrongType, std::string("\"") + key + "\" must be a whole number"); return 0; }
    uint64_t v = f->get<uint64_t>();
    if (v > max) { fail(RejectReason::BadValue, std::string("\"") + key + "\" is above " + std::to_string(max)); return 0; }
    return v;
  }
  int64_t time_ms(const char* key) {
    const json* f = field(key);
    if (!f) return 0;
    if (!f->is_number_integer()) { fail(RejectReason::WrongType, std::string("\"") + key + "\" must be whole milliseconds"); return 0; }
    if (!f->is_number_unsigned()) {
      fail(RejectReason::BadValue, std::string("\"") + key + "\" must not be negative");
      return 0;
    }
    if (f->get<uint64_t>() > static_cast<uint64_t>(kMaxTime_ms)) {
      // Unix epoch ms sent as run time is the usual mistake of a new field system.
      fail(RejectReason::BadValue, std::string("\"") + key + "\" is run time, 0 to 400 days of milliseconds" +
                                       (f->get<uint64_t>() > 1000000000000ull ? "; this looks like Unix epoch ms: send it as \"utc_ms\"" : ""));
      return 0;
    }
    return f->get<int64_t>();
  }
  bool boolean(const char* key) {
    const json* f = field(key);
    if (!f) return false;
    if (!f->is_boolean()) { fail(RejectReason::WrongType, std::string("\"") + key + "\" must be true or false"); return false; }
    return f->get<bool>();
  }
  double number(const char* key, double limit) {
    const json* f = field(key);
    if (!f) return 0;
    if (!f->is_number()) { fail(RejectReason::WrongType, std::string("\"") + key + "\" must be a number"); return 0; }
    double v = f->get<double>();
    if (!std::isfinite(v) || std::fabs(v) > limit) {
      char lim[32];
      std::snprintf(lim, sizeof lim, "%g", limit);
      fail(RejectReason::BadValue, std::string("\"") + key + "\" must be finite and within +-" + lim);
      return 0;
    }
    return v;
  }
  std::string str(const char* key, size_t max_chars = kMaxIdChars) {
    const json* f = field(key);
    if (!f) return {};
    if (!f->is_string()) { fail(RejectReason::WrongType, std::string("\"") + key + "\" must be a string"); return {}; }
    const std::string& s = f->get_ref<const std::string&>();
    if (s.size() > max_chars) {
      fail(RejectReason::StringTooLong, std::string("\"") + key + "\" is " + std::to_string(s.size()) + " bytes, the limit is " +
                                            std::to_string(max_chars));
      return {};
    }
    return s;
  }
  // A string that must be one of names[0..n); returns its index.
  int one_of(const char* key, const char* const* names, int n) {
    std::string s = str(key);
    if (error) return 0;
    for (int i = 0; i < n; ++i)
      if (s == names[i]) return i;
    std::string all;
    for (int i = 0; i < n; ++i) all += (i ? ", " : "") + std::string(names[i]);
    fail(RejectReason::BadValue, std::string("\"") + key + "\" is \"" + s + "\", expected one of " + all);
    return 0;
  }
  const json* object(const char* key) {
    const json* f = field(key);
    if (f && !f->is_object()) return fail(RejectReason::WrongType, std::string("\"") + key + "\" must be an object");
    return f;
  }
  // An entity id looked up in a list of ids; returns its index.
  template <class Vec>
  uint16_t entity(const char* key, const Vec& list, const char* what) {
    std::string s = str(key);
    if (error) return 0;
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i].id == s) return static_cast<uint16_t>(i);
    fail(RejectReason::UnknownEntity, std::string(what) + " \"" + s + "\" is not in the site file");
    return 0;
  }
  std::nullptr_t fail(RejectReason r, std::string why) {
    if (!error) error = DecodeError{r, where_ + why};
    return nullptr;
  }

 private:
  const json& j_;
  std::string where_;
};

constexpr const char* kDirections[] = {"export", "import"};
constexpr const char* kChannels[] = {"none", "green", "yellow", "red"};
constexpr const char* kRoles[] = {"viewer", "operator", "supervisor"};
constexpr const char* kEntities[] = {"truck", "guide_vehicle", "vehicle"};  // "vehicle": a truck by another name

// A container number, checked (ISO 6346) when not empty.
std::string container_field(Reader& r, const char* key) {
  std::string c = r.str(key);
  if (!r.error && !c.empty())
    if (auto why = container_number_problem(c)) r.fail(RejectReason::BadContainer, *why);
  return c;
}

uint16_t vehicle_index(Reader& r, const char* key, const SiteSpec& s) {
  uint64_t v = r.u64(key, 0xFFFF);
  if (!r.error && v >= static_cast<uint64_t>(s.fleet.guide_vehicles))
    r.fail(RejectReason::UnknownEntity, "guide vehicle " + std::to_string(v) + " is not in the fleet of " +
                                            std::to_string(s.fleet.guide_vehicles));
  return static_cast<uint16_t>(v);
}

EquipmentRef read_equipment(const json& j, const SiteSpec& s, Reader& outer) {
  Reader r(j, "equipment: ");
  EquipmentRef e;
  e.kind = static_cast<EquipmentRef::Kind>(r.one_of("kind", kEquipmentKinds, 3));
  if (!r.error) switch (e.kind) {
      case EquipmentRef::Kind::CheckpointServer:
        e.index = r.entity("checkpoint", s.checkpoints, "checkpoint");
        e.server = static_cast<uint16_t>(r.u64("server", 0xFFFF));
        if (!r.error && e.server >= s.checkpoints[e.index].servers)
          r.fail(RejectReason::UnknownEntity, "checkpoint \"" + s.checkpoints[e.index].id + "\" has no server " + std::to_string(e.server));
        break;
      case EquipmentRef::Kind::LaneBarrier: e.index = r.entity("lane", s.lanes, "lane"); break;
      case EquipmentRef::Kind::GuideVehicle: e.index = vehicle_index(r, "vehicle", s); break;
    }
  if (r.error && !outer.error) outer.error = r.error;
  return e;
}

// An order for later: "at_t_ms" (run time), or "at_utc_ms" / "at" (UTC, RFC 3339), at most
// one. Run time goes straight into the command; a UTC time into the message's
// command_at_utc_ms, for the link, which alone knows the session epoch.
void read_command_at(Reader& r, OperatorCommand& b, FieldMessage& m) {
  const int given = r.has("at_t_ms") + r.has("at_utc_ms") + r.has("at");
  if (r.error || given == 0) return;
  if (given > 1) { r.fail(RejectReason::BadValue, "give one due time only: \"at_t_ms\", \"at_utc_ms\" or \"at\""); return; }
  if (r.has("at_t_ms")) { b.at_ms = r.time_ms("at_t_ms"); return; }
  int64_t utc = 0;
  if (r.has("at_utc_ms")) {
    utc = static_cast<int64_t>(r.u64("at_utc_ms", static_cast<uint64_t>(kMaxUtcMs)));
  } else {
    const std::string text = r.str("at");
    if (r.error) return;
    std::string why;
    auto t = parse_rfc3339_ms(text, &why);
    if (!t) { r.fail(RejectReason::BadValue, "\"at\" \"" + text + "\": " + why); return; }
    utc = *t;
  }
  m.command_at_utc_ms = utc;
}

Command read_command(const json& j, const SiteSpec& s, Reader& outer) {
  Reader r(j, "command: ");
  Command c;
  static const char* kinds[static_cast<int>(CommandKind::Count)];
  for (int i = 0; i < static_cast<int>(CommandKind::Count); ++i) kinds[i] = to_string(static_cast<CommandKind>(i));
  c.kind = static_cast<CommandKind>(r.one_of("kind", kinds, static_cast<int>(CommandKind::Count)));
  if (!r.error) switch (c.kind) {
      case CommandKind::OpenLane: case CommandKind::CloseLane: case CommandKind::ReverseLane:
      case CommandKind::ReserveLaneForUnmanned: case CommandKind::UnreserveLane:
        c.lane = r.entity("lane", s.lanes, "lane"); break;
      case CommandKind::HoldVehicle: case CommandKind::ReleaseVehicle: case CommandKind::ForceInspection:
        c.shipment = ShipmentId{static_cast<uint32_t>(r.u64("shipment", 0xFFFFFFFFu))}; break;
      case CommandKind::MarkEquipmentFailed: case CommandKind::MarkEquipmentRestored:
        if (const json* eq = r.object("equipment")) c.equipment = read_equipment(*eq, s, r);
        break;
      case CommandKind::PrioritiseGoods: c.goods = r.entity("goods", s.goods, "goods class"); break;
      case CommandKind::RerouteVehicle:
        c.shipment = ShipmentId{static_cast<uint32_t>(r.u64("shipment", 0xFFFFFFFFu))};
        c.lane = r.entity("lane", s.lanes, "lane");
        break;
      case CommandKind::ClearPriority: case CommandKind::CloseCrossing: case CommandKind::ReopenCrossing:
      case CommandKind::Count: break;
    }
  if (r.error && !outer.error) outer.error = r.error;
  return c;
}

// [SECTION] decoding events -------------------------------------------------------------

constexpr double kPi = 3.14159265358979323846;

// The site's geo-reference, or a no_geo_reference error naming the site and the field.
const GeoReference* geo_for(Reader& r, const SiteSpec& s, const char* what) {
  if (r.error) return nullptr;
  if (!s.geo) {
    r.fail(RejectReason::NoGeoReference, std::string(what) + " needs the site's geo-reference; site \"" + s.id +
                                             "\" has no \"geo\" in its site file (send x / y and heading_rad)");
    return nullptr;
  }
  return &*s.geo;
}

// Exactly one of two alternative keys; false (and an error) when both are there.
bool one_not_both(Reader& r, const char* a, const char* b) {
  if (r.has(a) && r.has(b)) r.fail(RejectReason::BadValue, std::string("give \"") + a + "\" or \"" + b + "\", not both");
  return !r.error;
}

// Where: site metres x / y, or WGS84 lat / lon converted through the site's geo-reference.
glm::vec2 read_place(Reader& r, const SiteSpec& s) {
  const bool wgs84 = r.has("lat") || r.has("lon");
  if (wgs84 && (r.has("x") || r.has("y"))) {
    r.fail(RejectReason::BadValue, "give x / y (site metres) or lat / lon (WGS84), not both");
    return {};
  }
  if (!wgs84) return {static_cast<float>(r.number("x", kMaxCoordinate_m)), static_cast<float>(r.number("y", kMaxCoordinate_m))};
  const double lat = r.number("lat", 90), lon = r.number("lon", 180);
  const GeoReference* geo = geo_for(r, s, "lat / lon");
  if (!geo) return {};
  const glm::dvec2 xy = site_from_wgs84(*geo, LatLon{lat, lon});
  if (!(std::fabs(xy.x) <= kMaxCoordinate_m && std::fabs(xy.y) <= kMaxCoordinate_m)) {
    char far[64];
    std::snprintf(far, sizeof far, "%.0f km", std::hypot(xy.x, xy.y) / 1000);
    r.fail(RejectReason::BadValue, "lat / lon is " + std::string(far) + " from site \"" + s.id + "\" (limit 1,000 km)");
    return {};
  }
  return {static_cast<float>(xy.x), static_cast<float>(xy.y)};
}

// Heading: site radians (counter-clockwise from +x), or a compass bearing in degrees
// (clockwise from north), turned into the site's frame by its x-axis bearing.
float read_heading(Reader& r, const SiteSpec& s) {
  if (!r.has("heading_deg")) return static_cast<float>(r.number("heading_rad", kMaxHeading_rad));
  const double deg = r.number("heading_deg", 720);
  const GeoReference* geo = geo_for(r, s, "heading_deg");
  if (!geo) return 0;
  double a = std::remainder((geo->x_bearing_deg - deg) * kPi / 180.0, 2 * kPi);  // (-pi, pi]
  return static_cast<float>(a);
}

PositionReport read_position(Reader& r, const SiteSpec& s) {
  PositionReport b;
  const int entity = r.one_of("entity", kEntities, 3);
  b.entity = entity == 1 ? EntityKind::GuideVehicle : EntityKind::Truck;
  if (!r.error && b.entity == EntityKind::GuideVehicle) {
    b.id = vehicle_index(r, "id", s);
  } else if (!r.error) {
    // A truck: its shipment id, and / or how the field knows it (plate, container).
    if (r.has("plate")) {
      b.plate = r.str("plate");
      if (!r.error && b.plate.empty()) r.fail(RejectReason::BadValue, "\"plate\" is empty (leave it out instead)");
    }
    if (r.has("container")) {
      b.container = container_field(r, "container");
      if (!r.error && b.container.empty()) r.fail(RejectReason::BadValue, "\"container\" is empty (leave it out instead)");
    }
    b.has_id = r.has("id") || (b.plate.empty() && b.container.empty());
    if (b.has_id && !r.error && !r.has("id"))
      r.fail(RejectReason::MissingField, "no \"id\", \"plate\" or \"container\": a truck needs at least one");
    if (b.has_id) b.id = static_cast<uint32_t>(r.u64("id", 0xFFFFFFFFu));
  }
  if (one_not_both(r, "heading_rad", "heading_deg")) {
    b.position = read_place(r, s);
    b.heading_rad = read_heading(r, s);
  }
  return b;
}

// Two positions of one batch name the same entity.
std::string position_key(const PositionReport& p) {
  if (p.entity == EntityKind::GuideVehicle) return "g" + std::to_string(p.id);
  if (p.has_id) return "t" + std::to_string(p.id);
  return "p" + p.plate + "\n" + p.container;
}

std::string position_name(const PositionReport& p) {
  if (p.entity == EntityKind::GuideVehicle) return "guide vehicle " + std::to_string(p.id);
  if (p.has_id) return "truck " + std::to_string(p.id);
  return "truck " + (p.plate.empty() ? p.container : p.plate);
}

// Reads the body for a topic kind ("event/<name>", "telemetry/position", "command").
std::optional<EventBody> read_body(const std::string& kind, Reader& r, const SiteSpec& s) {
  auto shipment = [&] { return ShipmentId{static_cast<uint32_t>(r.u64("shipment", 0xFFFFFFFFu))}; };
  if (kind == "event/clock_tick") return ClockTick{};
  if (kind == "event/declaration") {
    DeclarationFiled b;
    b.shipment = shipment();
    b.direction = static_cast<Direction>(r.one_of("direction", kDirections, 2));
    b.goods = r.entity("goods", s.goods, "goods class");
    b.reefer = r.boolean("reefer");
    b.unmanned_eligible = r.boolean("unmanned_eligible");
    b.plate = r.str("plate");
    b.container = container_field(r, "container");
    return b;
  }
  if (kind == "event/partner_declaration") {
    PartnerDeclarationReceived b;
    b.shipment = shipment();
    b.goods = r.entity("goods", s.goods, "goods class");
    b.plate = r.str("plate");
    b.container = container_field(r, "container");
    return b;
  }
  if (kind == "event/vehicle_arrived") {
    VehicleArrived b;
    b.direction = static_cast<Direction>(r.one_of("direction", kDirections, 2));
    b.plate = r.str("plate");
    b.container = container_field(r, "container");
    return b;
  }
  if (kind == "event/step_completed") {
    StepCompleted b;
    b.shipment = shipment();
    uint16_t cp = r.entity("checkpoint", s.checkpoints, "checkpoint");
    if (!r.error) b.checkpoint = s.checkpoints[cp].kind;
    b.channel = static_cast<Channel>(r.one_of("channel", kChannels, 4));
    b.passed = r.boolean("passed");
    return b;
  }
  if (kind == "event/handover_completed") return HandoverCompleted{shipment()};
  if (kind == "event/receipt_confirmed") return PartnerReceiptConfirmed{shipment()};
  if (kind == "event/transfer_completed") return TransferCompleted{shipment()};
  if (kind == "event/vehicle_left") return VehicleLeft{shipment()};
  if (kind == "event/guide_step_completed") return GuideVehicleStepCompleted{vehicle_index(r, "vehicle", s)};
  if (kind == "event/equipment_status") {
    EquipmentStatus b;
    if (const json* eq = r.object("equipment")) b.equipment = read_equipment(*eq, s, r);
    b.ok = r.boolean("ok");
    return b;
  }
  if (kind == "event/partner_link") return PartnerLinkStatus{r.boolean("up")};
  if (kind == "event/reefer_power") {
    ReeferPower b;
    b.yard = r.entity("yard", s.yards, "yard");
    b.on = r.boolean("on");
    return b;
  }
  if (kind == "telemetry/position") return read_position(r, s);
  if (kind == "command") {
    OperatorCommand b;
    b.actor = r.str("actor");
    if (!r.error && b.actor.empty()) r.fail(RejectReason::BadValue, "\"actor\" must name who asked (commands are attributable)");
    b.role = static_cast<Role>(r.one_of("role", kRoles, 3));
    b.reason = r.str("reason", kMaxTextChars);
    if (const json* c = r.object("command")) b.command = read_command(*c, s, r);
    return b;
  }
  return std::nullopt;
}

// What every field message shares: its topic (site and kind) and the envelope fields.
struct Envelope {
  std::string kind;  // after the site: "event/<name>", "telemetry/position", "command"...
  json body;         // the parsed payload, an object
  FieldMessage head; // source, source_seq, time_ms, site and topic filled in
};

bool account_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// Splits "<kind>/<account>" off a topic's kind: event/<name>/<account>, telemetry/<what>/<account>,
// command/<account>. Returns false when the last level is not a valid account name.
bool split_account(std::string& kind, std::string& account, std::string& why) {
  const size_t levels = static_cast<size_t>(std::count(kind.begin(), kind.end(), '/'));
  const bool bound = kind.rfind("command/", 0) == 0 ? levels == 1 : levels == 2;
  if (!bound) return true;
  const size_t slash = kind.rfind('/');
  account = kind.substr(slash + 1);
  kind.resize(slash);
  if (account.empty() || account.size() > kMaxAccountChars || !std::all_of(account.begin(), account.end(), account_char)) {
    why = "the topic's account level \"" + account.substr(0, 80) + "\" is not an account name (1-64 letters, digits, . _ -)";
    return false;
  }
  return true;
}

// When: exactly one of "t_ms" (run time), "utc_ms" (Unix epoch ms) and "time" (RFC 3339).
void read_time(Reader& r, FieldMessage& m) {
  const int given = r.has("t_ms") + r.has("utc_ms") + r.has("time");
  if (r.error) return;
  if (given == 0) { r.fail(RejectReason::MissingField, "no time: give one of \"t_ms\" (run time), \"utc_ms\" or \"time\" (UTC)"); return; }
  if (given > 1) { r.fail(RejectReason::BadValue, "give one time only: \"t_ms\", \"utc_ms\" or \"time\""); return; }
  if (r.has("t_ms")) { m.time_ms = r.time_ms("t_ms"); return; }
  m.utc = true;
  if (r.has("utc_ms")) {
    m.utc_ms = static_cast<int64_t>(r.u64("utc_ms", static_cast<uint64_t>(kMaxUtcMs)));
    return;
  }
  const std::string text = r.str("time");
  if (r.error) return;
  std::string why;
  auto t = parse_rfc3339_ms(text, &why);
  if (!t) r.fail(RejectReason::BadValue, "\"time\" \"" + text + "\": " + why);
  else m.utc_ms = *t;
}

std::variant<Envelope, DecodeError> read_envelope(std::string_view topic, std::string_view payload,
                                                  const std::vector<SiteSpec>& sites, const DecodeOptions& options) {
  auto err = [](RejectReason r, std::string why) { return DecodeError{r, std::move(why)}; };
  if (topic.size() > kMaxTopicBytes) return err(RejectReason::Oversized, "topic is " + std::to_string(topic.size()) + " bytes");
  if (payload.size() > kMaxPayloadBytes)
    return err(RejectReason::Oversized, "payload is " + std::to_string(payload.size()) + " bytes, the limit is " +
                                            std::to_string(kMaxPayloadBytes));
  // Topic: gatetwin/v1/<site>/<kind...>
  const std::string root = std::string(kTopicRoot) + "/";
  if (topic.substr(0, root.size()) != root) return err(RejectReason::BadTopic, "topic does not start with " + root);
  std::string_view rest = topic.substr(root.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return err(RejectReason::BadTopic, "topic names no message kind after the site");
  const std::string site_id(rest.substr(0, slash));
  size_t site = 0;
  while (site < sites.size() && sites[site].id != site_id) ++site;
  if (site == sites.size()) return err(RejectReason::UnknownSite, "site \"" + site_id + "\" is not one of the twin's site files");

  if (json_depth(payload) > kMaxJsonDepth)
    return err(RejectReason::MalformedJson, "JSON nested deeper than " + std::to_string(kMaxJsonDepth));
  Envelope e;
  e.kind = std::string(rest.substr(slash + 1));
  std::string account, why;
  if (!split_account(e.kind, account, why)) return err(RejectReason::BadTopic, why);
  if (account.empty() && options.require_account)
    return err(RejectReason::UnboundTopic, "this twin takes only topics bound to an account: publish on " + std::string(topic) +
                                               "/<your broker account> (docs/mqtt.md)");
  e.body = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (e.body.is_discarded()) return err(RejectReason::MalformedJson, "payload is not valid JSON");
  if (!e.body.is_object()) return err(RejectReason::WrongType, "payload must be a JSON object");

  Reader r(e.body, "");
  const json* v = r.field("v");
  if (v && !(v->is_number_unsigned() && v->get<uint64_t>() == kSchemaVersion))
    return err(RejectReason::UnsupportedVersion, "\"v\" must be " + std::to_string(kSchemaVersion));
  FieldMessage& m = e.head;
  m.source = r.str("src");
  if (!r.error && m.source.empty()) r.fail(RejectReason::BadValue, "\"src\" must name the source");
  // The twin's own sources (its wall-clock ticks, its partner watch, its decisions): a field
  // message in their name would slip into their series.
  if (!r.error && (m.source == "twin" || m.source.rfind("twin-", 0) == 0))
    r.fail(RejectReason::BadValue, "\"src\" \"" + m.source + "\" is reserved for the twin's own sources (\"twin\", \"twin-...\")");
  if (!account.empty() && !r.error && m.source != account && m.source.rfind(account + "/", 0) != 0)
    r.fail(RejectReason::SrcNotAccount, "\"src\" \"" + m.source + "\" is not account \"" + account + "\"'s: use \"" + account +
                                            "\" or \"" + account + "/<unit>\"");
  const bool src_known = !r.error;
  // A command is named by its sender's "id" (any text; unique per sender), and needs no
  // "seq": commands are outside every source's series. One with no "id" is named by its seq.
  const bool command = e.kind == "command";
  if (command && r.has("id")) {
    m.command_id = r.str("id");
    if (!r.error && (m.command_id.empty() || !std::all_of(m.command_id.begin(), m.command_id.end(), [](char c) {
                       return c > 0x20 && c < 0x7f;
                     })))
      r.fail(RejectReason::BadValue, "\"id\" must be 1-64 printable characters without spaces (the sender's name for this command)");
  }
  if (!command || m.command_id.empty() || r.has("seq")) {
    m.source_seq = r.u64("seq");
    if (!r.error && m.source_seq == 0) r.fail(RejectReason::BadValue, "\"seq\" starts at 1");
    if (command && m.command_id.empty() && !r.error) m.command_id = "seq-" + std::to_string(m.source_seq);
  }
  if (r.has("session")) {
    m.session = r.str("session", kMaxSessionChars);
    if (!r.error && m.session.empty()) r.fail(RejectReason::BadValue, "\"session\" is empty (leave it out instead)");
  }
  // A command is applied when it arrives (at the twin's clock): its time may be left out.
  if (!command || r.has("t_ms") || r.has("utc_ms") || r.has("time")) read_time(r, m);
  if (r.error) {
    if (src_known) r.error->source = m.source;
    return *r.error;
  }
  m.site = static_cast<uint8_t>(site);
  m.topic = std::string(topic);
  m.account = std::move(account);
  return e;
}

constexpr const char* kBatchKind = "telemetry/positions";

// The positions of a batch: each item checked on its own; an entity named twice is refused
// the second time (one batch is one instant of the gateway).
DecodeManyResult read_position_batch(Envelope& e, const SiteSpec& spec) {
  Reader r(e.body, "");
  const json* list = r.field("positions");
  if (r.error) return *r.error;
  if (!list->is_array()) return DecodeError{RejectReason::WrongType, "\"positions\" must be a list"};
  if (list->empty() || list->size() > kMaxBatchPositions)
    return DecodeError{RejectReason::BadValue, "\"positions\" holds " + std::to_string(list->size()) +
                                                   " items; a batch holds 1 to " + std::to_string(kMaxBatchPositions)};
  DecodedMessages out;
  out.batch = true;
  out.messages.reserve(list->size());
  std::vector<std::string> seen;
  seen.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string where = "positions[" + std::to_string(i) + "]: ";
    const json& item = (*list)[i];
    if (!item.is_object()) {
      out.rejected_items.push_back({RejectReason::WrongType, where + "must be an object", e.head.source});
      continue;
    }
    Reader ir(item, where);
    PositionReport p = read_position(ir, spec);
    std::string key = ir.error ? std::string() : position_key(p);
    if (!ir.error && std::find(seen.begin(), seen.end(), key) != seen.end())
      ir.fail(RejectReason::BadValue, position_name(p) + " is already in this batch");
    if (ir.error) {
      ir.error->source = e.head.source;
      out.rejected_items.push_back(*ir.error);
      continue;
    }
    seen.push_back(std::move(key));
    FieldMessage m = e.head;
    m.body = p;
    m.cls = MessageClass::Telemetry;
    out.messages.push_back(std::move(m));
  }
  return out;
}

// One event of any kind but a batch.
DecodeResult read_single(Envelope& e, const SiteSpec& spec) {
  if (e.kind == kBatchKind) return DecodeError{RejectReason::BadTopic, "telemetry/positions is a batch (decode_messages reads it)"};
  Reader r(e.body, "");
  std::optional<EventBody> body = read_body(e.kind, r, spec);
  if (!body) return DecodeError{RejectReason::BadTopic, "unknown message kind \"" + e.kind + "\" (see docs/mqtt.md)"};
  if (auto* oc = std::get_if<OperatorCommand>(&*body)) read_command_at(r, *oc, e.head);
  if (r.error) {
    r.error->source = e.head.source;
    return *r.error;
  }
  FieldMessage m = std::move(e.head);
  m.body = std::move(*body);
  m.cls = std::holds_alternative<PositionReport>(m.body)   ? MessageClass::Telemetry
          : std::holds_alternative<OperatorCommand>(m.body) ? MessageClass::Command
                                                            : MessageClass::Ordered;
  return m;
}

}  // namespace

DecodeResult decode_message(std::string_view topic, std::string_view payload, const std::vector<SiteSpec>& sites) {
  if (std::optional<FieldMessage> m = decode_position_fast(topic, payload, sites, DecodeOptions{})) return std::move(*m);
  auto env = read_envelope(topic, payload, sites, DecodeOptions{});
  if (auto* e = std::get_if<DecodeError>(&env)) return *e;
  return read_single(std::get<Envelope>(env), sites[std::get<Envelope>(env).head.site]);
}

DecodeManyResult decode_messages(std::string_view topic, std::string_view payload, const std::vector<SiteSpec>& sites,
                                 const DecodeOptions& options) {
  if (options.fast_positions)
    if (std::optional<FieldMessage> m = decode_position_fast(topic, payload, sites, options)) {
      DecodedMessages out;
      out.messages.push_back(std::move(*m));
      return out;
    }
  auto env = read_envelope(topic, payload, sites, options);
  if (auto* e = std::get_if<DecodeError>(&env)) return *e;
  Envelope& e = std::get<Envelope>(env);
  if (e.kind == kBatchKind) {
    DecodeManyResult batch = read_position_batch(e, sites[e.head.site]);
    if (auto* err = std::get_if<DecodeError>(&batch)) err->source = e.head.source;
    return batch;
  }
  DecodeResult one = read_single(e, sites[e.head.site]);
  if (auto* err = std::get_if<DecodeError>(&one)) return *err;
  DecodedMessages out;
  out.messages.push_back(std::move(std::get<FieldMessage>(one)));
  return out;
}

// [SECTION] decisions --------------------------------------------------------------------

json decision_to_json(const Decision& d, uint64_t twin_seq, const std::vector<SiteSpec>& sites) {
  static const SiteSpec kEmpty;
  const SiteSpec& s = d.site < sites.size() ? sites[d.site] : kEmpty;
  json j;
  j["v"] = kSchemaVersion;
  j["src"] = "twin";
  j["seq"] = twin_seq;
  j["t_ms"] = d.time_ms;
  j["kind"] = to_string(d.kind);
  j["cause_seq"] = d.cause_seq;
  if (d.shipment != ShipmentId{}) j["shipment"] = d.shipment.value;
  j["resource"] = d.resource;
  j["unit"] = d.unit;
  j["value"] = d.value;
  if (!d.text.empty()) j["text"] = d.text;
  switch (d.kind) {
    case DecisionKind::ServiceStarted: j["checkpoint"] = checkpoint_name(s, d.resource); j["server"] = d.unit; break;
    case DecisionKind::LaneAssigned: case DecisionKind::HandoverStarted: j["lane"] = lane_name(s, d.resource); break;
    case DecisionKind::TransferStarted: j["yard"] = yard_name(s, d.resource); j["slot"] = d.unit; break;
    case DecisionKind::GuideVehicleLoad: case DecisionKind::GuideVehicleUnload: j["vehicle"] = d.resource; break;
    case DecisionKind::SegmentGranted: j["vehicle"] = d.resource; j["lane"] = lane_name(s, d.unit); j["segment"] = d.value; break;
    case DecisionKind::CommandAccepted: case DecisionKind::CommandRefused: j["command_seq"] = d.value; break;
    default: break;
  }
  return j;
}

EncodedMessage encode_decision(const Decision& d, uint64_t twin_seq, const std::vector<SiteSpec>& sites) {
  EncodedMessage m;
  const std::string site_id = d.site < sites.size() ? sites[d.site].id : "#" + std::to_string(d.site);
  const bool result = d.kind == DecisionKind::CommandAccepted || d.kind == DecisionKind::CommandRefused;
  m.topic = site_topic_prefix(site_id) + (result ? "twin/command_result" : "twin/decision");
  m.payload = decision_to_json(d, twin_seq, sites).dump();
  m.qos = 1;
  return m;
}

}  // namespace connectors
