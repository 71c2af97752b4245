// GpuBuffer: buffer + memory pair, staging upload helper. Nothing about contents.
#include <engine/GpuBuffer.h>

#include <engine/Device.h>
#include "VkCheck.h"

#include <cstring>
#include <utility>

namespace engine {

GpuBuffer::GpuBuffer(const Device& dev, VkDeviceSize size, VkBufferUsageFlags usage,
                     bool host_visible)
    : device_(dev.device()), size_(size) {
  VkBufferCreateInfo ci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  ci.size = size;
  ci.usage = usage;
  ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VK_CHECK(vkCreateBuffer(device_, &ci, nullptr, &buffer_));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, buffer_, &req);
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = dev.findMemoryType(
      req.memoryTypeBits, host_visible
                              ? VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT
                              : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  VK_CHECK(vkAllocateMemory(device_, &ai, nullptr, &memory_));
  VK_CHECK(vkBindBufferMemory(device_, buffer_, memory_, 0));
  if (host_visible) VK_CHECK(vkMapMemory(device_, memory_, 0, VK_WHOLE_SIZE, 0, &mapped_));
}

GpuBuffer::~GpuBuffer() { release(); }

void GpuBuffer::release() {
  if (!device_) return;
  if (mapped_) vkUnmapMemory(device_, memory_);
  if (buffer_) vkDestroyBuffer(device_, buffer_, nullptr);
  if (memory_) vkFreeMemory(device_, memory_, nullptr);
  device_ = VK_NULL_HANDLE;
  buffer_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  mapped_ = nullptr;
  size_ = 0;
}

GpuBuffer::GpuBuffer(GpuBuffer&& o) noexcept { *this = std::move(o); }

GpuBuffer& GpuBuffer::operator=(GpuBuffer&& o) noexcept {
  if (this != &o) {
    release();
    std::swap(device_, o.device_);
    std::swap(buffer_, o.buffer_);
    std::swap(memory_, o.memory_);
    std::swap(size_, o.size_);
    std::swap(mapped_, o.mapped_);
  }
  return *this;
}

GpuBuffer GpuBuffer::deviceLocal(const Device& dev, const void* data, VkDeviceSize size,
                                 VkBufferUsageFlags usage) {
  GpuBuffer staging(dev, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
  std::memcpy(staging.mapped(), data, size);
  GpuBuffer out(dev, size, usage | VK_BUFFER_USAGE_TRANSFER_DST_BIT, false);
  dev.runOnce([&](VkCommandBuffer cmd) {
    VkBufferCopy c{0, 0, size};
    vkCmdCopyBuffer(cmd, staging.buffer(), out.buffer(), 1, &c);
  });
  return out;
}

}  // namespace engine
