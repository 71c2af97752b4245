// Object-level checks of the control room's scene that a golden image's pixel count cannot
// give: for a seeded 2030 morning of both freight roads, with a held truck and a failed
// guide vehicle scripted in, every truck and guide vehicle the core's state places in the
// site is drawn exactly once (one pickable instance, one entry in the scene export), in the
// colour the legend of docs/gatetwin.md (and docs/field.md for undeclared) gives its
// clearance state, at the place the state gives it; then, with a field report for every
// one of them, each is drawn exactly at its report; and picking, seen from above at each
// vehicle, returns that vehicle. The expected colours are a table written here from the
// documents: this test must not take them from the scene (palette.h, shipment_colour), or
// it would agree with any mistake there. No sleeps; it asserts on every vehicle it finds.
#include "seeded_morning.h"
#include "EngineTestKit.h"
#include "controlroom/scene/scene_builder.h"
#include "controlroom/scene/view_presets.h"

#include "connectors/files/site_file.h"
#include "twin/expected_place.h"
#include "twin/run.h"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <map>
#include <set>

using namespace controlroom;
using engine::rgba8;

namespace {

// [SECTION] the legend, from docs/gatetwin.md "What the operator sees": "Trucks are
// coloured by clearance state: white not yet scanned, green / yellow / red channel, amber
// held, purple diverted. Guide vehicles (cyan) ...; a failed one is red"; docs/field.md: an
// undeclared vehicle is magenta ("drawn in the undeclared colour until it is diverted").
// The exact shades are the ones the legend's names stand for on screen; the test below
// checks that each shade reads as its name, so a table entry cannot drift to another name.
struct Shade {
  const char* name;
  uint32_t rgba;
};
constexpr Shade kWhite{"white", rgba8(0.85f, 0.87f, 0.92f)};
constexpr Shade kGreenCh{"green", rgba8(0.20f, 0.75f, 0.30f)};
constexpr Shade kYellowCh{"yellow", rgba8(0.95f, 0.80f, 0.15f)};
constexpr Shade kRedCh{"red", rgba8(0.90f, 0.20f, 0.18f)};
constexpr Shade kAmber{"amber", rgba8(1.00f, 0.55f, 0.05f)};
constexpr Shade kPurple{"purple", rgba8(0.55f, 0.35f, 0.75f)};
constexpr Shade kMagenta{"magenta", rgba8(1.00f, 0.20f, 0.80f)};
constexpr Shade kCyan{"cyan", rgba8(0.10f, 0.75f, 0.85f)};
constexpr Shade kFailedRed{"failed red", rgba8(0.95f, 0.10f, 0.10f)};

glm::vec3 channels(uint32_t c) { return {float(c & 255) / 255, float((c >> 8) & 255) / 255, float((c >> 16) & 255) / 255}; }

// Whether the shade reads as the colour its name says.
bool reads_as(const Shade& s) {
  const glm::vec3 c = channels(s.rgba);
  const std::string n = s.name;
  if (n == "white") return c.r >= 0.8f && c.g >= 0.8f && c.b >= 0.8f;
  if (n == "green") return c.g > c.r + 0.3f && c.g > c.b + 0.3f;
  if (n == "yellow") return c.r >= 0.75f && c.g >= 0.7f && c.b <= 0.3f;
  if (n == "red" || n == "failed red") return c.r >= 0.85f && c.g <= 0.25f && c.b <= 0.25f;
  if (n == "amber") return c.r >= 0.9f && c.g >= 0.4f && c.g <= 0.7f && c.b <= 0.2f;
  if (n == "purple") return c.r > c.g + 0.15f && c.b > c.g + 0.3f && c.b > c.r;
  if (n == "magenta") return c.r >= 0.8f && c.b >= 0.7f && c.g <= 0.3f;
  if (n == "cyan") return c.g >= 0.7f && c.b >= 0.7f && c.r <= 0.2f;
  return false;
}

// The expected colour of a truck, by the legend. Where two apply, held wins (an operator's
// hold is what the room must see), then undeclared, then diverted, then the channel.
const Shade& legend_truck(const twin::Shipment& sh) {
  if (sh.held) return kAmber;
  if (!sh.declared && sh.phase != twin::Phase::Diverted && sh.phase != twin::Phase::Left) return kMagenta;
  if (sh.phase == twin::Phase::Diverted) return kPurple;
  switch (sh.channel) {
    case twin::Channel::Green: return kGreenCh;
    case twin::Channel::Yellow: return kYellowCh;
    case twin::Channel::Red: return kRedCh;
    default: return kWhite;
  }
}
const Shade& legend_guide(const twin::GuideVehicle& g) { return g.failed ? kFailedRed : kCyan; }

std::string hex(uint32_t c) {
  char b[16];
  std::snprintf(b, sizeof b, "#%02x%02x%02x", c & 255, (c >> 8) & 255, (c >> 16) & 255);
  return b;
}

// Phases in which the process has a truck standing in the site (docs/core.md), so the
// scene must draw it as a truck; Declared, AwaitingReceipt, Cleared and Left are nowhere in
// the site; OnGuideVehicle rides on its guide vehicle; Diverted leaves through the holding
// area and is drawn while it holds a slot there.
bool stands_in_site(twin::Phase p) {
  using twin::Phase;
  switch (p) {
    case Phase::QueuedCheckpoint:
    case Phase::AtCheckpoint:
    case Phase::WaitingPartnerData:
    case Phase::QueuedLane:
    case Phase::OnLane:
    case Phase::QueuedYardSlot:
    case Phase::Transferring:
    case Phase::InYard:
    case Phase::AtPartnerYard: return true;
    default: return false;
  }
}

bool in_holding_slot(const twin::SiteSpec& spec, const twin::SiteState& s, twin::ShipmentIndex idx) {
  for (size_t y = 0; y < spec.yards.size(); ++y)
    for (twin::ShipmentIndex slot : s.yards[y].slot)
      if (slot == idx) return true;
  return false;
}

// Applies events after the core's last one, a millisecond apart.
struct Script {
  twin::Core& core;
  twin::SimTime t;
  uint64_t seq;
  explicit Script(twin::Core& c) : core(c), t(c.state().now_ms), seq(c.state().last_seq) {}
  void apply(uint8_t site, twin::EventBody body) {
    twin::Decisions ds;
    core.apply(twin::Event{++seq, ++t, site, std::move(body)}, ds);
  }
  bool command(uint8_t site, twin::Command c) {
    const size_t before = core.state().commands.size();
    apply(site, twin::OperatorCommand{"tester", twin::Role::Supervisor, "scene objects test", c});
    return core.state().commands.size() == before + 1 && core.state().commands.back().accepted;
  }
};

// One drawn instance of a vehicle: which mesh list, and the instance.
struct Seen {
  MeshKind mesh;
  engine::Instance inst;
};

// Every pickable vehicle instance, by (site, shipment index) and (site, fleet index).
struct Census {
  std::map<std::pair<int, uint32_t>, std::vector<Seen>> trucks, guides;
  std::map<std::pair<int, uint32_t>, std::vector<DrawnVehicle>> truck_rows, guide_rows;
};

Census census(const DrawList& dl) {
  Census c;
  for (MeshKind k : {MeshKind::Truck, MeshKind::Reefer, MeshKind::GuideVehicle})
    for (const engine::Instance& inst : dl.of(k)) {
      const PickTarget* t = dl.target(inst.id);
      if (!t) continue;
      if (t->kind == PickKind::Shipment) c.trucks[{t->site, t->index}].push_back({k, inst});
      if (t->kind == PickKind::GuideVehicle) c.guides[{t->site, t->index}].push_back({k, inst});
    }
  for (const DrawnVehicle& v : dl.vehicles) {
    if (v.kind == DrawnVehicle::Kind::Truck) c.truck_rows[{v.site, v.index}].push_back(v);
    if (v.kind == DrawnVehicle::Kind::GuideVehicle) c.guide_rows[{v.site, v.index}].push_back(v);
  }
  return c;
}

float polyline_distance(const std::vector<glm::vec2>& line, glm::vec2 p) {
  float best = 1e9f;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    const glm::vec2 a = line[i], ab = line[i + 1] - a;
    const float t = std::clamp(glm::dot(p - a, ab) / std::max(glm::dot(ab, ab), 1e-6f), 0.0f, 1.0f);
    best = std::min(best, glm::length(p - (a + ab * t)));
  }
  return best;
}

bool inside_yard(const twin::YardSpec& y, glm::vec2 p) {
  return p.x >= y.min.x - 0.01f && p.x <= y.max.x + 0.01f && p.y >= y.min.y - 0.01f && p.y <= y.max.y + 0.01f;
}

// Where the state puts a truck the process places (no field report), and how closely the
// drawn point must match it: a served truck at its server's position (spec), a crossing
// truck on its lane's centre line, a container in its yard's rectangle; queued trucks
// within the queue tolerance of docs/field.md around the queue's head.
std::string process_place_error(const twin::SiteSpec& spec, const twin::SiteState& s, const twin::Shipment& sh,
                                glm::vec2 drawn) {
  using twin::Phase;
  char buf[200];
  switch (sh.phase) {
    case Phase::AtCheckpoint: {
      const glm::vec2 want = spec.checkpoints.at(sh.checkpoint).positions.at(sh.server);
      if (glm::length(drawn - want) <= 0.01f) return {};
      std::snprintf(buf, sizeof buf, "served at %s server %u at (%.2f, %.2f), drawn at (%.2f, %.2f)",
                    spec.checkpoints[sh.checkpoint].id.c_str(), unsigned(sh.server), want.x, want.y, drawn.x, drawn.y);
      return buf;
    }
    case Phase::OnLane: {
      const float d = polyline_distance(spec.lanes.at(sh.lane).polyline, drawn);
      if (d <= 0.05f) return {};
      std::snprintf(buf, sizeof buf, "crossing lane %s, drawn %.2f m off its centre line", spec.lanes[sh.lane].id.c_str(), d);
      return buf;
    }
    case Phase::Transferring:
    case Phase::InYard: {
      const twin::YardSpec& y = spec.yards.at(sh.yard);
      if (inside_yard(y, drawn)) return {};
      std::snprintf(buf, sizeof buf, "in yard %s, drawn outside it at (%.2f, %.2f)", y.id.c_str(), drawn.x, drawn.y);
      return buf;
    }
    default: {
      const twin::ExpectedPlace place = twin::expected_place(spec, s, sh);
      if (!place.known()) return {};
      const float d = twin::distance_to(spec, place, drawn);
      if (d <= place.tolerance_m) return {};
      std::snprintf(buf, sizeof buf, "%s, drawn %.1f m from it (tolerance %.0f m)", place.what().c_str(), d, place.tolerance_m);
      return buf;
    }
  }
}

twin::PositionReport report(twin::EntityKind kind, uint32_t id, glm::vec2 p, float heading) {
  twin::PositionReport r;
  r.entity = kind;
  r.id = id;
  r.position = p;
  r.heading_rad = heading;
  return r;
}

// The core of this test: a seeded morning with a held truck and a failed guide vehicle.
struct Morning {
  twin::Core core = morning_core(10 * twin::kHour);
  WorldLayout layout{core.sites().size()};
  Script script{core};
  uint32_t held_site = 0;
  twin::ShipmentIndex held_index;
  Morning() {
    // Hold a queued truck at each site; fail the first guide vehicle of each site that has any.
    for (uint8_t site = 0; site < core.sites().size(); ++site) {
      const twin::SiteState& s = core.state().sites[site];
      for (twin::ShipmentIndex i : s.shipments.indices())
        if (s.shipments[i].phase == twin::Phase::QueuedCheckpoint && s.shipments[i].declared) {
          twin::Command hold;
          hold.kind = twin::CommandKind::HoldVehicle;
          hold.shipment = s.shipments[i].id;
          REQUIRE(script.command(site, hold));
          held_site = site, held_index = i;
          break;
        }
      if (!s.fleet.empty()) {
        twin::Command fail;
        fail.kind = twin::CommandKind::MarkEquipmentFailed;
        fail.equipment = {twin::EquipmentRef::Kind::GuideVehicle, 0, 0};
        REQUIRE(script.command(site, fail));
      }
    }
  }
  SceneOptions options(twin::SimTime field_delay_ms = 1000) const {
    SceneOptions o;
    o.display_ms = core.state().now_ms;
    o.field_delay_ms = field_delay_ms;
    return o;
  }
};

}  // namespace

TEST_CASE("the legend's shades read as the names docs/gatetwin.md gives them", "[app][scene]") {
  for (const Shade* s : {&kWhite, &kGreenCh, &kYellowCh, &kRedCh, &kAmber, &kPurple, &kMagenta, &kCyan, &kFailedRed}) {
    INFO(s->name << " " << hex(s->rgba));
    CHECK(reads_as(*s));
  }
  // Two states that must be told apart are never one shade.
  const Shade* all[] = {&kWhite, &kGreenCh, &kYellowCh, &kRedCh, &kAmber, &kPurple, &kMagenta, &kCyan};
  for (const Shade* a : all)
    for (const Shade* b : all)
      if (a != b) CHECK(a->rgba != b->rgba);
}

TEST_CASE("every vehicle of the state is drawn once, in its legend colour, at its place", "[app][scene]") {
  Morning m;
  DrawList dl;
  build_scene(m.core, m.layout, m.options(), dl);
  const Census cs = census(dl);
  // Where the process has each vehicle: the scene with nothing moving (a truck whose place
  // changed a moment ago is drawn on its way there; tests/app/scene_motion_test.cpp).
  SceneOptions still_options = m.options();
  still_options.motion = false;
  DrawList still;
  build_scene(m.core, m.layout, still_options, still);
  const Census placed = census(still);

  std::map<std::string, int> shades_seen;
  size_t trucks_checked = 0, riding_checked = 0, guides_checked = 0, leaving_checked = 0, driving_checked = 0;
  for (size_t site = 0; site < m.core.sites().size(); ++site) {
    const twin::SiteSpec& spec = m.core.sites()[site];
    const twin::SiteState& s = m.core.state().sites[site];
    std::vector<std::pair<glm::vec2, twin::Phase>> places;
    for (twin::ShipmentIndex i : s.shipments.indices()) {
      const twin::Shipment& sh = s.shipments[i];
      const auto key = std::make_pair(int(site), i.value);
      const auto it = cs.trucks.find(key);
      const size_t n = it == cs.trucks.end() ? 0 : it->second.size();
      const size_t rows = cs.truck_rows.count(key) ? cs.truck_rows.at(key).size() : 0;
      INFO(spec.id << " shipment " << sh.id << " (" << twin::to_string(sh.phase) << ")");
      const bool expected = stands_in_site(sh.phase) || (sh.phase == twin::Phase::Diverted && in_holding_slot(spec, s, i));
      if (!expected) {
        // A truck that has just left its last place in the site (crossed, released, or a
        // diverted one leaving the holding area) drives out of it (docs/gatetwin.md): drawn
        // once while on its way, at most for as long as the longest route takes.
        const bool gone = sh.phase == twin::Phase::Cleared || sh.phase == twin::Phase::Left || sh.phase == twin::Phase::AwaitingReceipt;
        const bool just_left = gone && !sh.history.empty() &&
                               m.core.state().now_ms - sh.history.back().time_ms < 3000.0 / spec.timing.truck_speed_mps * 1000;
        if (just_left && n == 1) {
          CHECK(rows == 1);
          ++leaving_checked;
          continue;
        }
        CHECK(n == 0);
        CHECK(rows == 0);
        continue;
      }
      REQUIRE(n == 1);
      REQUIRE(rows == 1);
      const Seen& seen = it->second.front();
      const DrawnVehicle& row = cs.truck_rows.at(key).front();
      // Its mesh, away from the yards (a yard slot shows a container, or the truck as parked
      // there): a reefer for reefer cargo.
      if (sh.yard == twin::kNone16) CHECK(seen.mesh == (sh.reefer ? MeshKind::Reefer : MeshKind::Truck));
      // Its colour, by the legend.
      const Shade& want = legend_truck(sh);
      INFO("want " << want.name << " " << hex(want.rgba) << ", drawn " << hex(seen.inst.colour));
      CHECK(seen.inst.colour == want.rgba);
      CHECK(row.colour == want.rgba);
      shades_seen[want.name]++;
      // Its place: the export row and the instance agree, and the state puts it there.
      CHECK(row.shipment_id() == sh.id);
      CHECK_FALSE(row.from_field);
      CHECK(glm::length(seen.inst.position() - m.layout.world(site, row.local)) < 0.01f);
      REQUIRE(placed.truck_rows.count(key));
      const glm::vec2 place = placed.truck_rows.at(key).front().local;
      const std::string err = process_place_error(spec, s, sh, place);
      INFO(err);
      CHECK(err.empty());
      if (glm::length(place - row.local) > 0.01f) ++driving_checked;
      // No two trucks on one spot. Known exception, not fixed here: the queues of neighbouring
      // lanes (entries 4 m apart, queues 8 columns 4.5 m apart) interleave, so trucks queued
      // for different lanes are drawn 0.5 m apart (report of issue 20).
      for (const auto& [p, phase] : places)
        if (phase != twin::Phase::QueuedLane || sh.phase != twin::Phase::QueuedLane) CHECK(glm::length(p - place) > 1.0f);
      places.push_back({place, sh.phase});
      ++trucks_checked;
    }
    for (uint32_t v = 0; v < s.fleet.size(); ++v) {
      const twin::GuideVehicle& g = s.fleet[v];
      const auto key = std::make_pair(int(site), v);
      INFO(spec.id << " guide vehicle " << v);
      REQUIRE(cs.guides.count(key));
      REQUIRE(cs.guides.at(key).size() == 1);
      REQUIRE(cs.guide_rows.count(key));
      REQUIRE(cs.guide_rows.at(key).size() == 1);
      const Seen& seen = cs.guides.at(key).front();
      CHECK(seen.mesh == MeshKind::GuideVehicle);
      const Shade& want = legend_guide(g);
      INFO("want " << want.name << " " << hex(want.rgba) << ", drawn " << hex(seen.inst.colour));
      CHECK(seen.inst.colour == want.rgba);
      shades_seen[want.name]++;
      const glm::vec2 local = cs.guide_rows.at(key).front().local;
      CHECK(glm::length(seen.inst.position() - m.layout.world(site, local)) < 0.01f);
      if (g.lane != twin::kNone16 && g.segment >= 0) {
        // On its lane's centre line, within the block section it holds (or the next, when
        // travelling into it).
        const twin::LaneSpec& lane = spec.lanes.at(g.lane);
        CHECK(polyline_distance(lane.polyline, local) <= 0.05f);
      } else if (g.at_home) {
        CHECK(glm::length(local - spec.fleet.depot) <= 5.0f * float(s.fleet.size()));
      }
      // A container it carries rides on it: one unpickable instance right above it, in the
      // shipment's legend colour.
      if (g.cargo != twin::kNone) {
        const twin::Shipment& sh = s.shipments[g.cargo];
        INFO("carrying shipment " << sh.id);
        CHECK(cs.trucks.count({int(site), g.cargo.value}) == 0);
        int riding = 0;
        for (const engine::Instance& inst : dl.of(MeshKind::Reefer))
          if (inst.id == engine::kNoPickId && glm::length(inst.position() - (seen.inst.position() + glm::vec3(0, 1.6f, 0))) < 0.01f) {
            ++riding;
            CHECK(inst.colour == legend_truck(sh).rgba);
          }
        CHECK(riding == 1);
        ++riding_checked;
      }
      ++guides_checked;
    }
  }
  std::string seen_list;
  for (const auto& [name, n] : shades_seen) seen_list += name + " " + std::to_string(n) + ", ";
  std::printf("scene objects: %zu trucks (%zu on their way to their place), %zu guide vehicles (%zu carrying), %zu driving out; shades: %s\n",
              trucks_checked, driving_checked, guides_checked, riding_checked, leaving_checked, seen_list.c_str());
  // The morning exercises the legend: the test is not vacuous.
  INFO("shades seen: " << seen_list);
  CHECK(trucks_checked > 50);
  CHECK(guides_checked == 12);
  CHECK(riding_checked > 0);
  for (const char* name : {"white", "green", "yellow", "red", "amber", "purple", "magenta", "cyan", "failed red"}) {
    INFO(name);
    CHECK(shades_seen[name] > 0);
  }
}

TEST_CASE("with a field report for every vehicle, each is drawn exactly at its report", "[app][scene][field]") {
  Morning m;
  DrawList dl;
  build_scene(m.core, m.layout, m.options(), dl);
  // Report every drawn truck and every guide vehicle 1.5 m east and 1 m south of where the
  // process has it, each heading somewhere different.
  std::map<std::pair<int, uint32_t>, glm::vec2> truck_at, guide_at;
  for (const DrawnVehicle& v : dl.vehicles) {
    const glm::vec2 p = v.local + glm::vec2(1.5f, -1.0f);
    if (v.kind == DrawnVehicle::Kind::Truck) {
      truck_at[{v.site, v.index}] = p;
      m.script.apply(v.site, report(twin::EntityKind::Truck, v.id, p, 0.25f));
    } else if (v.kind == DrawnVehicle::Kind::GuideVehicle) {
      guide_at[{v.site, v.index}] = p;
      m.script.apply(v.site, report(twin::EntityKind::GuideVehicle, v.id, p, 0.5f));
    }
  }
  REQUIRE(truck_at.size() > 50);
  REQUIRE(guide_at.size() == 12);
  build_scene(m.core, m.layout, m.options(0), dl);
  const Census cs = census(dl);
  for (const auto& [key, p] : truck_at) {
    const twin::Shipment& sh = m.core.state().sites[key.first].shipments[twin::ShipmentIndex{key.second}];
    INFO(m.core.sites()[key.first].id << " shipment " << sh.id << " reported at (" << p.x << ", " << p.y << ")");
    REQUIRE(cs.trucks.count(key));
    REQUIRE(cs.trucks.at(key).size() == 1);
    const glm::vec3 want = m.layout.world(key.first, p);
    const glm::vec3 got = cs.trucks.at(key).front().inst.position();
    INFO("drawn at world (" << got.x << ", " << got.z << "), want (" << want.x << ", " << want.z << ")");
    CHECK(glm::length(got - want) < 0.01f);
    CHECK(cs.trucks.at(key).front().inst.colour == legend_truck(sh).rgba);
    REQUIRE(cs.truck_rows.count(key));
    CHECK(cs.truck_rows.at(key).front().from_field);
  }
  for (const auto& [key, p] : guide_at) {
    INFO(m.core.sites()[key.first].id << " guide vehicle " << key.second);
    REQUIRE(cs.guides.count(key));
    REQUIRE(cs.guides.at(key).size() == 1);
    CHECK(glm::length(cs.guides.at(key).front().inst.position() - m.layout.world(key.first, p)) < 0.01f);
    CHECK(cs.guides.at(key).front().inst.colour ==
          legend_guide(m.core.state().sites[key.first].fleet[key.second]).rgba);
  }
}

TEST_CASE("picking from above at each vehicle returns that vehicle", "[app][scene][pick]") {
  Morning m;
  DrawList dl;
  build_scene(m.core, m.layout, m.options(), dl);
  engine::Renderer r(enginetest::testConfig(96, 96));
  std::vector<engine::MeshId> meshes;
  for (int k = 0; k < static_cast<int>(MeshKind::Count); ++k)
    meshes.push_back(r.meshes().load(std::string(GATETWIN_SOURCE_DIR) + "/assets/meshes/" +
                                     mesh_file(static_cast<MeshKind>(k)) + ".gltf"));
  // Only what can be picked: a container riding a guide vehicle has no id and would cover it.
  std::array<std::vector<engine::Instance>, static_cast<size_t>(MeshKind::Count)> pickable;
  for (size_t k = 0; k < dl.instances.size(); ++k)
    for (const engine::Instance& inst : dl.instances[k])
      if (inst.id != engine::kNoPickId) pickable[k].push_back(inst);
  size_t picked = 0, guides_picked = 0;
  for (const DrawnVehicle& v : dl.vehicles) {
    if (v.kind == DrawnVehicle::Kind::Undeclared) continue;
    // Trucks queued for neighbouring lanes overlap (see above): one may cover another.
    if (v.kind == DrawnVehicle::Kind::Truck && m.core.state().sites[v.site].shipments[v.shipment()].phase == twin::Phase::QueuedLane)
      continue;
    engine::CameraPose pose;
    pose.target = v.world;
    pose.pitch_deg = 89.0f;
    pose.distance_m = 40.0f;
    engine::Camera cam(pose);
    REQUIRE(r.beginFrame());
    r.setCamera(cam);
    for (size_t k = 0; k < dl.instances.size(); ++k) r.drawInstances(meshes[k], pickable[k]);
    REQUIRE(r.endFrame());
    auto px = cam.project(v.world + glm::vec3(0, 1.0f, 0), r.viewport());
    REQUIRE(px);
    const auto id = r.pick(int(px->x), int(px->y));
    INFO((v.kind == DrawnVehicle::Kind::Truck ? "shipment " : "guide vehicle ") << v.id << " at site " << int(v.site));
    REQUIRE(id);
    const PickTarget* t = dl.target(*id);
    REQUIRE(t);
    CHECK(t->site == v.site);
    CHECK(t->index == v.index);
    CHECK(t->kind == (v.kind == DrawnVehicle::Kind::Truck ? PickKind::Shipment : PickKind::GuideVehicle));
    ++picked;
    guides_picked += v.kind == DrawnVehicle::Kind::GuideVehicle;
  }
  std::printf("scene objects: picked %zu vehicles (%zu guide vehicles)\n", picked, guides_picked);
  CHECK(picked > 50);
  CHECK(guides_picked == 12);
}
