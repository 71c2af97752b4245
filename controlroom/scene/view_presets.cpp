// The standard views. See view_presets.h.
#include "controlroom/scene/view_presets.h"

#include <algorithm>
#include <cmath>

namespace controlroom {

std::vector<View> standard_views(const std::vector<std::string>& ids, const WorldLayout& layout) {
  std::vector<View> views;
  const size_t n = ids.size();
  for (size_t i = 0; i < n; ++i) {
    View v;
    v.name = ids[i];
    v.pose = engine::CameraPose{layout.world(i, {330, 10}), -25.0f, 48.0f, 520.0f};
    v.show_site.assign(n, false);
    v.show_site[i] = true;
    views.push_back(v);
  }
  glm::vec3 mid(0);
  for (size_t i = 0; i < n; ++i) mid += layout.world(i, {330, 0});
  if (n) mid /= static_cast<float>(n);
  View both{"both", engine::CameraPose{mid + glm::vec3(-20, 0, 0), 0.0f, 72.0f, 500.0f + 480.0f * static_cast<float>(n)}, std::vector<bool>(n, true), false};
  views.push_back(both);
  View wall = both;
  wall.name = "wall";
  wall.pose.pitch_deg = 60.0f;
  wall.pose.distance_m *= 0.8f;
  wall.pose.target += glm::vec3(60, 0, 0);
  views.push_back(wall);
  return views;
}

engine::CameraPose site_overview_pose(const WorldLayout& layout, size_t site, float aspect, float fov_y_deg) {
  // The site's furniture lies within x -230..790 and y -170..210 (site metres): framed from
  // the holding yard to a little past the border (the lanes run on out of view); the road
  // runs left to right on screen, China to the right.
  const glm::vec2 lo(-232, -168), hi(690, 205);
  const float pitch = 64.0f;
  const float half_w = (hi.x - lo.x) / 2, half_d = (hi.y - lo.y) / 2;
  const float tan_y = std::tan(glm::radians(fov_y_deg) / 2), tan_x = tan_y * std::max(aspect, 0.1f);
  // Depth seen at a slant: its extent across the screen is about half_d * sin(pitch).
  const float d = std::max(half_w / tan_x, half_d * std::sin(glm::radians(pitch)) / tan_y + half_d * std::cos(glm::radians(pitch)));
  return engine::CameraPose{layout.world(site, (lo + hi) * 0.5f), 0.0f, pitch, d * 0.98f};
}

std::optional<View> find_view(const std::vector<View>& views, const std::string& name) {
  for (const View& v : views)
    if (v.name == name) return v;
  return std::nullopt;
}

}  // namespace controlroom
