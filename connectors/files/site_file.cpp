// Site file loader. See site_file.h. Reading goes through Field (json_field.h), which
// knows the JSON path it stands at, so that each error can name the field it is about.
// Every object's keys are checked (a typo is refused with the nearest known key), and so
// are duplicate keys (json_duplicates.h) and the source notes (site_notes.h).
#include "connectors/files/site_file.h"

#include "connectors/files/json_duplicates.h"
#include "connectors/files/json_field.h"
#include "connectors/files/near_name.h"
#include "connectors/files/site_notes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace connectors {
namespace {

using json = nlohmann::json;
using twin::Distribution;

// Site geometry lies within this distance of the site's origin [0, 0] (docs/site-format.md):
// a point farther away is a coordinate in the wrong unit, not a bigger gate.
constexpr double kMaxDistanceM = 20000;
// A lane's stated length_m may differ from its drawn polyline by this share, at least kRouteToleranceMinM.
constexpr double kRouteTolerance = 0.02;
constexpr double kRouteToleranceMinM = 10;

// An object's notes as SiteSpec keeps them (not read by the simulation).
std::string notes_of(const Field& f) { return f.has("source") ? note_text(f.j["source"]) : ""; }

// A point of the site: within kMaxDistanceM of the origin.
glm::vec2 site_point(const Field& f) {
  glm::vec2 p = f.point();
  const double d = std::hypot(static_cast<double>(p.x), static_cast<double>(p.y));
  if (!(d <= kMaxDistanceM))
    f.fail("lies " + Field::fmt(d / 1000) + " km from the site's origin [0, 0]; site geometry must lie within " +
           Field::fmt(kMaxDistanceM / 1000) + " km of it (local metres: a coordinate in another unit, or degrees?)");
  return p;
}

std::vector<glm::vec2> site_points(const Field& f, size_t min_count) {
  std::vector<glm::vec2> out = f.points(min_count);
  for (size_t i = 0; i < out.size(); ++i) site_point(f.at(i));
  return out;
}

// A duplicate id in a list: MQTT topics and recordings name these by id.
void unique_id(const Field& id, const std::set<std::string>& seen, const std::string& what) {
  if (seen.count(id.j.get<std::string>()))
    id.fail("duplicate " + what + " id \"" + id.j.get<std::string>() + "\"; MQTT topics and recordings name " + what +
            "s by id: give each its own");
}

Distribution read_distribution(const Field& f) {
  Distribution d;
  d.kind = f.at("dist").choice<Distribution::Kind>({{"fixed", Distribution::Kind::Fixed},
                                                     {"exponential", Distribution::Kind::Exponential},
                                                     {"lognormal", Distribution::Kind::Lognormal},
                                                     {"uniform", Distribution::Kind::Uniform}});
  if (d.kind == Distribution::Kind::Uniform) {
    d.min_s = f.at("min_s").num(0);
    d.max_s = f.at("max_s").num(d.min_s);
  } else {
    d.mean_s = f.at("mean_s").num(0, 7 * 86400);
  }
  if (d.kind == Distribution::Kind::Lognormal) d.cv = f.at("cv").num(0, 10);
  // Only the fields its kind reads: a "cv" on an exponential would be ignored silently.
  std::vector<std::string> known = {"dist", "source"};
  if (d.kind == Distribution::Kind::Uniform) known.insert(known.end(), {"min_s", "max_s"});
  else known.push_back("mean_s");
  if (d.kind == Distribution::Kind::Lognormal) known.push_back("cv");
  f.only(known);
  if (f.has("source") && f.j["source"].is_string() && f.at("source").str().empty())
    f.at("source").fail("every assumed value needs a source note");
  d.source = notes_of(f);
  return d;
}

std::vector<double> read_mix(const Field& f, const twin::SiteSpec& site) {
  if (!f.j.is_object()) f.fail("expected an object of goods class -> share");
  std::vector<double> mix(site.goods.size(), 0.0);
  std::vector<std::string> ids;
  for (const auto& g : site.goods) ids.push_back(g.id);
  double total = 0;
  for (auto& [key, value] : f.j.items()) {
    if (key == "source") continue;  // a note, site_notes.h
    int g = site.goods_index(key);
    Field share{value, f.path + "." + key};
    if (g < 0) share.fail("no goods class \"" + key + "\" in goods;" + did_you_mean(key, ids) + " goods classes: " + join_names(ids));
    mix[g] = share.num(0, 1);
    total += mix[g];
  }
  if (std::abs(total - 1.0) > 1e-6)
    f.fail("shares add up to " + Field::fmt(total) + ", not 1; make them fractions of the vehicles that add up to 1");
  return mix;
}

// "capacity_plans": the site's own lane plans for the capacity table (docs/site-format.md).
void read_capacity_plans(const Field& list, twin::SiteSpec& s) {
  // The plans every site has (capacity/plans.cpp); a file's plan may not take their ids.
  const std::vector<std::string> common = {"today", "8-2u", "8-manned", "6-of-8"};
  std::set<std::string> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    Field p = list.at(i);
    p.only({"id", "name", "extra_manned_lanes_per_direction", "guide_vehicles", "handover_s", "extra_scanner_portals", "source"});
    twin::CapacityPlanSpec plan;
    plan.id = p.at("id").str();
    if (!is_site_id(plan.id)) p.at("id").fail("must be letters, digits, - or _ (it is a flag value and a CSV field)");
    if (std::find(common.begin(), common.end(), plan.id) != common.end())
      p.at("id").fail("\"" + plan.id + "\" is one of the plans every site has (" + join_names(common) + "); give this plan its own id");
    if (ids.count(plan.id)) p.at("id").fail("duplicate capacity plan id \"" + plan.id + "\"; the table and its CSV name plans by id: give each its own");
    ids.insert(plan.id);
    plan.name = p.at("name").str();
    if (plan.name.empty()) p.at("name").fail("must say what the plan is, for the table");
    if (p.has("extra_manned_lanes_per_direction")) plan.extra_manned_per_direction = static_cast<int>(p.at("extra_manned_lanes_per_direction").integer(0, 100));
    if (p.has("guide_vehicles")) plan.guide_vehicles = static_cast<int>(p.at("guide_vehicles").integer(1, 10000));
    if (p.has("handover_s")) plan.handover_s = p.at("handover_s").num(1, 86400);
    if (p.has("extra_scanner_portals")) plan.extra_scanners = static_cast<int>(p.at("extra_scanner_portals").integer(0, 1000));
    plan.source = notes_of(p);
    s.capacity_plans.push_back(plan);
  }
}

// "sensitivity": each assumption's range for the sweep (docs/site-format.md).
void read_sensitivity(const Field& f, twin::SiteSpec& s) {
  f.only({"handover_s", "guide_vehicles", "scanner_portals_change", "service_time_factor", "transfer_time_factor",
          "arrival_swing_factor", "source"});
  auto range = [&](const char* key, double min, double max, bool whole, twin::SensitivityRange& r) {
    if (!f.has(key)) return;
    Field e = f.at(key);
    e.only({"low", "high", "source"});
    r.given = true;
    r.low = whole ? static_cast<double>(e.at("low").integer(min, max)) : e.at("low").num(min, max);
    r.high = whole ? static_cast<double>(e.at("high").integer(min, max)) : e.at("high").num(min, max);
    if (r.low > r.high)
      e.at("low").fail("the low end (" + Field::fmt(r.low) + ") is above the high end (" + Field::fmt(r.high) +
                       "); write the smaller value as \"low\"");
    // Its own note, else the section's (site_notes.h: the nearest enclosing one).
    r.source = notes_of(e);
    if (r.source.empty() && f.has("source")) {
      const json& n = f.j["source"];
      if (n.is_string()) r.source = n.get<std::string>();
      else if (n.is_object() && n.contains(key) && n[key].is_string()) r.source = n[key].get<std::string>();
    }
  };
  range("handover_s", 1, 86400, false, s.sensitivity.handover_s);
  range("guide_vehicles", 1, 10000, true, s.sensitivity.guide_vehicles);
  range("scanner_portals_change", -1000, 1000, true, s.sensitivity.scanner_portals_change);
  range("service_time_factor", 0.01, 100, false, s.sensitivity.service_time_factor);
  range("transfer_time_factor", 0.01, 100, false, s.sensitivity.transfer_time_factor);
  range("arrival_swing_factor", 0, 100, false, s.sensitivity.arrival_swing_factor);
}

// "partner": the partner customs' public Ed25519 key, pinned (docs/site-format.md). The
// form is checked here (base64 of an Ed25519 SubjectPublicKeyInfo, the one line between
// the PEM's BEGIN and END); the signatures are checked by the link (partner_seal.h).
void read_partner_key(const Field& partner, twin::SiteSpec& s) {
  partner.only({"public_key", "source"});
  const Field key = partner.at("public_key");
  std::string k = key.str();
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // The DER of an Ed25519 public key is 44 bytes: a fixed 12-byte prefix, then the 32-byte key.
  const bool shape = k.size() == 60 && k.compare(0, 16, "MCowBQYDK2VwAyEA") == 0 && k.substr(59) == "=" &&
                     k.find_first_not_of(alphabet) == 59;
  if (!shape)
    key.fail("not an Ed25519 public key in base64 (expected the 60-character line \"MCowBQYDK2VwAyEA...=\" that "
             "openssl pkey -in PARTNER.key -pubout prints between BEGIN and END PUBLIC KEY)");
  const std::string source = partner.at("source").str();
  if (source.empty()) partner.at("source").fail("must say who gave the key and when (an unsourced key cannot be trusted)");
  s.partner_public_key = k;
  s.partner_key_source = source;
}

// "vda5050": the unmanned lane graph, its map id and the fleet's identities
// (docs/site-format.md). Read after the lanes and the fleet, and after derive() (the
// routes must have one edge per block section).
bool topic_level(const std::string& v) { return !v.empty() && v.size() <= 64 && v.find_first_of("/#+") == std::string::npos; }

void read_vda5050(const Field& f, twin::SiteSpec& s) {
  f.only({"map_id", "interface_name", "nodes", "edges", "routes", "vehicles", "source"});
  twin::Vda5050Spec& v = s.vda5050;
  v.given = true;
  v.map_id = f.at("map_id").str();
  if (v.map_id.empty() || v.map_id.size() > 64) f.at("map_id").fail("must be 1-64 characters (the mapId of every position and node)");
  if (f.has("interface_name")) {
    v.interface_name = f.at("interface_name").str();
    if (!topic_level(v.interface_name))
      f.at("interface_name").fail("must be 1-64 characters without / # + (the first level of every VDA 5050 topic)");
  }
  std::map<std::string, uint16_t> node_index, edge_index;
  Field nodes = f.at("nodes");
  if (nodes.size() < 2) nodes.fail("at least 2 nodes are needed (a lane's start and end)");
  if (nodes.size() > 60000) nodes.fail("more than 60,000 nodes");
  for (size_t i = 0; i < nodes.size(); ++i) {
    Field n = nodes.at(i);
    n.only({"id", "position", "source"});
    twin::LaneGraphNode node{n.at("id").str(), site_point(n.at("position"))};
    if (node.id.empty()) n.at("id").fail("must not be empty");
    if (node_index.count(node.id)) n.at("id").fail("duplicate node id \"" + node.id + "\"; orders name nodes by id: give each its own");
    node_index[node.id] = static_cast<uint16_t>(v.nodes.size());
    v.nodes.push_back(node);
  }
  Field edges = f.at("edges");
  if (edges.size() > 60000) edges.fail("more than 60,000 edges");
  for (size_t i = 0; i < edges.size(); ++i) {
    Field e = edges.at(i);
    e.only({"id", "from", "to", "length_m", "directions", "source"});
    twin::LaneGraphEdge edge;
    edge.id = e.at("id").str();
    if (edge.id.empty()) e.at("id").fail("must not be empty");
    if (edge_index.count(edge.id)) e.at("id").fail("duplicate edge id \"" + edge.id + "\"; orders name edges by id: give each its own");
    for (auto [key, out] : {std::pair<const char*, uint16_t*>{"from", &edge.from}, {"to", &edge.to}}) {
      const std::string id = e.at(key).str();
      auto it = node_index.find(id);
      if (it == node_index.end()) e.at(key).fail("no node \"" + id + "\" in vda5050.nodes");
      *out = it->second;
    }
    if (edge.from == edge.to) e.at("to").fail("an edge from a node to itself");
    edge.length_m = e.at("length_m").num(0.01, 100000);
    const glm::vec2 a = v.nodes[edge.from].position, b = v.nodes[edge.to].position;
    const double straight = std::hypot(static_cast<double>(b.x - a.x), static_cast<double>(b.y - a.y));
    if (edge.length_m < straight * (1 - kRouteTolerance) - 0.05)
      e.at("length_m").fail("states " + Field::fmt(edge.length_m) + " m, but its nodes lie " + Field::fmt(straight) +
                            " m apart in a straight line: an edge cannot be shorter than that");
    if (edge.length_m > 2 * straight + kRouteToleranceMinM)
      e.at("length_m").fail("states " + Field::fmt(edge.length_m) + " m, more than twice the " + Field::fmt(straight) +
                            " m between its nodes: a node or the length is wrong");
    edge.both_ways = e.at("directions").choice<bool>({{"forward", false}, {"both", true}});
    edge_index[edge.id] = static_cast<uint16_t>(v.edges.size());
    v.edges.push_back(edge);
  }
  Field routes = f.at("routes");
  std::set<uint16_t> routed;
  for (size_t i = 0; i < routes.size(); ++i) {
    Field r = routes.at(i);
    r.only({"lane", "nodes", "source"});
    const std::string lane_id = r.at("lane").str();
    const int l = s.lane_index(lane_id);
    if (l < 0) r.at("lane").fail("no lane \"" + lane_id + "\" in lanes");
    const twin::LaneSpec& lane = s.lanes[l];
    if (lane.kind != twin::LaneKind::Unmanned) r.at("lane").fail("lane " + lane_id + " is manned; routes are for unmanned lanes");
    if (routed.count(static_cast<uint16_t>(l))) r.at("lane").fail("a second route for lane " + lane_id);
    routed.insert(static_cast<uint16_t>(l));
    twin::LaneRoute route;
    route.lane = static_cast<uint16_t>(l);
    Field ns = r.at("nodes");
    for (size_t k = 0; k < ns.size(); ++k) {
      const std::string id = ns.at(k).str();
      auto it = node_index.find(id);
      if (it == node_index.end()) ns.at(k).fail("no node \"" + id + "\" in vda5050.nodes");
      route.nodes.push_back(it->second);
    }
    if (route.nodes.size() != static_cast<size_t>(lane.segments) + 1)
      ns.fail("lane " + lane_id + " has " + std::to_string(lane.segments) + " block sections (its length over fleet.segment_length_m), "
              "so its route needs " + std::to_string(lane.segments + 1) + " nodes, one at each section's end; it has " +
              std::to_string(route.nodes.size()));
    double length = 0;
    for (size_t k = 0; k + 1 < route.nodes.size(); ++k) {
      int found = -1;
      for (size_t e = 0; e < v.edges.size(); ++e) {
        const twin::LaneGraphEdge& edge = v.edges[e];
        if ((edge.from == route.nodes[k] && edge.to == route.nodes[k + 1]) ||
            (edge.both_ways && edge.to == route.nodes[k] && edge.from == route.nodes[k + 1])) {
          found = static_cast<int>(e);
          break;
        }
      }
      if (found < 0)
        ns.at(k + 1).fail("no edge leads from \"" + v.nodes[route.nodes[k]].id + "\" to \"" + v.nodes[route.nodes[k + 1]].id +
                          "\" in that direction (an edge is one-way from -> to unless \"directions\": \"both\")");
      route.edges.push_back(static_cast<uint16_t>(found));
      length += v.edges[found].length_m;
    }
    if (std::abs(length - lane.length_m) > std::max(kRouteTolerance * lane.length_m, kRouteToleranceMinM))
      ns.fail("its edges add up to " + Field::fmt(length) + " m, but lane " + lane_id + " is drawn " + Field::fmt(std::round(lane.length_m)) +
              " m long (more than 2% apart)");
    auto near = [](glm::vec2 a, glm::vec2 b) { return std::hypot(static_cast<double>(a.x - b.x), static_cast<double>(a.y - b.y)) <= 25; };
    if (!near(v.nodes[route.nodes.front()].position, lane.polyline.front()))
      ns.at(0).fail("the route's first node lies more than 25 m from the start of lane " + lane_id + "'s polyline");
    if (!near(v.nodes[route.nodes.back()].position, lane.polyline.back()))
      ns.at(ns.size() - 1).fail("the route's last node lies more than 25 m from the end of lane " + lane_id + "'s polyline");
    v.routes.push_back(route);
  }
  Field vehicles = f.at("vehicles");
  std::set<std::pair<std::string, std::string>> names;
  std::set<uint16_t> slots;
  for (size_t i = 0; i < vehicles.size(); ++i) {
    Field g = vehicles.at(i);
    g.only({"manufacturer", "serial_number", "slot", "source"});
    twin::FleetVehicleId id;
    id.manufacturer = g.at("manufacturer").str();
    id.serial_number = g.at("serial_number").str();
    if (!topic_level(id.manufacturer)) g.at("manufacturer").fail("must be 1-64 characters without / # + (a VDA 5050 topic level)");
    if (!topic_level(id.serial_number)) g.at("serial_number").fail("must be 1-64 characters without / # + (a VDA 5050 topic level)");
    if (s.fleet.guide_vehicles < 1) g.at("slot").fail("the site has no guide vehicles (fleet.guide_vehicles is 0)");
    id.slot = static_cast<uint16_t>(g.at("slot").integer(0, s.fleet.guide_vehicles - 1));
    if (!names.insert({id.manufacturer, id.serial_number}).second)
      g.at("serial_number").fail("vehicle " + id.manufacturer + "/" + id.serial_number + " is listed twice");
    if (!slots.insert(id.slot).second) g.at("slot").fail("fleet slot " + std::to_string(id.slot) + " is given to two vehicles");
    v.vehicles.push_back(id);
  }
}

twin::SiteSpec read_site(const Field& root, const std::string& file) {
  twin::SiteSpec s;
  s.source_file = file;
  std::string format = root.at("format").str();
  if (format != "gatetwin-site/1") root.at("format").fail("unknown format \"" + format + "\"; this build reads gatetwin-site/1");
  root.only({"format", "id", "name", "markers", "sources", "border_line", "geo", "goods", "lanes", "checkpoints", "yards",
             "fleet", "timing", "arrivals", "rates", "targets", "queue_alert_vehicles", "declaration_lead_s", "partner_delay_s", "capacity_plans", "sensitivity",
             "partner", "vda5050"});
  s.id = root.at("id").str();
  if (s.id.empty() || s.id.find_first_of("/#+ ") != std::string::npos)
    root.at("id").fail("must be non-empty, without spaces or / # +");
  s.name = root.at("name").str();
  s.markers = root.at("markers").str();
  s.border_line = site_points(root.at("border_line"), 2);
  if (root.has("partner")) read_partner_key(root.at("partner"), s);
  if (root.has("geo")) {  // optional: a site without it takes local metres only
    Field geo = root.at("geo");
    geo.only({"lat", "lon", "alt_m", "x_bearing_deg", "survey", "source"});
    twin::GeoReference g;
    g.lat_deg = geo.at("lat").num(-90, 90);
    g.lon_deg = geo.at("lon").num(-180, 180);
    g.alt_m = geo.has("alt_m") ? geo.at("alt_m").num(-500, 9000) : 0.0;
    g.x_bearing_deg = geo.at("x_bearing_deg").num(0, 360);
    g.surveyed = geo.at("survey").choice<bool>({{"surveyed", true}, {"schematic", false}});
    g.source = geo.at("source").str();
    if (g.source.empty()) geo.at("source").fail("must say where the anchor and bearing come from");
    s.geo = g;
  }

  Field goods = root.at("goods");
  for (size_t i = 0; i < goods.size(); ++i) {
    Field g = goods.at(i);
    g.only({"id", "needs_quarantine", "reefer_share", "source"});
    twin::GoodsClass gc{g.at("id").str(), g.at("needs_quarantine").boolean(), g.at("reefer_share").num(0, 1)};
    if (s.goods_index(gc.id) >= 0) g.at("id").fail("duplicate goods class \"" + gc.id + "\"");
    s.goods.push_back(gc);
  }
  if (s.goods.empty()) goods.fail("at least one goods class is needed");

  Field lanes = root.at("lanes");
  for (size_t i = 0; i < lanes.size(); ++i) {
    Field l = lanes.at(i);
    l.only({"id", "direction", "kind", "today", "polyline", "length_m", "source"});
    twin::LaneSpec lane;
    lane.id = l.at("id").str();
    if (s.lane_index(lane.id) >= 0) l.at("id").fail("duplicate lane id \"" + lane.id + "\"");
    lane.direction = l.at("direction").choice<twin::Direction>({{"export", twin::Direction::Export}, {"import", twin::Direction::Import}});
    lane.kind = l.at("kind").choice<twin::LaneKind>({{"manned", twin::LaneKind::Manned}, {"unmanned", twin::LaneKind::Unmanned}});
    lane.exists_today = l.at("today").boolean();
    Field poly = l.at("polyline");
    lane.polyline = site_points(poly, 2);
    double drawn_m = 0;
    for (size_t p = 1; p < lane.polyline.size(); ++p) {
      const double piece_m = std::hypot(static_cast<double>(lane.polyline[p].x - lane.polyline[p - 1].x),
                                        static_cast<double>(lane.polyline[p].y - lane.polyline[p - 1].y));
      if (piece_m < 0.01) poly.at(p).fail("the same point as the one before it: a lane piece of zero length; remove one of them");
      drawn_m += piece_m;
    }
    if (drawn_m < 1) poly.fail("a lane shorter than 1 m (" + Field::fmt(drawn_m) + " m): draw it from where it starts to where it ends");
    if (l.has("length_m")) {  // a stated route length is checked against the drawing
      const double stated_m = l.at("length_m").num(0, 1e6);
      if (std::abs(stated_m - drawn_m) > std::max(kRouteTolerance * drawn_m, kRouteToleranceMinM))
        l.at("length_m").fail("states " + Field::fmt(stated_m) + " m, but the polyline is drawn " + Field::fmt(std::round(drawn_m)) +
                              " m long (more than " + Field::fmt(kRouteTolerance * 100) +
                              "% apart): correct the stated length or the drawing");
    }
    s.lanes.push_back(lane);
  }
  if (s.lanes.empty()) lanes.fail("at least one lane is needed");
  for (auto [dir, name] : {std::pair{twin::Direction::Export, "export"}, std::pair{twin::Direction::Import, "import"}})
    if (std::none_of(s.lanes.begin(), s.lanes.end(), [dir = dir](const auto& l) { return l.direction == dir; }))
      lanes.fail(std::string("no ") + name + " lane; every direction needs at least one (vehicles of a direction with no lane "
                 "could never cross): add one with \"direction\": \"" + name + "\"");

  Field cps = root.at("checkpoints");
  std::set<std::string> checkpoint_ids;
  for (size_t i = 0; i < cps.size(); ++i) {
    Field c = cps.at(i);
    c.only({"id", "kind", "servers", "positions", "service", "source"});
    twin::CheckpointSpec cp;
    cp.id = c.at("id").str();
    unique_id(c.at("id"), checkpoint_ids, "checkpoint");
    checkpoint_ids.insert(cp.id);
    cp.kind = c.at("kind").choice<twin::CheckpointKind>({{"gate_in", twin::CheckpointKind::GateIn},
                                                          {"scanner", twin::CheckpointKind::Scanner},
                                                          {"booth", twin::CheckpointKind::Booth},
                                                          {"inspection", twin::CheckpointKind::Inspection},
                                                          {"quarantine", twin::CheckpointKind::Quarantine},
                                                          {"release", twin::CheckpointKind::Release}});
    if (s.checkpoint_index(cp.kind) >= 0) c.at("kind").fail(std::string("a second ") + twin::to_string(cp.kind) + " checkpoint; give the first more servers instead");
    cp.servers = c.at("servers").integer(1, 1000);
    cp.positions = site_points(c.at("positions"), 1);
    if (cp.positions.size() != static_cast<size_t>(cp.servers))
      c.at("positions").fail("needs one point per server (" + std::to_string(cp.servers) + "), has " + std::to_string(cp.positions.size()));
    cp.service = read_distribution(c.at("service"));
    s.checkpoints.push_back(cp);
  }
  for (auto k : {twin::CheckpointKind::GateIn, twin::CheckpointKind::Scanner})
    if (s.checkpoint_index(k) < 0) cps.fail(std::string("a ") + twin::to_string(k) + " checkpoint is required (100% of shipments pass it)");

  Field yards = root.at("yards");
  std::set<std::string> yard_ids;
  for (size_t i = 0; i < yards.size(); ++i) {
    Field y = yards.at(i);
    y.only({"id", "kind", "slots", "reefer_slots", "rect", "source"});
    twin::YardSpec yard;
    yard.id = y.at("id").str();
    unique_id(y.at("id"), yard_ids, "yard");
    yard_ids.insert(yard.id);
    yard.kind = y.at("kind").choice<twin::YardKind>({{"parking", twin::YardKind::Parking},
                                                     {"transfer", twin::YardKind::Transfer},
                                                     {"inspection", twin::YardKind::Inspection}});
    yard.slots = y.at("slots").integer(0, 100000);
    yard.reefer_slots = y.at("reefer_slots").integer(0, 100000);
    if (yard.reefer_slots > yard.slots) y.at("reefer_slots").fail("more reefer slots than slots");
    Field rect = y.at("rect");
    if (rect.size() != 2) rect.fail("expected [[x0, y0], [x1, y1]]");
    yard.min = site_point(rect.at(0));
    yard.max = site_point(rect.at(1));
    if (!(yard.max.x > yard.min.x && yard.max.y > yard.min.y)) rect.fail("the second corner must be above and right of the first");
    s.yards.push_back(yard);
  }

  Field fleet = root.at("fleet");
  fleet.only({"guide_vehicles", "depot", "speed_mps", "segment_length_m", "load", "source"});
  s.fleet.guide_vehicles = fleet.at("guide_vehicles").integer(0, 10000);
  s.fleet.depot = site_point(fleet.at("depot"));
  s.fleet.speed_mps = fleet.at("speed_mps").num(0.1, 50);
  s.fleet.segment_length_m = fleet.at("segment_length_m").num(5, 10000);
  s.fleet.load = read_distribution(fleet.at("load"));
  s.fleet.source = notes_of(fleet);
  const bool has_unmanned = std::any_of(s.lanes.begin(), s.lanes.end(), [](auto& l) { return l.kind == twin::LaneKind::Unmanned; });
  if (has_unmanned && s.yard_index(twin::YardKind::Transfer) < 0)
    yards.fail("unmanned lanes need a transfer yard");

  Field timing = root.at("timing");
  timing.only({"handover", "partner_confirm", "transfer", "divert_exit", "truck_speed_mps", "source"});
  s.timing.handover = read_distribution(timing.at("handover"));
  s.timing.partner_confirm = read_distribution(timing.at("partner_confirm"));
  s.timing.transfer = read_distribution(timing.at("transfer"));
  s.timing.divert_exit = read_distribution(timing.at("divert_exit"));
  s.timing.truck_speed_mps = timing.at("truck_speed_mps").num(0.1, 50);

  Field arr = root.at("arrivals");
  arr.only({"per_day", "export_share", "hourly_weight", "export_goods_mix", "import_goods_mix", "source"});
  Field per_day = arr.at("per_day");
  per_day.only({"today", "2027", "2030", "source"});
  s.arrivals.per_day_today = per_day.at("today").num(0, 1e6);
  s.arrivals.per_day_2027 = per_day.at("2027").num(0, 1e6);
  s.arrivals.per_day_2030 = per_day.at("2030").num(0, 1e6);
  s.arrivals.export_share = arr.at("export_share").num(0, 1);
  Field hourly = arr.at("hourly_weight");
  if (hourly.size() != 24) hourly.fail("needs 24 values, one per hour, has " + std::to_string(hourly.size()));
  double wsum = 0;
  for (size_t h = 0; h < 24; ++h) wsum += s.arrivals.hourly_weight[h] = hourly.at(h).num(0);
  if (wsum <= 0) hourly.fail("at least one hour needs a weight above 0");
  s.arrivals.export_goods_mix = read_mix(arr.at("export_goods_mix"), s);
  s.arrivals.import_goods_mix = read_mix(arr.at("import_goods_mix"), s);
  s.arrivals.source = notes_of(arr);

  Field rates = root.at("rates");
  rates.only({"green", "yellow", "red", "own_declaration_missing", "partner_declaration_missing", "partner_declaration_mismatch",
              "quarantine_fail", "inspection_fail", "unmanned_eligible", "source"});
  s.rates.green = rates.at("green").num(0, 1);
  s.rates.yellow = rates.at("yellow").num(0, 1);
  s.rates.red = rates.at("red").num(0, 1);
  if (std::abs(s.rates.green + s.rates.yellow + s.rates.red - 1.0) > 1e-6)
    rates.fail("green + yellow + red must add up to 1");
  s.rates.own_declaration_missing = rates.at("own_declaration_missing").num(0, 1);
  s.rates.partner_declaration_missing = rates.at("partner_declaration_missing").num(0, 1);
  s.rates.partner_declaration_mismatch = rates.at("partner_declaration_mismatch").num(0, 1);
  s.rates.quarantine_fail = rates.at("quarantine_fail").num(0, 1);
  s.rates.inspection_fail = rates.at("inspection_fail").num(0, 1);
  s.rates.unmanned_eligible = rates.at("unmanned_eligible").num(0, 1);
  s.rates.source = notes_of(rates);

  Field targets = root.at("targets");
  targets.only({"2027", "2030", "source"});
  auto target = [&](const char* year, double& min, double& max) {
    Field t = targets.at(year);
    if (t.size() != 2) t.fail("expected [min, max] vehicles a day");
    min = t.at(0).num(0);
    max = t.at(1).num(0);
    if (min > max) t.fail("the minimum (" + Field::fmt(min) + ") exceeds the maximum (" + Field::fmt(max) + "); write [min, max]");
  };
  target("2027", s.targets.per_day_2027_min, s.targets.per_day_2027_max);
  target("2030", s.targets.per_day_2030_min, s.targets.per_day_2030_max);
  s.queue_alert_vehicles = root.at("queue_alert_vehicles").integer(0, 1000000);
  s.declaration_lead_s = root.at("declaration_lead_s").num(0, 7 * 86400);
  s.partner_delay_s = root.at("partner_delay_s").num(0, 7 * 86400);
  if (root.has("capacity_plans")) read_capacity_plans(root.at("capacity_plans"), s);
  if (root.has("sensitivity")) read_sensitivity(root.at("sensitivity"), s);
  site_notes(root.j);  // every number has its note; throws FieldError at the first without
  twin::derive(s);
  if (root.has("vda5050")) read_vda5050(root.at("vda5050"), s);
  return s;
}

}  // namespace

std::string SiteFileError::message() const {
  return file + ": " + (field.empty() ? "" : field + ": ") + why;
}

namespace {

// The document, or why it is not one: not JSON, or a key written twice.
std::variant<json, SiteFileError> parse_document(const std::string& text, const std::string& file) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return SiteFileError{file, "", std::string("not valid JSON (byte ") + std::to_string(e.byte) + "): " + e.what()};
  } catch (const json::exception& e) {  // e.g. a number too large for a double (found by fuzz_site_file)
    return SiteFileError{file, "", std::string("not valid JSON: ") + e.what()};
  }
  if (auto dup = find_duplicate_key(text)) return SiteFileError{file, dup->field, dup->why};
  return j;
}

}  // namespace

SiteFileResult parse_site(const std::string& text, const std::string& file) {
  auto doc = parse_document(text, file);
  if (auto* e = std::get_if<SiteFileError>(&doc)) return *e;
  const json& j = std::get<json>(doc);
  try {
    return read_site(Field{j, ""}, file);
  } catch (const FieldError& f) {
    return SiteFileError{file, f.field, f.why};
  } catch (const json::exception& e) {
    return SiteFileError{file, "", e.what()};
  }
}

SiteFileResult load_site_file(const std::string& path) {
  auto text = read_small_file(path, 16u << 20);
  if (auto* f = std::get_if<FileReadFailure>(&text)) return SiteFileError{path, "", f->why + "; not a site file"};
  return parse_site(std::get<std::string>(text), path);
}

SiteNotesResult parse_site_notes(const std::string& text, const std::string& file) {
  auto site = parse_site(text, file);  // the whole file checked first
  if (auto* e = std::get_if<SiteFileError>(&site)) return *e;
  auto doc = parse_document(text, file);
  if (auto* e = std::get_if<SiteFileError>(&doc)) return *e;
  try {
    return site_notes(std::get<json>(doc));
  } catch (const FieldError& f) {
    return SiteFileError{file, f.field, f.why};
  }
}

SiteNotesResult load_site_notes(const std::string& path) {
  auto text = read_small_file(path, 16u << 20);
  if (auto* f = std::get_if<FileReadFailure>(&text)) return SiteFileError{path, "", f->why + "; not a site file"};
  return parse_site_notes(std::get<std::string>(text), path);
}

bool is_site_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

std::string default_sites_dir() {
  if (const char* env = std::getenv("GATETWIN_SITES")) return env;
#ifdef GATETWIN_SOURCE_DIR
  return std::string(GATETWIN_SOURCE_DIR) + "/assets/sites";
#else
  return "assets/sites";
#endif
}

std::vector<std::string> site_paths(const std::string& site, const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  if (site == "all") {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".json") out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  for (size_t start = 0; start <= site.size();) {  // comma-separated ids or paths
    size_t end = site.find(',', start);
    if (end == std::string::npos) end = site.size();
    std::string one = site.substr(start, end - start);
    if (!one.empty()) out.push_back(one.find('/') != std::string::npos || one.ends_with(".json") ? one : dir + "/" + one + ".json");
    start = end + 1;
  }
  return out;
}

std::variant<std::vector<twin::SiteSpec>, SiteFileError> load_sites(const std::string& site, const std::string& dir) {
  std::vector<twin::SiteSpec> sites;
  auto paths = site_paths(site, dir);
  if (paths.empty()) return SiteFileError{dir, "", "no site files (*.json) found for \"" + site + "\""};
  for (const std::string& path : paths) {
    auto r = load_site_file(path);
    if (auto* e = std::get_if<SiteFileError>(&r)) return *e;
    sites.push_back(std::get<twin::SiteSpec>(std::move(r)));
    for (size_t i = 0; i + 1 < sites.size(); ++i)
      if (sites[i].id == sites.back().id) return SiteFileError{path, "id", "site id \"" + sites.back().id + "\" is used twice"};
  }
  if (sites.size() > 255) return SiteFileError{dir, "", "more than 255 sites"};
  return sites;
}

}  // namespace connectors
