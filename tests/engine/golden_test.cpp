// Golden images: fixed scenes rendered offscreen on lavapipe with validation on, compared
// with tests/golden/*.png within the tolerance in EngineTestKit.h (channel difference <= 16,
// at most 0.5% of pixels beyond it). On failure the actual image and a diff image are
// written to build/test-output/engine/. GATETWIN_UPDATE_GOLDEN=1 rewrites the references.
// Skips nothing: lavapipe (mesa-vulkan-drivers) is a build dependency.
#include "EngineTestKit.h"

#include <catch2/catch.hpp>

#include <cstdio>
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
    std::printf("golden %s\n", c.message.c_str());
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
    std::printf("golden %s\n", c.message.c_str());
    INFO(c.message);
    CHECK(c.ok);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
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
