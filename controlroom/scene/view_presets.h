// The named views of the control room: each site alone, both side by side, the wall's
// overview of a site, and each site's camera presets (overview, gate-in and lanes,
// inspection, yards), each framed to fill the part of the window the 3D view has. Poses
// only; the app stores them in the camera (engine::Camera) and switches between them.
#pragma once
#include "controlroom/scene/world_layout.h"

#include "twin/site.h"

#include <engine/Camera.h>

#include <glm/vec4.hpp>

#include <optional>
#include <string>
#include <vector>

namespace controlroom {

struct View {
  std::string name;               // "m1119", "m1088", "both", "wall"
  engine::CameraPose pose;
  std::vector<bool> show_site;    // which sites are drawn
  bool lane_labels = true;
};

// Views for the sites in this order (site ids), laid out by layout.
std::vector<View> standard_views(const std::vector<std::string>& site_ids, const WorldLayout& layout);
std::optional<View> find_view(const std::vector<View>& views, const std::string& name);

// [SECTION] framing

// The pose, looking north (China to the right) from pitch_deg above the horizon, that shows
// every point (site metres, on the ground and up to 6 m above it) inside rect (pixels x, y, w,
// h of a viewport of viewport_px) and as large as fits: the points' extent fills the rect's
// width or its height, less a margin of margin_frac on each side.
engine::CameraPose frame_points(const WorldLayout& layout, size_t site, const std::vector<glm::vec2>& points,
                                glm::vec2 viewport_px, glm::vec4 rect_px, float pitch_deg, float fov_y_deg = 45.0f,
                                float margin_frac = 0.02f);

// A site's furniture: stations (and their booths), yards, the depot, the lanes as far as a
// little past the border, the border line within that (site metres): what its overview shows.
std::vector<glm::vec2> site_extent(const twin::SiteSpec& spec);

// A site's overview for a viewport of the given aspect (w / h): the whole layout, framed to
// fill the view (the wall's site viewports).
engine::CameraPose site_overview_pose(const WorldLayout& layout, const twin::SiteSpec& spec, size_t site, float aspect,
                                      float fov_y_deg = 45.0f);

// [SECTION] camera presets (the console's keys F5-F8 and the arrow beside each site's view button)

enum class SitePreset : uint8_t { Overview = 0, GateAndLanes, Inspection, Yards, Count };
constexpr int kSitePresets = static_cast<int>(SitePreset::Count);
// Its name in English (the text catalogue's key: show it through ui::tr).
const char* site_preset_name(SitePreset p);
// The points the preset frames (site metres): Overview the site_extent; GateAndLanes gate-in
// (and its queue's first rows), the scanners and the lanes to the border; Inspection the
// booths, inspection, quarantine and the inspection yard; Yards every yard and the guide
// vehicles' depot.
std::vector<glm::vec2> site_preset_points(const twin::SiteSpec& spec, SitePreset p);
// The preset's pose framed in rect (pixels) of a viewport.
engine::CameraPose site_preset_pose(const WorldLayout& layout, const twin::SiteSpec& spec, size_t site, SitePreset p,
                                    glm::vec2 viewport_px, glm::vec4 rect_px, float fov_y_deg = 45.0f);

}  // namespace controlroom
