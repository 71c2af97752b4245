// Validation: with VK_LAYER_KHRONOS_validation on and a messenger counting warnings and
// errors, whole runs from creation to clean shutdown produce zero messages: offscreen
// (frames, resize, pick, screenshot) and windowed under an Xvfb the test starts itself
// (frames, a window resize that rebuilds the swapchain, minimise/restore). A canary first
// proves the counter sees a deliberate mistake. The windowed case skips (with a message)
// only when Xvfb is not installed.
#include "EngineTestKit.h"

#include <engine/VkCheck.h>
#include <engine/Window.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace enginetest;

namespace {

std::string findXvfb() {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  for (size_t a = 0; a <= p.size();) {
    size_t b = p.find(':', a);
    if (b == std::string::npos) b = p.size();
    std::string cand = p.substr(a, b - a) + "/Xvfb";
    if (access(cand.c_str(), X_OK) == 0) return cand;
    a = b + 1;
  }
  return "";
}

// An Xvfb server on a free display number, killed on destruction.
class XvfbServer {
 public:
  bool start(const std::string& exe) {
    for (int n = 87; n < 140; ++n) {
      std::string sock = "/tmp/.X11-unix/X" + std::to_string(n);
      std::string lock = "/tmp/.X" + std::to_string(n) + "-lock";
      if (std::filesystem::exists(sock) || std::filesystem::exists(lock)) continue;
      pid_t pid = fork();
      if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        std::string disp = ":" + std::to_string(n);
        execl(exe.c_str(), "Xvfb", disp.c_str(), "-screen", "0", "1280x720x24", "-nolisten", "tcp",
              static_cast<char*>(nullptr));
        _exit(127);
      }
      if (pid < 0) return false;
      for (int i = 0; i < 100; ++i) {  // up to 5 s for the socket
        if (std::filesystem::exists(sock)) {
          pid_ = pid;
          display_ = ":" + std::to_string(n);
          return true;
        }
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) break;  // died: try the next number
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
    return false;
  }
  ~XvfbServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& display() const { return display_; }

 private:
  pid_t pid_ = -1;
  std::string display_;
};

}  // namespace

TEST_CASE("validation: the counter sees a deliberate mistake", "[engine][validation]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::DeviceConfig dc = testConfig(1, 1).device;
    engine::Device dev(dc);
    REQUIRE(dev.validationEnabled());
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
    CHECK(r.stats().gpu_ms >= 0.0);  // timestamps work on lavapipe
    CHECK(r.screenshot().width == 320);
    r.pick(160, 100);
    // A frame begun but never ended must still shut down cleanly.
    REQUIRE(r.beginFrame());
    drawMeshScene(r, s);
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}

TEST_CASE("validation: windowed under Xvfb with a resize, zero messages", "[engine][validation][window]") {
  const std::string xvfb = findXvfb();
  if (xvfb.empty()) {
    WARN("SKIPPED windowed validation: Xvfb is not installed (Debian package xvfb)");
    return;
  }
  XvfbServer server;
  REQUIRE(server.start(xvfb));
  std::string old_display = std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "";
  setenv("DISPLAY", server.display().c_str(), 1);
  unsetenv("WAYLAND_DISPLAY");

  engine::Device::resetValidationMessageCount();
  {
    engine::RendererConfig cfg = testConfig(640, 360);
    cfg.windowed = true;
    cfg.title = "engine validation test";
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
    CHECK(r.screenshot().width == 800);
    // Picking works the same in a window.
    const Placed& truck = s.placed.front();
    auto px = s.camera.project(truck.probe, r.viewport());
    REQUIRE(px);
    auto id = r.pick(int(px->x), int(px->y));
    REQUIRE(id);
    CHECK(*id == truck.instance.id);

    // Minimise and restore (without a window manager Xvfb may ignore the request; either way
    // frames must go on without errors afterwards).
    r.window()->iconify();
    for (int i = 0; i < 5; ++i) frame();
    r.window()->restore();
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
