// GpuImage: image + memory + view. No layout tracking.
#include "GpuImage.h"

#include <engine/Device.h>
#include "VkCheck.h"

#include <utility>

namespace engine {

GpuImage::GpuImage(const Device& dev, VkExtent2D extent, VkFormat format,
                   VkImageUsageFlags usage, VkImageAspectFlags aspect, VkSampleCountFlagBits samples)
    : device_(dev.device()), format_(format), extent_(extent) {
  VkImageCreateInfo ci{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  ci.imageType = VK_IMAGE_TYPE_2D;
  ci.format = format;
  ci.extent = {extent.width, extent.height, 1};
  ci.mipLevels = 1;
  ci.arrayLayers = 1;
  ci.samples = samples;
  ci.tiling = VK_IMAGE_TILING_OPTIMAL;
  ci.usage = usage;
  ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  ci.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  VK_CHECK(vkCreateImage(device_, &ci, nullptr, &image_));
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(device_, image_, &req);
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = dev.findMemoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  VK_CHECK(vkAllocateMemory(device_, &ai, nullptr, &memory_));
  VK_CHECK(vkBindImageMemory(device_, image_, memory_, 0));
  VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  vi.image = image_;
  vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
  vi.format = format;
  vi.subresourceRange = {aspect, 0, 1, 0, 1};
  VK_CHECK(vkCreateImageView(device_, &vi, nullptr, &view_));
}

GpuImage::~GpuImage() { release(); }

void GpuImage::release() {
  if (!device_) return;
  vkDestroyImageView(device_, view_, nullptr);
  vkDestroyImage(device_, image_, nullptr);
  vkFreeMemory(device_, memory_, nullptr);
  device_ = VK_NULL_HANDLE;
  image_ = VK_NULL_HANDLE;
  view_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
}

GpuImage::GpuImage(GpuImage&& o) noexcept { *this = std::move(o); }

GpuImage& GpuImage::operator=(GpuImage&& o) noexcept {
  if (this != &o) {
    release();
    std::swap(device_, o.device_);
    std::swap(image_, o.image_);
    std::swap(memory_, o.memory_);
    std::swap(view_, o.view_);
    std::swap(format_, o.format_);
    std::swap(extent_, o.extent_);
  }
  return *this;
}

}  // namespace engine
