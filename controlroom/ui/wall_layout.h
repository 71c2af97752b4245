// WallLayout: where everything of the wall display goes, as rectangles in pixels, from the
// display's size and the number of sites: a header (gate, REPLAY marker, clock), a grid of
// framed site cells (title, 3D viewport, KPI tiles), a legend band and the alert ticker.
// Text sizes scale with the display. Pure geometry, so tests check the layout as data; it
// draws nothing and knows no ImGui or engine.
#pragma once
#include "controlroom/ui/panels.h"

#include <glm/vec2.hpp>

#include <cstddef>
#include <vector>

namespace controlroom {

struct WallLayoutOptions {
  size_t sites = 2;
  int columns = 0;             // site cells per row; 0: chosen from the site count and the display's aspect
  bool banner = false;         // a stale / broker-lost banner on top
  float controls_h = 0;        // a band under the header for the replay timeline (pixels; 0: none)
  size_t tiles_per_site = 4;
};

struct WallSiteCell {
  PanelRect frame;                  // the whole cell (its border)
  PanelRect title;                  // site name in Vietnamese and English
  PanelRect view;                   // the 3D viewport
  std::vector<PanelRect> tiles;     // KPI tiles, left to right
};

struct WallLayout {
  float scale = 1;                  // 1 at 1920x1080, 2 at 3840x2160 (the smaller of the two ratios)
  float text_px = 18, title_px = 30, figure_px = 26, clock_px = 44;  // font sizes in pixels
  PanelRect banner{0, 0, 0, 0};
  PanelRect header{0, 0, 0, 0};
  PanelRect controls{0, 0, 0, 0};
  std::vector<WallSiteCell> sites;
  PanelRect legend{0, 0, 0, 0};
  PanelRect ticker{0, 0, 0, 0};
  int columns = 1, rows = 1;

  // Every rectangle drawn over the scene (all but the site views), for label decluttering
  // and the layout tests.
  std::vector<PanelRect> panels() const;
};

// Columns for n cells in an area: the grid whose cells come closest to cell_aspect (w / h).
int wall_columns(size_t n, glm::vec2 area, float cell_aspect = 1.5f);
WallLayout wall_layout(glm::vec2 viewport, const WallLayoutOptions& options);

}  // namespace controlroom
