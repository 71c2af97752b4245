// GpuImage: one 2D VkImage with its memory and a view. It must not track layouts or
// decide usage; the owner records barriers. Private to the engine (engine/src).
#pragma once

#include <vulkan/vulkan.h>

namespace engine {

class Device;

class GpuImage {
 public:
  GpuImage() = default;
  GpuImage(const Device& dev, VkExtent2D extent, VkFormat format, VkImageUsageFlags usage,
           VkImageAspectFlags aspect, VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT);
  ~GpuImage();
  GpuImage(GpuImage&& o) noexcept;
  GpuImage& operator=(GpuImage&& o) noexcept;
  GpuImage(const GpuImage&) = delete;
  GpuImage& operator=(const GpuImage&) = delete;

  VkImage image() const { return image_; }
  VkImageView view() const { return view_; }
  VkFormat format() const { return format_; }
  VkExtent2D extent() const { return extent_; }

 private:
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
  VkFormat format_ = VK_FORMAT_UNDEFINED;
  VkExtent2D extent_{};
};

}  // namespace engine
