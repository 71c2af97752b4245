// Device: the Vulkan instance, the validation layer and its message counter, the chosen
// physical device, the logical device with one graphics(+present) queue, and small helpers
// (memory types, one-shot command buffers). It must not know about windows beyond the
// instance extensions GLFW asks for, nor about anything that is drawn.
#pragma once

#include <vulkan/vulkan.h>

#include <functional>
#include <string>
#include <vector>

namespace engine {

struct DeviceConfig {
  // Enable VK_LAYER_KHRONOS_validation and a messenger that counts warnings and errors.
  // On by default in debug builds (no NDEBUG); GATETWIN_VK_VALIDATION=1 or 0 overrides.
#ifdef NDEBUG
  bool validation = false;
#else
  bool validation = true;
#endif
  // Case-insensitive substring of the device name to use. Empty: the environment variable
  // GATETWIN_VK_DEVICE, else the first discrete GPU, then integrated, virtual, CPU (lavapipe).
  std::string device_name;
  // Instance extensions a window system needs (from glfwGetRequiredInstanceExtensions).
  std::vector<const char*> instance_extensions;
  // Ask for VK_KHR_swapchain (windowed use).
  bool presentation = false;
};

class Device {
 public:
  explicit Device(const DeviceConfig& cfg);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queueFamily() const { return queue_family_; }
  const VkPhysicalDeviceProperties& properties() const { return props_; }
  const std::string& name() const { return name_; }
  bool validationEnabled() const { return validation_; }
  // Nanoseconds per timestamp tick, and whether the queue supports timestamps at all.
  float timestampPeriodNs() const { return props_.limits.timestampPeriod; }
  bool timestampsSupported() const { return timestamp_bits_ > 0; }
  uint32_t timestampValidBits() const { return timestamp_bits_; }

  uint32_t findMemoryType(uint32_t type_bits, VkMemoryPropertyFlags flags) const;
  // Records with fn into a fresh command buffer, submits it and waits for it to finish.
  void runOnce(const std::function<void(VkCommandBuffer)>& fn) const;
  void waitIdle() const;
  // For destructors: reports a failure on stderr instead of throwing.
  void waitIdleQuietly() const noexcept;

  // Validation messages (warnings and errors) seen by any Device since the process began,
  // and since the last reset. Tests assert this stays zero.
  static int validationMessageCount();
  static void resetValidationMessageCount();

  // The names of the physical devices the loader sees, in enumeration order.
  static std::vector<std::string> listDevices();

 private:
  void createInstance(const DeviceConfig& cfg);
  void pickPhysical(const std::string& want);
  void createDevice(bool presentation);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkCommandPool once_pool_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  uint32_t timestamp_bits_ = 0;
  VkPhysicalDeviceProperties props_{};
  VkPhysicalDeviceMemoryProperties mem_props_{};
  std::string name_;
  bool validation_ = false;
};

}  // namespace engine
