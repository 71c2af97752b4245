// Recordings are untrusted input (issue 19): a crafted file must get a clear refusal or
// open to its last good moment, never read a device until memory runs out, probe paths it
// names, abort on an absurd time or trip the core's contract. Each case writes a real
// SQLite recording (or notes) by hand; it must not rely on the shipped scenarios beyond
// reading one as text.
#include "sessions/kpi_export.h"
#include "sessions/replay.h"
#include "sessions/session_writer.h"
#include "sessions/sim_config.h"

#include "connectors/files/scenario_file.h"
#include "connectors/files/site_file.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace sessions;
namespace fs = std::filesystem;

namespace {

const std::string kSites = std::string(GATETWIN_SOURCE_DIR) + "/assets/sites";

fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("gatetwin_untrusted_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A live-style recording of both sites with the given (seq, time) clock ticks.
void write_ticks(const fs::path& file, const std::vector<std::pair<uint64_t, twin::SimTime>>& ticks, const std::string& notes = "") {
  twin::Core core({});
  auto w = SessionWriter::open(file.string(), {"m1119,m1088", 0, connectors::SessionSource::Live, {}, {}, notes});
  REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
  auto& writer = std::get<std::unique_ptr<SessionWriter>>(w);
  for (auto [seq, t] : ticks) writer->append(twin::Event{seq, t, 0, twin::ClockTick{}}, {}, core);
  REQUIRE_FALSE(writer->close().has_value());
}

connectors::Result<std::unique_ptr<Replay>> open(const fs::path& file) {
  ReplayOptions o;
  o.sites_dir = kSites;
  return Replay::open(file.string(), {}, o);
}


}  // namespace

TEST_CASE("files are read only when regular and small: a device or a huge file is refused at once", "[replay][untrusted]") {
  auto dev = connectors::read_small_file("/dev/zero", 4u << 20);
  REQUIRE(std::holds_alternative<connectors::FileReadFailure>(dev));
  CHECK_THAT(std::get<connectors::FileReadFailure>(dev).why, Catch::Contains("not a regular file"));
  auto site = connectors::load_site_file("/dev/zero");
  REQUIRE(std::holds_alternative<connectors::SiteFileError>(site));
  CHECK_THAT(std::get<connectors::SiteFileError>(site).message(), Catch::Contains("not a regular file"));
  const fs::path dir = scratch("big");
  { std::ofstream(dir / "big.json") << std::string((4u << 20) + 1, ' '); }
  auto big = connectors::load_scenario_file((dir / "big.json").string(), kSites);
  REQUIRE(std::holds_alternative<connectors::ScenarioFileError>(big));
  CHECK_THAT(std::get<connectors::ScenarioFileError>(big).message(), Catch::Contains("larger than 4 MiB"));
  CHECK(connectors::is_site_id("m1119"));
  CHECK_FALSE(connectors::is_site_id("/etc/passwd"));
  CHECK_FALSE(connectors::is_site_id("../m1119"));
  CHECK_FALSE(connectors::is_site_id(""));
  fs::remove_all(dir);
}

TEST_CASE("a recording names sites and scenarios by id; one naming a path is refused, nothing opened", "[replay][untrusted]") {
  const fs::path dir = scratch("names");
  SECTION("a site named by path") {
    write_ticks(dir / "site.db", {{1, 0}}, R"({"gatetwin_sim":{"kind":"plain","seed":1,"site":"/etc/passwd","load":"2030"}})");
    auto r = open(dir / "site.db");
    REQUIRE(std::holds_alternative<connectors::Failure>(r));
    CHECK_THAT(std::get<connectors::Failure>(r).message(), Catch::Contains("sites are named by id"));
  }
  SECTION("an old-style scenario path to a device: only its name is looked up, among the shipped scenarios") {
    write_ticks(dir / "zero.db", {{1, 0}}, R"({"gatetwin_sim":{"kind":"scenario","seed":1,"scenario_file":"/dev/zero"}})");
    auto r = open(dir / "zero.db");
    REQUIRE(std::holds_alternative<connectors::Failure>(r));
    CHECK_THAT(std::get<connectors::Failure>(r).message(), Catch::Contains("scenario \"zero\" is not in"));
  }
  SECTION("a recorded scenario text whose sites name a path") {
    SimConfig c;
    c.kind = SimConfig::Kind::Scenario;
    c.scenario_id = "crafted";
    c.scenario_json = R"({"format":"gatetwin-scenario/1","id":"crafted","title":"t","briefing":"b","sites":["/etc/passwd"],)"
                      R"("seed":1,"load":"2030","end":"01:00","incidents":[]})";
    write_ticks(dir / "text.db", {{1, 0}}, c.to_notes());
    auto r = open(dir / "text.db");
    REQUIRE(std::holds_alternative<connectors::Failure>(r));
    CHECK_THAT(std::get<connectors::Failure>(r).message(), Catch::Contains("is not a site id"));
  }
  fs::remove_all(dir);
}

TEST_CASE("a scenario recording carries the scenario's text: it replays with the file gone", "[replay][untrusted]") {
  const fs::path dir = scratch("self");
  const std::string shipped = connectors::scenario_paths(connectors::default_scenarios_dir()).at(0);
  fs::copy_file(shipped, dir / "mine.json");
  auto text = connectors::read_scenario_text((dir / "mine.json").string());
  REQUIRE(std::holds_alternative<std::string>(text));
  SimConfig c;
  c.kind = SimConfig::Kind::Scenario;
  c.scenario_id = "mine";
  c.scenario_json = std::get<std::string>(text);
  write_ticks(dir / "s.db", {{1, 0}}, c.to_notes());
  fs::remove(dir / "mine.json");   // and "mine" is no shipped scenario either
  auto r = open(dir / "s.db");
  if (auto* e = std::get_if<connectors::Failure>(&r)) FAIL(e->message());
  REQUIRE(std::get<std::unique_ptr<Replay>>(r)->sim_config()->scenario_id == "mine");
  fs::remove_all(dir);
}

TEST_CASE("an absurd or backward event time ends the replay at the last good moment, with a warning", "[replay][untrusted]") {
  const fs::path dir = scratch("times");
  SECTION("2^62 ms") {
    write_ticks(dir / "far.db", {{1, 0}, {2, 60'000}, {3, twin::SimTime{1} << 62}, {4, 120'000}});
    auto r = open(dir / "far.db");
    if (auto* e = std::get_if<connectors::Failure>(&r)) FAIL(e->message());
    auto& replay = std::get<std::unique_ptr<Replay>>(r);
    CHECK(replay->event_count() == 2);
    CHECK(replay->end_ms() == 60'000);
    CHECK_THAT(replay->warning(), Catch::Contains("outside a run"));
    KpiExport ex(*replay, twin::kMinute);   // and the export stays small
    CHECK(ex.samples().size() == 1);
  }
  SECTION("time going backwards") {
    write_ticks(dir / "back.db", {{1, 0}, {2, 600'000}, {3, 300'000}});
    auto r = open(dir / "back.db");
    if (auto* e = std::get_if<connectors::Failure>(&r)) FAIL(e->message());
    auto& replay = std::get<std::unique_ptr<Replay>>(r);
    CHECK(replay->event_count() == 2);
    CHECK_THAT(replay->warning(), Catch::Contains("goes back"));
    replay->seek_index(replay->event_count());   // no contract stop in the core
    CHECK(replay->core().state().now_ms == 600'000);
  }
  SECTION("a long recording exports at most 10,000 samples") {
    write_ticks(dir / "long.db", {{1, 0}, {2, 20 * 24 * twin::kHour}});   // 20 days: 28,800 minutes
    auto r = open(dir / "long.db");
    if (auto* e = std::get_if<connectors::Failure>(&r)) FAIL(e->message());
    KpiExport ex(*std::get<std::unique_ptr<Replay>>(r), twin::kMinute);
    CHECK(ex.samples().size() <= KpiExport::kMaxSamples);
    CHECK(ex.samples().size() > KpiExport::kMaxSamples / 2);
    CHECK(ex.every_ms() > twin::kMinute);
    CHECK(ex.samples().back().time_ms == 20 * 24 * twin::kHour);
  }
  fs::remove_all(dir);
}
