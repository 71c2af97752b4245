// Tests a follower console of the multi-console control room (docs/control-room.md) as an
// operator uses it, offscreen on lavapipe: the ControlRoom of a follower
// (ControlRoomOptions::publish_only, a console_only TwinLink, a StreamFollower feeding
// its queue) sends an override through the UI's own path (CommandForm::submit into
// ControlRoom::submit); it is not folded locally, the primary (the real gatetwin binary
// on a private mosquitto) sequences and accepts it, and it comes back to the follower
// through the stream: lane closed in its core, audited, drawn closed; the follower ends
// in the primary's state hash. Needs mosquitto: fails (naming the Debian package) without.
// The primary is waited for by its own "mqtt: connected" line (printed after its SUBACKs).
#include "EngineTestKit.h"
#include "controlroom/control_room.h"
#include "controlroom/scene/palette.h"

#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"
#include "connectors/codec/kpi_json.h"
#include "connectors/mqtt/stream_follower.h"
#include "connectors/files/site_file.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <thread>

using namespace controlroom;
using namespace pipeline;

namespace {

std::vector<twin::SiteSpec> shipped_sites() {
  auto loaded = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  return std::get<std::vector<twin::SiteSpec>>(loaded);
}

const Ribbon* lane_ribbon(const DrawList& dl, const WorldLayout& layout, size_t site, const twin::LaneSpec& lane) {
  const glm::vec3 first = layout.world(site, lane.polyline.front(), 0.05f);
  for (const Ribbon& r : dl.ribbons)
    if (!r.points.empty() && glm::length(r.points.front() - first) < 0.01f && r.width_m > 3) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("a follower console's override goes to the primary and comes back through the stream") {
  REQUIRE_PROGRAMS("mosquitto");
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string d = broker.dir() + "/";
  const std::string gatetwin = std::string(GATETWIN_BINARY_DIR) + "/tools/gatetwin/gatetwin";
  // It ends by itself once it has applied the console's command (--run-for 60: a guard).
  ChildProcess primary;
  REQUIRE(primary.start(gatetwin, {"gatetwin", "--headless", "--quiet", "--client-id", "primary", "--broker", broker.uri(),
                                   "--record", d + "p.db", "--stats", d + "p.json", "--until-applied", "1", "--run-for", "60"},
                        d + "primary.out"));

  // The follower as gatetwin --follow wires it (tools/gatetwin/follow/follow_loop.cpp).
  twin::Core core(shipped_sites());
  connectors::TwinLinkOptions lo;
  lo.broker.uri = broker.uri();
  lo.broker.client_id = "wall-console";
  lo.console_only = true;
  connectors::TwinLink link(core.sites(), lo, {});
  pipeline::Sequencer sequencer;
  connectors::StreamFollowerOptions so;
  so.broker.uri = broker.uri();
  so.broker.client_id = "wall-console-stream";
  connectors::StreamFollower follower(so, link.queue(), {}, {});
  FrameLoop loop(core, link.queue(), sequencer, &link, nullptr);
  link.start();
  follower.start();
  REQUIRE(link.wait_connected(std::chrono::seconds(5)));
  engine::Renderer renderer(enginetest::testConfig(1280, 720));
  ControlRoomOptions options;
  options.publish_only = true;
  options.console_source = "console-wall-console-1";
  ControlRoom room(core, loop, link.queue(), &link, renderer, options);
  // The follower's stream subscription and the primary's are acknowledged.
  const auto ready_until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!follower.connected() && std::chrono::steady_clock::now() < ready_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(follower.connected());
  const bool primary_ready =
      primary.wait_for_output("mqtt: connected to " + broker.uri() + " as primary\n", std::chrono::seconds(30)) &&
      primary.wait_for_output("mqtt: connected to " + broker.uri() + " as primary-stream\n", std::chrono::seconds(30));
  INFO(primary.output());
  REQUIRE(primary_ready);

  const size_t site = 1;  // m1119 (sites load in name order)
  REQUIRE(core.sites()[site].id == "m1119");
  room.log_in("op1", twin::Role::Operator);
  CommandForm& form = room.form();
  std::snprintf(form.reason, sizeof form.reason, "barrier inspection on E1");
  twin::Command close;
  close.kind = twin::CommandKind::CloseLane;
  const int e1 = core.sites()[site].lane_index("E1");
  close.lane = static_cast<uint16_t>(e1);
  form.submit({"op1", twin::Role::Operator}, site, close, [&](uint8_t s, const twin::OperatorCommand& cmd) { return room.submit(s, cmd); });
  REQUIRE(form.ticket != 0);  // published
  room.update(0);
  CHECK(core.state().commands.empty());  // not folded locally: the primary decides for all
  int64_t t = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (core.state().commands.empty() && std::chrono::steady_clock::now() < until) room.update(t += 16);
  REQUIRE(core.state().commands.size() == 1);
  const twin::CommandRecord& rec = core.state().commands.back();
  CHECK(rec.actor == "op1");
  CHECK(rec.reason == "barrier inspection on E1");
  CHECK(rec.accepted);
  CHECK_FALSE(core.state().sites[site].lanes[e1].open);
  room.frame(t += 16);
  const Ribbon* r = lane_ribbon(room.draw_list(), WorldLayout(core.sites().size()), site, core.sites()[site].lanes[e1]);
  REQUIRE(r != nullptr);
  CHECK(r->colour == palette::kLaneClosed);

  REQUIRE(primary.wait_exit(std::chrono::seconds(60)));
  INFO(primary.output());
  REQUIRE(primary.exit_code() == 0);
  std::ifstream in(d + "p.json");
  auto p = nlohmann::json::parse(in, nullptr, false);
  REQUIRE(p.is_object());
  CHECK(p["messages"]["applied"] == 1);
  CHECK(p["core"]["state_hash"] == connectors::hash_hex(core.state_hash()));
  CHECK(link.stats().decisions_published == 0);
  follower.stop();
  link.stop();
}
