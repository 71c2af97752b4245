// Tests the wall display (issue 14) offscreen on lavapipe: a seeded 2030 morning of both
// sites drawn as the wall at 1920x1080 and 3840x2160 matches its golden image
// (tests/golden/README.md); in those layouts no two labels overlap, no label lies under a
// panel or outside its site's viewport, no panels overlap, and the KPI figures are at least
// 40 px high at 4K; the replay's wall (what `gatetwin --replay ... --view wall` builds)
// shows the REPLAY marker through the UI map and the live wall does not; grids for three
// and more sites keep every rectangle on screen and apart. One frame each, fixed state.
#include "seeded_morning.h"
#include "EngineTestKit.h"
#include "controlroom/replay/replay_room.h"
#include "controlroom/ui/text_catalogue.h"
#include "controlroom/ui/wall_layout.h"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

using namespace controlroom;

namespace {

bool overlaps(const glm::vec4& a, const glm::vec4& b) {
  return a.x < b.x + b.z && b.x < a.x + a.z && a.y < b.y + b.w && b.y < a.y + a.w;
}
glm::vec4 v4(const PanelRect& r) { return {r.x, r.y, r.w, r.h}; }
bool inside(const glm::vec4& a, const glm::vec4& outer) {
  return a.x >= outer.x && a.y >= outer.y && a.x + a.z <= outer.x + outer.z && a.y + a.w <= outer.y + outer.w;
}

const twin::Core& morning() {
  static const twin::Core core = morning_core(9 * twin::kHour);
  return core;
}

// Panels of a layout never overlap each other, nor a site's viewport, and all lie on screen.
void check_panels(const WallLayout& l, glm::vec2 size) {
  std::vector<glm::vec4> rects;
  for (const PanelRect& r : l.panels()) rects.push_back(v4(r));
  for (const WallSiteCell& c : l.sites) rects.push_back(v4(c.view));
  for (size_t i = 0; i < rects.size(); ++i) {
    INFO("rect " << i << " at " << rects[i].x << "," << rects[i].y << " size " << rects[i].z << "x" << rects[i].w);
    CHECK(rects[i].z > 0);
    CHECK(rects[i].w > 0);
    CHECK(inside(rects[i], {0, 0, size.x, size.y}));
    for (size_t j = i + 1; j < rects.size(); ++j) CHECK_FALSE(overlaps(rects[i], rects[j]));
  }
}

// One wall frame of the seeded morning; the label and layout checks; the golden image.
void wall_frame(uint32_t w, uint32_t h, const std::string& golden) {
  engine::RendererConfig rc = enginetest::testConfig(w, h);
  rc.msaa_samples = kAppMsaaSamples;  // as the app draws: anti-aliased, on lavapipe too
  rc.fxaa = kAppFxaa;
  rc.scene_pixels_max = kAppScenePixelsMax;  // and a 4K wall's scene at 1920x1080, scaled up
  engine::Renderer renderer(rc);
  CHECK(renderer.msaaSamples() == kAppMsaaSamples);
  ControlRoomOptions o = replay_room_options("wall");
  o.replay = false;  // the live wall
  o.start_note = "seeded 2030 morning, 09:00";
  ReplayRoom room(morning().sites(), renderer, o);
  room.show(morning(), {});
  room.room().alerts().add({8 * twin::kHour + 50 * twin::kMinute, 0, "m1119: scanner 2 failed", {}, Severity::Critical});
  room.room().alerts().add({8 * twin::kHour + 55 * twin::kMinute, 1, "m1088: declaration mismatch, shipment 41 diverted", {}, Severity::Warning});
  room.room().alerts().add({8 * twin::kHour + 58 * twin::kMinute, 0, "m1119: queue at gate-in over 50", {}, Severity::Notice});
  REQUIRE(room.room().frame(16));
  renderer.finish();
  const WallLayout& l = room.room().wall_layout();
  REQUIRE(l.sites.size() == 2);
  check_panels(l, {float(w), float(h)});
  if (h >= 2160) CHECK(l.figure_px >= 40);
  const auto& labels = renderer.placedLabels();
  INFO(labels.size() << " labels placed, " << renderer.stats().labels_dropped << " dropped");
  CHECK(labels.size() >= 20);  // stations and lanes of both sites are named
  for (size_t i = 0; i < labels.size(); ++i) {
    INFO("label '" << labels[i].text << "'");
    bool in_a_view = false;
    for (const WallSiteCell& c : l.sites) in_a_view = in_a_view || inside(labels[i].rect, v4(c.view));
    CHECK(in_a_view);
    for (const PanelRect& p : l.panels()) CHECK_FALSE(overlaps(labels[i].rect, v4(p)));
    for (size_t j = i + 1; j < labels.size(); ++j) {
      INFO("and '" << labels[j].text << "'");
      CHECK_FALSE(overlaps(labels[i].rect, labels[j].rect));
    }
  }
  auto cmp = enginetest::compareGolden(renderer.screenshot(), golden);
  INFO(cmp.message);
  CHECK(cmp.ok);
}

}  // namespace

TEST_CASE("the wall at 1920x1080: golden image, labels apart and off the panels", "[wall][app]") {
  wall_frame(1920, 1080, "app_wall_1080");
}

TEST_CASE("the wall at 3840x2160: golden image, labels apart and off the panels, figures 40 px high", "[wall][app]") {
  wall_frame(3840, 2160, "app_wall_2160");
}

TEST_CASE("the replay's wall shows the REPLAY marker; the live wall does not", "[wall][app][replay]") {
  engine::Renderer renderer(enginetest::testConfig(1920, 1080));
  const std::string map_path = enginetest::outputDir() + "/wall_ui_map.json";
  auto marker = [&](ControlRoomOptions o) {
    o.ui_map_path = map_path;
    ReplayRoom room(morning().sites(), renderer, o);
    room.show(morning(), {});
    REQUIRE(room.room().wall());  // the wall, not the console
    REQUIRE(room.room().frame(16));
    std::ifstream in(map_path);
    const nlohmann::json j = nlohmann::json::parse(in);
    std::optional<glm::vec4> at;
    for (const auto& item : j["items"])
      if (item["id"] == "wall/REPLAY")
        at = glm::vec4(item["x0"].get<float>(), item["y0"].get<float>(), item["x1"].get<float>() - item["x0"].get<float>(),
                       item["y1"].get<float>() - item["y0"].get<float>());
    if (at) CHECK(inside(*at, v4(room.room().wall_layout().header)));
    return at.has_value();
  };
  // What gatetwin --replay FILE --view wall builds (replay_window.cpp, offscreen_replay_view.cpp).
  CHECK(marker(replay_room_options("wall")));
  ControlRoomOptions live = replay_room_options("wall");
  live.replay = false;
  CHECK_FALSE(marker(live));
}

TEST_CASE("wall grids for three and more sites keep every rectangle on screen and apart", "[wall][app]") {
  for (glm::vec2 size : {glm::vec2(1920, 1080), glm::vec2(3840, 2160), glm::vec2(7680, 2160)})
    for (size_t n : {1u, 2u, 3u, 4u, 6u}) {
      INFO(n << " sites at " << size.x << "x" << size.y);
      WallLayoutOptions o;
      o.sites = n;
      o.banner = true;
      o.controls_h = 136;
      const WallLayout l = wall_layout(size, o);
      CHECK(l.sites.size() == n);
      CHECK(static_cast<size_t>(l.columns * l.rows) >= n);
      check_panels(l, size);
      for (const WallSiteCell& c : l.sites) CHECK(c.view.h > 0.25f * c.frame.h);  // the scene keeps most of its cell
    }
  // Three sites on a 32:9 wall sit in one row; on 16:9 in two rows or one row of three.
  CHECK(wall_layout({7680, 2160}, {3}).rows == 1);
  WallLayoutOptions fixed{4};
  fixed.columns = 4;
  CHECK(wall_layout({3840, 2160}, fixed).columns == 4);
}

TEST_CASE("a fail-over a follower saw is a critical alert and a line on the wall, in the language shown", "[wall][app][failover]") {
  engine::Renderer renderer(enginetest::testConfig(1280, 720));
  ControlRoomOptions o = replay_room_options("wall");
  o.replay = false;
  o.start_note = "seeded 2030 morning, 09:00";
  ReplayRoom room(morning().sites(), renderer, o);
  room.show(morning(), {});
  const uint64_t before = room.room().alerts().unacknowledged();
  REQUIRE(room.room().frame(16));
  CHECK(room.room().wall_clock().note == "seeded 2030 morning, 09:00");
  // 2026-11-30 09:00:05 UTC: 16:00:05 at the gate (UTC+7).
  room.room().note_fail_over(2, "gatetwin-b", 1796029205000, 1234);
  REQUIRE(room.room().frame(32));
  const std::string note = room.room().wall_clock().note;
  INFO(note);
  CHECK_THAT(note, Catch::StartsWith("seeded 2030 morning, 09:00"));
  CHECK_THAT(note, Catch::Contains("FAIL-OVER at 2026-11-30 16:00:05"));
  CHECK_THAT(note, Catch::Contains("gatetwin-b sequences the run from seq 1234 (epoch 2)"));
  REQUIRE_FALSE(room.room().alerts().items().empty());
  CHECK(room.room().alerts().items().front().severity == Severity::Critical);
  CHECK(room.room().alerts().items().front().text == room.room().fail_over_note());
  CHECK(room.room().alerts().unacknowledged() == before + 1);
  ui::set_lang(ui::Lang::Vi);
  room.room().note_fail_over(3, "", 1796029205000, 2000);
  ui::set_lang(ui::Lang::En);
  CHECK_THAT(room.room().fail_over_note(), Catch::Contains("CHUYỂN DỰ PHÒNG"));
  CHECK_THAT(room.room().fail_over_note(), Catch::Contains("máy dự phòng"));
}

TEST_CASE("messages of a source that never arrived are a critical alert, in the language shown", "[wall][app][lost]") {
  engine::Renderer renderer(enginetest::testConfig(1280, 720));
  ControlRoomOptions o = replay_room_options("both");
  o.replay = false;
  ReplayRoom room(morning().sites(), renderer, o);
  room.show(morning(), {});
  REQUIRE(room.room().frame(16));
  const uint64_t before = room.room().alerts().unacknowledged();
  room.room().note_messages_lost("lane-ctl-7", 4329, 5001, 9329);
  REQUIRE(room.room().frame(32));
  REQUIRE_FALSE(room.room().alerts().items().empty());
  const Alert& a = room.room().alerts().items().front();
  CHECK(a.severity == Severity::Critical);
  CHECK(a.text == "MESSAGES LOST from lane-ctl-7: 4329 never arrived (seq 5001-9329); the twin may differ from the field");
  CHECK(room.room().alerts().unacknowledged() == before + 1);
  ui::set_lang(ui::Lang::Vi);
  room.room().note_messages_lost("gnss-2", 3, 4, 6);
  ui::set_lang(ui::Lang::En);
  CHECK_THAT(room.room().alerts().items().front().text, Catch::StartsWith("MẤT TIN từ gnss-2: 3 tin không đến"));
}

TEST_CASE("a replayed moment shows the alerts that led to it, and a seek back drops the later ones", "[wall][app][replay]") {
  // The recording: the seeded morning's events, and the alerts a live room collected from them.
  std::vector<twin::Event> events;
  twin::Decisions all;
  const twin::Core core = morning_core(9 * twin::kHour, [&](const twin::Event& e, const twin::Decisions& d) {
    events.push_back(e);
    all.insert(all.end(), d.begin(), d.end());
  });
  engine::Renderer renderer(enginetest::testConfig(1280, 720));
  ReplayRoom room(core.sites(), renderer, replay_room_options("wall"));
  room.show(core, {});
  CHECK(room.room().alerts().items().empty());  // what the replay showed before: an empty ticker
  room.room().rebuild_history(events, 9 * twin::kHour);
  const uint64_t at_nine = room.room().alerts().total();
  ReplayRoom live(core.sites(), renderer, replay_room_options("wall"));
  live.show(core, all);  // every decision of the morning, as a live room collects them
  INFO("alerts by 09:00: " << at_nine);
  CHECK(at_nine > 0);
  CHECK(at_nine == live.room().alerts().total());
  REQUIRE_FALSE(room.room().alerts().items().empty());
  CHECK(room.room().alerts().items().front().text == live.room().alerts().items().front().text);
  CHECK(room.room().alerts().unacknowledged() == at_nine);
  REQUIRE(room.room().frame(16));
  // Back to 07:00: only what was raised by then.
  room.room().rebuild_history(events, 7 * twin::kHour);
  CHECK(room.room().alerts().total() < at_nine);
  for (const Alert& a : room.room().alerts().items()) CHECK(a.time_ms <= 7 * twin::kHour);
}

TEST_CASE("the console's busy-start note is never cut off by the panels, in either language", "[app][console]") {
  engine::Renderer renderer(enginetest::testConfig(1920, 1080));
  const std::string map_path = enginetest::outputDir() + "/console_top_ui_map.json";
  auto note_at = [&](ui::Lang lang, const std::string& note, std::string& id, glm::vec4& free) {
    ui::set_lang(lang);
    ControlRoomOptions o = replay_room_options("both");
    o.replay = false;
    o.start_note = note;
    o.ui_map_path = map_path;
    ReplayRoom room(morning().sites(), renderer, o);
    room.show(morning(), {});
    REQUIRE(room.room().frame(16));
    REQUIRE(room.room().frame(32));
    ui::set_lang(ui::Lang::En);
    std::ifstream in(map_path);
    const nlohmann::json j = nlohmann::json::parse(in);
    free = {j["free"]["x"].get<float>(), j["free"]["y"].get<float>(), j["free"]["w"].get<float>(), j["free"]["h"].get<float>()};
    for (const auto& item : j["items"])
      if (item["id"].get<std::string>().rfind("top/start_note", 0) == 0) {
        id = item["id"];
        return glm::vec4(item["x0"].get<float>(), item["y0"].get<float>(), item["x1"].get<float>(), item["y1"].get<float>());
      }
    FAIL("no start note in the UI map");
    return glm::vec4(0);
  };
  const std::string long_note = "busy start: the day was fast-forwarded (and recorded) from 00:00 to 08:00";
  for (ui::Lang lang : {ui::Lang::En, ui::Lang::Vi}) {
    std::string id;
    glm::vec4 free;
    const glm::vec4 r = note_at(lang, long_note, id, free);
    INFO(ui::lang_code(lang) << ": " << id << " from x " << r.x << " to " << r.z << "; the 3D view from x " << free.x << " to "
                             << free.x + free.z << ", from y " << free.y);
    CHECK(r.z <= free.x + free.z + 1);  // its right edge: left of the panels' column
    if (id == "top/start_note_own_line") CHECK(r.w <= free.y + 1);  // a line of its own: above the 3D view
  }
}
