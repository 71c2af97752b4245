// Golden images: fixed scenes rendered offscreen on lavapipe with validation on, compared
// with tests/golden/*.png within each image's tolerance (tests/golden/README.md: channel
// difference <= 2, at most 8 pixels beyond it). On failure the actual image and a diff image are
// written to build/test-output/engine/. GATETWIN_UPDATE_GOLDEN=1 rewrites the references.
// Skips nothing: lavapipe (mesa-vulkan-drivers) is a build dependency.
#include "EngineTestKit.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <vector>
#include <cstdlib>
#include <string>

using namespace enginetest;

namespace {
// Renders `frames` frames of the given scene and returns the last one.
template <typename Draw>
engine::RgbaImage renderFrames(engine::Renderer& r, int frames, Draw draw) {
  for (int i = 0; i < frames; ++i) {
    REQUIRE(r.beginFrame());
    draw();
    REQUIRE(r.endFrame());
  }
  return r.screenshot();
}
}  // namespace

TEST_CASE("golden: lit meshes on the ground", "[engine][golden]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::Renderer r(testConfig(480, 270));
    MeshScene s = loadMeshScene(r);
    engine::RgbaImage img = renderFrames(r, 2, [&] { drawMeshScene(r, s); });
    REQUIRE(img.width == 480);
    CompareResult c = compareGolden(img, "meshes");
    INFO(c.message);
    CHECK(c.ok);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}

TEST_CASE("golden: lines, labels and an ImGui window over the meshes", "[engine][golden]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::Renderer r(testConfig(480, 270));
    MeshScene s = loadMeshScene(r);
    // Three frames: ImGui lays a new window out over its first two.
    engine::RgbaImage img = renderFrames(r, 3, [&] {
      drawMeshScene(r, s);
      drawOverlayScene(r);
    });
    CHECK(r.stats().labels == 2);
    CompareResult c = compareGolden(img, "overlay");
    INFO(c.message);
    CHECK(c.ok);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}

TEST_CASE("golden: a crowd drawn at all three levels of detail", "[engine][golden][lod]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::RendererConfig cfg = testConfig(480, 270);
    cfg.lod_detail_pixels = 160.0f;  // the engine's defaults, not the other goldens' setting
    cfg.lod_min_pixels = 28.0f;
    engine::Renderer r(cfg);
    engine::MeshId truck = r.meshes().load(sourcePath("assets/meshes/truck.gltf"));
    engine::MeshId reefer = r.meshes().load(sourcePath("assets/meshes/reefer.gltf"));
    std::vector<engine::Instance> trucks, reefers;
    for (int row = 0; row < 40; ++row)
      for (int col = -6; col <= 6; ++col) {
        glm::vec3 p(col * 22.0f, 0.0f, -row * 12.0f);
        uint32_t colour = engine::rgba8(0.3f + 0.05f * float(col + 6), 0.45f, 0.9f - 0.02f * float(row));
        const engine::InstanceId id{uint32_t(row * 100 + col + 50)};
        if ((row + col) % 3 == 0)
          reefers.push_back(engine::Instance::at(p, 0.0f, engine::rgba8(1, 1, 1), id));
        else
          trucks.push_back(engine::Instance::at(p, 0.0f, colour, id));
      }
    engine::Camera cam(engine::CameraPose{{0.0f, 0.0f, -30.0f}, 15.0f, 10.0f, 45.0f});
    engine::RgbaImage img = renderFrames(r, 2, [&] {
      r.setCamera(cam);
      r.drawInstances(truck, trucks);
      r.drawInstances(reefer, reefers);
    });
    const engine::FrameStats& st = r.stats();
    INFO("full " << st.instances_full << " mid " << st.instances_mid << " box " << st.instances_lod
                 << " culled " << st.instances_culled);
    CHECK(st.instances_full > 0);
    CHECK(st.instances_mid > 0);
    CHECK(st.instances_lod > 0);
    CHECK(st.draw_calls == 7);  // ground + 3 levels x 2 meshes
    CompareResult c = compareGolden(img, "crowd_lod");
    INFO(c.message);
    CHECK(c.ok);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}

TEST_CASE("golden: labels behind the eye or off screen are skipped", "[engine][labels]") {
  engine::Renderer r(testConfig(320, 180));
  engine::Camera cam(engine::CameraPose{{0, 0, 0}, 0.0f, 30.0f, 20.0f});
  REQUIRE(r.beginFrame());
  r.setCamera(cam);
  r.drawLabel({0, 1, 0}, "in view");
  r.drawLabel(cam.eye() - cam.forward() * 5.0f, "behind");
  r.drawLabel({500, 0, 0}, "far right");
  REQUIRE(r.endFrame());
  CHECK(r.stats().labels == 1);
}

TEST_CASE("golden: the comparison fails and writes a diff when the image changes",
          "[engine][golden]") {
  // Guards the comparison itself: a scene drawn differently must not pass.
  engine::Renderer r(testConfig(480, 270));
  MeshScene s = loadMeshScene(r);
  s.camera.orbit(40.0f, 0.0f);
  engine::RgbaImage img = renderFrames(r, 2, [&] { drawMeshScene(r, s); });
  if (const char* u = std::getenv("GATETWIN_UPDATE_GOLDEN"); u && std::string(u) == "1") return;
  CompareResult c = compareGolden(img, "meshes");
  INFO(c.message);
  CHECK_FALSE(c.ok);
  CHECK(c.differing > c.total / 100);
}
