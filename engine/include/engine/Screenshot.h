// Screenshot: reads the last finished frame's colour back to the CPU and writes or reads
// PNG files (stb_image_write / stb_image). It must not render or wait on anything but a
// one-shot copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

class Device;
class OffscreenTarget;

struct RgbaImage {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> pixels;  // RGBA8, rows top to bottom
  const uint8_t* at(uint32_t x, uint32_t y) const { return &pixels[(size_t(y) * width + x) * 4]; }
};

class Screenshot {
 public:
  // The target's colour image must hold a finished frame (TRANSFER_SRC layout).
  static RgbaImage capture(const Device& dev, const OffscreenTarget& target);
  static bool savePng(const std::string& path, const RgbaImage& img);
  // Empty image (width 0) when the file cannot be read.
  static RgbaImage loadPng(const std::string& path);
};

}  // namespace engine
