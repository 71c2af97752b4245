// Tests the app's scene: both freight roads built from the shipped site files and a
// seeded 2030 morning, turned into a draw list and rendered offscreen on lavapipe; the
// picture must match tests/golden/app_both_sites.png (and a close view of the guide
// vehicles app_guide_vehicles.png) within their tolerance (tests/golden/README.md). Also: picked ids lead back to the right vehicles, and with stale
// telemetry nothing is drawn as moving. And the field: a reported truck is drawn at its
// report (moving between reports, dimmed when stale), an undeclared one in its colour.
#include "seeded_morning.h"
#include "EngineTestKit.h"
#include "controlroom/scene/palette.h"
#include "controlroom/scene/scene_builder.h"
#include "controlroom/scene/scene_json.h"
#include "controlroom/scene/view_presets.h"

#include "connectors/files/site_file.h"
#include "twin/run.h"

#include <catch2/catch.hpp>

using namespace controlroom;

namespace {

void submit(engine::Renderer& r, const DrawList& dl, const std::vector<engine::MeshId>& meshes) {
  for (size_t k = 0; k < dl.instances.size(); ++k) r.drawInstances(meshes[k], dl.instances[k]);
  for (const Ribbon& rb : dl.ribbons) r.drawPolyline(rb.points, rb.width_m, rb.colour, rb.closed);
  for (const Label& l : dl.labels) r.drawLabel(l.anchor, l.text, l.colour);
}

}  // namespace

TEST_CASE("both freight roads render from core state and match the reference") {
  twin::Core core = morning_core(10 * twin::kHour);
  WorldLayout layout(core.sites().size());
  auto views = standard_views({core.sites()[0].id, core.sites()[1].id}, layout);
  auto both = find_view(views, "both");
  REQUIRE(both);
  SceneOptions opt;
  opt.display_ms = core.state().now_ms + 500;
  opt.show_site = both->show_site;
  opt.lane_labels = both->lane_labels;
  DrawList dl;
  build_scene(core, layout, opt, dl);
  CHECK(dl.of(MeshKind::Truck).size() + dl.of(MeshKind::Reefer).size() > 50);
  CHECK(dl.of(MeshKind::GuideVehicle).size() == 12);
  CHECK(dl.of(MeshKind::ScannerPortal).size() == 7);
  CHECK(dl.ribbons.size() > 16);

  engine::Renderer r(enginetest::testConfig(1280, 720));
  std::vector<engine::MeshId> meshes;
  for (int k = 0; k < static_cast<int>(MeshKind::Count); ++k)
    meshes.push_back(r.meshes().load(std::string(GATETWIN_SOURCE_DIR) + "/assets/meshes/" +
                                     mesh_file(static_cast<MeshKind>(k)) + ".gltf"));
  engine::Camera cam(both->pose);
  REQUIRE(r.beginFrame());
  r.setCamera(cam);
  submit(r, dl, meshes);
  REQUIRE(r.endFrame());
  r.finish();
  auto img = r.screenshot();
  auto cmp = enginetest::compareGolden(img, "app_both_sites");
  INFO(cmp.message);
  CHECK(cmp.ok);

  SECTION("a picked vehicle is the vehicle drawn there") {
    const auto& trucks = dl.of(MeshKind::Truck);
    REQUIRE(!trucks.empty());
    const engine::Instance& inst = trucks.front();
    const PickTarget* t = dl.target(inst.id);
    REQUIRE(t != nullptr);
    CHECK(t->kind == PickKind::Shipment);
    CHECK(t->index < core.state().sites[t->site].shipments.size());
  }
}

TEST_CASE("guide vehicles and the containers they carry, close up, match the reference") {
  // The overview is too far out to show a guide vehicle under its container: this view
  // looks at m1119's guide vehicles from close by (tests/golden/README.md).
  twin::Core core = morning_core(10 * twin::kHour);
  WorldLayout layout(core.sites().size());
  SceneOptions opt;
  opt.display_ms = core.state().now_ms + 500;
  DrawList dl;
  build_scene(core, layout, opt, dl);
  glm::vec3 centre(0);
  int n = 0;
  for (const DrawnVehicle& v : dl.vehicles)
    if (v.kind == DrawnVehicle::Kind::GuideVehicle && v.site == 1) centre += v.world, ++n;
  REQUIRE(n == 6);
  engine::Renderer r(enginetest::testConfig(640, 360));
  std::vector<engine::MeshId> meshes;
  for (int k = 0; k < static_cast<int>(MeshKind::Count); ++k)
    meshes.push_back(r.meshes().load(std::string(GATETWIN_SOURCE_DIR) + "/assets/meshes/" +
                                     mesh_file(static_cast<MeshKind>(k)) + ".gltf"));
  engine::CameraPose pose;
  pose.target = centre / float(n);
  pose.yaw_deg = 30.0f;
  pose.pitch_deg = 12.0f;
  pose.distance_m = 60.0f;
  engine::Camera cam(pose);
  REQUIRE(r.beginFrame());
  r.setCamera(cam);
  submit(r, dl, meshes);
  REQUIRE(r.endFrame());
  r.finish();
  auto cmp = enginetest::compareGolden(r.screenshot(), "app_guide_vehicles");
  INFO(cmp.message);
  CHECK(cmp.ok);
}

TEST_CASE("with stale telemetry no vehicle is drawn moving") {
  twin::Core core = morning_core(9 * twin::kHour);
  WorldLayout layout(core.sites().size());
  SceneOptions live;
  live.display_ms = core.state().now_ms + 30 * twin::kSecond;
  DrawList dl;
  build_scene(core, layout, live, dl);
  CHECK(dl.moving_vehicles > 0);
  SceneOptions stale = live;
  stale.motion = false;
  build_scene(core, layout, stale, dl);
  CHECK(dl.moving_vehicles == 0);
  for (const auto& i : dl.of(MeshKind::GuideVehicle)) CHECK((i.flags & engine::kInstanceDim) != 0);
}

// [SECTION] the field's positions (docs/field.md) ---------------------------------------

namespace {

const DrawnVehicle* drawn_truck(const DrawList& dl, twin::ShipmentId id) {
  for (const DrawnVehicle& v : dl.vehicles)
    if (v.kind == DrawnVehicle::Kind::Truck && v.id == id.value) return &v;
  return nullptr;
}

}  // namespace

TEST_CASE("a reported truck is drawn where the field says, moving between reports, dimmed when stale") {
  twin::Core core = morning_core(10 * twin::kHour);
  WorldLayout layout(core.sites().size());
  // A truck the process has somewhere in the site.
  const twin::SiteState& s = core.state().sites[0];
  const twin::Shipment* sh = nullptr;
  for (const twin::Shipment& x : s.shipments)
    if (x.phase == twin::Phase::QueuedCheckpoint || x.phase == twin::Phase::AtCheckpoint) { sh = &x; break; }
  REQUIRE(sh);
  const twin::ShipmentId id = sh->id;
  DrawList dl;
  SceneOptions opt;
  opt.display_ms = core.state().now_ms;
  build_scene(core, layout, opt, dl);
  REQUIRE(drawn_truck(dl, id));
  CHECK_FALSE(drawn_truck(dl, id)->from_field);
  const glm::vec2 process_place = drawn_truck(dl, id)->local;

  twin::Decisions ds;
  uint64_t seq = core.state().last_seq;
  twin::SimTime t = core.state().now_ms;
  auto report = [&](glm::vec2 p, twin::SimTime dt) {
    t += dt;
    core.apply(twin::Event{++seq, t, 0, twin::PositionReport{twin::EntityKind::Truck, id.value, p, 0.5f}}, ds);
  };
  report({700, -200}, 1000);
  report({710, -200}, 1000);
  // No delay (--scene-json): at the last report exactly.
  opt.display_ms = t;
  opt.field_delay_ms = 0;
  build_scene(core, layout, opt, dl);
  REQUIRE(drawn_truck(dl, id));
  CHECK(drawn_truck(dl, id)->from_field);
  CHECK(drawn_truck(dl, id)->local.x == Approx(710));
  CHECK(drawn_truck(dl, id)->local != process_place);
  CHECK(drawn_truck(dl, id)->report_age_ms == 0);
  // A second behind the display: half-way between the two reports, half a second after the last.
  opt.field_delay_ms = 1000;
  opt.display_ms = t + 500;
  build_scene(core, layout, opt, dl);
  CHECK(drawn_truck(dl, id)->local.x == Approx(705));
  CHECK(dl.moving_vehicles >= 1);
  // Stale after kFieldStaleAfterMs: dimmed and flagged, still where it was reported.
  opt.display_ms = t + twin::kFieldStaleAfterMs + 1000;
  build_scene(core, layout, opt, dl);
  CHECK(drawn_truck(dl, id)->stale);
  CHECK(drawn_truck(dl, id)->local.x == Approx(710));
  bool dimmed = false;
  for (const auto& inst : dl.of(sh->reefer ? MeshKind::Reefer : MeshKind::Truck))
    if (const PickTarget* p = dl.target(inst.id); p && p->kind == PickKind::Shipment && s.shipments[p->shipment()].id == id)
      dimmed = (inst.flags & engine::kInstanceDim) != 0;
  CHECK(dimmed);
}

TEST_CASE("an undeclared vehicle is drawn in its own colour with a label") {
  twin::Core core = morning_core(2 * twin::kHour);
  WorldLayout layout(core.sites().size());
  twin::Decisions ds;
  twin::PositionReport r{twin::EntityKind::Truck, 0, {500, 6}, 0};
  r.has_id = false;
  r.plate = "29H-99999";
  core.apply(twin::Event{core.state().last_seq + 1, core.state().now_ms, 0, r}, ds);
  DrawList dl;
  SceneOptions opt;
  opt.display_ms = core.state().now_ms;
  build_scene(core, layout, opt, dl);
  const DrawnVehicle* v = nullptr;
  for (const DrawnVehicle& x : dl.vehicles)
    if (x.kind == DrawnVehicle::Kind::Undeclared) v = &x;
  REQUIRE(v);
  CHECK(drawn_names(core, *v).name == "29H-99999");
  CHECK(v->colour == palette::kUndeclared);
  CHECK(v->local.x == Approx(500));
  bool labelled = false;
  for (const Label& l : dl.labels) labelled |= l.text == "undeclared 29H-99999";
  CHECK(labelled);
}

// Issue 14: a truck that has just joined a checkpoint's queue drives there along the road
// from the station before it: drawn a little further each half second (never a jump), and
// at its queue spot once the drive is over.
TEST_CASE("a truck joining a checkpoint queue drives there along the road, without jumps") {
  twin::Core core = morning_core(9 * twin::kHour);
  WorldLayout layout(core.sites().size());
  // The most recent arrival in any checkpoint queue past the first.
  const twin::SiteState* site = nullptr;
  size_t site_i = 0;
  twin::ShipmentIndex who{};
  twin::SimTime since = -1;
  for (size_t i = 0; i < core.sites().size(); ++i)
    for (size_t k = 1; k < core.sites()[i].checkpoints.size(); ++k)
      for (twin::ShipmentIndex idx : core.state().sites[i].checkpoints[k].queue) {
        const twin::Shipment& sh = core.state().sites[i].shipments[idx];
        if (sh.yard == twin::kNone16 && !sh.field.reported() && sh.queued_since_ms > since) {
          since = sh.queued_since_ms;
          who = idx;
          site = &core.state().sites[i];
          site_i = i;
        }
      }
  REQUIRE(site);
  auto drawn_at = [&](twin::SimTime display) {
    SceneOptions opt;
    opt.display_ms = display;
    DrawList dl;
    build_scene(core, layout, opt, dl);
    for (const DrawnVehicle& v : dl.vehicles)
      if (v.kind == DrawnVehicle::Kind::Truck && v.site == site_i && v.index == who.value) return v.local;
    FAIL("the truck is not drawn");
    return glm::vec2(0);
  };
  const float speed = static_cast<float>(core.sites()[site_i].timing.truck_speed_mps);
  // Start at the moment it joined (the display never runs before the state's time: start there).
  const twin::SimTime t0 = std::max(since, core.state().now_ms);
  glm::vec2 last = drawn_at(t0);
  float travelled = 0;
  for (int step = 1; step <= 240; ++step) {  // two minutes in half seconds
    const glm::vec2 at = drawn_at(t0 + step * 500);
    INFO("step " << step << " from (" << last.x << ", " << last.y << ") to (" << at.x << ", " << at.y << ")");
    CHECK(glm::length(at - last) <= speed * 0.5f + 0.5f);  // no jump
    travelled += glm::length(at - last);
    last = at;
  }
  const glm::vec2 end = drawn_at(t0 + 3600 * 1000);  // long after: at its queue spot
  CHECK(glm::length(end - last) < 0.01f);
  // It joined within the drive's time before the state's moment, so it is seen driving.
  INFO("joined at " << since << ", state at " << core.state().now_ms);
  CHECK(travelled > 20.0f);
}
