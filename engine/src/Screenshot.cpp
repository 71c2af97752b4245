// Screenshot: colour readback and PNG input/output. No rendering.
#include <engine/Screenshot.h>

#include <engine/Device.h>
#include <engine/GpuBuffer.h>
#include "OffscreenTarget.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <cstring>

namespace engine {

RgbaImage Screenshot::capture(const Device& dev, const OffscreenTarget& target) {
  VkExtent2D e = target.extent();
  VkDeviceSize size = VkDeviceSize(e.width) * e.height * 4;
  GpuBuffer staging(dev, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
  dev.runOnce([&](VkCommandBuffer cmd) {
    VkBufferImageCopy c{};
    c.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    c.imageExtent = {e.width, e.height, 1};
    vkCmdCopyImageToBuffer(cmd, target.colour().image(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           staging.buffer(), 1, &c);
    VkBufferMemoryBarrier b{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.buffer = staging.buffer();
    b.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                         nullptr, 1, &b, 0, nullptr);
  });
  RgbaImage img;
  img.width = e.width;
  img.height = e.height;
  img.pixels.resize(size);
  std::memcpy(img.pixels.data(), staging.mapped(), size);
  for (size_t i = 3; i < img.pixels.size(); i += 4) img.pixels[i] = 255;  // opaque PNGs
  return img;
}

bool Screenshot::savePng(const std::string& path, const RgbaImage& img) {
  return stbi_write_png(path.c_str(), static_cast<int>(img.width), static_cast<int>(img.height), 4,
                        img.pixels.data(), static_cast<int>(img.width * 4)) != 0;
}

RgbaImage Screenshot::loadPng(const std::string& path) {
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 4);
  RgbaImage img;
  if (!data) return img;
  img.width = static_cast<uint32_t>(w);
  img.height = static_cast<uint32_t>(h);
  img.pixels.assign(data, data + size_t(w) * h * 4);
  stbi_image_free(data);
  return img;
}

}  // namespace engine
