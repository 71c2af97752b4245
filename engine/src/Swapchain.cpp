// Swapchain: creation, recreation, per-image present semaphores. No command recording.
#include "Swapchain.h"

#include <engine/Device.h>
#include "VkCheck.h"

#include <algorithm>
#include <stdexcept>

namespace engine {

Swapchain::Swapchain(const Device& dev, VkSurfaceKHR surface, VkExtent2D want, bool vsync)
    : dev_(dev), surface_(surface), vsync_(vsync) {
  VkBool32 ok = VK_FALSE;
  VK_CHECK(vkGetPhysicalDeviceSurfaceSupportKHR(dev.physical(), dev.queueFamily(), surface, &ok));
  if (!ok) throw std::runtime_error("engine: the graphics queue cannot present to this window");
  create(want, VK_NULL_HANDLE);
}

Swapchain::~Swapchain() {
  destroySemaphores();
  if (swapchain_) vkDestroySwapchainKHR(dev_.device(), swapchain_, nullptr);
}

void Swapchain::destroySemaphores() {
  for (VkSemaphore s : present_sems_) vkDestroySemaphore(dev_.device(), s, nullptr);
  present_sems_.clear();
}

void Swapchain::recreate(VkExtent2D want) {
  dev_.waitIdle();
  VkSwapchainKHR old = swapchain_;
  destroySemaphores();
  create(want, old);
  vkDestroySwapchainKHR(dev_.device(), old, nullptr);
}

void Swapchain::create(VkExtent2D want, VkSwapchainKHR old) {
  VkPhysicalDevice pd = dev_.physical();
  VkSurfaceCapabilitiesKHR caps;
  VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(pd, surface_, &caps));
  if (!(caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_DST_BIT))
    throw std::runtime_error("engine: swapchain images cannot be blit targets on this device");

  uint32_t n = 0;
  VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(pd, surface_, &n, nullptr));
  std::vector<VkSurfaceFormatKHR> formats(n);
  VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(pd, surface_, &n, formats.data()));
  VkSurfaceFormatKHR chosen = formats.at(0);
  for (const auto& f : formats)
    if ((f.format == VK_FORMAT_B8G8R8A8_UNORM || f.format == VK_FORMAT_R8G8B8A8_UNORM) &&
        f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) {
      chosen = f;
      break;
    }
  format_ = chosen.format;

  VkPresentModeKHR mode = VK_PRESENT_MODE_FIFO_KHR;  // always available
  if (!vsync_) {
    VK_CHECK(vkGetPhysicalDeviceSurfacePresentModesKHR(pd, surface_, &n, nullptr));
    std::vector<VkPresentModeKHR> modes(n);
    VK_CHECK(vkGetPhysicalDeviceSurfacePresentModesKHR(pd, surface_, &n, modes.data()));
    for (VkPresentModeKHR m : modes)
      if (m == VK_PRESENT_MODE_MAILBOX_KHR || m == VK_PRESENT_MODE_IMMEDIATE_KHR) mode = m;
  }

  if (caps.currentExtent.width != UINT32_MAX) {
    extent_ = caps.currentExtent;
  } else {
    extent_.width = std::clamp(want.width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent_.height = std::clamp(want.height, caps.minImageExtent.height, caps.maxImageExtent.height);
  }
  uint32_t count = std::max(caps.minImageCount + 1, 3u);
  if (caps.maxImageCount) count = std::min(count, caps.maxImageCount);

  VkSwapchainCreateInfoKHR ci{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
  ci.surface = surface_;
  ci.minImageCount = count;
  ci.imageFormat = chosen.format;
  ci.imageColorSpace = chosen.colorSpace;
  ci.imageExtent = extent_;
  ci.imageArrayLayers = 1;
  ci.imageUsage = VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  ci.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  ci.preTransform = caps.currentTransform;
  ci.compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
                          ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                          : static_cast<VkCompositeAlphaFlagBitsKHR>(caps.supportedCompositeAlpha & -caps.supportedCompositeAlpha);
  ci.presentMode = mode;
  ci.clipped = VK_TRUE;
  ci.oldSwapchain = old;
  VK_CHECK(vkCreateSwapchainKHR(dev_.device(), &ci, nullptr, &swapchain_));

  VK_CHECK(vkGetSwapchainImagesKHR(dev_.device(), swapchain_, &n, nullptr));
  images_.resize(n);
  VK_CHECK(vkGetSwapchainImagesKHR(dev_.device(), swapchain_, &n, images_.data()));
  VkSemaphoreCreateInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
  present_sems_.resize(n);
  for (auto& s : present_sems_) VK_CHECK(vkCreateSemaphore(dev_.device(), &si, nullptr, &s));
}

}  // namespace engine
