// A small RGBA canvas for KPI plots written as PNG without a GPU: filled rectangles,
// lines, and text from stb_easy_font's quads, saved with stb_image_write. Drawing only;
// it knows nothing of KPIs or recordings.
#pragma once
#include "connectors/result.h"
#include <cstdint>
#include <string>
#include <vector>

namespace sessions {

struct Rgba {
  uint8_t r = 0, g = 0, b = 0, a = 255;
};

class PlotImage {
 public:
  PlotImage(int width, int height, Rgba background);
  int width() const { return w_; }
  int height() const { return h_; }
  void fill_rect(int x0, int y0, int x1, int y1, Rgba c);
  void line(double x0, double y0, double x1, double y1, Rgba c, int thickness = 2);
  // Text with its top-left at (x, y), scale x the 6-pixel-high easy font.
  void text(int x, int y, const std::string& s, Rgba c, int scale = 2);
  int text_width(const std::string& s, int scale = 2) const;
  Rgba at(int x, int y) const;
  // What went wrong, or nothing.
  connectors::Status save_png(const std::string& path) const;

 private:
  void put(int x, int y, Rgba c);
  int w_, h_;
  std::vector<uint8_t> px_;
};

}  // namespace sessions
