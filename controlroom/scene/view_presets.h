// The named views of the control room: each site alone, both side by side, and the wall
// overview. Poses only; the app stores them in the camera's presets (engine::Camera).
#pragma once
#include "controlroom/scene/world_layout.h"

#include <engine/Camera.h>

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
// A site's overview for a viewport of the given aspect (w / h): the whole layout from the
// holding yard to the border and the lanes beyond, looking north, framed to fill the view.
engine::CameraPose site_overview_pose(const WorldLayout& layout, size_t site, float aspect, float fov_y_deg = 45.0f);
std::optional<View> find_view(const std::vector<View>& views, const std::string& name);

}  // namespace controlroom
