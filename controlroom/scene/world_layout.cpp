// WorldLayout geometry. See world_layout.h.
#include "controlroom/scene/world_layout.h"

#include <algorithm>
#include <cmath>

namespace controlroom {

Placement WorldLayout::along(const std::vector<glm::vec2>& line, float t, bool reversed) {
  Placement p;
  const size_t n = line.size();
  if (n < 2) return p;
  // The line's points in the order walked (no copy: the scene asks this hundreds of times a frame).
  const auto pts = [&](size_t i) { return reversed ? line[n - 1 - i] : line[i]; };
  float total = 0;
  for (size_t i = 1; i < n; ++i) total += glm::length(pts(i) - pts(i - 1));
  float want = std::clamp(t, 0.0f, 1.0f) * total;
  for (size_t i = 1; i < n; ++i) {
    const glm::vec2 d = pts(i) - pts(i - 1);
    const float len = glm::length(d);
    if (want <= len || i + 1 == n) {
      const glm::vec2 at = pts(i - 1) + (len > 0 ? d * (std::min(want, len) / len) : d);
      p.local = at;
      p.yaw_rad = std::atan2(d.y, d.x);
      return p;
    }
    want -= len;
  }
  return p;
}

glm::vec2 WorldLayout::queue_spot(glm::vec2 head, glm::vec2 dir, size_t n, int columns) {
  const glm::vec2 side(-dir.y, dir.x);
  // Rows run back and forth (a snake): moving up one place is a step along the row or
  // straight ahead into the row in front, never across the queue.
  const size_t r = n / columns, k = n % columns;
  const float row = static_cast<float>(r), col = static_cast<float>(r % 2 == 0 ? k : columns - 1 - k);
  return head - dir * (20.0f + row * 17.0f) + side * ((col - (columns - 1) / 2.0f) * 4.5f);
}

glm::vec2 WorldLayout::yard_slot(const twin::YardSpec& yard, size_t n) {
  const float w = yard.max.x - yard.min.x;
  const int per_row = std::max(1, static_cast<int>(w / 3.6f));
  const float row = static_cast<float>(n / per_row), col = static_cast<float>(n % per_row);
  return {yard.min.x + 1.8f + col * 3.6f, yard.max.y - 8.0f - row * 15.0f};
}

}  // namespace controlroom
