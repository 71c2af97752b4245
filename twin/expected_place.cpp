// Where the process expects a truck. See expected_place.h.
#include "twin/expected_place.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace twin {

namespace {

float segment_distance(glm::vec2 p, glm::vec2 a, glm::vec2 b) {
  const glm::vec2 ab = b - a;
  const float len2 = ab.x * ab.x + ab.y * ab.y;
  float t = len2 > 0 ? ((p - a).x * ab.x + (p - a).y * ab.y) / len2 : 0;
  t = std::clamp(t, 0.0f, 1.0f);
  const glm::vec2 d = p - (a + ab * t);
  return std::sqrt(d.x * d.x + d.y * d.y);
}

float polyline_distance(const std::vector<glm::vec2>& line, glm::vec2 p) {
  if (line.empty()) return std::numeric_limits<float>::infinity();
  if (line.size() == 1) return segment_distance(p, line[0], line[0]);
  float best = std::numeric_limits<float>::infinity();
  for (size_t i = 0; i + 1 < line.size(); ++i) best = std::min(best, segment_distance(p, line[i], line[i + 1]));
  return best;
}

float rect_distance(const YardSpec& y, glm::vec2 p) {
  const float dx = std::max({y.min.x - p.x, 0.0f, p.x - y.max.x});
  const float dy = std::max({y.min.y - p.y, 0.0f, p.y - y.max.y});
  return std::sqrt(dx * dx + dy * dy);
}

float points_distance(const std::vector<glm::vec2>& pts, glm::vec2 p) {
  float best = std::numeric_limits<float>::infinity();
  for (glm::vec2 q : pts) best = std::min(best, segment_distance(p, q, q));
  return best;
}

glm::vec2 centre(const YardSpec& y) { return (y.min + y.max) * 0.5f; }

}  // namespace

ExpectedPlace expected_place(const SiteSpec& spec, const SiteState& s, const Shipment& sh) {
  ExpectedPlace e;
  auto checkpoint = [&](ExpectedPlace::Kind kind, float tol, const char* verb) {
    if (sh.checkpoint >= spec.checkpoints.size() || spec.checkpoints[sh.checkpoint].positions.empty()) return;
    const CheckpointSpec& cp = spec.checkpoints[sh.checkpoint];
    e.kind = kind;
    e.index = sh.checkpoint;
    e.anchor = sh.server < cp.positions.size() ? cp.positions[sh.server] : cp.positions.front();
    e.tolerance_m = tol;
    e.verb = verb;
    e.name = &cp.id;
  };
  auto yard = [&](uint16_t y, const char* verb) {
    if (y >= spec.yards.size()) return;
    e.kind = ExpectedPlace::Kind::Yard;
    e.index = y;
    e.anchor = centre(spec.yards[y]);
    e.tolerance_m = kYardTolerance_m;
    e.verb = verb;
    e.name = &spec.yards[y].id;
  };
  switch (sh.phase) {
    case Phase::QueuedCheckpoint: checkpoint(ExpectedPlace::Kind::Queue, kQueueTolerance_m, "queued at "); break;
    case Phase::WaitingPartnerData: checkpoint(ExpectedPlace::Kind::Queue, kQueueTolerance_m, "waiting for partner data at "); break;
    case Phase::AtCheckpoint: checkpoint(ExpectedPlace::Kind::Checkpoint, kServerTolerance_m, "served at "); break;
    case Phase::QueuedLane:
      if (sh.lane < spec.lanes.size() && !spec.lanes[sh.lane].polyline.empty()) {
        e.kind = ExpectedPlace::Kind::Queue;
        e.index = sh.lane;
        const LaneSpec& lane = spec.lanes[sh.lane];
        const bool reversed = sh.lane < s.lanes.size() && s.lanes[sh.lane].direction != lane.direction;
        e.anchor = reversed ? lane.polyline.back() : lane.polyline.front();
        e.tolerance_m = kQueueTolerance_m;
        e.verb = "queued for lane ";
        e.name = &lane.id;
      }
      break;
    case Phase::OnLane:
      if (sh.lane < spec.lanes.size() && !spec.lanes[sh.lane].polyline.empty()) {
        const LaneSpec& lane = spec.lanes[sh.lane];
        e.kind = ExpectedPlace::Kind::Lane;
        e.index = sh.lane;
        e.anchor = lane.polyline[lane.polyline.size() / 2];
        e.tolerance_m = kLaneTolerance_m;
        e.verb = "crossing lane ";
        e.name = &lane.id;
      }
      break;
    case Phase::QueuedYardSlot:
      for (uint16_t y = 0; y < spec.yards.size(); ++y)
        if (spec.yards[y].kind == YardKind::Transfer) {
          yard(y, "waiting for a slot in yard ");
          e.kind = ExpectedPlace::Kind::Queue;
          e.tolerance_m = kQueueTolerance_m;
          break;
        }
      break;
    case Phase::Transferring:
    case Phase::InYard: yard(sh.yard, "in yard "); break;
    default: break;  // no place in the site: declared, partner side, riding, done, diverted
  }
  return e;
}

float distance_to(const SiteSpec& spec, const ExpectedPlace& place, glm::vec2 p) {
  switch (place.kind) {
    case ExpectedPlace::Kind::Lane:
      return place.index < spec.lanes.size() ? polyline_distance(spec.lanes[place.index].polyline, p) : 0;
    case ExpectedPlace::Kind::Yard:
      return place.index < spec.yards.size() ? rect_distance(spec.yards[place.index], p) : 0;
    case ExpectedPlace::Kind::Checkpoint:
      return place.index < spec.checkpoints.size() ? points_distance(spec.checkpoints[place.index].positions, p) : 0;
    case ExpectedPlace::Kind::Queue: return segment_distance(p, place.anchor, place.anchor);
    case ExpectedPlace::Kind::None: return 0;
  }
  return 0;
}

std::string place_name(const SiteSpec& spec, glm::vec2 p) {
  for (const YardSpec& y : spec.yards)
    if (rect_distance(y, p) == 0) return "yard " + y.id;
  float best = kLaneTolerance_m;
  const LaneSpec* lane = nullptr;
  for (const LaneSpec& l : spec.lanes) {
    const float d = polyline_distance(l.polyline, p);
    if (d <= best) { best = d; lane = &l; }
  }
  if (lane) return "lane " + lane->id;
  for (const CheckpointSpec& cp : spec.checkpoints)
    if (points_distance(cp.positions, p) <= kServerTolerance_m) return "checkpoint " + cp.id;
  char buf[64];
  std::snprintf(buf, sizeof buf, "the area at (%.0f, %.0f) m", p.x, p.y);
  return buf;
}

}  // namespace twin
