// Camera presets and the wall's framing (issue 14), on the shipped site files: each site's
// presets (overview, gate-in and lanes, inspection, yards) put the stations they name inside
// the console's free 3D area at 1920x1080 and fill it in one direction; on the wall at
// 1920x1080, 3840x2160 and 7680x2160 each site's layout lies inside its viewport (none of it
// under the title or the KPI tiles, which lie outside the viewport) and fills the viewport's
// width or height (at least 90 %; the other direction as far as the site's shape allows, at
// least 45 %), seen through the same camera maths the renderer uses. Pure CPU.
#include "controlroom/scene/view_presets.h"
#include "controlroom/ui/wall_layout.h"

#include "connectors/files/site_file.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <variant>

using namespace controlroom;

namespace {

std::vector<twin::SiteSpec> sites() {
  auto loaded = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  return std::get<std::vector<twin::SiteSpec>>(loaded);
}

struct Projected {
  glm::vec2 lo{1e30f}, hi{-1e30f};
  int outside = 0, total = 0;
};

// The points of a site (on the ground and 6 m up) as a camera with this pose sees them in a
// viewport of viewport_px; counted outside when not within rect.
Projected project(const WorldLayout& layout, size_t site, const std::vector<glm::vec2>& pts, const engine::CameraPose& pose,
                  glm::vec2 viewport_px, glm::vec4 rect) {
  engine::Camera cam(pose);
  Projected p;
  for (glm::vec2 q : pts)
    for (float h : {0.0f, 6.0f}) {
      const auto s = cam.project(layout.world(site, q, h), viewport_px);
      ++p.total;
      if (!s) {
        ++p.outside;
        continue;
      }
      const glm::vec2 px(s->x, s->y);
      p.lo = glm::min(p.lo, px), p.hi = glm::max(p.hi, px);
      if (px.x < rect.x - 0.5f || px.x > rect.x + rect.z + 0.5f || px.y < rect.y - 0.5f || px.y > rect.y + rect.w + 0.5f) ++p.outside;
    }
  return p;
}

// The stations a preset names, by kind (the test's own table, from docs/gatetwin.md).
std::vector<glm::vec2> named_stations(const twin::SiteSpec& spec, SitePreset p) {
  using K = twin::CheckpointKind;
  std::vector<K> kinds;
  if (p == SitePreset::Overview) kinds = {K::GateIn, K::Scanner, K::Booth, K::Inspection, K::Quarantine, K::Release};
  if (p == SitePreset::GateAndLanes) kinds = {K::GateIn, K::Scanner};
  if (p == SitePreset::Inspection) kinds = {K::Booth, K::Inspection, K::Quarantine};
  std::vector<glm::vec2> out;
  for (const auto& cp : spec.checkpoints)
    if (std::find(kinds.begin(), kinds.end(), cp.kind) != kinds.end()) out.insert(out.end(), cp.positions.begin(), cp.positions.end());
  for (const auto& y : spec.yards)
    if (p == SitePreset::Yards || p == SitePreset::Overview) out.push_back(y.min), out.push_back(y.max);
  if (p == SitePreset::GateAndLanes)
    for (const auto& l : spec.lanes)
      if (l.kind == twin::LaneKind::Manned)  // every manned lane's end in the site (its west end)
        out.push_back(*std::min_element(l.polyline.begin(), l.polyline.end(), [](glm::vec2 a, glm::vec2 b) { return a.x < b.x; }));
  return out;
}

}  // namespace

TEST_CASE("each site's camera presets frame their stations in the console's 3D area", "[app][view][presets]") {
  const auto specs = sites();
  const WorldLayout layout(specs.size());
  // The console at 1920x1080: the 3D view left of the right column (576 px), under the top
  // bar (40 px), above the legend and the bottom band (367 + 24 px): ControlRoom::draw_panels.
  const glm::vec2 vp(1920, 1080);
  const glm::vec4 free_area(0, 40, 1344, 649);
  for (size_t site = 0; site < specs.size(); ++site)
    for (int i = 0; i < kSitePresets; ++i) {
      const auto preset = static_cast<SitePreset>(i);
      const engine::CameraPose pose = site_preset_pose(layout, specs[site], site, preset, vp, free_area);
      const Projected all = project(layout, site, site_preset_points(specs[site], preset), pose, vp, free_area);
      const Projected named = project(layout, site, named_stations(specs[site], preset), pose, vp, free_area);
      const float fill_w = (all.hi.x - all.lo.x) / free_area.z, fill_h = (all.hi.y - all.lo.y) / free_area.w;
      std::printf("preset %s %-18s fills %.0f%% of the width, %.0f%% of the height\n", specs[site].id.c_str(),
                  site_preset_name(preset), 100 * fill_w, 100 * fill_h);
      INFO(specs[site].id << " " << site_preset_name(preset) << ": width " << fill_w << ", height " << fill_h);
      CHECK(named.total > 0);
      CHECK(named.outside == 0);
      CHECK(all.outside == 0);
      CHECK(std::max(fill_w, fill_h) >= 0.85f);  // as large as fits
    }
}

TEST_CASE("on the wall each site's layout fills its viewport", "[app][view][wall]") {
  const auto specs = sites();
  const WorldLayout layout(specs.size());
  for (glm::vec2 size : {glm::vec2(1920, 1080), glm::vec2(3840, 2160), glm::vec2(7680, 2160)}) {
    WallLayoutOptions wo;
    wo.sites = specs.size();
    const WallLayout wall = wall_layout(size, wo);
    REQUIRE(wall.sites.size() == specs.size());
    for (size_t site = 0; site < specs.size(); ++site) {
      const PanelRect& r = wall.sites[site].view;
      // Nothing of the cell is drawn over the viewport: the title above it, the tiles below.
      CHECK(wall.sites[site].title.y + wall.sites[site].title.h <= r.y + 0.5f);
      for (const PanelRect& t : wall.sites[site].tiles) CHECK(t.y >= r.y + r.h - 0.5f);
      const engine::CameraPose pose = site_overview_pose(layout, specs[site], site, r.w / r.h);
      const glm::vec2 vp(r.w, r.h);
      const Projected p = project(layout, site, site_extent(specs[site]), pose, vp, glm::vec4(0, 0, r.w, r.h));
      const float fill_w = (p.hi.x - p.lo.x) / r.w, fill_h = (p.hi.y - p.lo.y) / r.h;
      std::printf("wall %.0fx%.0f %s: viewport %.0fx%.0f, the layout fills %.0f%% of its width and %.0f%% of its height\n", size.x,
                  size.y, specs[site].id.c_str(), r.w, r.h, 100 * fill_w, 100 * fill_h);
      INFO(specs[site].id << " at " << size.x << "x" << size.y << ": width " << fill_w << ", height " << fill_h);
      CHECK(p.outside == 0);
      CHECK(std::max(fill_w, fill_h) >= 0.90f);
      CHECK(std::min(fill_w, fill_h) >= 0.45f);
    }
  }
}
