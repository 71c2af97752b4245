// Picker: one-texel copy from the id image. No rendering.
#include "Picker.h"

#include <engine/Device.h>
#include <engine/Instance.h>
#include "OffscreenTarget.h"

#include <cstring>

namespace engine {

Picker::Picker(const Device& dev)
    : dev_(dev), readback_(dev, 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true) {}

std::optional<InstanceId> Picker::pick(const OffscreenTarget& target, int x, int y) {
  VkExtent2D e = target.extent();
  if (x < 0 || y < 0 || x >= int(e.width) || y >= int(e.height)) return std::nullopt;
  dev_.runOnce([&](VkCommandBuffer cmd) {
    VkBufferImageCopy c{};
    c.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    c.imageOffset = {x, y, 0};
    c.imageExtent = {1, 1, 1};
    vkCmdCopyImageToBuffer(cmd, target.ids().image(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           readback_.buffer(), 1, &c);
    VkBufferMemoryBarrier b{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.buffer = readback_.buffer();
    b.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                         nullptr, 1, &b, 0, nullptr);
  });
  InstanceId id;
  std::memcpy(&id.value, readback_.mapped(), sizeof id.value);
  if (id == kNoPickId) return std::nullopt;
  return id;
}

}  // namespace engine
