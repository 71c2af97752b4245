// Validation: with VK_LAYER_KHRONOS_validation on and a messenger counting warnings and
// errors, whole runs from creation to clean shutdown produce zero messages: offscreen
// (frames, resize, pick, screenshot) and windowed under an Xvfb the test starts itself
// (frames, a window resize that rebuilds the swapchain, minimise/restore under twm, which
// the test also starts; with FXAA and a scaled scene). A canary first proves the counter sees a deliberate mistake. The
// windowed case skips (with a message) only when Xvfb is not installed; twm missing, or
// installed but not working (it exits at once without X fonts, or never manages the root
// window), fails at once with the reason, in one line.
#include "EngineTestKit.h"
#include "tests/support/window_manager.h"
#include "tests/support/xvfb_server.h"

#include <engine/Window.h>

#include "VkCheck.h"  // engine/src, private: the canary calls Vulkan through VK_CHECK

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>
#include <fstream>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace enginetest;


TEST_CASE("validation: the counter sees a deliberate mistake", "[engine][validation]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::DeviceConfig dc = testConfig(1, 1).device;
    engine::Device dev(dc);
    REQUIRE(dev.validationEnabled());
    std::printf("validation canary: the next validation error is deliberate\n");
    // Anisotropic filtering without enabling the samplerAnisotropy feature is invalid.
    VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    si.anisotropyEnable = VK_TRUE;
    si.maxAnisotropy = 16.0f;
    si.maxLod = 1.0f;
    VkSampler s = VK_NULL_HANDLE;
    VK_CHECK(vkCreateSampler(dev.device(), &si, nullptr, &s));
    vkDestroySampler(dev.device(), s, nullptr);
  }
  CHECK(engine::Device::validationMessageCount() > 0);
  engine::Device::resetValidationMessageCount();
}

TEST_CASE("validation: offscreen run, start to clean shutdown, zero messages",
          "[engine][validation]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::Renderer r(testConfig(400, 240));
    MeshScene s = loadMeshScene(r);
    for (int i = 0; i < 4; ++i) {
      REQUIRE(r.beginFrame());
      drawMeshScene(r, s);
      drawOverlayScene(r);
      REQUIRE(r.endFrame());
    }
    r.resize(320, 200);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(r.beginFrame());
      drawMeshScene(r, s);
      drawOverlayScene(r);
      REQUIRE(r.endFrame());
    }
    r.finish();
    // Timestamps work on lavapipe: the last frame took some GPU time, and less than a
    // second (-1 means unknown; 0 would mean the two timestamps were never written).
    CHECK(r.stats().gpu_ms > 0.0);
    CHECK(r.stats().gpu_ms < 1000.0);
    CHECK(r.screenshot().width == 320);
    r.pick(160, 100);
    // A frame begun but never ended must still shut down cleanly.
    REQUIRE(r.beginFrame());
    drawMeshScene(r, s);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}

TEST_CASE("validation: windowed under Xvfb with a resize, zero messages", "[engine][validation][window]") {
  const std::string xvfb = XvfbServer::find();
  if (xvfb.empty()) {
    FAIL("Xvfb is not installed (Debian package xvfb); tools/setup/install-deps.sh installs what is missing");
  }
  XvfbServer server;  // tests/support/xvfb_server.h
  if (!server.start(xvfb, "1280x720x24")) FAIL("Xvfb is not working: " << server.why());
  std::string old_display = std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "";
  setenv("DISPLAY", server.display().c_str(), 1);
  unsetenv("WAYLAND_DISPLAY");
  // A window manager makes minimise real (without one X ignores iconify requests). twm
  // (Debian package twm, in packages.txt) must be installed, running and managing the root
  // window before the test relies on it; that a twm process was started (forked) proves
  // nothing. Missing, or exiting at once (no X fonts), it fails here in one line.
  WindowManager wm;  // tests/support/window_manager.h
  const std::string twm = WindowManager::find();
  if (twm.empty()) FAIL("twm is not installed (Debian package twm): the minimise step needs a window manager");
  if (!wm.start(twm, server.display(), outputDir())) FAIL("window manager is not working: " << wm.why());

  engine::Device::resetValidationMessageCount();
  {
    engine::RendererConfig cfg = testConfig(640, 360);
    cfg.windowed = true;
    cfg.title = "engine validation test";
    // The post-process anti-aliasing and a scaled scene (1/2 at 640x360, 1/3 at 800x500):
    // their images, passes and descriptors are remade with the swapchain.
    cfg.fxaa = true;
    cfg.scene_pixels_max = 320 * 180;
    engine::Renderer r(cfg);
    REQUIRE(r.window());
    MeshScene s = loadMeshScene(r);
    auto frame = [&] {
      r.window()->pollEvents();
      if (!r.beginFrame()) return false;
      drawMeshScene(r, s);
      drawOverlayScene(r);
      return r.endFrame();
    };
    int drawn = 0;
    for (int i = 0; i < 4; ++i) drawn += frame();
    CHECK(drawn >= 3);
    CHECK(r.stats().scene_divisor == 2);
    CHECK(r.extent().width == 640);
    CHECK(r.extent().height == 360);

    // Resize: the swapchain and the offscreen target follow the window.
    r.resize(800, 500);
    for (int i = 0; i < 100 && !(r.extent().width == 800 && r.extent().height == 500); ++i) {
      frame();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(r.extent().width == 800);
    CHECK(r.extent().height == 500);
    REQUIRE(frame());
    CHECK(r.stats().scene_divisor == 3);
    CHECK(r.screenshot().width == 800);
    // Picking works the same in a window.
    const Placed& truck = s.placed.front();
    auto px = s.camera.project(truck.probe, r.viewport());
    REQUIRE(px);
    auto id = r.pick(int(px->x), int(px->y));
    REQUIRE(id);
    CHECK(*id == truck.instance.id);

    // Minimise: with a window manager the window really iconifies and beginFrame declines to
    // draw; then restore and draw again.
    r.window()->iconify();
    bool minimised = false;
    for (int i = 0; i < 200 && !minimised; ++i) {
      r.window()->pollEvents();
      minimised = r.window()->minimised();
      if (!minimised) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    {
      INFO("twm " << (wm.alive() ? "is still running" : "has exited") << "; the window did not iconify");
      REQUIRE(minimised);
    }
    CHECK_FALSE(r.beginFrame());
    for (int i = 0; i < 3; ++i) frame();
    r.window()->restore();
    for (int i = 0; i < 200 && r.window()->minimised(); ++i) {
      r.window()->pollEvents();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK_FALSE(r.window()->minimised());
    drawn = 0;
    for (int i = 0; i < 10 && drawn < 3; ++i) drawn += frame();
    CHECK(drawn == 3);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
  if (old_display.empty())
    unsetenv("DISPLAY");
  else
    setenv("DISPLAY", old_display.c_str(), 1);
}
