// The JSON Schema subset validator (connectors/vda5050/json_schema.h) on its own keywords,
// and the shipped VDA 5050 2.x schemas (assets/vda5050/schemas) on valid and invalid
// messages written here from the specification; and the site files' VDA 5050 section
// (lane graph, map id, fleet identities) with the loader's refusals.
#include "connectors/files/site_file.h"
#include "connectors/vda5050/json_schema.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using connectors::vda5050::JsonSchema;
using nlohmann::json;

namespace {

JsonSchema schema_text(const std::string& text) {
  auto r = JsonSchema::parse(text, "test");
  if (auto* f = std::get_if<connectors::Failure>(&r)) FAIL(f->message());
  return std::get<JsonSchema>(r);
}

JsonSchema shipped(const std::string& name) {
  auto r = JsonSchema::load(std::string(GATETWIN_SOURCE_DIR) + "/assets/vda5050/schemas/" + name + ".schema.json");
  if (auto* f = std::get_if<connectors::Failure>(&r)) FAIL(f->message());
  return std::get<JsonSchema>(r);
}

std::string violation(const JsonSchema& s, const json& doc) { return s.validate(doc).value_or(""); }

json header(int id = 1) {
  return {{"headerId", id}, {"timestamp", "2026-05-01T08:30:00.250Z"}, {"version", "2.0.0"},
          {"manufacturer", "GateFleet"}, {"serialNumber", "GV-m1119-01"}};
}

json valid_state() {
  json s = header();
  s.update({{"orderId", "o-1"}, {"orderUpdateId", 0}, {"lastNodeId", "n0"}, {"lastNodeSequenceId", 0},
            {"nodeStates", json::array({{{"nodeId", "n1"}, {"sequenceId", 2}, {"released", true}}})},
            {"edgeStates", json::array({{{"edgeId", "e0"}, {"sequenceId", 1}, {"released", true}}})},
            {"driving", true},
            {"actionStates", json::array({{{"actionId", "a1"}, {"actionType", "pick"}, {"actionStatus", "FINISHED"}}})},
            {"batteryState", {{"batteryCharge", 81.5}, {"charging", false}}},
            {"operatingMode", "AUTOMATIC"},
            {"errors", json::array()},
            {"safetyState", {{"eStop", "NONE"}, {"fieldViolation", false}}},
            {"agvPosition", {{"x", 400.0}, {"y", 14.0}, {"theta", 0.0}, {"mapId", "m1119-unmanned"}, {"positionInitialized", true}}}});
  return s;
}

}  // namespace

TEST_CASE("validator: each keyword of the subset", "[vda5050][schema]") {
  const JsonSchema s = schema_text(R"({
    "type": "object", "required": ["a"], "additionalProperties": false,
    "properties": {
      "a": {"type": "integer", "minimum": 0, "maximum": 10},
      "b": {"type": ["string", "number"]},
      "c": {"type": "array", "items": {"$ref": "#/definitions/item"}, "minItems": 1},
      "d": {"type": "string", "enum": ["X", "Y"], "minLength": 1},
      "t": {"type": "string", "format": "date-time"}
    },
    "definitions": {"item": {"type": "object", "required": ["k"], "properties": {"k": {"type": "boolean"}}}}
  })");
  CHECK(violation(s, {{"a", 3}}).empty());
  CHECK(violation(s, {{"a", 3.0}}).empty());  // an integer written with a fraction of zero
  CHECK(violation(s, {{"a", 3}, {"b", "x"}, {"c", {{{"k", true}}}}, {"d", "Y"}, {"t", "2026-05-01T08:30:00+07:00"}}).empty());
  CHECK(violation(s, json::object()) == "a: required, missing");
  CHECK(violation(s, json::array()) == "(top): expected object, found array");
  CHECK(violation(s, {{"a", 2.5}}) == "a: expected integer, found number");
  CHECK(violation(s, {{"a", -1}}) == "a: -1 is below the minimum 0.0");
  CHECK(violation(s, {{"a", 11}}) == "a: 11 is above the maximum 10.0");
  CHECK(violation(s, {{"a", 1}, {"b", true}}) == "b: expected string or number, found boolean");
  CHECK(violation(s, {{"a", 1}, {"c", json::array()}}) == "c: fewer than 1 items");
  CHECK(violation(s, {{"a", 1}, {"c", {{{"k", 1}}}}}) == "c[0].k: expected boolean, found integer");
  CHECK(violation(s, {{"a", 1}, {"c", {json::object()}}}) == "c[0].k: required, missing");
  CHECK(violation(s, {{"a", 1}, {"d", "Z"}}) == "d: \"Z\" is not one of \"X\", \"Y\"");
  CHECK(violation(s, {{"a", 1}, {"e", 1}}) == "e: not allowed here (additionalProperties is false)");
  CHECK(violation(s, {{"a", 1}, {"t", "yesterday"}}).find("t: not an ISO 8601 date-time") == 0);
}

TEST_CASE("validator: date-time, loosely RFC 3339", "[vda5050][schema]") {
  using connectors::vda5050::is_date_time;
  CHECK(is_date_time("2026-05-01T08:30:00Z"));
  CHECK(is_date_time("2026-05-01T08:30:00.12Z"));
  CHECK(is_date_time("1991-03-11T11:40:03.12+07:00"));
  CHECK_FALSE(is_date_time("2026-05-01T08:30:00"));      // no zone
  CHECK_FALSE(is_date_time("2026-13-01T08:30:00Z"));     // month 13
  CHECK_FALSE(is_date_time("2026-05-01 08:30Z"));
  CHECK_FALSE(is_date_time("2026-05-01T08:30:00.Z"));
  CHECK_FALSE(is_date_time("2026-05-01T25:30:00Z"));
}

TEST_CASE("validator: schemas it cannot check fully are refused when loaded", "[vda5050][schema]") {
  auto bad = [](const std::string& text) {
    auto r = JsonSchema::parse(text, "s.json");
    REQUIRE(std::holds_alternative<connectors::Failure>(r));
    return std::get<connectors::Failure>(r).message();
  };
  CHECK(bad(R"({"type": "object", "oneOf": []})").find("s.json: oneOf: keyword not supported") == 0);
  CHECK(bad(R"({"type": "date-time"})").find("s.json: type: unknown type \"date-time\"") == 0);
  CHECK(bad(R"({"properties": {"a": {"$ref": "#/definitions/missing"}}})").find("names no schema") != std::string::npos);
  CHECK(bad("{").find("not JSON") != std::string::npos);
}

TEST_CASE("shipped schemas: messages written from the specification", "[vda5050][schema]") {
  const JsonSchema state = shipped("state"), order = shipped("order"), instant = shipped("instantActions"),
                   vis = shipped("visualization"), conn = shipped("connection");
  SECTION("state") {
    CHECK(violation(state, valid_state()).empty());
    json s = valid_state();
    s.erase("safetyState");
    CHECK(violation(state, s) == "safetyState: required, missing");
    s = valid_state();
    s["operatingMode"] = "AUTOPILOT";
    CHECK(violation(state, s).find("operatingMode: \"AUTOPILOT\" is not one of") == 0);
    s = valid_state();
    s["errors"] = {{{"errorType", "orderUpdateError"}, {"errorLevel", "SEVERE"}}};
    CHECK(violation(state, s).find("errors[0].errorLevel:") == 0);
    s = valid_state();
    s["headerId"] = "7";
    CHECK(violation(state, s) == "headerId: expected integer, found string");
    s = valid_state();
    s["timestamp"] = "08:30";
    CHECK(violation(state, s).find("timestamp: not an ISO 8601 date-time") == 0);
    s = valid_state();
    s["agvPosition"].erase("mapId");
    CHECK(violation(state, s) == "agvPosition.mapId: required, missing");
    s = valid_state();
    s["safetyState"]["eStop"] = "PANIC";
    CHECK_FALSE(violation(state, s).empty());
  }
  SECTION("order") {
    json o = header();
    o.update({{"orderId", "m1119-v0-1"}, {"orderUpdateId", 0},
              {"nodes", {{{"nodeId", "n0"}, {"sequenceId", 0}, {"released", true},
                          {"nodePosition", {{"x", 360.0}, {"y", -100.0}, {"mapId", "m1119-unmanned"}}},
                          {"actions", {{{"actionId", "a"}, {"actionType", "pick"}, {"blockingType", "HARD"}}}}}}},
              {"edges", json::array()}});
    CHECK(violation(order, o).empty());
    o["nodes"][0]["actions"][0]["blockingType"] = "MAYBE";
    CHECK(violation(order, o).find("nodes[0].actions[0].blockingType:") == 0);
    o["nodes"][0]["actions"][0]["blockingType"] = "HARD";
    o["orderUpdateId"] = -1;
    CHECK(violation(order, o) == "orderUpdateId: -1 is below the minimum 0.0");
    o["orderUpdateId"] = 0;
    o["edges"] = {{{"edgeId", "e"}, {"sequenceId", 1}, {"released", true}, {"startNodeId", "n0"}, {"actions", json::array()}}};
    CHECK(violation(order, o) == "edges[0].endNodeId: required, missing");
  }
  SECTION("instantActions, visualization, connection") {
    json ia = header();
    ia["actions"] = {{{"actionId", "p1"}, {"actionType", "startPause"}, {"blockingType", "HARD"}}};
    CHECK(violation(instant, ia).empty());
    ia["actions"][0]["actionParameters"] = {{{"key", "orderId"}, {"value", "x"}}};
    CHECK(violation(instant, ia).empty());
    ia["actions"][0]["actionParameters"] = {{{"key", "orderId"}, {"value", nullptr}}};
    CHECK(violation(instant, ia).find("actions[0].actionParameters[0].value: expected") == 0);
    json v = header();
    CHECK(violation(vis, v).empty());  // every field of visualization is optional
    v["agvPosition"] = {{"x", 1.0}, {"y", 2.0}, {"theta", 9.0}, {"mapId", "m"}, {"positionInitialized", true}};
    CHECK(violation(vis, v).find("agvPosition.theta: 9.0 is above the maximum") == 0);
    json c = header();
    c["connectionState"] = "CONNECTIONBROKEN";
    CHECK(violation(conn, c).empty());
    c["connectionState"] = "GONE";
    CHECK_FALSE(violation(conn, c).empty());
  }
}

// [SECTION] the site files' vda5050 section ------------------------------------------------------

namespace {

std::string shipped_site_text() {
  std::ifstream in(std::string(GATETWIN_SOURCE_DIR) + "/assets/sites/m1119.json");
  std::ostringstream t;
  t << in.rdbuf();
  return t.str();
}

std::string site_error(const std::function<void(json&)>& edit) {
  json j = json::parse(shipped_site_text());
  edit(j);
  auto r = connectors::parse_site(j.dump(), "m1119.json");
  if (auto* e = std::get_if<connectors::SiteFileError>(&r)) return e->message();
  return "";
}

}  // namespace

TEST_CASE("site files: the lane graph, map id and fleet identities", "[vda5050][site]") {
  auto r = connectors::load_sites("all", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  for (const twin::SiteSpec& s : std::get<std::vector<twin::SiteSpec>>(r)) {
    INFO(s.id);
    REQUIRE(s.vda5050.given);
    CHECK(s.vda5050.map_id == s.id + "-unmanned");
    CHECK(s.vda5050.vehicles.size() == static_cast<size_t>(s.fleet.guide_vehicles));
    for (uint16_t l = 0; l < s.lanes.size(); ++l) {
      if (s.lanes[l].kind != twin::LaneKind::Unmanned) continue;
      const twin::LaneRoute* route = s.vda5050.route_of(l);
      REQUIRE(route);
      CHECK(route->edges.size() == static_cast<size_t>(s.lanes[l].segments));
    }
  }
  CHECK(site_error([](json&) {}).empty());
  CHECK(site_error([](json& j) { j["vda5050"]["edges"][3]["from"] = "nowhere"; }) ==
        "m1119.json: vda5050.edges[3].from: no node \"nowhere\" in vda5050.nodes");
  CHECK(site_error([](json& j) { j["vda5050"]["nodes"][1]["id"] = j["vda5050"]["nodes"][0]["id"]; })
            .find("m1119.json: vda5050.nodes[1].id: duplicate node id") == 0);
  CHECK(site_error([](json& j) { j["vda5050"]["edges"][0]["length_m"] = 10; })
            .find("m1119.json: vda5050.edges[0].length_m: states 10 m, but its nodes lie") == 0);
  CHECK(site_error([](json& j) { j["vda5050"]["edges"][0]["directions"] = "backward"; }) ==
        "m1119.json: vda5050.edges[0].directions: \"backward\" is not one of: forward, both");
  CHECK(site_error([](json& j) { j["vda5050"]["routes"][0]["nodes"].erase(5); })
            .find("m1119.json: vda5050.routes[0].nodes: lane E4 has 16 block sections") == 0);
  CHECK(site_error([](json& j) { std::swap(j["vda5050"]["routes"][0]["nodes"][3], j["vda5050"]["routes"][0]["nodes"][4]); })
            .find("m1119.json: vda5050.routes[0].nodes[3]: no edge leads from") == 0);
  CHECK(site_error([](json& j) { j["vda5050"]["routes"][0]["lane"] = "E1"; }) ==
        "m1119.json: vda5050.routes[0].lane: lane E1 is manned; routes are for unmanned lanes");
  CHECK(site_error([](json& j) { j["vda5050"]["vehicles"][1]["slot"] = 0; }) ==
        "m1119.json: vda5050.vehicles[1].slot: fleet slot 0 is given to two vehicles");
  CHECK(site_error([](json& j) { j["vda5050"]["vehicles"][1]["slot"] = 6; }).find("m1119.json: vda5050.vehicles[1].slot:") == 0);
  CHECK(site_error([](json& j) { j["vda5050"]["vehicles"][0]["serial_number"] = "GV/1"; })
            .find("m1119.json: vda5050.vehicles[0].serial_number: must be 1-64 characters without / # +") == 0);
  CHECK(site_error([](json& j) { j["vda5050"]["map"] = "x"; }).find("m1119.json: vda5050.map: unknown field") == 0);
  CHECK(site_error([](json& j) { j["vda5050"].erase("source"); }).find("no source note") != std::string::npos);
}

// [SECTION] FleetDispatch without a broker -------------------------------------------------------

#include "connectors/codec/utc_time.h"
#include "connectors/vda5050/fleet_dispatch.h"
#include "twin/site_plan.h"

namespace {
// What each FleetDispatch case starts from: m1119 with its unmanned lanes, and the shipped schemas.
struct DispatchStart {
  twin::SiteSpec site;
  connectors::vda5050::Schemas schemas;
};
DispatchStart dispatch_start() {
  auto r = connectors::load_sites("m1119", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  auto sc = connectors::vda5050::load_schemas(connectors::vda5050::default_schemas_dir());
  REQUIRE(std::holds_alternative<connectors::vda5050::Schemas>(sc));
  return {twin::with_plan(std::get<std::vector<twin::SiteSpec>>(r)[0], twin::LanePlan::Expanded, twin::UnmannedPlan::On),
          std::get<connectors::vda5050::Schemas>(std::move(sc))};
}
}  // namespace

TEST_CASE("FleetDispatch: the core's decisions become orders; a vehicle's state becomes its steps", "[vda5050][dispatch]") {
  using namespace connectors::vda5050;
  const DispatchStart start = dispatch_start();
  const twin::SiteSpec& site = start.site;
  FleetDispatch d({site}, start.schemas, "test");
  std::vector<OutMessage> out;
  std::vector<connectors::FieldMessage> emitted;
  std::vector<std::string> log;
  const int64_t wall = 1796000000000;
  auto decide = [&](twin::DecisionKind k, uint16_t resource, uint16_t unit, int64_t value, uint64_t cause, uint32_t shipment) {
    twin::Event e;
    e.seq = cause;
    twin::Decision dd;
    dd.kind = k, dd.resource = resource, dd.unit = unit, dd.value = value, dd.cause_seq = cause, dd.shipment = twin::ShipmentId{shipment};
    out.clear(), emitted.clear(), log.clear();
    d.observe(e, {dd}, wall, out, emitted, log);
  };
  auto state = [&](int header, const std::string& order, int64_t update, const std::string& node, int64_t seq, json actions) {
    json s = valid_state();
    s["serialNumber"] = "GV-m1119-01";
    s["headerId"] = header;
    s.update({{"orderId", order}, {"orderUpdateId", update}, {"lastNodeId", node}, {"lastNodeSequenceId", seq}, {"actionStates", actions}});
    s["agvPosition"]["x"] = 360.0, s["agvPosition"]["y"] = -100.0;
    emitted.clear(), log.clear();
    d.receive("uagv/v2/GateFleet/GV-m1119-01/state", s.dump(), false, emitted, log);
  };
  auto steps = [&] {
    int n = 0;
    for (const auto& m : emitted) n += std::holds_alternative<twin::GuideVehicleStepCompleted>(m.body);
    return n;
  };

  // guide_load for vehicle 0: a new order, one released node with the pick.
  decide(twin::DecisionKind::GuideVehicleLoad, 0, 0, 0, 10, 90003);
  REQUIRE(out.size() == 1);
  CHECK(out[0].topic == "uagv/v2/GateFleet/GV-m1119-01/order");
  json o = json::parse(out[0].payload);
  CHECK(o["orderId"] == "m1119-v0-10");
  CHECK(o["orderUpdateId"] == 0);
  REQUIRE(o["nodes"].size() == 1);
  CHECK(o["nodes"][0]["nodeId"] == "m1119-E4-n00");
  CHECK(o["nodes"][0]["actions"][0]["actionType"] == "pick");
  // The vehicle's state: the pick still running, then finished: one step, once.
  state(1, "m1119-v0-10", 0, "m1119-E4-n00", 0, {{{"actionId", "m1119-v0-10-pick"}, {"actionStatus", "RUNNING"}}});
  CHECK(steps() == 0);
  state(2, "m1119-v0-10", 0, "m1119-E4-n00", 0, {{{"actionId", "m1119-v0-10-pick"}, {"actionStatus", "FINISHED"}}});
  CHECK(steps() == 1);
  CHECK(emitted.back().source == "vda5050/GateFleet/GV-m1119-01");
  state(3, "m1119-v0-10", 0, "m1119-E4-n00", 0, {{{"actionId", "m1119-v0-10-pick"}, {"actionStatus", "FINISHED"}}});
  CHECK(steps() == 0);
  // Block section 0 of E4 granted: an update from the stitching node, section 0 released, the rest the horizon.
  const uint16_t e4 = static_cast<uint16_t>(site.lane_index("E4"));
  decide(twin::DecisionKind::SegmentGranted, 0, e4, 0, 12, 90003);
  REQUIRE(out.size() == 1);
  o = json::parse(out[0].payload);
  CHECK(o["orderId"] == "m1119-v0-10");
  CHECK(o["orderUpdateId"] == 1);
  CHECK(o["nodes"][0]["nodeId"] == "m1119-E4-n00");
  CHECK(o["nodes"][0]["sequenceId"] == 0);
  CHECK(o["nodes"][1]["released"] == true);
  CHECK(o["nodes"][2]["released"] == false);
  CHECK(o["edges"][0]["edgeId"] == "m1119-E4-e00");
  CHECK(o["edges"][0]["released"] == true);
  CHECK(o["nodes"].size() == 17);
  // Reaching node 1 (sequence 2) completes the section; a duplicate headerId is refused.
  state(4, "m1119-v0-10", 1, "m1119-E4-n01", 2, json::array());
  CHECK(steps() == 1);
  state(4, "m1119-v0-10", 1, "m1119-E4-n01", 2, json::array());
  CHECK(d.stats().refused[static_cast<size_t>(Refusal::Duplicate)] == 1);
  // Section 1: update 2 stitches at node 1.
  decide(twin::DecisionKind::SegmentGranted, 0, e4, 1, 14, 90003);
  o = json::parse(out[0].payload);
  CHECK(o["orderUpdateId"] == 2);
  CHECK(o["nodes"][0]["nodeId"] == "m1119-E4-n01");
  CHECK(o["nodes"][0]["sequenceId"] == 2);
  // A state of another order, or an unknown vehicle, completes nothing.
  state(5, "someone-else", 0, "m1119-E4-n02", 4, json::array());
  CHECK(steps() == 0);
  emitted.clear();
  d.receive("uagv/v2/GateFleet/NOPE/state", valid_state().dump(), false, emitted, log);
  CHECK(emitted.empty());
  CHECK(d.stats().refused[static_cast<size_t>(Refusal::UnknownVehicle)] + d.stats().refused[static_cast<size_t>(Refusal::TopicMismatch)] == 1);
  // A hold from the console: startPause, validated.
  {
    twin::Event e;
    e.seq = 20;
    twin::OperatorCommand c;
    c.command.kind = twin::CommandKind::MarkEquipmentFailed;
    c.command.equipment.kind = twin::EquipmentRef::Kind::GuideVehicle;
    c.command.equipment.index = 0;
    e.body = c;
    twin::Decision acc;
    acc.kind = twin::DecisionKind::CommandAccepted;
    acc.value = 20;
    out.clear();
    d.observe(e, {acc}, wall, out, emitted, log);
    REQUIRE(out.size() == 1);
    CHECK(out[0].topic == "uagv/v2/GateFleet/GV-m1119-01/instantActions");
    CHECK(json::parse(out[0].payload)["actions"][0]["actionType"] == "startPause");
  }
  CHECK(d.stats().out_invalid == 0);
}

// The time bounds (docs/vda5050.md "What the twin reads"): a state stamped a century ahead,
// or before the session epoch, is refused whole with the field's time reason, before it
// changes the vehicle's book (its battery, its headerId). A vehicle back without the order
// the core waits on gets it again as a new order from where it stands ("A vehicle back
// without its order"); the book follows the new ids.
TEST_CASE("FleetDispatch: the time bounds refuse a state whole; a vehicle back without its order gets it again", "[vda5050][dispatch]") {
  using namespace connectors::vda5050;
  const DispatchStart start = dispatch_start();
  const twin::SiteSpec& site = start.site;
  const Schemas& schemas = start.schemas;
  FleetDispatch d({site}, schemas, "test");
  const int64_t wall = 1796000000000;  // 2026-11-30
  connectors::FieldClockOptions fo;
  fo.epoch_utc_ms = wall - 3600000;
  const connectors::FieldClock clock(fo);
  std::vector<OutMessage> out;
  std::vector<connectors::FieldMessage> emitted;
  std::vector<std::string> log;
  auto receive = [&](const std::string& leaf, const json& j) {
    out.clear(), emitted.clear(), log.clear();
    d.receive("uagv/v2/GateFleet/GV-m1119-01/" + leaf, j.dump(), false, emitted, log, &out, &clock, wall);
  };
  auto state = [&](int header, const std::string& order, const std::string& node, int64_t seq, int64_t utc_ms, double battery = 81.5) {
    json s = valid_state();
    s["serialNumber"] = "GV-m1119-01";
    s["headerId"] = header;
    s["timestamp"] = connectors::format_rfc3339_ms(utc_ms);
    s.update({{"orderId", order}, {"orderUpdateId", 0}, {"lastNodeId", node}, {"lastNodeSequenceId", seq}, {"actionStates", json::array()},
              {"nodeStates", json::array()}, {"edgeStates", json::array()}});
    s["batteryState"]["batteryCharge"] = battery;
    s["agvPosition"]["x"] = 360.0, s["agvPosition"]["y"] = -100.0;
    receive("state", s);
  };
  auto connection = [&](int header, const char* what) {
    json c = {{"headerId", header}, {"timestamp", connectors::format_rfc3339_ms(wall)}, {"version", "2.0.0"}, {"manufacturer", "GateFleet"},
              {"serialNumber", "GV-m1119-01"}, {"connectionState", what}};
    receive("connection", c);
  };
  auto steps = [&] {
    int n = 0;
    for (const auto& m : emitted) n += std::holds_alternative<twin::GuideVehicleStepCompleted>(m.body);
    return n;
  };
  auto refused = [&](Refusal why) { return d.stats().refused[static_cast<size_t>(why)]; };

  // In bounds: taken. A century ahead, no position: refused as time_ahead, nothing taken.
  state(1, "", "", 0, wall);
  CHECK(d.vehicle(0, 0)->battery_charge == 81.5);
  const uint64_t accepted = d.stats().accepted;
  json ahead = valid_state();
  ahead["serialNumber"] = "GV-m1119-01";
  ahead["headerId"] = 2;
  ahead["timestamp"] = "2126-11-30T08:00:00.000Z";
  ahead["batteryState"]["batteryCharge"] = 12.5;
  ahead.erase("agvPosition");
  receive("state", ahead);
  CHECK(refused(Refusal::TimeAhead) == 1);
  CHECK(emitted.empty());
  REQUIRE(log.size() == 1);
  CHECK_THAT(log[0], Catch::Contains("(time_ahead)") && Catch::Contains("ahead of the twin's clock"));
  CHECK(d.stats().accepted == accepted);
  CHECK(d.vehicle(0, 0)->battery_charge == 81.5);
  CHECK(d.vehicle(0, 0)->last_header_id == 1);
  // Before the session epoch: time_too_old, nothing taken.
  state(3, "", "", 0, wall - 7200000, 13.5);
  CHECK(refused(Refusal::TimeTooOld) == 1);
  CHECK(d.vehicle(0, 0)->battery_charge == 81.5);
  CHECK(d.status_json()["refused"]["time_ahead"] == 1);
  // A retained last will said two hours ago (before the twin started): the vehicle's state
  // now, taken at the twin's clock; the core stops planning with it.
  {
    json c = {{"headerId", 1}, {"timestamp", connectors::format_rfc3339_ms(wall - 7200000)}, {"version", "2.0.0"},
              {"manufacturer", "GateFleet"}, {"serialNumber", "GV-m1119-01"}, {"connectionState", "CONNECTIONBROKEN"}};
    out.clear(), emitted.clear(), log.clear();
    d.receive("uagv/v2/GateFleet/GV-m1119-01/connection", c.dump(), true, emitted, log, &out, &clock, wall);
    CHECK(refused(Refusal::TimeTooOld) == 1);
    CHECK_FALSE(d.vehicle(0, 0)->available);
    REQUIRE(emitted.size() == 1);
    CHECK(emitted[0].utc_ms == wall);
    // Retained and stamped ahead: refused like any message.
    c["headerId"] = 2, c["timestamp"] = "2126-11-30T08:00:00.000Z", c["connectionState"] = "ONLINE";
    d.receive("uagv/v2/GateFleet/GV-m1119-01/connection", c.dump(), true, emitted, log, &out, &clock, wall);
    CHECK(refused(Refusal::TimeAhead) == 2);
    CHECK_FALSE(d.vehicle(0, 0)->available);
    connection(3, "ONLINE");  // back, live
    CHECK(d.vehicle(0, 0)->available);
  }

  // An order and its first block section; the vehicle is killed on the edge and comes back
  // (ONLINE again, a new headerId series) with no order.
  auto decide = [&](twin::DecisionKind k, uint16_t unit, int64_t value, uint64_t cause) {
    twin::Event e;
    e.seq = cause;
    twin::Decision dd;
    dd.kind = k, dd.resource = 0, dd.unit = unit, dd.value = value, dd.cause_seq = cause, dd.shipment = twin::ShipmentId{90003};
    out.clear(), emitted.clear(), log.clear();
    d.observe(e, {dd}, wall, out, emitted, log);
  };
  decide(twin::DecisionKind::GuideVehicleLoad, 0, 0, 10);
  REQUIRE(out.size() == 1);
  json s = valid_state();
  s.update({{"serialNumber", "GV-m1119-01"}, {"headerId", 4}, {"timestamp", connectors::format_rfc3339_ms(wall)}, {"orderId", "m1119-v0-10"},
            {"lastNodeId", "m1119-E4-n00"}, {"lastNodeSequenceId", 0},
            {"actionStates", {{{"actionId", "m1119-v0-10-pick"}, {"actionType", "pick"}, {"actionStatus", "FINISHED"}}}}});
  receive("state", s);
  CHECK(steps() == 1);
  const uint16_t e4 = static_cast<uint16_t>(site.lane_index("E4"));
  decide(twin::DecisionKind::SegmentGranted, e4, 0, 12);
  REQUIRE(out.size() == 1);
  connection(1, "CONNECTIONBROKEN");
  CHECK(out.empty());
  connection(0, "ONLINE");
  CHECK(out.empty());  // its state says whether it still has the order
  state(0, "", "", 0, wall);
  REQUIRE(out.size() == 1);
  json o = json::parse(out[0].payload);
  INFO(o.dump());
  CHECK_FALSE(schemas.order.validate(o).has_value());
  CHECK(o["orderId"] == "m1119-v0-10-r1");
  CHECK(o["orderUpdateId"] == 0);
  CHECK(o["nodes"][0]["nodeId"] == "m1119-E4-n00");
  CHECK(o["nodes"][0]["sequenceId"] == 0);
  CHECK(o["nodes"][1]["released"] == true);
  CHECK(o["nodes"][2]["released"] == false);
  CHECK(o["edges"][0]["edgeId"] == "m1119-E4-e00");
  CHECK(d.stats().orders_resent == 1);
  CHECK(d.vehicle(0, 0)->twin_order_id == "m1119-v0-10-r1");
  // Its next state, still without the order (it has not taken it yet): not sent again.
  state(1, "", "", 0, wall);
  CHECK(out.empty());
  // It drives the resent order: the section's end reached is the core's step.
  state(2, "m1119-v0-10-r1", "m1119-E4-n01", 2, wall);
  CHECK(steps() == 1);
  // The next section: an update of the resent order, stitching at node 1.
  decide(twin::DecisionKind::SegmentGranted, e4, 1, 14);
  REQUIRE(out.size() == 1);
  o = json::parse(out[0].payload);
  CHECK(o["orderId"] == "m1119-v0-10-r1");
  CHECK(o["orderUpdateId"] == 1);
  CHECK(o["nodes"][0]["nodeId"] == "m1119-E4-n01");
  CHECK(o["nodes"][0]["sequenceId"] == 2);
  // Back again, busy with an order of someone else's, standing on node 2: cancelOrder, then
  // the order from node 2 (what lies before dropped).
  connection(2, "OFFLINE");
  connection(3, "ONLINE");
  json busy = valid_state();
  busy.update({{"serialNumber", "GV-m1119-01"}, {"headerId", 0}, {"timestamp", connectors::format_rfc3339_ms(wall)}, {"orderId", "other-7"},
               {"lastNodeId", "m1119-E4-n02"}, {"lastNodeSequenceId", 0}});
  receive("state", busy);
  REQUIRE(out.size() == 2);
  CHECK(json::parse(out[0].payload)["actions"][0]["actionType"] == "cancelOrder");
  o = json::parse(out[1].payload);
  CHECK(o["orderId"] == "m1119-v0-10-r2");
  CHECK(o["nodes"][0]["nodeId"] == "m1119-E4-n02");
  CHECK(o["nodes"][0]["sequenceId"] == 0);
  CHECK(o["edges"][0]["startNodeId"] == "m1119-E4-n02");
  CHECK_FALSE(schemas.order.validate(o).has_value());
  // Node 2 was the section's end: its state on the resent order is the step.
  state(1, "m1119-v0-10-r2", "m1119-E4-n02", 0, wall);
  CHECK(steps() == 1);
  CHECK(d.stats().out_invalid == 0);

  // Another vehicle back before its pick finished: the load order again, the pick renamed,
  // and its FINISHED under the new name is the core's step.
  FleetDispatch d2({site}, schemas, "test");
  {
    twin::Event e;
    e.seq = 30;
    twin::Decision dd;
    dd.kind = twin::DecisionKind::GuideVehicleLoad, dd.resource = 0, dd.cause_seq = 30, dd.shipment = twin::ShipmentId{90004};
    out.clear();
    d2.observe(e, {dd}, wall, out, emitted, log);
    REQUIRE(out.size() == 1);
  }
  auto receive2 = [&](const std::string& leaf, const json& j) {
    out.clear(), emitted.clear(), log.clear();
    d2.receive("uagv/v2/GateFleet/GV-m1119-01/" + leaf, j.dump(), false, emitted, log, &out, &clock, wall);
  };
  json c = {{"headerId", 0}, {"timestamp", connectors::format_rfc3339_ms(wall)}, {"version", "2.0.0"}, {"manufacturer", "GateFleet"},
            {"serialNumber", "GV-m1119-01"}, {"connectionState", "CONNECTIONBROKEN"}};
  receive2("connection", c);
  c["headerId"] = 1, c["connectionState"] = "ONLINE";
  receive2("connection", c);
  json idle = valid_state();
  idle.update({{"serialNumber", "GV-m1119-01"}, {"headerId", 0}, {"timestamp", connectors::format_rfc3339_ms(wall)}, {"orderId", ""},
               {"lastNodeId", ""}, {"nodeStates", json::array()}, {"edgeStates", json::array()}, {"actionStates", json::array()}});
  receive2("state", idle);
  REQUIRE(out.size() == 1);
  o = json::parse(out[0].payload);
  CHECK(o["orderId"] == "m1119-v0-30-r1");
  CHECK(o["nodes"][0]["actions"][0]["actionId"] == "m1119-v0-30-r1-pick");
  idle.update({{"headerId", 1}, {"orderId", "m1119-v0-30-r1"}, {"lastNodeId", o["nodes"][0]["nodeId"]},
               {"actionStates", {{{"actionId", "m1119-v0-30-r1-pick"}, {"actionType", "pick"}, {"actionStatus", "FINISHED"}}}}});
  receive2("state", idle);
  CHECK(steps() == 1);
}
