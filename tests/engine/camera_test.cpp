// Camera maths on numbers: projection matrix entries, project/unproject round trips, rays,
// ground points, orbit/zoom limits, pan directions, presets and their JSON. Pure CPU; no
// Vulkan, never skips.
#include <engine/Camera.h>
#include <engine/CameraController.h>

#include <catch2/catch.hpp>

#include <cmath>

using engine::Camera;
using engine::CameraPose;
using Catch::Detail::Approx;

namespace {
void requireNear(glm::vec3 a, glm::vec3 b, float eps = 1e-3f) {
  INFO("(" << a.x << "," << a.y << "," << a.z << ") vs (" << b.x << "," << b.y << "," << b.z << ")");
  REQUIRE(glm::length(a - b) < eps);
}
}  // namespace

TEST_CASE("camera: projection matrix for a 90 degree lens", "[engine][camera]") {
  Camera c;
  c.setFovYDeg(90.0f);
  c.setClip(1.0f, 100.0f);
  glm::mat4 p = c.projection(2.0f);
  CHECK(p[0][0] == Approx(0.5f));  // 1 / (aspect * tan(45))
  CHECK(p[1][1] == Approx(-1.0f));  // Vulkan: y down
  CHECK(p[2][3] == Approx(-1.0f));
  // View-space points on the near and far planes map to depth 0 and 1.
  glm::vec4 n = p * glm::vec4(0, 0, -1.0f, 1);
  glm::vec4 f = p * glm::vec4(0, 0, -100.0f, 1);
  CHECK(n.z / n.w == Approx(0.0f).margin(1e-6));
  CHECK(f.z / f.w == Approx(1.0f).margin(1e-6));
  // A point up and to the right of the axis lands up (negative y) and right in clip space.
  glm::vec4 q = p * glm::vec4(2.0f, 1.0f, -2.0f, 1);
  CHECK(q.x / q.w == Approx(0.5f));
  CHECK(q.y / q.w == Approx(-0.5f));
}

TEST_CASE("camera: eye position from yaw, pitch, distance", "[engine][camera]") {
  Camera c(CameraPose{{10, 0, -5}, 0.0f, 30.0f, 20.0f});
  requireNear(c.eye(), {10.0f, 10.0f, -5.0f + 20.0f * std::cos(glm::radians(30.0f))});
  c.setPose({{0, 0, 0}, 90.0f, 45.0f, 10.0f});
  float h = 10.0f * std::sqrt(0.5f);
  requireNear(c.eye(), {h, h, 0.0f});
  requireNear(c.forward(), glm::normalize(glm::vec3(-1, -1, 0)));
}

TEST_CASE("camera: project and unproject", "[engine][camera]") {
  Camera c(CameraPose{{3, 0, 4}, 35.0f, 40.0f, 50.0f});
  const glm::vec2 vp(1280, 720);
  // The target is at the centre of the view.
  auto t = c.project({3, 0, 4}, vp);
  REQUIRE(t);
  CHECK(t->x == Approx(640.0f).margin(1e-2));
  CHECK(t->y == Approx(360.0f).margin(1e-2));
  CHECK(t->z > 0.0f);
  CHECK(t->z < 1.0f);
  // A point above the target appears above the centre (smaller y).
  auto up = c.project({3, 5, 4}, vp);
  REQUIRE(up);
  CHECK(up->y < 360.0f);
  // Round trips.
  for (glm::vec3 w : {glm::vec3(0, 0, 0), glm::vec3(20, 3, -7), glm::vec3(-15, 0.5f, 30)}) {
    auto p = c.project(w, vp);
    REQUIRE(p);
    requireNear(c.unproject(*p, vp), w, 2e-2f);
  }
  // Behind the eye: nothing.
  glm::vec3 behind = c.eye() - c.forward() * 10.0f;
  CHECK_FALSE(c.project(behind, vp));
}

TEST_CASE("camera: rays and ground points", "[engine][camera]") {
  Camera c(CameraPose{{0, 0, 0}, 0.0f, 45.0f, 10.0f});
  const glm::vec2 vp(800, 600);
  engine::Ray r = c.rayThrough({400, 300}, vp);
  requireNear(r.dir, c.forward());
  auto g = c.groundPoint({400, 300}, vp);
  REQUIRE(g);
  requireNear(*g, {0, 0, 0}, 1e-2f);
  // Lower on screen meets the ground nearer the eye (+Z here), higher meets it farther.
  auto near_pt = c.groundPoint({400, 500}, vp);
  auto far_pt = c.groundPoint({400, 100}, vp);
  REQUIRE(near_pt);
  REQUIRE(far_pt);
  CHECK(near_pt->z > 0.5f);
  CHECK(far_pt->z < -0.5f);
  // Looking at the horizon from a low pitch, the top of the image is sky.
  c.setPose({{0, 0, 0}, 0.0f, 5.0f, 10.0f});
  CHECK_FALSE(c.groundPoint({400, 0}, vp));
}

TEST_CASE("camera: orbit and zoom limits", "[engine][camera]") {
  Camera c;
  const auto& lim = c.limits();
  c.orbit(0.0f, 500.0f);
  CHECK(c.pose().pitch_deg == Approx(lim.pitch_max_deg));
  c.orbit(0.0f, -500.0f);
  CHECK(c.pose().pitch_deg == Approx(lim.pitch_min_deg));
  c.zoom(1e-6f);
  CHECK(c.pose().distance_m == Approx(lim.distance_min_m));
  c.zoom(1e9f);
  CHECK(c.pose().distance_m == Approx(lim.distance_max_m));
  // Yaw wraps into [0, 360).
  c.setPose({{0, 0, 0}, 350.0f, 30.0f, 10.0f});
  c.orbit(20.0f, 0.0f);
  CHECK(c.pose().yaw_deg == Approx(10.0f));
  c.orbit(-30.0f, 0.0f);
  CHECK(c.pose().yaw_deg == Approx(340.0f));
  // Narrower limits clamp the current pose at once.
  engine::CameraLimits tight;
  tight.pitch_min_deg = 40.0f;
  tight.distance_max_m = 5.0f;
  c.setLimits(tight);
  CHECK(c.pose().pitch_deg == Approx(40.0f));
  CHECK(c.pose().distance_m == Approx(5.0f));
  // The eye never goes below the ground, whatever the input.
  for (float dp : {-90.0f, -1000.0f, 1000.0f}) {
    c.orbit(13.0f, dp);
    CHECK(c.eye().y > 0.0f);
  }
}

TEST_CASE("camera: pan moves the target along the ground", "[engine][camera]") {
  Camera c(CameraPose{{0, 0, 0}, 0.0f, 30.0f, 10.0f});
  c.pan(2.0f, 0.0f);  // yaw 0 looks along -Z: right is +X
  requireNear(c.pose().target, {2, 0, 0});
  c.pan(0.0f, 3.0f);
  requireNear(c.pose().target, {2, 0, -3});
  c.setPose({{0, 0, 0}, 90.0f, 30.0f, 10.0f});  // looks along -X: right is -Z
  c.pan(1.0f, 1.0f);
  requireNear(c.pose().target, {-1, 0, -1});
}

TEST_CASE("camera: named presets", "[engine][camera]") {
  Camera c(CameraPose{{1, 2, 3}, 10.0f, 20.0f, 30.0f});
  c.savePreset("overview");
  c.setPreset("gate", CameraPose{{-5, 0, 7}, 200.0f, 60.0f, 120.0f});
  c.orbit(45.0f, 10.0f);
  REQUIRE(c.applyPreset("overview"));
  CHECK(c.pose() == CameraPose{{1, 2, 3}, 10.0f, 20.0f, 30.0f});
  CHECK_FALSE(c.applyPreset("missing"));

  std::string json = c.presetsToJson();
  Camera d;
  REQUIRE(d.presetsFromJson(json));
  REQUIRE(d.presets().size() == 2);
  REQUIRE(d.applyPreset("gate"));
  CHECK(d.pose() == CameraPose{{-5, 0, 7}, 200.0f, 60.0f, 120.0f});

  // Bad input is refused and leaves the presets alone.
  CHECK_FALSE(d.presetsFromJson("{not json"));
  CHECK_FALSE(d.presetsFromJson(R"({"x": {"target": [1, 2], "yaw_deg": 0, "pitch_deg": 10, "distance_m": 5}})"));
  CHECK(d.presets().size() == 2);
}

TEST_CASE("camera controller: drags orbit and pan, the wheel zooms", "[engine][camera]") {
  engine::Camera c(CameraPose{{0, 0, 0}, 90.0f, 30.0f, 100.0f});
  c.setFovYDeg(90.0f);
  engine::CameraController ctl;
  const glm::vec2 vp(1000, 500);
  engine::PointerInput in;
  in.cursor_px = {500, 250};
  ctl.update(c, in, vp);  // first sample: no movement
  CHECK(c.pose() == CameraPose{{0, 0, 0}, 90.0f, 30.0f, 100.0f});

  in.left = true;
  in.cursor_px = {600, 200};  // 100 px right, 50 px up
  ctl.update(c, in, vp);
  CHECK(c.pose().yaw_deg == Approx(60.0f));    // 90 - 100 * 0.3
  CHECK(c.pose().pitch_deg == Approx(15.0f));  // 30 - 50 * 0.3

  in.left = false;
  in.right = true;
  in.cursor_px = {700, 200};  // 100 px right at 100 m with a 90 degree lens: 0.4 m per px
  ctl.update(c, in, vp);
  // Yaw 60: the view's right is (cos 60, 0, -sin 60); the ground moves with the cursor, so
  // the target moves 40 m to the left.
  glm::vec3 t = c.pose().target;
  CHECK(t.x == Approx(-40.0f * 0.5f).margin(1e-3));
  CHECK(t.z == Approx(40.0f * std::sin(glm::radians(60.0f))).margin(1e-3));

  in.right = false;
  in.wheel = 2.0f;
  ctl.update(c, in, vp);
  CHECK(c.pose().distance_m == Approx(100.0f * 0.88f * 0.88f));
}
