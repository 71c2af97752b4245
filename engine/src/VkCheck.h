// VkCheck: the one way engine code checks a VkResult. On failure it prints the result's
// name, the file and the line, then throws engine::VulkanError. It must not swallow errors
// or retry; callers that can recover (swapchain out of date) test the result themselves.
// Private to the engine (engine/src); test_engine_validation includes it for its canary
// (its target adds engine/src to the include path). Apps see VulkanError as a
// std::runtime_error.
#pragma once

#include <vulkan/vulkan.h>

#include <stdexcept>
#include <string>

namespace engine {

// The VkResult's enumerator name, e.g. "VK_ERROR_OUT_OF_DATE_KHR".
const char* vkResultName(VkResult r);

struct VulkanError : std::runtime_error {
  VkResult result;
  VulkanError(VkResult r, const std::string& what) : std::runtime_error(what), result(r) {}
};

[[noreturn]] void vkFail(VkResult r, const char* expr, const char* file, int line);

}  // namespace engine

#define VK_CHECK(expr)                                                             \
  do {                                                                             \
    VkResult vk_check_result_ = (expr);                                            \
    if (vk_check_result_ != VK_SUCCESS)                                            \
      ::engine::vkFail(vk_check_result_, #expr, __FILE__, __LINE__);               \
  } while (0)
