// The tornado chart. See tornado_chart.h.
#include "sessions/tornado_chart.h"

#include "sessions/plot_image.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sessions {

namespace {

const Rgba kBg{255, 255, 255}, kInk{30, 30, 30}, kGrid{200, 200, 200};
const Rgba kLow{70, 130, 200}, kHigh{230, 140, 50};

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, std::fabs(v) >= 100 ? "%.0f" : "%.1f", v);
  return b;
}

void draw_panel(PlotImage& img, int x0, int y0, int w, const TornadoPanel& p, int label_w) {
  const int row_h = 46, bar_h = 22;
  img.text(x0, y0, p.title, kInk, 2);
  const int top = y0 + 30, plot_x0 = x0 + label_w, plot_x1 = x0 + w - 20;
  double lo = p.baseline, hi = p.baseline;
  for (const TornadoBar& b : p.bars) { lo = std::min({lo, b.low, b.high}); hi = std::max({hi, b.low, b.high}); }
  const double pad = std::max((hi - lo) * 0.25, std::fabs(p.baseline) * 0.02 + 1e-9);
  lo -= pad;
  hi += pad;
  auto X = [&](double v) { return plot_x0 + static_cast<int>((v - lo) / (hi - lo) * (plot_x1 - plot_x0)); };
  const int bottom = top + row_h * static_cast<int>(p.bars.size());
  for (size_t i = 0; i < p.bars.size(); ++i) {
    const TornadoBar& b = p.bars[i];
    const int y = top + row_h * static_cast<int>(i);
    img.fill_rect(x0, y + row_h - 1, x0 + w - 20, y + row_h, kGrid);
    img.text(x0, y + 14, b.label, kInk, 2);
    const int xb = X(p.baseline);
    for (int end = 0; end < 2; ++end) {
      const double v = end == 0 ? b.low : b.high;
      const int xv = X(v);
      img.fill_rect(std::min(xb, xv), y + 6 + (end == 0 ? 0 : bar_h / 2), std::max(xb, xv) + 1, y + 6 + (end == 0 ? bar_h / 2 : bar_h),
                    end == 0 ? kLow : kHigh);
      const std::string text = (end == 0 ? b.low_value : b.high_value) + ": " + number(v);
      const int tw = img.text_width(text, 1);
      const bool left = xv < xb || (xv == xb && end == 0);
      img.text(left ? std::max(plot_x0 - 2, xv - tw - 4) : std::min(plot_x1 - tw, xv + 4), y + 6 + (end == 0 ? 0 : bar_h / 2) + 2, text,
               kInk, 1);
      (void)tw;
    }
  }
  const int xb = X(p.baseline);
  img.line(xb, top - 4, xb, bottom, kInk, 2);
  const std::string base = "baseline " + number(p.baseline) + p.unit;
  img.text(std::max(plot_x0, xb - img.text_width(base, 2) / 2), bottom + 8, base, kInk, 2);
  img.fill_rect(x0, bottom + 36, x0 + 14, bottom + 48, kLow);
  img.text(x0 + 20, bottom + 38, "low end of the range", kInk, 1);
  img.fill_rect(x0 + 180, bottom + 36, x0 + 194, bottom + 48, kHigh);
  img.text(x0 + 200, bottom + 38, "high end of the range", kInk, 1);
}

}  // namespace

connectors::Status save_tornado_png(const std::string& path, const std::string& title, const std::vector<TornadoPanel>& panels) {
  size_t rows = 0;
  for (const TornadoPanel& p : panels) rows = std::max(rows, p.bars.size());
  const int panel_w = 700, label_w = 250;
  const int w = std::max(1, static_cast<int>(panels.size())) * panel_w + 20;
  const int h = 60 + 30 + 46 * static_cast<int>(rows) + 70;
  PlotImage img(w, h, kBg);
  img.text(10, 10, title, kInk, 2);
  for (size_t i = 0; i < panels.size(); ++i) draw_panel(img, 10 + static_cast<int>(i) * panel_w, 44, panel_w - 10, panels[i], label_w);
  return img.save_png(path);
}

}  // namespace sessions
