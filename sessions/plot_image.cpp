// PlotImage. See plot_image.h.
#include "sessions/plot_image.h"

#include <stb_easy_font.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>

namespace sessions {

PlotImage::PlotImage(int width, int height, Rgba bg) : w_(width), h_(height), px_(static_cast<size_t>(width) * height * 4) {
  fill_rect(0, 0, width, height, bg);
}

void PlotImage::put(int x, int y, Rgba c) {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
  uint8_t* p = &px_[(static_cast<size_t>(y) * w_ + x) * 4];
  p[0] = c.r; p[1] = c.g; p[2] = c.b; p[3] = c.a;
}

Rgba PlotImage::at(int x, int y) const {
  const uint8_t* p = &px_[(static_cast<size_t>(y) * w_ + x) * 4];
  return {p[0], p[1], p[2], p[3]};
}

void PlotImage::fill_rect(int x0, int y0, int x1, int y1, Rgba c) {
  x0 = std::max(0, x0); y0 = std::max(0, y0); x1 = std::min(w_, x1); y1 = std::min(h_, y1);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) put(x, y, c);
}

void PlotImage::line(double x0, double y0, double x1, double y1, Rgba c, int t) {
  const double len = std::max(std::fabs(x1 - x0), std::fabs(y1 - y0));
  const int steps = std::max(1, static_cast<int>(std::ceil(len)));
  for (int i = 0; i <= steps; ++i) {
    const double f = static_cast<double>(i) / steps;
    const int x = static_cast<int>(std::lround(x0 + (x1 - x0) * f)), y = static_cast<int>(std::lround(y0 + (y1 - y0) * f));
    fill_rect(x - t / 2, y - t / 2, x - t / 2 + t, y - t / 2 + t, c);
  }
}

void PlotImage::text(int x, int y, const std::string& s, Rgba c, int scale) {
  static char buffer[99999];
  std::string copy = s;
  const int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, buffer, sizeof buffer);
  const float* v = reinterpret_cast<const float*>(buffer);  // 4 vertices of x, y, z, colour (16 bytes)
  for (int q = 0; q < quads; ++q) {
    const float* a = v + q * 16;
    const float qx0 = a[0], qy0 = a[1], qx1 = a[8], qy1 = a[9];
    fill_rect(x + static_cast<int>(qx0 * scale), y + static_cast<int>(qy0 * scale), x + static_cast<int>(qx1 * scale),
              y + static_cast<int>(qy1 * scale), c);
  }
}

int PlotImage::text_width(const std::string& s, int scale) const {
  std::string copy = s;
  return stb_easy_font_width(copy.data()) * scale;
}

connectors::Status PlotImage::save_png(const std::string& path) const {
  if (!stbi_write_png(path.c_str(), w_, h_, 4, px_.data(), w_ * 4)) return connectors::Failure{"cannot write " + path};
  return std::nullopt;
}

}  // namespace sessions
