// The replay room's clock: a replayed live recording (its session epoch kept in the notes,
// sessions/live_notes.h) shows times as the gate's date and local time, as the live room
// did; a simulated recording keeps the run's day and time. Offscreen on lavapipe; it draws
// no frame and must not compare pixels (the golden tests do).
#include "EngineTestKit.h"
#include "controlroom/replay/replay_room.h"

#include "connectors/files/site_file.h"

#include <catch2/catch.hpp>

using namespace controlroom;

TEST_CASE("the replay room writes times with the gate's date when the recording has an epoch", "[replay][app][time]") {
  auto loaded = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  const auto& sites = std::get<std::vector<twin::SiteSpec>>(loaded);
  engine::Renderer renderer(enginetest::testConfig(320, 200));
  // 2026-11-29T17:00:00Z is 00:00 on 30 November at the gate (UTC+7): 1,795,971,600 s.
  ReplayRoom live(sites, renderer, replay_room_options("both", 1795971600000));
  CHECK(live.room().time_text(6 * twin::kHour + 39 * twin::kMinute + 42'000) == "2026-11-30 06:39:42 UTC+7");
  ReplayRoom simulated(sites, renderer, replay_room_options("both"));
  CHECK(simulated.room().time_text(6 * twin::kHour + 39 * twin::kMinute + 42'000) == "d0 06:39:42");
}
