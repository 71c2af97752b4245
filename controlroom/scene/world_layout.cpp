// WorldLayout geometry. See world_layout.h.
#include "controlroom/scene/world_layout.h"

#include <algorithm>
#include <array>
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

namespace {

constexpr float kQueueRowM = 17.0f, kQueueColumnM = 4.5f, kQueueHeadM = 20.0f;
constexpr size_t kNarrowRows = 24, kNarrowWidth = 8, kWidestRow = 40, kWidestWidth = 40;

struct QueueRow {
  size_t row, first, width;  // the row, its first spot, its spots
};

// The first spot of each widening row (24-39) and of row 40.
constexpr std::array<size_t, kWidestRow - kNarrowRows + 1> kWideningFirst = [] {
  std::array<size_t, kWidestRow - kNarrowRows + 1> first{};
  first[0] = kNarrowRows * kNarrowWidth;  // 192
  for (size_t i = 1; i < first.size(); ++i) first[i] = first[i - 1] + kNarrowWidth + 2 * i;
  return first;
}();

// The row of queue spot n: rows 0-23 are 8 wide, row r of 24-39 is 8 + 2 (r - 23) wide,
// every row from 40 on is 40 wide (the scene asks this for thousands of trucks a frame:
// no loop but over the 16 widening rows).
QueueRow queue_row(size_t n) {
  if (n < kWideningFirst.front()) return {n / kNarrowWidth, n / kNarrowWidth * kNarrowWidth, kNarrowWidth};
  if (n >= kWideningFirst.back()) {
    const size_t beyond = (n - kWideningFirst.back()) / kWidestWidth;
    return {kWidestRow + beyond, kWideningFirst.back() + beyond * kWidestWidth, kWidestWidth};
  }
  size_t i = 0;
  while (n >= kWideningFirst[i + 1]) ++i;
  return {kNarrowRows + i, kWideningFirst[i], kNarrowWidth + 2 * (i + 1)};
}

}  // namespace

glm::vec2 WorldLayout::queue_spot(glm::vec2 head, glm::vec2 dir, size_t n) {
  const glm::vec2 side(-dir.y, dir.x);
  // Rows run back and forth (a snake): moving up one place is a step along the row, or from
  // a row's first spot into the last spot of the row ahead (straight ahead where the two rows
  // are as wide, slightly aside where the row behind is wider), never across the queue.
  const QueueRow r = queue_row(n);
  const size_t k = n - r.first;
  const float col = static_cast<float>(r.row % 2 == 0 ? k : r.width - 1 - k);
  return head - dir * (kQueueHeadM + static_cast<float>(r.row) * kQueueRowM) +
         side * ((col - static_cast<float>(r.width - 1) / 2.0f) * kQueueColumnM);
}

float WorldLayout::queue_longest_step_m() { return std::sqrt(kQueueRowM * kQueueRowM + kQueueColumnM * kQueueColumnM); }

float WorldLayout::queue_step_m(size_t n) {
  if (n == 0) return 0;
  const QueueRow r = queue_row(n);
  if (n != r.first) return kQueueColumnM;
  const float aside = static_cast<float>(r.width - queue_row(n - 1).width) / 2.0f * kQueueColumnM;
  return std::sqrt(kQueueRowM * kQueueRowM + aside * aside);
}

glm::vec2 WorldLayout::yard_slot(const twin::YardSpec& yard, size_t n) {
  const float w = yard.max.x - yard.min.x;
  const int per_row = std::max(1, static_cast<int>(w / 3.6f));
  const float row = static_cast<float>(n / per_row), col = static_cast<float>(n % per_row);
  return {yard.min.x + 1.8f + col * 3.6f, yard.max.y - 8.0f - row * 15.0f};
}

}  // namespace controlroom
