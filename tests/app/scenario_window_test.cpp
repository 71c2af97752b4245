// gatetwin --scenario in the window (controlroom/replay/scenario_window), offscreen on
// lavapipe: the briefing holds the clock until Start; a console script typed into the
// console through the buttons' own path (CommandForm::submit -> ControlRoom::submit) ends
// with the same score and state hash as the same commands given headless; an instructor's
// incidents (a scanner portal, an undeclared truck) are folded, recorded and in the
// baseline too (doing nothing still scores 50); every alert the Alerts panel showed is a
// bookmark in the replay of the recording. The briefing and the score at 1920x1080 are
// saved to the build folder (scenario_briefing.png, scenario_score.png) for a person to
// look at; tools/setup/docs-screenshots.sh copies them to docs/.
#include "EngineTestKit.h"
#include "controlroom/replay/scenario_window.h"
#include "sessions/replay.h"
#include "sessions/replay_cli.h"
#include "sessions/replay_controller.h"
#include "sessions/scenario_session.h"
#include "sessions/score_table.h"

#include "connectors/files/site_file.h"
#include "pipeline/sequencer.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace controlroom;
using namespace sessions;

namespace fs = std::filesystem;

namespace {

const std::string kScenarios = std::string(GATETWIN_SOURCE_DIR) + "/assets/scenarios/";

connectors::LoadedScenario load(const std::string& id) {
  auto l = connectors::load_scenario_file(kScenarios + id + ".json", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<connectors::LoadedScenario>(l));
  return std::get<connectors::LoadedScenario>(l);
}

const char* kScript = R"(# the scanner-outage model answer, and a lane closed and reopened
10:05,m1119,prioritise_goods,fruit,scanner portals down: perishable goods first
11:00,m1119,close_lane,E2,test: close a lane
11:30,m1119,open_lane,E2,test: reopen it
13:30,m1119,clear_priority,,scanner queue back to normal
)";

// Frames of one wall second each until the score is shown (or a limit).
void play(ScenarioWindow& win, int64_t& wall_ms, int limit = 400) {
  for (int i = 0; i < limit && !win.score(); ++i) REQUIRE(win.frame(wall_ms += 1000));
}

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("gatetwin_scenario_window_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("scenario window: briefing, scripted console commands, the same score as headless", "[scenario][app]") {
  const auto ls = load("scanner-outage");
  auto parsed = parse_console_script(kScript, "test script");
  REQUIRE(std::holds_alternative<ConsoleScript>(parsed));
  const ConsoleScript script = std::get<ConsoleScript>(parsed);
  REQUIRE(script.size() == 4);

  // Headless, as gatetwin --headless --scenario ... --console-script does it.
  twin::ScenarioRun ref(ls.sites, ls.scenario);
  for (const auto& c : script) {
    uint8_t site = 0;
    auto oc = script_command(c, ls.sites, kScenarioTrainee, twin::Role::Supervisor, site);
    REQUIRE(std::holds_alternative<twin::OperatorCommand>(oc));
    ref.advance_to(c.at_ms);
    ref.command(site, std::get<twin::OperatorCommand>(oc));
  }
  ref.run_to_end();
  const twin::ScenarioScore want = twin::score_against_baseline(ref);
  REQUIRE(want.session.commands_accepted == 4);

  engine::Renderer renderer(enginetest::testConfig(1920, 1080));
  twin::ScenarioRun run(ls.sites, ls.scenario);
  ScenarioWindowOptions o;
  o.speed = 7200;   // two simulated hours a wall second
  o.script = script;
  ScenarioWindow win(run, renderer, o);
  int64_t wall_ms = 0;
  // The briefing is on screen and the clock does not run until Start (the script presses
  // it after three frames).
  REQUIRE(win.frame(wall_ms));
  REQUIRE(win.frame(wall_ms += 1000));
  CHECK_FALSE(win.started());
  CHECK(run.now() == 0);
  renderer.finish();
  CHECK(renderer.saveScreenshot(std::string(GATETWIN_BINARY_DIR) + "/scenario_briefing.png"));
  play(win, wall_ms);
  REQUIRE(win.score());
  CHECK(win.script_error().empty());
  CHECK(run.finished());
  // The commands went through the console: the same four, accepted, recorded as the trainee's.
  const auto& cmds = run.core().state().commands;
  REQUIRE(cmds.size() == 4);
  CHECK(cmds[1].actor == kScenarioTrainee);
  CHECK(cmds[1].reason == "test: close a lane");
  CHECK(win.score()->session.commands_accepted == 4);
  CHECK(win.score()->score == want.score);
  CHECK(win.score()->verdict == want.verdict);
  for (size_t k = 0; k < want.kpis.size(); ++k) CHECK(win.score()->kpis[k].session == want.kpis[k].session);
  CHECK(run.core().state_hash() == ref.core().state_hash());
  CHECK(win.score()->score != 50);   // the commands changed something
  for (int i = 0; i < 3; ++i) REQUIRE(win.frame(wall_ms += 100));
  renderer.finish();
  CHECK(renderer.saveScreenshot(std::string(GATETWIN_BINARY_DIR) + "/scenario_score.png"));
  // The headless table has its column headers.
  const std::string table = score_table_text(*win.score());
  CHECK_THAT(table, Catch::StartsWith("  KPI (unit)") && Catch::Contains("session") && Catch::Contains("baseline") &&
                        Catch::Contains("better by") && Catch::Contains("score") && Catch::Contains("weight"));
}

TEST_CASE("scenario window: an instructor's incidents are folded, recorded, and in the baseline", "[scenario][app]") {
  const fs::path dir = temp_dir("instructor");
  const auto ls = load("partner-link-drop");
  ReplayArgs a;
  a.scenario_path = kScenarios + "partner-link-drop.json";
  a.record_path = (dir / "session.db").string();
  int code = 0;
  auto ss = load_scenario_session(a, code);
  REQUIRE(std::holds_alternative<ScenarioSession>(ss));
  auto w = open_scenario_recording(a, std::get<ScenarioSession>(ss));
  REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
  auto writer = std::move(std::get<std::unique_ptr<SessionWriter>>(w));

  engine::Renderer renderer(enginetest::testConfig(960, 540));
  twin::ScenarioRun run(ls.sites, ls.scenario);
  ScenarioWindowOptions o;
  o.speed = 3600;
  o.writer = writer.get();
  ScenarioWindow win(run, renderer, o);
  int64_t wall_ms = 0;
  REQUIRE(win.frame(wall_ms));
  win.start();   // what the briefing's Start button does
  while (run.now() < 8 * twin::kHour) REQUIRE(win.frame(wall_ms += 1000));
  const int scanner = ls.sites[0].checkpoint_index(twin::CheckpointKind::Scanner);
  REQUIRE(scanner >= 0);
  const twin::SimTime injected_at = run.now();
  win.inject(equipment_incident(run.core(), 0, static_cast<uint16_t>(scanner), 1, false));
  win.inject(undeclared_truck_incident(run.core(), 0, 1));
  REQUIRE(win.frame(wall_ms += 1));
  REQUIRE(run.injected().size() == 2);
  CHECK(run.injected()[0].time_ms == injected_at);
  CHECK(run.core().state().sites[0].checkpoints[scanner].servers[1].failed);
  CHECK(run.core().state().sites[0].undeclared.size() == 1);
  play(win, wall_ms);
  REQUIRE(win.score());
  // No trainee command: the baseline had the same incidents, so the score is exactly 50.
  CHECK(win.score()->score == 50);
  writer->snapshot(run.core(), run.now());
  REQUIRE_FALSE(writer->close().has_value());

  // Recorded like any other event: the replay folds them and bookmarks their alerts.
  ReplayOptions ro;
  auto opened = Replay::open(a.record_path, {}, ro);
  REQUIRE(std::holds_alternative<std::unique_ptr<Replay>>(opened));
  Replay& replay = *std::get<std::unique_ptr<Replay>>(opened);
  CHECK(replay.snapshot_check().mismatched == 0);
  replay.seek_index(replay.event_count());
  CHECK(replay.core().state_hash() == run.core().state_hash());
  bool scanner_alert = false, undeclared_alert = false;
  for (const auto& b : replay.bookmarks()) {
    if (b.kind != Bookmark::Kind::Alert || b.time_ms != injected_at) continue;
    scanner_alert |= b.text.find("scanner") != std::string::npos;
    undeclared_alert |= b.text.find("undeclared vehicle INSTR-1") != std::string::npos;
  }
  CHECK(scanner_alert);
  CHECK(undeclared_alert);
}

TEST_CASE("every alert the Alerts panel showed is a bookmark in the replay", "[scenario][replay]") {
  const fs::path dir = temp_dir("alerts");
  ReplayArgs a;
  a.scenario_path = kScenarios + "declaration-mismatch.json";
  a.record_path = (dir / "day.db").string();
  int code = 0;
  auto ss = load_scenario_session(a, code);
  REQUIRE(std::holds_alternative<ScenarioSession>(ss));
  auto& session = std::get<ScenarioSession>(ss);
  auto w = open_scenario_recording(a, session);
  REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
  auto writer = std::move(std::get<std::unique_ptr<SessionWriter>>(w));
  twin::ScenarioRun run(session.loaded.sites, session.loaded.scenario);
  AlertLog panel;   // what the Alerts panel shows, fed as the control room feeds it
  WorldLayout layout(run.core().sites().size());
  run.run_to_end([&](const twin::Event& e, const twin::Decisions& d) {
    writer->append(e, d, run.core());
    panel.collect(d, run.core(), layout);
  });
  REQUIRE_FALSE(writer->close().has_value());
  size_t mismatches = 0;
  for (const Alert& al : panel.items()) mismatches += al.text.find("declaration mismatch") != std::string::npos;
  REQUIRE(mismatches >= 7);

  auto opened = Replay::open(a.record_path, {}, ReplayOptions{});
  REQUIRE(std::holds_alternative<std::unique_ptr<Replay>>(opened));
  std::vector<Bookmark> alerts;
  for (const auto& b : std::get<std::unique_ptr<Replay>>(opened)->bookmarks())
    if (b.kind == Bookmark::Kind::Alert) alerts.push_back(b);
  REQUIRE(panel.total() <= AlertLog::kMax);  // the panel kept them all, so all can be compared
  CHECK(alerts.size() == panel.total());
  // Each alert as the panel showed it ("m1119: text", newest first) is a bookmark at its time.
  for (const Alert& al : panel.items()) {
    const std::string site = run.core().sites()[al.site].id + ": ";
    bool found = false;
    for (const auto& b : alerts) found |= b.time_ms == al.time_ms && b.site == al.site && site + b.text == al.text;
    INFO(al.text);
    CHECK(found);
  }
}

TEST_CASE("live room: an instructor's incident goes on the twin's input path; a viewer's does not", "[scenario][app]") {
  auto sites = connectors::load_sites("all", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(sites));
  twin::Core core(std::get<std::vector<twin::SiteSpec>>(sites));
  connectors::IngestQueue queue(1024);
  pipeline::Sequencer sequencer{pipeline::SequencerLimits{}};
  pipeline::FrameLoop loop(core, queue, sequencer, nullptr, nullptr);
  engine::Renderer renderer(enginetest::testConfig(640, 360));
  ControlRoom room(core, loop, queue, nullptr, renderer, ControlRoomOptions{});
  REQUIRE(room.frame(0));
  const int scanner = core.sites()[1].checkpoint_index(twin::CheckpointKind::Scanner);
  REQUIRE(scanner >= 0);
  room.log_in("watcher", twin::Role::Viewer);
  CHECK(room.inject(1, equipment_incident(core, 1, static_cast<uint16_t>(scanner), 0, false).body) == 0);
  room.log_in("instructor", twin::Role::Supervisor);
  CHECK(room.inject(1, equipment_incident(core, 1, static_cast<uint16_t>(scanner), 0, false).body) == 1);
  CHECK(room.inject(1, undeclared_truck_incident(core, 1, 1).body) == 2);
  REQUIRE(room.frame(50));
  CHECK(core.state().sites[1].checkpoints[scanner].servers[0].failed);
  CHECK(core.state().sites[1].undeclared.size() == 1);
  bool alerted = false;
  for (const Alert& a : room.alerts().items()) alerted |= a.text.find("undeclared vehicle INSTR-1") != std::string::npos;
  CHECK(alerted);
}

TEST_CASE("replay: after take-over an instructor's incident goes into the fork and its recording", "[scenario][replay]") {
  const fs::path dir = temp_dir("fork");
  ReplayArgs a;
  a.scenario_path = kScenarios + "scanner-outage.json";
  a.record_path = (dir / "so.db").string();
  int code = 0;
  auto ss = load_scenario_session(a, code);
  REQUIRE(std::holds_alternative<ScenarioSession>(ss));
  auto& session = std::get<ScenarioSession>(ss);
  {
    auto w = open_scenario_recording(a, session);
    REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
    auto writer = std::move(std::get<std::unique_ptr<SessionWriter>>(w));
    twin::ScenarioRun run(session.loaded.sites, session.loaded.scenario);
    run.advance_to(11 * twin::kHour, [&](const twin::Event& e, const twin::Decisions& d) { writer->append(e, d, run.core()); });
    writer->snapshot(run.core(), run.now());
    REQUIRE_FALSE(writer->close().has_value());
  }
  auto opened = Replay::open(a.record_path, {}, ReplayOptions{});
  REQUIRE(std::holds_alternative<std::unique_ptr<Replay>>(opened));
  ReplayController c(std::move(std::get<std::unique_ptr<Replay>>(opened)), ForkOptions{(dir / "forks.db").string(), {}});
  CHECK(c.inject(0, partner_link_incident(0, false).body).has_value());   // a replay is not changed
  REQUIRE_FALSE(c.seek_time(10 * twin::kHour).has_value());
  REQUIRE_FALSE(c.take_over().has_value());
  REQUIRE_FALSE(c.inject(0, undeclared_truck_incident(c.shown(), 0, 7).body).has_value());
  c.set_speed(60);   // one simulated minute: an undeclared truck not seen again is forgotten after 10
  c.set_playing(true);
  c.update(1.0);
  CHECK(c.shown().state().sites[0].undeclared.size() == 1);
  const uint64_t hash = c.shown().state_hash();
  REQUIRE_FALSE(c.leave_fork().has_value());
  // The fork's recording holds the incident: its replay ends in the same state.
  auto fork = Replay::open((dir / "forks.db").string(), {}, ReplayOptions{});
  REQUIRE(std::holds_alternative<std::unique_ptr<Replay>>(fork));
  Replay& fr = *std::get<std::unique_ptr<Replay>>(fork);
  fr.seek_index(fr.event_count());
  CHECK(fr.core().state().sites[0].undeclared.size() == 1);
  CHECK(fr.core().state_hash() == hash);
}
