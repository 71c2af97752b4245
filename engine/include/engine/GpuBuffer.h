// GpuBuffer: one VkBuffer with its own VkDeviceMemory, optionally persistently mapped.
// It owns exactly that pair and frees it on destruction; it must not batch allocations
// or know what the bytes mean.
#pragma once

#include <vulkan/vulkan.h>

#include <cstddef>

namespace engine {

class Device;

class GpuBuffer {
 public:
  GpuBuffer() = default;
  // host_visible: mapped for the buffer's lifetime (HOST_VISIBLE | HOST_COHERENT).
  GpuBuffer(const Device& dev, VkDeviceSize size, VkBufferUsageFlags usage, bool host_visible);
  ~GpuBuffer();
  GpuBuffer(GpuBuffer&& o) noexcept;
  GpuBuffer& operator=(GpuBuffer&& o) noexcept;
  GpuBuffer(const GpuBuffer&) = delete;
  GpuBuffer& operator=(const GpuBuffer&) = delete;

  VkBuffer buffer() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }
  explicit operator bool() const { return buffer_ != VK_NULL_HANDLE; }

  // Uploads bytes into a device-local buffer through a temporary staging buffer.
  static GpuBuffer deviceLocal(const Device& dev, const void* data, VkDeviceSize size,
                               VkBufferUsageFlags usage);

 private:
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
};

}  // namespace engine
