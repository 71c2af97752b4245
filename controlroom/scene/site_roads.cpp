// The site's roads and the routes on them. See site_roads.h.
#include "controlroom/scene/site_roads.h"

#include <glm/geometric.hpp>

#include <algorithm>
#include <cmath>

namespace controlroom {

namespace {

void push(std::vector<glm::vec2>& out, glm::vec2 p) {
  if (out.empty() || glm::length(out.back() - p) > 1e-3f) out.push_back(p);
}

}  // namespace

SiteRoads::SiteRoads(const twin::SiteSpec& spec) : spec_(spec) {
  const float t = kTrunkY;
  // The trunk, and the road it continues as to the west (where trucks come from and go to).
  ribbons_.push_back({{{kWestX - kOutsideM, t}, {kEastX, t}}, 2 * kTrunkHalfWidth, 0.02f});
  for (const twin::CheckpointSpec& cp : spec.checkpoints) {
    StationRoads st;
    st.x = cp.positions.empty() ? 0 : cp.positions.front().x;
    st.lo = st.hi = cp.positions.empty() ? 0 : cp.positions.front().y;
    float sum = 0;
    for (glm::vec2 p : cp.positions) st.lo = std::min(st.lo, p.y), st.hi = std::max(st.hi, p.y), sum += p.y;
    st.head = {st.x, cp.positions.empty() ? 0 : sum / static_cast<float>(cp.positions.size())};
    st.mid = (st.lo + st.hi) / 2;
    if (cp.positions.size() > 1) st.spacing = (st.hi - st.lo) / static_cast<float>(cp.positions.size() - 1);
    st.dir = cp.kind == twin::CheckpointKind::Release ? glm::vec2(-1, 0) : glm::vec2(1, 0);
    st.on_trunk = st.lo <= kTrunkHalfWidth && st.hi >= -kTrunkHalfWidth;
    st.booths = cp.kind != twin::CheckpointKind::Scanner;
    // The free line between the booths nearest the trunk's centre line.
    std::vector<float> ys;
    for (glm::vec2 p : cp.positions) ys.push_back(p.y);
    std::sort(ys.begin(), ys.end());
    st.pass_y = ys.empty() ? 0 : ys.front() - st.spacing / 2;
    for (size_t i = 0; i <= ys.size() && !ys.empty(); ++i) {
      const float y = i == ys.size() ? ys.back() + st.spacing / 2 : i == 0 ? ys.front() - st.spacing / 2 : (ys[i - 1] + ys[i]) / 2;
      if (std::abs(y - kTrunkY) < std::abs(st.pass_y - kTrunkY)) st.pass_y = y;
    }
    st.edge = st.mid > 0 ? t + kTrunkHalfWidth : t - kTrunkHalfWidth;
    if (!st.on_trunk) {
      const float x = st.x, mid = st.mid, half = (st.hi - st.lo) / 2 + 8;
      ribbons_.push_back({{{x - 45, st.edge}, {x - 20, mid}, {x + 26, mid}, {x + 45, st.edge}}, 12.0f, 0.025f});
      ribbons_.push_back({{{x + 6, mid - half}, {x + 6, mid + half}}, 18.0f, 0.03f});
    }
    stations_.push_back(st);
  }
  for (const twin::YardSpec& y : spec.yards) {
    const float x = (y.min.x + y.max.x) / 2;
    const float near = std::abs(y.min.y - t) < std::abs(y.max.y - t) ? y.min.y : y.max.y;
    if (near * (y.min.y + y.max.y) <= 0) continue;  // the yard straddles the trunk
    ribbons_.push_back({{{x, near}, {x, near > 0 ? t + kTrunkHalfWidth : t - kTrunkHalfWidth}}, 12.0f, 0.025f});
  }
}

// The gap between this server and its neighbour towards the column's middle: the way out
// between the booths (a booth stands 6 m ahead of each server).
static float gap_beside(const StationRoads& st, float ys) {
  const float half = st.spacing / 2;
  if (ys < st.mid - 0.1f) return ys + half;
  if (ys > st.mid + 0.1f) return ys - half;
  return ys + half;
}

void SiteRoads::way_out_of_server(size_t k, glm::vec2 server, std::vector<glm::vec2>& out) const {
  const StationRoads& st = stations_[k];
  const float x = st.x, gap = gap_beside(st, server.y);
  push(out, server);
  if (st.dir.x > 0) {  // on through the gap between the booths
    push(out, {x + 2, gap});
    push(out, {x + 12, gap});
    if (st.on_trunk) {
      push(out, {x + 30, kTrunkY});
    } else {
      push(out, {x + 26, st.mid});
      push(out, {x + 45, st.edge});
      push(out, {x + 45, kTrunkY});
    }
  } else {  // the release faces west: out the way it faces
    push(out, {x - 12, server.y});
    if (st.on_trunk) {
      push(out, {x - 30, kTrunkY});
    } else {
      push(out, {x - 20, st.mid});
      push(out, {x - 45, st.edge});
      push(out, {x - 45, kTrunkY});
    }
  }
}

void SiteRoads::way_from_queue_to_server(size_t k, glm::vec2 spot, glm::vec2 server, std::vector<glm::vec2>& out) const {
  const StationRoads& st = stations_[k];
  push(out, spot);
  push(out, st.head - st.dir * 20.0f);  // the queue's head
  if (st.dir.x < 0) {  // the booths stand between the queue and the servers: through the gaps
    const float gap = gap_beside(st, server.y);
    push(out, {st.x + 12, gap});
    push(out, {st.x + 2, gap});
  }
  push(out, server);
}

void SiteRoads::way_of_spot(glm::vec2 p, std::vector<glm::vec2>& out) const {
  push(out, p);
  for (const twin::YardSpec& y : spec_.yards) {
    if (p.x < y.min.x - 1 || p.x > y.max.x + 1 || p.y < y.min.y - 1 || p.y > y.max.y + 1) continue;
    const float near = std::abs(y.min.y - kTrunkY) < std::abs(y.max.y - kTrunkY) ? y.min.y : y.max.y;
    if (near * (y.min.y + y.max.y) <= 0) break;  // straddles the trunk: straight onto it
    const float x = (y.min.x + y.max.x) / 2;
    push(out, {p.x, near});  // to the yard's edge, along it to the spur, up the spur
    push(out, {x, near});
    push(out, {x, near > 0 ? kTrunkY + kTrunkHalfWidth : kTrunkY - kTrunkHalfWidth});
    push(out, {x, kTrunkY});
    return;
  }
  push(out, {p.x, kTrunkY});
}

void SiteRoads::way_of_queue_spot(size_t k, glm::vec2 p, std::vector<glm::vec2>& out) const {
  const StationRoads& st = stations_[k];
  if (st.on_trunk) return way_of_spot(p, out);
  // Along the loop's side towards the queue: its corner by the station, its end at the trunk.
  const float corner = st.dir.x > 0 ? st.x - 20 : st.x + 26, end = st.dir.x > 0 ? st.x - 45 : st.x + 45;
  push(out, p);
  push(out, {corner, st.mid});
  push(out, {end, st.edge});
  push(out, {end, kTrunkY});
}

void SiteRoads::join(const std::vector<glm::vec2>& a, const std::vector<glm::vec2>& b, std::vector<glm::vec2>& out) const {
  for (glm::vec2 p : a) push(out, p);
  if (!a.empty() && !b.empty()) {
    // Along the trunk from a's join to b's: past each station standing across it with booths,
    // through the free line between them.
    const float x0 = a.back().x, x1 = b.back().x, dir = x1 >= x0 ? 1.0f : -1.0f;
    std::vector<const StationRoads*> passed;
    for (const StationRoads& st : stations_)
      if (st.on_trunk && st.booths && (st.x + 6 - x0) * dir > 8 && (x1 - (st.x + 6)) * dir > 12) passed.push_back(&st);
    std::sort(passed.begin(), passed.end(), [&](const StationRoads* p, const StationRoads* q) { return (p->x - q->x) * dir < 0; });
    for (const StationRoads* st : passed) {
      push(out, {st->x + 6 - 8 * dir, st->pass_y});
      push(out, {st->x + 6 + 8 * dir, st->pass_y});
    }
  }
  for (auto it = b.rbegin(); it != b.rend(); ++it) push(out, *it);
}

float polyline_length(const std::vector<glm::vec2>& pts) {
  float len = 0;
  for (size_t i = 1; i < pts.size(); ++i) len += glm::length(pts[i] - pts[i - 1]);
  return len;
}

glm::vec2 point_along(const std::vector<glm::vec2>& pts, float want, float* yaw_rad) {
  if (pts.empty()) return glm::vec2(0);
  if (pts.size() == 1) return pts.front();
  want = std::max(0.0f, want);
  for (size_t i = 1; i < pts.size(); ++i) {
    const glm::vec2 d = pts[i] - pts[i - 1];
    const float len = glm::length(d);
    if (want <= len || i + 1 == pts.size()) {
      if (yaw_rad && len > 0) *yaw_rad = std::atan2(d.y, d.x);
      return pts[i - 1] + (len > 0 ? d * (std::min(want, len) / len) : d);
    }
    want -= len;
  }
  return pts.back();
}

}  // namespace controlroom
