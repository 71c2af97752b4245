// WallLayout geometry. See wall_layout.h.
#include "controlroom/ui/wall_layout.h"

#include <algorithm>
#include <cmath>

namespace controlroom {

std::vector<PanelRect> WallLayout::panels() const {
  std::vector<PanelRect> out;
  for (const PanelRect& r : {banner, header, controls, legend, ticker})
    if (r.w > 0 && r.h > 0) out.push_back(r);
  for (const WallSiteCell& c : sites) {
    out.push_back(c.title);
    for (const PanelRect& t : c.tiles) out.push_back(t);
  }
  return out;
}

int wall_columns(size_t n, glm::vec2 area, float cell_aspect) {
  if (n <= 1) return 1;
  int best = 1;
  float best_score = 1e30f;
  for (int cols = 1; cols <= static_cast<int>(n); ++cols) {
    const int rows = static_cast<int>((n + cols - 1) / cols);
    if (static_cast<size_t>((rows - 1) * cols) >= n) continue;  // a whole empty row
    const float aspect = (area.x / cols) / (area.y / rows);
    const float score = std::abs(std::log(aspect / cell_aspect)) + 0.05f * static_cast<float>(rows * cols - n);
    if (score < best_score) best_score = score, best = cols;
  }
  return best;
}

WallLayout wall_layout(glm::vec2 vp, const WallLayoutOptions& o) {
  WallLayout l;
  const float s = std::max(0.5f, std::min(vp.x / 1920.0f, vp.y / 1080.0f));
  l.scale = s;
  l.text_px = std::round(18 * s);
  l.title_px = std::round(30 * s);
  l.figure_px = std::round(26 * s);
  l.clock_px = std::round(44 * s);
  const float gap = std::round(8 * s);
  float y = 0;
  if (o.banner) {
    l.banner = {0, y, vp.x, std::round(40 * s)};
    y += l.banner.h;
  }
  l.header = {0, y, vp.x, std::round(64 * s)};
  y += l.header.h;
  if (o.controls_h > 0) {
    l.controls = {0, y, vp.x, o.controls_h};
    y += o.controls_h;
  }
  const float ticker_h = std::round(2 * l.text_px + 3 * gap), legend_h = std::round(l.text_px + 2 * gap);
  l.ticker = {0, vp.y - ticker_h, vp.x, ticker_h};
  l.legend = {0, l.ticker.y - legend_h, vp.x, legend_h};
  // The site cells share what is left, in a grid.
  const size_t n = std::max<size_t>(1, o.sites);
  const float top = y + gap, bottom = l.legend.y - gap;
  const glm::vec2 area(vp.x - 2 * gap, std::max(1.0f, bottom - top));
  l.columns = o.columns > 0 ? std::min<int>(o.columns, static_cast<int>(n)) : wall_columns(n, area);
  l.rows = static_cast<int>((n + l.columns - 1) / l.columns);
  const float cell_w = (area.x - (l.columns - 1) * gap) / l.columns, cell_h = (area.y - (l.rows - 1) * gap) / l.rows;
  const float title_h = std::round(l.title_px + 1.2f * l.text_px + 2 * gap);
  const float tiles_h = std::round(l.text_px * 2.2f + l.figure_px + 4 * gap);
  const float border = std::max(2.0f, std::round(3 * s));
  for (size_t i = 0; i < o.sites; ++i) {
    const int col = static_cast<int>(i % l.columns), row = static_cast<int>(i / l.columns);
    WallSiteCell c;
    c.frame = {gap + col * (cell_w + gap), top + row * (cell_h + gap), cell_w, cell_h};
    const float ix = c.frame.x + border, iw = c.frame.w - 2 * border;
    c.title = {ix, c.frame.y + border, iw, title_h};
    const float tiles_y = c.frame.y + c.frame.h - border - tiles_h;
    c.view = {ix, c.title.y + title_h, iw, std::max(1.0f, tiles_y - (c.title.y + title_h))};
    const size_t k = std::max<size_t>(1, o.tiles_per_site);
    const float tw = (iw - (k + 1) * gap) / k;
    for (size_t t = 0; t < k; ++t) c.tiles.push_back({ix + gap + t * (tw + gap), tiles_y + gap, tw, tiles_h - 2 * gap});
    l.sites.push_back(std::move(c));
  }
  return l;
}

}  // namespace controlroom
