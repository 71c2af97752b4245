// Device: instance, validation messenger, device choice, logical device, one queue.
// It must not create anything that depends on a surface or on what is drawn.
#include <engine/Device.h>
#include "VkCheck.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace engine {
namespace {

std::atomic<int> g_validation_messages{0};

VKAPI_ATTR VkBool32 VKAPI_CALL debugCallback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                             VkDebugUtilsMessageTypeFlagsEXT,
                                             const VkDebugUtilsMessengerCallbackDataEXT* data,
                                             void*) {
  if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
    ++g_validation_messages;
    std::fprintf(stderr, "engine: validation %s: %s\n",
                 severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "ERROR" : "warning",
                 data->pMessage);
  }
  return VK_FALSE;
}

VkDebugUtilsMessengerCreateInfoEXT messengerInfo() {
  VkDebugUtilsMessengerCreateInfoEXT ci{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  ci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  ci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  ci.pfnUserCallback = debugCallback;
  return ci;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int typeRank(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

bool hasLayer(const char* name) {
  uint32_t n = 0;
  VK_CHECK(vkEnumerateInstanceLayerProperties(&n, nullptr));
  std::vector<VkLayerProperties> layers(n);
  VK_CHECK(vkEnumerateInstanceLayerProperties(&n, layers.data()));
  for (const auto& l : layers)
    if (!std::strcmp(l.layerName, name)) return true;
  return false;
}

}  // namespace

int Device::validationMessageCount() { return g_validation_messages.load(); }
void Device::resetValidationMessageCount() { g_validation_messages = 0; }

Device::Device(const DeviceConfig& cfg) {
  createInstance(cfg);
  std::string want = cfg.device_name;
  if (want.empty())
    if (const char* env = std::getenv("GATETWIN_VK_DEVICE")) want = env;
  pickPhysical(want);
  createDevice(cfg.presentation);
}

void Device::createInstance(const DeviceConfig& cfg) {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "gatetwin";
  app.pEngineName = "gatetwin_engine";
  app.apiVersion = VK_API_VERSION_1_2;

  std::vector<const char*> exts = cfg.instance_extensions;
  std::vector<const char*> layers;
  validation_ = cfg.validation;
  if (const char* env = std::getenv("GATETWIN_VK_VALIDATION"); env && *env)
    validation_ = std::string(env) != "0";
  if (validation_) {
    if (!hasLayer("VK_LAYER_KHRONOS_validation"))
      throw std::runtime_error(
          "engine: validation requested but VK_LAYER_KHRONOS_validation is not installed "
          "(Debian package vulkan-validationlayers)");
    layers.push_back("VK_LAYER_KHRONOS_validation");
    exts.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }

  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ci.pApplicationInfo = &app;
  ci.enabledExtensionCount = static_cast<uint32_t>(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
  ci.ppEnabledLayerNames = layers.data();
  VkDebugUtilsMessengerCreateInfoEXT mci = messengerInfo();
  if (validation_) ci.pNext = &mci;  // also catches messages from vkCreate/DestroyInstance
  VK_CHECK(vkCreateInstance(&ci, nullptr, &instance_));

  if (validation_) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (!create) throw std::runtime_error("engine: vkCreateDebugUtilsMessengerEXT missing");
    VK_CHECK(create(instance_, &mci, nullptr, &messenger_));
  }
}

std::vector<std::string> Device::listDevices() {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.apiVersion = VK_API_VERSION_1_2;
  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ci.pApplicationInfo = &app;
  VkInstance inst = VK_NULL_HANDLE;
  VK_CHECK(vkCreateInstance(&ci, nullptr, &inst));
  uint32_t n = 0;
  VK_CHECK(vkEnumeratePhysicalDevices(inst, &n, nullptr));
  std::vector<VkPhysicalDevice> devs(n);
  VK_CHECK(vkEnumeratePhysicalDevices(inst, &n, devs.data()));
  std::vector<std::string> names;
  for (VkPhysicalDevice d : devs) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(d, &p);
    names.emplace_back(p.deviceName);
  }
  vkDestroyInstance(inst, nullptr);
  return names;
}

void Device::pickPhysical(const std::string& want) {
  uint32_t n = 0;
  VK_CHECK(vkEnumeratePhysicalDevices(instance_, &n, nullptr));
  if (n == 0) throw std::runtime_error("engine: no Vulkan device (install mesa-vulkan-drivers)");
  std::vector<VkPhysicalDevice> devs(n);
  VK_CHECK(vkEnumeratePhysicalDevices(instance_, &n, devs.data()));

  int best_rank = 1 << 30;
  for (VkPhysicalDevice d : devs) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(d, &p);
    if (p.apiVersion < VK_API_VERSION_1_2) continue;
    if (!want.empty()) {
      if (lower(p.deviceName).find(lower(want)) != std::string::npos) {
        physical_ = d;
        break;
      }
      continue;
    }
    int rank = typeRank(p.deviceType);
    if (rank < best_rank) {
      best_rank = rank;
      physical_ = d;
    }
  }
  if (!physical_) {
    std::string all;
    for (VkPhysicalDevice d : devs) {
      VkPhysicalDeviceProperties p;
      vkGetPhysicalDeviceProperties(d, &p);
      all += std::string(all.empty() ? "" : ", ") + p.deviceName;
    }
    throw std::runtime_error("engine: no Vulkan 1.2 device matches '" + want + "' (have: " + all +
                             ")");
  }
  vkGetPhysicalDeviceProperties(physical_, &props_);
  vkGetPhysicalDeviceMemoryProperties(physical_, &mem_props_);
  name_ = props_.deviceName;
}

void Device::createDevice(bool presentation) {
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &n, nullptr);
  std::vector<VkQueueFamilyProperties> fams(n);
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &n, fams.data());
  bool found = false;
  for (uint32_t i = 0; i < n; ++i) {
    if (fams[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) {
      queue_family_ = i;
      timestamp_bits_ = fams[i].timestampValidBits;
      found = true;
      break;
    }
  }
  if (!found) throw std::runtime_error("engine: device has no graphics queue");

  float prio = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = queue_family_;
  qci.queueCount = 1;
  qci.pQueuePriorities = &prio;

  std::vector<const char*> exts;
  if (presentation) exts.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);

  VkDeviceCreateInfo ci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  ci.queueCreateInfoCount = 1;
  ci.pQueueCreateInfos = &qci;
  ci.enabledExtensionCount = static_cast<uint32_t>(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  VK_CHECK(vkCreateDevice(physical_, &ci, nullptr, &device_));
  vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

  VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pci.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  pci.queueFamilyIndex = queue_family_;
  VK_CHECK(vkCreateCommandPool(device_, &pci, nullptr, &once_pool_));
}

Device::~Device() {
  if (device_) {
    waitIdleQuietly();
    vkDestroyCommandPool(device_, once_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

uint32_t Device::findMemoryType(uint32_t type_bits, VkMemoryPropertyFlags flags) const {
  for (uint32_t i = 0; i < mem_props_.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (mem_props_.memoryTypes[i].propertyFlags & flags) == flags)
      return i;
  throw std::runtime_error("engine: no suitable memory type");
}

void Device::runOnce(const std::function<void(VkCommandBuffer)>& fn) const {
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = once_pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VK_CHECK(vkAllocateCommandBuffers(device_, &ai, &cmd));
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
  fn(cmd);
  VK_CHECK(vkEndCommandBuffer(cmd));
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  VK_CHECK(vkQueueSubmit(queue_, 1, &si, VK_NULL_HANDLE));
  VK_CHECK(vkQueueWaitIdle(queue_));
  vkFreeCommandBuffers(device_, once_pool_, 1, &cmd);
}

void Device::waitIdle() const { VK_CHECK(vkDeviceWaitIdle(device_)); }

void Device::waitIdleQuietly() const noexcept {
  VkResult r = vkDeviceWaitIdle(device_);
  if (r != VK_SUCCESS)
    std::fprintf(stderr, "engine: vkDeviceWaitIdle failed during shutdown: %s (%s:%d)\n",
                 vkResultName(r), __FILE__, __LINE__);
}

}  // namespace engine
