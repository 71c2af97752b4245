// Device choice: a name substring picks that device, GATETWIN_VK_DEVICE does the same when no
// name is given, an unknown name fails with a message listing what exists, and the default
// choice is the device the documented order (discrete GPU first, lavapipe last) gives,
// worked out here from Vulkan's own list, on any machine. Needs lavapipe
// (mesa-vulkan-drivers, a build dependency); never skips.
#include <engine/Device.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

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

namespace {
// The documented choice (docs/engine.md), worked out here from Vulkan's own list: the first
// Vulkan 1.2 device of the best type, discrete GPU > integrated > virtual > CPU (lavapipe).
VkPhysicalDeviceProperties expected_default_device() {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO, nullptr, "device_test", 0, nullptr, 0, VK_API_VERSION_1_2};
  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, nullptr, 0, &app, 0, nullptr, 0, nullptr};
  VkInstance inst = VK_NULL_HANDLE;
  REQUIRE(vkCreateInstance(&ci, nullptr, &inst) == VK_SUCCESS);
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(inst, &n, nullptr);
  std::vector<VkPhysicalDevice> devs(n);
  vkEnumeratePhysicalDevices(inst, &n, devs.data());
  auto rank = [](VkPhysicalDeviceType t) {
    return t == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? 0
           : t == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? 1
           : t == VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU    ? 2
           : t == VK_PHYSICAL_DEVICE_TYPE_CPU            ? 3
                                                         : 4;
  };
  VkPhysicalDeviceProperties best{};
  int best_rank = 99;
  for (VkPhysicalDevice d : devs) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(d, &p);
    if (p.apiVersion >= VK_API_VERSION_1_2 && rank(p.deviceType) < best_rank) best = p, best_rank = rank(p.deviceType);
  }
  vkDestroyInstance(inst, nullptr);
  REQUIRE(best_rank < 99);
  return best;
}
}  // namespace

TEST_CASE("device: the default choice prefers a GPU and falls back to lavapipe", "[engine][device]") {
  const char* old = std::getenv("GATETWIN_VK_DEVICE");
  std::string saved = old ? old : "";
  unsetenv("GATETWIN_VK_DEVICE");
  {
    const VkPhysicalDeviceProperties want = expected_default_device();
    engine::Device d(engine::DeviceConfig{});
    INFO("chose " << d.name() << ", expected " << want.deviceName);
    CHECK(d.name() == std::string(want.deviceName));
    CHECK(d.properties().deviceType == want.deviceType);
    CHECK(d.properties().apiVersion >= VK_API_VERSION_1_2);
  }
  if (old) setenv("GATETWIN_VK_DEVICE", saved.c_str(), 1);
}
