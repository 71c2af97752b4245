// Device choice: a name substring picks that device, GATETWIN_VK_DEVICE does the same when no
// name is given, an unknown name fails with a message listing what exists, and the default
// choice (discrete GPU first, lavapipe last) picks some device. Needs lavapipe
// (mesa-vulkan-drivers, a build dependency); never skips.
#include <engine/Device.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

TEST_CASE("device: lavapipe is listed and can be named", "[engine][device]") {
  auto names = engine::Device::listDevices();
  REQUIRE_FALSE(names.empty());
  bool has_lavapipe = false;
  for (const auto& n : names) has_lavapipe |= n.find("llvmpipe") != std::string::npos;
  REQUIRE(has_lavapipe);

  engine::DeviceConfig cfg;
  cfg.device_name = "LLVMPIPE";  // case does not matter
  engine::Device d(cfg);
  CHECK(d.name().find("llvmpipe") != std::string::npos);
  CHECK(d.properties().deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU);
  CHECK(d.timestampsSupported());
}

TEST_CASE("device: GATETWIN_VK_DEVICE chooses when no name is given", "[engine][device]") {
  const char* old = std::getenv("GATETWIN_VK_DEVICE");
  std::string saved = old ? old : "";
  setenv("GATETWIN_VK_DEVICE", "llvmpipe", 1);
  {
    engine::Device d(engine::DeviceConfig{});
    CHECK(d.name().find("llvmpipe") != std::string::npos);
  }
  setenv("GATETWIN_VK_DEVICE", "no-such-gpu-xyz", 1);
  try {
    engine::Device d(engine::DeviceConfig{});
    FAIL("an unknown device name must not be accepted");
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    CHECK(what.find("no-such-gpu-xyz") != std::string::npos);
    CHECK(what.find("llvmpipe") != std::string::npos);  // the message lists what exists
  }
  if (old)
    setenv("GATETWIN_VK_DEVICE", saved.c_str(), 1);
  else
    unsetenv("GATETWIN_VK_DEVICE");
}

TEST_CASE("device: the default choice prefers a GPU and falls back to lavapipe", "[engine][device]") {
  const char* old = std::getenv("GATETWIN_VK_DEVICE");
  std::string saved = old ? old : "";
  unsetenv("GATETWIN_VK_DEVICE");
  {
    engine::Device d(engine::DeviceConfig{});
    auto names = engine::Device::listDevices();
    bool only_cpu = names.size() == 1;
    INFO("chose " << d.name());
    if (only_cpu) CHECK(d.name() == names.front());
    CHECK(d.properties().apiVersion >= VK_API_VERSION_1_2);
  }
  if (old) setenv("GATETWIN_VK_DEVICE", saved.c_str(), 1);
}
