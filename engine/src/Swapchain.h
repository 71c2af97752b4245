// Swapchain: the window's VkSwapchainKHR and its images, recreated at a new size on
// request. Images are only ever blit targets (the frame is drawn offscreen and copied),
// so it owns no views or framebuffers. It must not record or submit commands. Private to
// the engine (engine/src).
#pragma once

#include <vulkan/vulkan.h>

#include <vector>

namespace engine {

class Device;

class Swapchain {
 public:
  Swapchain(const Device& dev, VkSurfaceKHR surface, VkExtent2D want, bool vsync);
  ~Swapchain();
  Swapchain(const Swapchain&) = delete;
  Swapchain& operator=(const Swapchain&) = delete;

  // Waits for the device to be idle, then rebuilds at the new size.
  void recreate(VkExtent2D want);

  VkSwapchainKHR handle() const { return swapchain_; }
  VkExtent2D extent() const { return extent_; }
  VkFormat format() const { return format_; }
  const std::vector<VkImage>& images() const { return images_; }
  // One "render finished" semaphore per image, so a semaphore is never re-signalled while
  // the presentation engine may still wait on it.
  VkSemaphore presentSemaphore(uint32_t image) const { return present_sems_[image]; }

 private:
  void create(VkExtent2D want, VkSwapchainKHR old);
  void destroySemaphores();
  const Device& dev_;
  VkSurfaceKHR surface_;
  bool vsync_;
  VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
  VkExtent2D extent_{};
  VkFormat format_ = VK_FORMAT_UNDEFINED;
  std::vector<VkImage> images_;
  std::vector<VkSemaphore> present_sems_;
};

}  // namespace engine
