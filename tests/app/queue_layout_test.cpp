// The queue layout the scene draws (WorldLayout::queue_spot): a spot depends on its place in
// the queue only, so a truck never moves as the queue behind it grows; each move up (spot n to
// n - 1) is as long as queue_step_m(n) says and no longer than queue_longest_step_m(); no two
// spots of a harvest backlog overlap. Pure geometry, no core.
#include "controlroom/scene/world_layout.h"

#include <catch2/catch.hpp>

#include <cmath>

using controlroom::WorldLayout;

TEST_CASE("queue spots: one place per spot whatever the queue's length, moves up as long as stated", "[app][scene][motion]") {
  const glm::vec2 head(100, 50), dir = glm::normalize(glm::vec2(1, 0.3f));
  constexpr size_t kSpots = 5000;
  std::vector<glm::vec2> spot(kSpots);
  for (size_t n = 0; n < kSpots; ++n) spot[n] = WorldLayout::queue_spot(head, dir, n);
  // The first 24 rows are 8 wide, as the scene drew every queue of up to 192 trucks before.
  const glm::vec2 side(-dir.y, dir.x);
  for (size_t n = 0; n < 192; ++n) {
    const size_t row = n / 8, k = n % 8, col = row % 2 == 0 ? k : 7 - k;
    const glm::vec2 want = head - dir * (20.0f + 17.0f * row) + side * ((col - 3.5f) * 4.5f);
    INFO("spot " << n);
    CHECK(glm::length(spot[n] - want) < 1e-3f);
  }
  size_t longer_steps = 0;
  for (size_t n = 1; n < kSpots; ++n) {
    const float step = glm::length(spot[n] - spot[n - 1]);
    INFO("move up from spot " << n);
    CHECK(std::abs(step - WorldLayout::queue_step_m(n)) < 1e-3f);
    CHECK(step <= WorldLayout::queue_longest_step_m() + 1e-3f);
    // Along a row, or ahead: never back past the row it leaves.
    CHECK(glm::dot(spot[n - 1] - spot[n], dir) >= -1e-3f);
    longer_steps += step > 17.01f ? 1 : 0;
  }
  CHECK(longer_steps == 16);  // one step aside into each of the 16 widening rows
  // No two spots closer than a truck's width (4.5 m across, 17 m between rows); rows beyond
  // the widening ones are 40 wide, so 5,000 trucks stand within 25 + 113 rows of the head.
  for (size_t a = 0; a < kSpots; a += 7)
    for (size_t b = a + 1; b < kSpots; ++b) {
      if (glm::length(spot[a] - spot[b]) >= 4.49f) continue;
      FAIL("spots " << a << " and " << b << " overlap");
    }
  const float depth = glm::dot(head - spot[kSpots - 1], dir);
  CHECK(depth < 20.0f + 17.0f * (40 + (kSpots - 592) / 40 + 1));
}
