// The standard views. See view_presets.h.
#include "controlroom/scene/view_presets.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

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

// [SECTION] framing

engine::CameraPose frame_points(const WorldLayout& layout, size_t site, const std::vector<glm::vec2>& points,
                                glm::vec2 viewport, glm::vec4 rect, float pitch_deg, float fov_y_deg, float margin) {
  glm::vec2 lo(0), hi(0);
  if (!points.empty()) lo = hi = points.front();
  for (glm::vec2 p : points) lo = glm::min(lo, p), hi = glm::max(hi, p);
  engine::Camera cam;
  cam.setFovYDeg(fov_y_deg);
  engine::CameraPose pose{layout.world(site, (lo + hi) * 0.5f), 0.0f, pitch_deg, std::max(20.0f, glm::length(hi - lo) * 1.2f)};
  const glm::vec2 want(rect.x + rect.z / 2, rect.y + rect.w / 2);
  const float avail_w = std::max(1.0f, rect.z * (1 - 2 * margin)), avail_h = std::max(1.0f, rect.w * (1 - 2 * margin));
  // Project, then move the target to centre the points in the rect and scale the distance
  // to fit them; a few rounds converge (the projection is not linear in the distance).
  for (int round = 0; round < 16; ++round) {
    cam.setPose(pose);
    glm::vec2 a(1e30f), b(-1e30f);
    bool behind = false;
    for (glm::vec2 p : points)
      for (float h : {0.0f, 6.0f}) {
        const auto q = cam.project(layout.world(site, p, h), viewport);
        if (!q) behind = true;
        else a = glm::min(a, glm::vec2(*q)), b = glm::max(b, glm::vec2(*q));
      }
    if (behind) {
      pose.distance_m *= 1.5f;
      continue;
    }
    const auto at = cam.groundPoint((a + b) * 0.5f, viewport), to = cam.groundPoint(want, viewport);
    if (at && to) pose.target += *at - *to;
    pose.distance_m *= std::clamp(std::max((b.x - a.x) / avail_w, (b.y - a.y) / avail_h), 0.5f, 2.0f);
    cam.setPose(pose);
    pose = cam.pose();  // within the camera's limits
  }
  return pose;
}

std::vector<glm::vec2> site_extent(const twin::SiteSpec& spec) {
  std::vector<glm::vec2> pts;
  for (const twin::CheckpointSpec& cp : spec.checkpoints)
    for (glm::vec2 p : cp.positions) pts.push_back(p), pts.push_back(p + glm::vec2(6, 0));
  for (const twin::YardSpec& y : spec.yards) pts.push_back(y.min), pts.push_back(y.max);
  pts.push_back(spec.fleet.depot);
  float border_x = 0, y_lo = 0, y_hi = 0;
  for (glm::vec2 p : spec.border_line) border_x = std::max(border_x, p.x);
  for (glm::vec2 p : pts) y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
  // The lanes to a little past the border, and the border itself within the furniture's depth.
  for (const twin::LaneSpec& l : spec.lanes)
    for (glm::vec2 p : l.polyline) pts.push_back({std::min(p.x, border_x + 40), p.y});
  for (glm::vec2 p : spec.border_line) pts.push_back({p.x, std::clamp(p.y, y_lo, y_hi)});
  return pts;
}

engine::CameraPose site_overview_pose(const WorldLayout& layout, const twin::SiteSpec& spec, size_t site, float aspect,
                                      float fov_y_deg) {
  // Steep (70 degrees) so that the layout's depth takes as much of the view's height as it can.
  const glm::vec2 vp(1000.0f * std::max(aspect, 0.1f), 1000.0f);
  return frame_points(layout, site, site_extent(spec), vp, glm::vec4(0, 0, vp.x, vp.y), 70.0f, fov_y_deg, 0.02f);
}

// [SECTION] camera presets

const char* site_preset_name(SitePreset p) {
  switch (p) {
    case SitePreset::Overview: return "overview";
    case SitePreset::GateAndLanes: return "gate-in and lanes";
    case SitePreset::Inspection: return "inspection";
    case SitePreset::Yards: return "yards";
    default: return "";
  }
}

std::vector<glm::vec2> site_preset_points(const twin::SiteSpec& spec, SitePreset p) {
  using twin::CheckpointKind;
  std::vector<glm::vec2> pts;
  auto stations = [&](std::initializer_list<CheckpointKind> kinds) {
    for (const twin::CheckpointSpec& cp : spec.checkpoints)
      if (std::find(kinds.begin(), kinds.end(), cp.kind) != kinds.end())
        for (glm::vec2 q : cp.positions) pts.push_back(q), pts.push_back(q + glm::vec2(6, 0));
  };
  float border_x = 0;
  for (glm::vec2 q : spec.border_line) border_x = std::max(border_x, q.x);
  switch (p) {
    case SitePreset::Overview: return site_extent(spec);
    case SitePreset::GateAndLanes:
      stations({CheckpointKind::GateIn, CheckpointKind::Scanner});
      for (const twin::CheckpointSpec& cp : spec.checkpoints)  // and the first rows of gate-in's queue
        if (cp.kind == CheckpointKind::GateIn)
          for (glm::vec2 q : cp.positions) pts.push_back(q - glm::vec2(60, 0));
      for (const twin::LaneSpec& l : spec.lanes)
        if (l.kind == twin::LaneKind::Manned)
          for (glm::vec2 q : l.polyline) pts.push_back({std::min(q.x, border_x), q.y});
      break;
    case SitePreset::Inspection:
      stations({CheckpointKind::Booth, CheckpointKind::Inspection, CheckpointKind::Quarantine});
      for (const twin::YardSpec& y : spec.yards)
        if (y.kind == twin::YardKind::Inspection) pts.push_back(y.min), pts.push_back(y.max);
      break;
    case SitePreset::Yards:
      for (const twin::YardSpec& y : spec.yards) pts.push_back(y.min), pts.push_back(y.max);
      pts.push_back(spec.fleet.depot);
      break;
    default: break;
  }
  if (pts.empty()) return site_extent(spec);  // a site without such stations: its overview
  return pts;
}

engine::CameraPose site_preset_pose(const WorldLayout& layout, const twin::SiteSpec& spec, size_t site, SitePreset p,
                                    glm::vec2 viewport, glm::vec4 rect, float fov_y_deg) {
  const float pitch = p == SitePreset::Overview ? 62.0f : p == SitePreset::GateAndLanes ? 50.0f : 58.0f;
  return frame_points(layout, site, site_preset_points(spec, p), viewport, rect, pitch, fov_y_deg, 0.04f);
}

std::optional<View> find_view(const std::vector<View>& views, const std::string& name) {
  for (const View& v : views)
    if (v.name == name) return v;
  return std::nullopt;
}

}  // namespace controlroom
