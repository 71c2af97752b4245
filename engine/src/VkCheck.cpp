// VkCheck: result names and the failure path of VK_CHECK. Nothing else.
#include "VkCheck.h"

#include <cstdio>

namespace engine {

const char* vkResultName(VkResult r) {
  switch (r) {
#define X(name) \
  case name:    \
    return #name;
    X(VK_SUCCESS)
    X(VK_NOT_READY)
    X(VK_TIMEOUT)
    X(VK_EVENT_SET)
    X(VK_EVENT_RESET)
    X(VK_INCOMPLETE)
    X(VK_ERROR_OUT_OF_HOST_MEMORY)
    X(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    X(VK_ERROR_INITIALIZATION_FAILED)
    X(VK_ERROR_DEVICE_LOST)
    X(VK_ERROR_MEMORY_MAP_FAILED)
    X(VK_ERROR_LAYER_NOT_PRESENT)
    X(VK_ERROR_EXTENSION_NOT_PRESENT)
    X(VK_ERROR_FEATURE_NOT_PRESENT)
    X(VK_ERROR_INCOMPATIBLE_DRIVER)
    X(VK_ERROR_TOO_MANY_OBJECTS)
    X(VK_ERROR_FORMAT_NOT_SUPPORTED)
    X(VK_ERROR_FRAGMENTED_POOL)
    X(VK_ERROR_UNKNOWN)
    X(VK_ERROR_OUT_OF_POOL_MEMORY)
    X(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    X(VK_ERROR_FRAGMENTATION)
    X(VK_ERROR_SURFACE_LOST_KHR)
    X(VK_ERROR_NATIVE_WINDOW_IN_USE_KHR)
    X(VK_SUBOPTIMAL_KHR)
    X(VK_ERROR_OUT_OF_DATE_KHR)
    X(VK_ERROR_INCOMPATIBLE_DISPLAY_KHR)
    X(VK_ERROR_VALIDATION_FAILED_EXT)
#undef X
    default:
      return "VK_RESULT_UNKNOWN";
  }
}

void vkFail(VkResult r, const char* expr, const char* file, int line) {
  std::fprintf(stderr, "engine: Vulkan call failed: %s (%d) at %s:%d: %s\n", vkResultName(r),
               static_cast<int>(r), file, line, expr);
  throw VulkanError(r, std::string(vkResultName(r)) + " at " + file + ":" + std::to_string(line));
}

}  // namespace engine
