// The replay window (tools/gatetwin/replay_app) offscreen on lavapipe: a recorded session
// shown in the control room with the timeline; playing moves the shown state to the
// replay's; after "take over" a command given through the control room's own command path
// (ControlRoom::submit, what the lane buttons call) reaches the fork and closes the lane in
// the fork's core only, and the fork-vs-original panel has its rows; after every seek
// (forward or back) the KPI plots hold the recording's history from its start up to the
// moment shown, a sample a minute. The last frame is
// saved to the build folder (replay_window.png) for a person to look at.
#include "EngineTestKit.h"
#include "controlroom/replay/replay_window.h"
#include "sessions/session_writer.h"

#include "twin/run.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

using namespace controlroom;
using namespace pipeline;
using namespace sessions;

namespace fs = std::filesystem;

TEST_CASE("replay window: play, take over, a console command drives the fork, compare panel", "[replay][app]") {
  const fs::path dir = fs::temp_directory_path() / ("gatetwin_replay_window_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string sites_dir = std::string(GATETWIN_SOURCE_DIR) + "/assets/sites";
  SimConfig cfg;
  cfg.seed = 3;
  cfg.load = "2030";
  auto world = std::get<SimWorld>(make_sim_world(cfg, sites_dir));
  {
    twin::Core core(world.sites);
    auto sim = make_simulator(world, core.sites(), cfg);
    auto w = SessionWriter::open((dir / "day.db").string(), {"m1088,m1119", cfg.seed, connectors::SessionSource::Sim, {}, {}, cfg.to_notes()});
    REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
    auto& writer = std::get<std::unique_ptr<SessionWriter>>(w);
    twin::run_until(core, *sim, 3 * twin::kHour, [&](const twin::Event& e, const twin::Decisions& d) { writer->append(e, d, core); });
    REQUIRE_FALSE(writer->close().has_value());
  }
  ReplayOptions ro;
  ro.sites_dir = sites_dir;
  auto opened = Replay::open((dir / "day.db").string(), {}, ro);
  REQUIRE(std::holds_alternative<std::unique_ptr<Replay>>(opened));
  ReplayController c(std::move(std::get<std::unique_ptr<Replay>>(opened)), ForkOptions{(dir / "forks.db").string(), sites_dir});

  engine::Renderer renderer(enginetest::testConfig(1280, 720));
  ReplayWindow win(c, renderer, "both");
  REQUIRE(win.frame(0));
  REQUIRE_FALSE(c.seek_time(2 * twin::kHour).has_value());
  c.set_speed(60);
  c.set_playing(true);
  REQUIRE(win.frame(16));
  REQUIRE(win.frame(1016));    // one wall second at x60
  CHECK(c.shown_ms() == 2 * twin::kHour + 60'960);   // 16 ms + 1 s of wall time at x60
  // The plots after the seek to 02:00: the history from 00:00, a sample a minute.
  auto plots_cover = [&](double from_h, double to_h) {
    const KpiSeries& s = win.room().room().kpis().sites().at(0);
    INFO("samples " << s.at_h.size() << " from " << (s.at_h.empty() ? -1.f : s.at_h.front()) << " h to "
                    << (s.at_h.empty() ? -1.f : s.at_h.back()) << " h");
    REQUIRE(s.at_h.size() >= static_cast<size_t>((to_h - from_h) * 60 * 0.9));
    CHECK(s.at_h.front() <= from_h + 0.05);
    CHECK(s.at_h.back() == Approx(to_h).margin(0.05));
    CHECK(s.cleared_per_hour.size() >= static_cast<size_t>(to_h) - 1);
  };
  plots_cover(0, 2.0 + 61.0 / 3600);
  CHECK(win.room().room().core().state_hash() == c.replay().core().state_hash());
  {
    // What the window drew is the replayed state: every guide vehicle, and trucks that are
    // the replay's own shipments (by index and id) at 02:01.
    const DrawList& dl = win.room().room().draw_list();
    const twin::WorldState& st = c.replay().core().state();
    size_t fleet = 0;
    for (const auto& site : st.sites) fleet += site.fleet.size();
    CHECK(fleet == 12);
    CHECK(dl.of(MeshKind::GuideVehicle).size() == fleet);
    CHECK(dl.of(MeshKind::Truck).size() + dl.of(MeshKind::Reefer).size() > 20);
    size_t trucks = 0;
    for (const DrawnVehicle& v : dl.vehicles) {
      if (v.kind != DrawnVehicle::Kind::Truck) continue;
      REQUIRE(v.index < st.sites.at(v.site).shipments.size());
      CHECK(st.sites[v.site].shipments[v.shipment()].id == v.shipment_id());
      ++trucks;
    }
    CHECK(trucks > 20);
  }

  // Forward, then back: the KPI panel starts over at the earlier moment (saved for a look).
  REQUIRE_FALSE(c.seek_time(2 * twin::kHour + 30 * twin::kMinute).has_value());
  REQUIRE(win.frame(1100));
  plots_cover(0, 2.5);
  c.set_playing(false);
  REQUIRE_FALSE(c.seek_time(1 * twin::kHour).has_value());
  REQUIRE(win.frame(1200));
  REQUIRE(win.frame(1300));
  plots_cover(0, 1.0);
  renderer.finish();
  CHECK(renderer.saveScreenshot(std::string(GATETWIN_BINARY_DIR) + "/replay_window_back.png"));
  const twin::SiteKpis back = twin::compute_kpis(c.replay().core(), 0, twin::kHour);
  std::printf("replay_window_back.png: %s cleared %lld / %lld at 01:00:00\n", back.site.c_str(),
              static_cast<long long>(back.cleared[0]), static_cast<long long>(back.cleared[1]));
  REQUIRE_FALSE(c.seek_time(2 * twin::kHour + 60'960).has_value());
  c.set_playing(true);
  REQUIRE(win.frame(1316));

  REQUIRE_FALSE(c.take_over().has_value());
  twin::OperatorCommand close;
  close.actor = "trainee";
  close.role = twin::Role::Supervisor;
  close.reason = "drill";
  close.command.kind = twin::CommandKind::CloseLane;
  close.command.lane = 0;
  REQUIRE(win.room().room().submit(0, close) != 0);
  REQUIRE(win.frame(2016));    // the command is handed to the fork
  CHECK_THAT(win.ui().status, Catch::Contains("given to the fork"));
  REQUIRE(win.frame(3016));    // and folded as the fork runs on
  REQUIRE(c.fork() != nullptr);
  REQUIRE_FALSE(c.fork()->core().state().commands.empty());
  CHECK(c.fork()->core().state().commands.back().accepted);
  CHECK_FALSE(c.fork()->core().state().sites[0].lanes[0].open);
  CHECK(c.replay().core().state().sites[0].lanes[0].open);   // the original is untouched
  CHECK(win.room().room().core().state_hash() == c.fork()->core().state_hash());
  REQUIRE(win.ui().compare.has_value());
  CHECK_FALSE(win.ui().compare->identical());
  renderer.finish();
  const std::string png = std::string(GATETWIN_BINARY_DIR) + "/replay_window.png";
  CHECK(renderer.saveScreenshot(png));
  CHECK_FALSE(c.leave_fork().has_value());
  std::error_code ec;
  fs::remove_all(dir, ec);
}
