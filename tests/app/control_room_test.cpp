// Tests the control room (tools/gatetwin ControlRoom) as an operator uses it, offscreen on
// lavapipe and in a window under Xvfb: an override issued through the UI's own path
// (CommandForm::submit into ControlRoom::submit, what the buttons call) changes the lane
// in the core, is in the audit log, is published to a real broker, and the next frame
// draws the lane in the closed colour; a viewer's command is refused and audited; when
// input stops, the stale banner comes within the stated time and nothing is drawn moving;
// the windowed app draws both sites and matches its reference image; the inspector follows
// its shipment by id while retention moves it, and lets go when it is removed.
#include "EngineTestKit.h"
#include "controlroom/control_room.h"
#include "controlroom/scene/palette.h"
#include "tests/support/xvfb_server.h"

#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"
#include "connectors/files/site_file.h"
#include "twin/run.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <thread>

using namespace controlroom;
using namespace pipeline;

namespace {

std::vector<twin::SiteSpec> shipped_sites() {
  auto loaded = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  return std::get<std::vector<twin::SiteSpec>>(loaded);
}

// The twin's side of one console: core, queue, sequencer, loop (no recording).
struct Console {
  twin::Core core;
  connectors::IngestQueue own_queue{1 << 17};
  pipeline::Sequencer sequencer{pipeline::SequencerLimits{}};
  std::unique_ptr<FrameLoop> loop;
  connectors::IngestQueue* queue;
  explicit Console(connectors::TwinLink* link) : core(shipped_sites()), queue(link ? &link->queue() : &own_queue) {
    loop = std::make_unique<FrameLoop>(core, *queue, sequencer, link, nullptr);
  }
  // Puts a seeded 2030 stretch of the field on the input path, as a field source would.
  void feed(twin::SimTime until) {
    twin::SimOptions opt;
    opt.seed = 7;
    for (const auto& s : core.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
    twin::Core field(core.sites());
    twin::Simulator sim(field.sites(), opt);
    size_t refused = 0;
    twin::run_until(field, sim, until, [&](const twin::Event& e, const twin::Decisions&) {
      connectors::FieldMessage m{"field-sim", e.seq, e.time_ms, e.site, e.body, connectors::MessageClass::Ordered, "test"};
      refused += queue->push(std::move(m)) ? 0 : 1;
    });
    REQUIRE(refused == 0);
  }
};

const Ribbon* lane_ribbon(const DrawList& dl, const WorldLayout& layout, size_t site, const twin::LaneSpec& lane) {
  const glm::vec3 first = layout.world(site, lane.polyline.front(), 0.05f);
  for (const Ribbon& r : dl.ribbons)
    if (!r.points.empty() && glm::length(r.points.front() - first) < 0.01f && r.width_m > 3) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("an override from the UI path closes the lane, is audited, published, and drawn") {
  REQUIRE_PROGRAMS("mosquitto", "mosquitto_sub");
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  connectors::TwinLinkOptions lo;
  auto cfg = connectors::make_broker_config(broker.uri(), "room-test", "", {});
  REQUIRE(std::holds_alternative<connectors::BrokerConfig>(cfg));
  lo.broker = std::get<connectors::BrokerConfig>(cfg);
  connectors::TwinLink link(shipped_sites(), lo, {});
  Console console(&link);
  link.start();
  REQUIRE(link.wait_connected(std::chrono::seconds(5)));
  engine::Renderer renderer(enginetest::testConfig(1280, 720));
  ControlRoom room(console.core, *console.loop, *console.queue, &link, renderer, ControlRoomOptions{});
  console.feed(9 * twin::kHour);
  room.frame(0);
  const size_t site = 1;  // m1119 (sites load in name order)
  REQUIRE(console.core.sites()[site].id == "m1119");
  REQUIRE(console.core.state().now_ms > 8 * twin::kHour);

  // An independent subscriber on the command topic.
  const std::string sub = "mosquitto_sub -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                          " -i command-watch -t gatetwin/v1/m1119/command -C 1 -W 20";
  std::string received;
  std::thread listener([&] { received = run_command(sub); });
  // Subscribed (the broker logged it, then acknowledges): the command published below reaches it.
  const bool subscribed = broker.wait_for_subscription("command-watch", "gatetwin/v1/m1119/command");
  if (!subscribed) listener.join();
  REQUIRE(subscribed);

  room.log_in("op1", twin::Role::Operator);
  CommandForm& form = room.form();
  std::snprintf(form.reason, sizeof form.reason, "barrier inspection on E1");
  twin::Command close;
  close.kind = twin::CommandKind::CloseLane;
  const int e1 = console.core.sites()[site].lane_index("E1");
  close.lane = static_cast<uint16_t>(e1);
  form.submit({"op1", twin::Role::Operator}, site, close, [&](uint8_t s, const twin::OperatorCommand& cmd) { return room.submit(s, cmd); });
  REQUIRE(form.ticket != 0);
  room.frame(100);
  listener.join();

  CHECK_FALSE(console.core.state().sites[site].lanes[e1].open);
  const twin::CommandRecord& rec = console.core.state().commands.back();
  CHECK(rec.actor == "op1");
  CHECK(rec.reason == "barrier inspection on E1");
  CHECK(rec.accepted);
  CHECK(form.last_outcome(console.core).rfind("done:", 0) == 0);
  CHECK_THAT(received, Catch::Contains("close_lane") && Catch::Contains("op1"));
  const Ribbon* r = lane_ribbon(room.draw_list(), WorldLayout(console.core.sites().size()), site, console.core.sites()[site].lanes[e1]);
  REQUIRE(r != nullptr);
  CHECK(r->colour == palette::kLaneClosed);
  link.stop();
}

TEST_CASE("a viewer's command is refused and audited as refused") {
  Console console(nullptr);
  engine::Renderer renderer(enginetest::testConfig(640, 360));
  ControlRoom room(console.core, *console.loop, *console.queue, nullptr, renderer, ControlRoomOptions{});
  console.feed(2 * twin::kHour);
  room.frame(0);
  room.log_in("watcher", twin::Role::Viewer);
  CommandForm& form = room.form();
  std::snprintf(form.reason, sizeof form.reason, "curious");
  twin::Command close;
  close.kind = twin::CommandKind::CloseLane;
  form.submit({"watcher", twin::Role::Viewer}, 0, close, [&](uint8_t s, const twin::OperatorCommand& c) { return room.submit(s, c); });
  room.frame(50);
  const twin::CommandRecord& rec = console.core.state().commands.back();
  CHECK(rec.actor == "watcher");
  CHECK_FALSE(rec.accepted);
  CHECK_THAT(rec.outcome, Catch::Contains("viewer"));
  CHECK(console.core.state().sites[0].lanes[0].open);
  CHECK(form.last_outcome(console.core).rfind("refused:", 0) == 0);
}

TEST_CASE("when telemetry stops, the stale banner comes within the stated time and nothing moves") {
  Console console(nullptr);
  engine::Renderer renderer(enginetest::testConfig(640, 360));
  ControlRoomOptions opt;
  opt.stale_after_ms = 3000;
  ControlRoom room(console.core, *console.loop, *console.queue, nullptr, renderer, opt);
  console.feed(9 * twin::kHour);
  room.frame(1000);  // the last input arrives at 1 s
  CHECK_FALSE(room.stale());
  CHECK(room.banner().empty());
  room.frame(1000 + 2900);
  CHECK_FALSE(room.stale());
  room.frame(1000 + 3100);
  CHECK(room.stale());
  CHECK_THAT(room.banner(), Catch::Contains("STALE") && Catch::Contains("not live"));
  CHECK(room.draw_list().moving_vehicles == 0);
}

TEST_CASE("the windowed control room under Xvfb draws both sites like its reference") {
  const std::string xvfb = XvfbServer::find();
  if (xvfb.empty()) {
    FAIL("Xvfb is not installed (Debian package xvfb); tools/setup/install-deps.sh installs what is missing");
  }
  XvfbServer x;  // tests/support/xvfb_server.h
  if (!x.start(xvfb)) FAIL("Xvfb is not working: " << x.why());
  setenv("DISPLAY", x.display().c_str(), 1);
  Console console(nullptr);
  engine::RendererConfig rc = enginetest::testConfig(1280, 720);
  rc.windowed = true;
  rc.vsync = false;
  engine::Renderer renderer(rc);
  ControlRoomOptions opt;
  opt.view = "both";
  opt.show_fps = false;  // the frame rate of a window varies from run to run
  ControlRoom room(console.core, *console.loop, *console.queue, nullptr, renderer, opt);
  console.feed(10 * twin::kHour);
  for (int i = 0; i < 4; ++i) REQUIRE(room.frame(i * 16));
  renderer.finish();
  auto cmp = enginetest::compareGolden(renderer.screenshot(), "app_window_both");
  INFO(cmp.message);
  CHECK(cmp.ok);
  CHECK(room.draw_list().of(MeshKind::GuideVehicle).size() == 12);
}

TEST_CASE("the inspector keeps its shipment while retention moves it, and lets go when it is removed") {
  Console console(nullptr);
  engine::Renderer renderer(enginetest::testConfig(640, 360));
  ControlRoom room(console.core, *console.loop, *console.queue, nullptr, renderer, ControlRoomOptions{});
  console.feed(27 * twin::kHour);  // more than one frame's worth (65,536 events): two updates
  room.update(0);
  const size_t site = 1;
  const auto& before = console.core.state().sites[site];
  REQUIRE(before.retired.count == 0);  // not a day in yet
  REQUIRE(before.shipments.size() > 10);
  // The newest shipment stays; the first one has long left and will be removed.
  const twin::ShipmentIndex last{static_cast<uint32_t>(before.shipments.size() - 1)}, oldest{0};
  const twin::ShipmentId newest = before.shipments[last].id, first = before.shipments[oldest].id;
  REQUIRE((before.shipments[oldest].phase == twin::Phase::Cleared || before.shipments[oldest].phase == twin::Phase::Left));
  room.select(PickTarget::of_shipment(static_cast<uint8_t>(site), last));
  room.update(100);
  const auto& after = console.core.state().sites[site];
  REQUIRE(after.retired.count > 0);
  REQUIRE(after.by_id.count(first) == 0);
  REQUIRE(room.selected().kind == PickKind::Shipment);
  REQUIRE(after.shipments.contains(room.selected().shipment()));
  CHECK(room.selected().shipment() < last);  // it moved...
  CHECK(after.shipments[room.selected().shipment()].id == newest);  // ...and is still the same shipment
  // A selected shipment that retention removes is let go, not swapped for another.
  Console again(nullptr);
  ControlRoom room2(again.core, *again.loop, *again.queue, nullptr, renderer, ControlRoomOptions{});
  again.feed(27 * twin::kHour);
  room2.update(0);
  room2.select({PickKind::Shipment, static_cast<uint8_t>(site), 0, 0});
  room2.update(100);
  CHECK(again.core.state().sites[site].by_id.count(first) == 0);
  CHECK(room2.selected().kind == PickKind::None);
}
