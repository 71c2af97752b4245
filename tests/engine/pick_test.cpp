// Picking: renders the golden mesh scene offscreen (lavapipe, validation on) and checks that
// the pixel where each instance's probe point projects returns that instance's id, that
// empty ground and sky return none, that hidden instances cannot be picked, and that the
// level-of-detail/culling scheme keeps the draw count flat as the instance count grows.
#include "EngineTestKit.h"

#include <catch2/catch.hpp>

#include <imgui.h>

#include <array>
#include <cmath>

using namespace enginetest;

namespace {
// Each placed instance's id at the pixel where its probe point projects; returns how many
// were checked.
int check_picks(engine::Renderer& r, const MeshScene& s) {
  const glm::vec2 vp = r.viewport();
  int picked = 0;
  for (const Placed& p : s.placed) {
    auto px = s.camera.project(p.probe, vp);
    REQUIRE(px);
    INFO(p.mesh << " id " << p.instance.id << " probe at pixel " << px->x << "," << px->y);
    auto id = r.pick(int(px->x), int(px->y));
    REQUIRE(id);
    CHECK(*id == p.instance.id);
    ++picked;
  }
  return picked;
}
}  // namespace

TEST_CASE("pick: each instance's id at its pixel, none on empty ground", "[engine][pick]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::Renderer r(testConfig(640, 360));
    MeshScene s = loadMeshScene(r);
    REQUIRE(r.beginFrame());
    drawMeshScene(r, s);
    REQUIRE(r.endFrame());
    const glm::vec2 vp = r.viewport();
    check_picks(r, s);
    // Empty ground: pixels near the corners, whose ground point is far from every instance.
    for (glm::vec2 px : {glm::vec2(20, 340), glm::vec2(620, 340), glm::vec2(610, 60), glm::vec2(30, 60)}) {
      auto g = s.camera.groundPoint(px, vp);
      REQUIRE(g);
      for (const Placed& p : s.placed) REQUIRE(glm::length(*g - p.instance.position()) > 12.0f);
      INFO("ground at pixel " << px.x << "," << px.y);
      CHECK_FALSE(r.pick(int(px.x), int(px.y)));
    }
    // Outside the image.
    CHECK_FALSE(r.pick(-1, 10));
    CHECK_FALSE(r.pick(10, int(vp.y)));
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}

TEST_CASE("pick: hidden instances are neither drawn nor picked", "[engine][pick]") {
  engine::Renderer r(testConfig(640, 360));
  MeshScene s = loadMeshScene(r);
  Placed& truck = s.placed.front();
  REQUIRE(truck.instance.id == engine::InstanceId{1});
  truck.instance.flags |= engine::kInstanceHidden;
  REQUIRE(r.beginFrame());
  drawMeshScene(r, s);
  REQUIRE(r.endFrame());
  auto px = s.camera.project(truck.probe, r.viewport());
  REQUIRE(px);
  auto id = r.pick(int(px->x), int(px->y));
  CHECK((!id || *id != engine::InstanceId{1}));
  CHECK(r.stats().instances_submitted == s.placed.size());
  CHECK(r.stats().instances_culled == 1);
}

TEST_CASE("pick: ids follow a resize of the target", "[engine][pick]") {
  engine::Renderer r(testConfig(320, 180));
  MeshScene s = loadMeshScene(r);
  r.resize(800, 450);
  REQUIRE(r.extent().width == 800);
  REQUIRE(r.beginFrame());
  drawMeshScene(r, s);
  REQUIRE(r.endFrame());
  const Placed& reefer = s.placed[1];
  auto px = s.camera.project(reefer.probe, r.viewport());
  REQUIRE(px);
  auto id = r.pick(int(px->x), int(px->y));
  REQUIRE(id);
  CHECK(*id == reefer.instance.id);
}

TEST_CASE("lod: draw calls do not grow with the instance count", "[engine][lod]") {
  engine::Renderer r(testConfig(320, 180));
  engine::MeshId truck = r.meshes().load(sourcePath("assets/meshes/truck.gltf"));
  const engine::Mesh& mesh = r.meshes().mesh(truck);
  REQUIRE(mesh.has_mid_lod);
  REQUIRE(mesh.mid_triangle_count < mesh.triangle_count);
  REQUIRE(mesh.lod[2].index_count == 36);
  engine::Camera cam(engine::CameraPose{{0, 0, 0}, 0.0f, 30.0f, 60.0f});
  uint32_t draws[3] = {};
  int n = 0;
  for (int count : {10, 1000, 20000}) {
    std::vector<engine::Instance> inst;
    int cols = int(std::sqrt(double(count))) + 1;
    for (int i = 0; i < count; ++i)
      inst.push_back(engine::Instance::at({(i % cols - cols / 2) * 20.0f, 0, (i / cols) * -6.0f}, 0,
                                          engine::rgba8(1, 1, 1), engine::InstanceId{uint32_t(i + 1)}));
    REQUIRE(r.beginFrame());
    r.setCamera(cam);
    r.drawInstances(truck, inst);
    REQUIRE(r.endFrame());
    const engine::FrameStats& st = r.stats();
    INFO(count << " instances: full " << st.instances_full << " mid " << st.instances_mid << " box "
               << st.instances_lod << " culled " << st.instances_culled << " draws " << st.draw_calls);
    CHECK(st.instances_submitted == uint32_t(count));
    CHECK(st.instances_full + st.instances_mid + st.instances_lod + st.instances_culled == uint32_t(count));
    CHECK(st.draw_calls <= 4);  // ground + at most three levels of one mesh kind
    draws[n++] = st.draw_calls;
    if (count == 20000) {
      CHECK(st.instances_culled > 0);
      CHECK(st.instances_lod > 0);
      CHECK(st.instances_lod + st.instances_culled > st.instances_full + st.instances_mid);
    }
  }
  CHECK(draws[2] <= draws[1]);
}

TEST_CASE("pick: with MSAA x4 and FXAA, the scene drawn at half size and a panel over half the view", "[engine][pick]") {
  // The frame draws no ids (a pick redraws the last frame at full size), the scene is drawn
  // at 1/2 size (scene_pixels_max) and not under the panel (render area, scissors).
  engine::Device::resetValidationMessageCount();
  {
    engine::RendererConfig cfg = testConfig(640, 360);
    cfg.msaa_samples = 4;
    cfg.fxaa = true;  // the AA pass filters the frame's colour only, never the ids
    cfg.scene_pixels_max = 320 * 180;
    engine::Renderer r(cfg);
    MeshScene s = loadMeshScene(r);
    for (int frame = 0; frame < 2; ++frame) {  // the second pick reads the newer frame
      REQUIRE(r.beginFrame());
      drawMeshScene(r, s);
      ImGui::SetNextWindowPos(ImVec2(400, 0));
      ImGui::SetNextWindowSize(ImVec2(240, 360));
      ImGui::Begin("panel", nullptr, ImGuiWindowFlags_NoDecoration);
      ImGui::Text("over the scene");
      ImGui::End();
      REQUIRE(r.endFrame());
      CHECK(r.stats().scene_divisor == 2);
      CHECK(r.stats().scene_area_share < 0.66f);  // 400 of 640 columns, and a pixel's margin
      CHECK(check_picks(r, s) == int(s.placed.size()));
    }
    // Under the panel the scene is not drawn: the panel's pixels are its background over the
    // clear colour, the same in every row (the scene would vary them).
    const engine::RgbaImage img = r.screenshot();
    REQUIRE(img.width == 640);
    auto at = [&](int x, int y) { return std::array<uint8_t, 3>{img.pixels[(y * 640 + x) * 4], img.pixels[(y * 640 + x) * 4 + 1], img.pixels[(y * 640 + x) * 4 + 2]}; };
    for (int y = 60; y < 360; y += 20) CHECK(at(600, y) == at(600, 340));
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}
