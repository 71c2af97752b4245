// Scenario file loader. See scenario_file.h. Reading goes through Field (json_field.h),
// which knows the JSON path it stands at, so that each error can name the field it is
// about (the same reader as site_file.cpp's).
#include "connectors/files/scenario_file.h"

#include "twin/clock_text.h"

#include "connectors/files/json_field.h"
#include "connectors/files/site_file.h"
#include "twin/scenario_score.h"
#include "twin/site_plan.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace connectors {
namespace {

using json = nlohmann::json;
using twin::SimTime;

// Text that may be one string or a list of paragraphs.
std::string text(const Field& f) {
  if (f.j.is_string()) return f.str();
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) out += (i ? "\n" : "") + f.at(i).str();
  return out;
}

struct Context {
  const std::vector<twin::SiteSpec>& sites;
  const std::vector<std::string>& site_ids;
};

uint8_t site_of(const Field& obj, const Context& ctx) {
  if (!obj.has("site")) return 0;
  Field f = obj.at("site");
  std::string id = f.str();
  for (size_t i = 0; i < ctx.site_ids.size(); ++i)
    if (ctx.site_ids[i] == id) return static_cast<uint8_t>(i);
  f.fail("site \"" + id + "\" is not in the scenario's sites (" + join_names(ctx.site_ids) + ")");
}

uint16_t lane_of(const Field& f, const twin::SiteSpec& s) {
  std::string id = f.str();
  int i = s.lane_index(id);
  if (i < 0) {
    std::vector<std::string> ids;
    for (const auto& l : s.lanes) ids.push_back(l.id);
    f.fail("no lane \"" + id + "\" at " + s.id + " with this lane plan (lanes: " + join_names(ids) + ")");
  }
  return static_cast<uint16_t>(i);
}

uint16_t yard_of(const Field& f, const twin::SiteSpec& s) {
  std::string id = f.str();
  std::vector<std::string> ids;
  for (size_t i = 0; i < s.yards.size(); ++i) {
    if (s.yards[i].id == id) return static_cast<uint16_t>(i);
    ids.push_back(s.yards[i].id);
  }
  f.fail("no yard \"" + id + "\" at " + s.id + " (yards: " + join_names(ids) + ")");
}

uint16_t goods_of(const Field& f, const twin::SiteSpec& s) {
  std::string id = f.str();
  int g = s.goods_index(id);
  if (g < 0) {
    std::vector<std::string> ids;
    for (const auto& gc : s.goods) ids.push_back(gc.id);
    f.fail("no goods class \"" + id + "\" at " + s.id + " (goods: " + join_names(ids) + ")");
  }
  return static_cast<uint16_t>(g);
}

// One of: "checkpoint" + "server" (1..n), "lane" (its barrier), "guide_vehicle" (1..n).
twin::EquipmentRef equipment_of(const Field& obj, const twin::SiteSpec& s) {
  const int named = int(obj.has("checkpoint")) + int(obj.has("lane")) + int(obj.has("guide_vehicle"));
  if (named != 1) obj.fail("name exactly one piece of equipment: \"checkpoint\" with \"server\", \"lane\" (its barrier) or \"guide_vehicle\"");
  twin::EquipmentRef eq;
  if (obj.has("checkpoint")) {
    Field f = obj.at("checkpoint");
    std::string id = f.str();
    std::vector<std::string> ids;
    int k = -1;
    for (size_t i = 0; i < s.checkpoints.size(); ++i) {
      if (s.checkpoints[i].id == id) k = static_cast<int>(i);
      ids.push_back(s.checkpoints[i].id);
    }
    if (k < 0) f.fail("no checkpoint \"" + id + "\" at " + s.id + " (checkpoints: " + join_names(ids) + ")");
    const int servers = s.checkpoints[k].servers;
    Field sf = obj.at("server");
    if (!sf.j.is_number()) sf.fail("expected a server number 1.." + std::to_string(servers) + ", found " + Field::type_name(sf.j));
    const double n = sf.j.get<double>();
    if (n != std::floor(n) || n < 1 || n > servers)
      sf.fail(Field::fmt(n) + " is not a server of " + id + " at " + s.id + " (servers 1.." + std::to_string(servers) + ")");
    eq.kind = twin::EquipmentRef::Kind::CheckpointServer;
    eq.index = static_cast<uint16_t>(k);
    eq.server = static_cast<uint16_t>(n - 1);
  } else if (obj.has("lane")) {
    eq.kind = twin::EquipmentRef::Kind::LaneBarrier;
    eq.index = lane_of(obj.at("lane"), s);
  } else {
    Field f = obj.at("guide_vehicle");
    const int fleet = s.fleet.guide_vehicles;
    if (!f.j.is_number()) f.fail("expected a guide vehicle number 1.." + std::to_string(fleet) + ", found " + Field::type_name(f.j));
    const double n = f.j.get<double>();
    if (n != std::floor(n) || n < 1 || n > fleet)
      f.fail(Field::fmt(n) + " is not a guide vehicle at " + s.id + " (vehicles 1.." + std::to_string(fleet) + ")");
    eq.kind = twin::EquipmentRef::Kind::GuideVehicle;
    eq.index = static_cast<uint16_t>(n - 1);
  }
  return eq;
}

const std::vector<std::pair<const char*, twin::CommandKind>> kCommands = {
    {"open_lane", twin::CommandKind::OpenLane},
    {"close_lane", twin::CommandKind::CloseLane},
    {"reverse_lane", twin::CommandKind::ReverseLane},
    {"reserve_lane_for_unmanned", twin::CommandKind::ReserveLaneForUnmanned},
    {"unreserve_lane", twin::CommandKind::UnreserveLane},
    {"hold_vehicle", twin::CommandKind::HoldVehicle},
    {"release_vehicle", twin::CommandKind::ReleaseVehicle},
    {"force_inspection", twin::CommandKind::ForceInspection},
    {"mark_equipment_failed", twin::CommandKind::MarkEquipmentFailed},
    {"mark_equipment_restored", twin::CommandKind::MarkEquipmentRestored},
    {"prioritise_goods", twin::CommandKind::PrioritiseGoods},
    {"clear_priority", twin::CommandKind::ClearPriority},
    {"reroute_vehicle", twin::CommandKind::RerouteVehicle},
    {"close_crossing", twin::CommandKind::CloseCrossing},
    {"reopen_crossing", twin::CommandKind::ReopenCrossing},
};

// {"at", "site"?, "command", what it acts on, "actor"?, "role"?, "reason"}
twin::ScheduledCommand read_command(const Field& c, const Context& ctx, const std::vector<std::string>& extra_keys) {
  std::vector<std::string> keys = {"at", "site", "command", "lane", "shipment", "checkpoint", "server",
                                   "guide_vehicle", "goods", "actor", "role", "reason"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  c.only(keys);
  twin::ScheduledCommand sc;
  sc.at_ms = c.at("at").time();
  sc.site = site_of(c, ctx);
  const twin::SiteSpec& s = ctx.sites[sc.site];
  Field kf = c.at("command");
  std::string name = kf.str();
  auto it = std::find_if(kCommands.begin(), kCommands.end(), [&](auto& p) { return name == p.first; });
  if (it == kCommands.end()) {
    std::vector<std::string> names;
    for (auto& p : kCommands) names.push_back(p.first);
    kf.fail("\"" + name + "\" is not a command; expected one of: " + join_names(names));
  }
  twin::OperatorCommand& oc = sc.command;
  oc.command.kind = it->second;
  using K = twin::CommandKind;
  switch (oc.command.kind) {
    case K::OpenLane: case K::CloseLane: case K::ReverseLane: case K::ReserveLaneForUnmanned: case K::UnreserveLane:
      oc.command.lane = lane_of(c.at("lane"), s);
      break;
    case K::HoldVehicle: case K::ReleaseVehicle: case K::ForceInspection:
      oc.command.shipment = twin::ShipmentId{static_cast<uint32_t>(c.at("shipment").integer(1, 4294967295.0))};
      break;
    case K::RerouteVehicle:  // the truck, and the lane it is to queue for
      oc.command.shipment = twin::ShipmentId{static_cast<uint32_t>(c.at("shipment").integer(1, 4294967295.0))};
      oc.command.lane = lane_of(c.at("lane"), s);
      break;
    case K::MarkEquipmentFailed: case K::MarkEquipmentRestored:
      oc.command.equipment = equipment_of(c, s);
      break;
    case K::PrioritiseGoods:
      oc.command.goods = goods_of(c.at("goods"), s);
      break;
    case K::ClearPriority: case K::CloseCrossing: case K::ReopenCrossing: case K::Count:
      break;
  }
  oc.actor = c.has("actor") ? c.at("actor").str() : "scenario";
  if (oc.actor.empty()) c.at("actor").fail("every command needs an actor (who asked)");
  oc.role = twin::Role::Operator;
  if (c.has("role")) {
    std::string r = c.at("role").str();
    if (r == "operator") oc.role = twin::Role::Operator;
    else if (r == "supervisor") oc.role = twin::Role::Supervisor;
    else if (r == "viewer") oc.role = twin::Role::Viewer;
    else c.at("role").fail("\"" + r + "\" is not one of: operator, supervisor, viewer");
  }
  oc.reason = c.at("reason").str();
  if (oc.reason.empty()) c.at("reason").fail("every command needs a reason (it is recorded with it)");
  return sc;
}

twin::Incident read_incident(const Field& f, const Context& ctx, SimTime end) {
  twin::Incident in;
  Field kf = f.at("kind");
  const std::string kind = kf.str();
  const std::vector<std::string> base = {"kind", "at", "until", "site", "note"};
  auto keys = [&](std::vector<std::string> more) { more.insert(more.end(), base.begin(), base.end()); return more; };
  using K = twin::IncidentKind;
  if (kind == "equipment_failure") { in.kind = K::EquipmentFailure; f.only(keys({"checkpoint", "server", "lane", "guide_vehicle"})); }
  else if (kind == "partner_link_down") { in.kind = K::PartnerLinkDown; f.only(keys({})); }
  else if (kind == "reefer_power_loss") { in.kind = K::ReeferPowerLoss; f.only(keys({"yard"})); }
  else if (kind == "surge") { in.kind = K::Surge; f.only(keys({"goods", "factor"})); }
  else if (kind == "declaration_mismatch") { in.kind = K::DeclarationMismatch; f.only(keys({"share"})); }
  else if (kind == "command") { in.kind = K::Command; }
  else kf.fail("\"" + kind + "\" is not an incident kind; expected one of: equipment_failure, partner_link_down, "
               "reefer_power_loss, surge, declaration_mismatch, command");

  if (in.kind == K::Command) {
    twin::ScheduledCommand c = read_command(f, ctx, {"kind", "note"});
    in.site = c.site;
    in.at_ms = c.at_ms;
    in.command = c.command;
  } else {
    in.at_ms = f.at("at").time();
    in.site = site_of(f, ctx);
    if (f.has("until")) {
      in.until_ms = f.at("until").time();
      if (in.until_ms <= in.at_ms) f.at("until").fail("must be after \"at\" (" + twin::clock_text(in.at_ms, twin::ClockStyle::Minutes) + ")");
    } else if (in.kind == K::Surge || in.kind == K::DeclarationMismatch) {
      f.at("until");  // required for windows: fails with "missing (required)"
    }
  }
  if (in.at_ms >= end) f.at("at").fail("is at or after the scenario's end (" + twin::clock_text(end, twin::ClockStyle::Minutes) + ")");
  if (f.has("note")) in.note = f.at("note").str();
  const twin::SiteSpec& s = ctx.sites[in.site];
  switch (in.kind) {
    case K::EquipmentFailure: in.equipment = equipment_of(f, s); break;
    case K::ReeferPowerLoss: {
      in.yard = yard_of(f.at("yard"), s);
      if (s.yards[in.yard].reefer_slots == 0) f.at("yard").fail("yard \"" + s.yards[in.yard].id + "\" has no reefer plugs");
      break;
    }
    case K::Surge:
      in.goods = f.has("goods") ? goods_of(f.at("goods"), s) : -1;
      in.factor = f.at("factor").num(0, 100);
      break;
    case K::DeclarationMismatch: in.share = f.at("share").num(0, 1); break;
    default: break;
  }
  return in;
}

LoadedScenario read_scenario(const Field& root, const std::string& file, const std::string& sites_dir) {
  root.only({"format", "id", "title", "briefing", "sites", "lanes", "unmanned", "seed", "load", "end", "focus",
             "incidents", "model_answer"});
  LoadedScenario out;
  twin::Scenario& sc = out.scenario;
  const std::string format = root.at("format").str();
  if (format != "gatetwin-scenario/1")
    root.at("format").fail("unknown format \"" + format + "\"; this build reads gatetwin-scenario/1");
  sc.id = root.at("id").str();
  if (sc.id.empty() || sc.id.find_first_of("/#+ ") != std::string::npos) root.at("id").fail("must be non-empty, without spaces or / # +");
  sc.title = root.at("title").str();
  sc.briefing = text(root.at("briefing"));
  if (sc.briefing.empty()) root.at("briefing").fail("the trainee needs a briefing");
  if (root.has("lanes")) {
    auto p = twin::parse_lane_plan(root.at("lanes").str());
    if (!p) root.at("lanes").fail("expected expanded or today");
    sc.lanes = *p;
  }
  if (root.has("unmanned")) {
    auto p = twin::parse_unmanned_plan(root.at("unmanned").str());
    if (!p) root.at("unmanned").fail("expected on, off or as-manned");
    sc.unmanned = *p;
  }
  Field sites = root.at("sites");
  if (sites.size() == 0) sites.fail("at least one site id is needed");
  if (sites.size() > 255) sites.fail("at most 255 sites");
  for (size_t i = 0; i < sites.size(); ++i) {
    Field f = sites.at(i);
    std::string id = f.str();
    if (!is_site_id(id)) f.fail("\"" + id.substr(0, 80) + "\" is not a site id (1-64 letters, digits, - or _; never a path)");
    if (std::find(sc.sites.begin(), sc.sites.end(), id) != sc.sites.end()) f.fail("site \"" + id + "\" is named twice");
    auto loaded = load_sites(id, sites_dir);
    if (auto* err = std::get_if<SiteFileError>(&loaded)) f.fail("site \"" + id + "\" does not load: " + err->message());
    for (auto& s : std::get<std::vector<twin::SiteSpec>>(loaded)) out.sites.push_back(twin::with_plan(s, sc.lanes, sc.unmanned));
    sc.sites.push_back(id);
  }
  sc.seed = static_cast<uint64_t>(root.at("seed").integer(0, 9007199254740991.0));
  sc.load = root.at("load").str();
  for (const auto& s : out.sites)
    if (!twin::load_per_day(s, sc.load)) root.at("load").fail("\"" + sc.load + "\" is not a load; expected baseline, 2027, 2030 or xN");
  sc.end_ms = root.at("end").time();
  if (sc.end_ms <= 0) root.at("end").fail("the scenario must end after 00:00");
  if (root.has("focus")) {
    Field fo = root.at("focus");
    for (size_t i = 0; i < fo.size(); ++i) {
      std::string id = fo.at(i).str();
      const auto& ids = twin::scenario_kpi_ids();
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) fo.at(i).fail("\"" + id + "\" is not a KPI; expected one of: " + join_names(ids));
      sc.focus.push_back(id);
    }
  }
  Context ctx{out.sites, sc.sites};
  Field incidents = root.at("incidents");
  for (size_t i = 0; i < incidents.size(); ++i) sc.incidents.push_back(read_incident(incidents.at(i), ctx, sc.end_ms));
  if (root.has("model_answer")) {
    Field ma = root.at("model_answer");
    ma.only({"note", "commands"});
    if (ma.has("note")) sc.model_answer_note = text(ma.at("note"));
    Field cmds = ma.at("commands");
    for (size_t i = 0; i < cmds.size(); ++i) {
      twin::ScheduledCommand c = read_command(cmds.at(i), ctx, {});
      if (c.at_ms >= sc.end_ms) cmds.at(i).at("at").fail("is at or after the scenario's end (" + twin::clock_text(sc.end_ms, twin::ClockStyle::Minutes) + ")");
      sc.model_answer.push_back(c);
    }
  }
  // Whatever the field checks above missed (they should have caught all of it).
  auto bad = twin::check_scenario(sc, out.sites);
  if (!bad.empty()) throw FieldError{"", bad.front()};
  (void)file;
  return out;
}

}  // namespace

std::string ScenarioFileError::message() const { return file + ": " + (field.empty() ? "" : field + ": ") + why; }



ScenarioFileResult parse_scenario(const std::string& text, const std::string& file, const std::string& sites_dir) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return ScenarioFileError{file, "", std::string("not valid JSON (byte ") + std::to_string(e.byte) + "): " + e.what()};
  } catch (const json::exception& e) {  // e.g. a number too large for a double (found by fuzz_site_file)
    return ScenarioFileError{file, "", std::string("not valid JSON: ") + e.what()};
  }
  try {
    return read_scenario(Field{j, ""}, file, sites_dir);
  } catch (const FieldError& f) {
    return ScenarioFileError{file, f.field, f.why};
  } catch (const json::exception& e) {
    return ScenarioFileError{file, "", e.what()};
  }
}

std::variant<std::string, FileReadFailure> read_scenario_text(const std::string& path) { return read_small_file(path, 4u << 20); }

ScenarioFileResult load_scenario_file(const std::string& path, const std::string& sites_dir) {
  auto text = read_scenario_text(path);
  if (auto* f = std::get_if<FileReadFailure>(&text)) return ScenarioFileError{path, "", f->why + "; not a scenario file"};
  return parse_scenario(std::get<std::string>(text), path, sites_dir);
}

std::string default_scenarios_dir() {
  if (const char* env = std::getenv("GATETWIN_SCENARIOS")) return env;
#ifdef GATETWIN_SOURCE_DIR
  return std::string(GATETWIN_SOURCE_DIR) + "/assets/scenarios";
#else
  return "assets/scenarios";
#endif
}

std::vector<std::string> scenario_paths(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".json") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace connectors
