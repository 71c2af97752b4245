// Replay of recorded sessions (tools/gatetwin/replay): a seeded session recorded
// in-process and replayed gives the live run's state hash at every snapshot; seeks in any
// order give the state of a fresh fold; a fork with the original's commands reproduces
// it, one with another command diverges, both recorded as forks naming their parent; a
// truncated or corrupt file opens read-only to its last good moment and is not changed;
// a trainer's bookmark is the only write. Files go to a temporary folder; nothing skips.
#include "sessions/operator_alert.h"
#include "sessions/bookmark_store.h"
#include "sessions/fork_run.h"
#include "sessions/live_notes.h"
#include "sessions/replay.h"
#include "sessions/replay_controller.h"
#include "sessions/session_compare.h"
#include "sessions/session_writer.h"

#include "connectors/files/site_file.h"
#include "connectors/store/recording_reader.h"
#include "twin/run.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

using namespace sessions;

namespace fs = std::filesystem;

namespace {

std::string sites_dir() { return std::string(GATETWIN_SOURCE_DIR) + "/assets/sites"; }

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("gatetwin_replay_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  // Removed when the test program exits (kept while it runs, for a look after a failure).
  static std::vector<fs::path> made;
  static struct Cleanup { ~Cleanup() { for (const auto& m : made) { std::error_code ec; fs::remove_all(m, ec); } } } cleanup;
  made.push_back(d);
  return d;
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

twin::OperatorCommand close_lane(uint16_t lane) {
  twin::OperatorCommand c;
  c.actor = "trainee";
  c.role = twin::Role::Supervisor;
  c.reason = "test";
  c.command.kind = twin::CommandKind::CloseLane;
  c.command.lane = lane;
  return c;
}

struct LiveRun {
  std::map<uint64_t, uint64_t> hash_after_seq;   // the live core's hash after each event
  uint64_t final_hash = 0;
  uint64_t events = 0;
  int64_t session = 0;
};

// A plain simulated run of both sites at the 2030 load, recorded; with `command` given, a
// trainee command at command_ms (as ScenarioRun::command does: after everything up to then).
LiveRun record_run(const fs::path& file, twin::SimTime end_ms, std::optional<std::pair<twin::SimTime, twin::OperatorCommand>> command = {}) {
  SimConfig cfg;
  cfg.seed = 11;
  cfg.load = "2030";
  auto world = std::get<SimWorld>(make_sim_world(cfg, sites_dir()));
  twin::Core core(world.sites);
  auto sim = make_simulator(world, core.sites(), cfg);
  connectors::SessionInfo info;
  info.sites = "m1119,m1088";
  info.seed = cfg.seed;
  info.notes = cfg.to_notes();
  auto w = SessionWriter::open(file.string(), info, 10 * twin::kMinute);
  REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
  auto& writer = std::get<std::unique_ptr<SessionWriter>>(w);
  LiveRun run;
  auto after = [&](const twin::Event& e, const twin::Decisions& d) {
    writer->append(e, d, core);
    run.hash_after_seq[e.seq] = core.state_hash();
  };
  if (command) {
    run.events += twin::run_until(core, *sim, command->first, after);
    sim->inject(command->first, 0, command->second);
  }
  run.events += twin::run_until(core, *sim, end_ms, after);
  writer->snapshot(core, end_ms);
  run.session = writer->session();
  REQUIRE_FALSE(writer->close().has_value());
  run.final_hash = core.state_hash();
  return run;
}

std::unique_ptr<Replay> open_replay(const fs::path& file, std::optional<int64_t> session = {}, size_t every = 512) {
  ReplayOptions o;
  o.checkpoint_every = every;
  o.sites_dir = sites_dir();
  auto r = Replay::open(file.string(), session, o);
  if (auto* e = std::get_if<connectors::Failure>(&r)) FAIL(e->message());
  return std::move(std::get<std::unique_ptr<Replay>>(r));
}

}  // namespace

TEST_CASE("a recorded seeded session replays to the live run's state hash at every snapshot", "[replay]") {
  const fs::path dir = temp_dir("hash");
  const LiveRun live = record_run(dir / "day.db", 6 * twin::kHour);
  auto replay = open_replay(dir / "day.db");
  REQUIRE_FALSE(replay->damaged());
  REQUIRE(replay->event_count() == live.events);
  // Checked while loading: every snapshot's recorded hash against the refold.
  CHECK(replay->snapshot_check().checked >= 30);
  CHECK(replay->snapshot_check().mismatched == 0);
  // And by seeking to each snapshot: the live run's hash after that event.
  REQUIRE(replay->snapshots().size() >= 30);
  for (const auto& s : replay->snapshots()) {
    replay->seek_seq(s.seq);
    CHECK(replay->core().state_hash() == s.state_hash);
    CHECK(replay->core().state_hash() == live.hash_after_seq.at(s.seq));
  }
  replay->seek_index(replay->event_count());
  CHECK(replay->core().state_hash() == live.final_hash);
}

TEST_CASE("seeking forward, backward and to the same moment twice gives the state of a fresh fold", "[replay]") {
  const fs::path dir = temp_dir("seek");
  const LiveRun live = record_run(dir / "day.db", 4 * twin::kHour);
  auto replay = open_replay(dir / "day.db", {}, 700);
  const size_t n = replay->event_count();
  // Moments in a scrambled order: forward, backward, across checkpoints, the same twice.
  const std::vector<size_t> order = {n / 2, n / 2, n / 5, n - 1, 3, n / 2 + 1, n / 2, 0, n, 701, 699, 700, n / 3, n / 3};
  std::map<size_t, uint64_t> first_hash;
  for (size_t i : order) {
    replay->seek_index(i);
    REQUIRE(replay->position() == i);
    const uint64_t h = replay->core().state_hash();
    if (i > 0) CHECK(h == live.hash_after_seq.at(replay->events()[i - 1].seq));
    if (auto it = first_hash.find(i); it != first_hash.end()) CHECK(it->second == h);
    first_hash[i] = h;
  }
  // By time: twice to 02:30:00 from either side, and step / step_back around it.
  const twin::SimTime t = 2 * twin::kHour + 30 * twin::kMinute;
  replay->seek_time(t);
  const uint64_t at_t = replay->core().state_hash();
  const size_t pos_t = replay->position();
  CHECK(replay->events()[pos_t - 1].time_ms <= t);
  CHECK(replay->events()[pos_t].time_ms > t);
  replay->seek_time(3 * twin::kHour);
  replay->seek_time(t);
  CHECK(replay->core().state_hash() == at_t);
  REQUIRE(replay->step());
  CHECK(replay->core().state_hash() == live.hash_after_seq.at(replay->seq()));
  REQUIRE(replay->step_back());
  CHECK(replay->core().state_hash() == at_t);
  // Play at x1000 for 1.8 wall seconds: 30 simulated minutes, folded forward.
  replay->set_speed(5000);
  CHECK(replay->speed() == 1000);
  replay->set_playing(true);
  CHECK(replay->play(1.8) > 0);
  CHECK(replay->time_ms() == t + 30 * twin::kMinute);
  replay->seek_time(t + 30 * twin::kMinute);
  const uint64_t played = live.hash_after_seq.at(replay->seq());
  CHECK(replay->core().state_hash() == played);
}

TEST_CASE("a fork with the original's commands reproduces it; another command diverges; both are recorded", "[replay][fork]") {
  const fs::path dir = temp_dir("fork");
  const twin::SimTime end = 5 * twin::kHour, fork_at = 2 * twin::kHour, command_at = 3 * twin::kHour;
  const LiveRun original = record_run(dir / "day.db", end, std::make_pair(command_at, close_lane(0)));
  const std::string original_bytes = file_bytes(dir / "day.db");
  auto replay = open_replay(dir / "day.db");
  replay->seek_time(fork_at);
  const uint64_t fork_seq = replay->seq();
  REQUIRE(fork_seq > 0);

  ForkOptions fo;
  fo.record_path = (dir / "forks.db").string();
  fo.sites_dir = sites_dir();
  auto same_r = ForkRun::start(*replay, fo);
  if (auto* e = std::get_if<connectors::Failure>(&same_r)) FAIL(e->message());
  auto& same = std::get<std::unique_ptr<ForkRun>>(same_r);
  CHECK(same->exact());
  CHECK(same->core().state_hash() == replay->core().state_hash());
  same->advance_to(command_at);
  same->command(0, close_lane(0));
  same->advance_to(end);
  CHECK(same->core().state_hash() == original.final_hash);
  const int64_t same_session = same->recorded_session();
  REQUIRE_FALSE(same->close().has_value());

  auto other_r = ForkRun::start(*replay, fo);
  if (auto* e = std::get_if<connectors::Failure>(&other_r)) FAIL(e->message());
  auto& other = std::get<std::unique_ptr<ForkRun>>(other_r);
  other->advance_to(command_at);
  other->command(0, close_lane(1));
  other->advance_to(end);
  CHECK(other->core().state_hash() != original.final_hash);
  const int64_t other_session = other->recorded_session();
  REQUIRE_FALSE(other->close().has_value());

  // The comparison with the original at the fork's end says so.
  replay->seek_index(replay->event_count());
  SessionCompare cmp(replay->core(), other->core(), end, "original", "fork");
  CHECK_FALSE(cmp.identical());
  CHECK(cmp.json()["rows"].size() > 10);
  CHECK(SessionCompare(replay->core(), same->core(), end, "original", "fork").identical());

  // Both forks are sessions of their own that name the parent and the moment, and replay.
  auto rd = std::get<std::unique_ptr<connectors::RecordingReader>>(connectors::RecordingReader::open(fo.record_path));
  auto sessions = std::get<std::vector<connectors::Session>>(rd->sessions());
  REQUIRE(sessions.size() == 3);   // a copy of the original, then the two forks
  CHECK(sessions[0].info.source == connectors::SessionSource::Sim);
  CHECK(file_bytes(dir / "day.db") == original_bytes);  // the original file is never written
  for (const auto& s : std::vector<connectors::Session>(sessions.begin() + 1, sessions.end())) {
    CHECK(s.info.source == connectors::SessionSource::Fork);
    CHECK(s.info.parent_session == original.session);
    CHECK(s.info.fork_seq == fork_seq);
  }
  auto same_replay = open_replay(fo.record_path, same_session);
  same_replay->seek_index(same_replay->event_count());
  CHECK(same_replay->core().state_hash() == original.final_hash);
  CHECK(same_replay->snapshot_check().mismatched == 0);
  auto other_replay = open_replay(fo.record_path, other_session);
  other_replay->seek_index(other_replay->event_count());
  CHECK(other_replay->core().state_hash() == other->core().state_hash());

  // A fork of the fork after its command: rebuilt exactly (the recorded command is put in).
  other_replay->seek_time(4 * twin::kHour);
  auto again_r = ForkRun::start(*other_replay, ForkOptions{"", sites_dir()});
  if (auto* e = std::get_if<connectors::Failure>(&again_r)) FAIL(e->message());
  auto& again = std::get<std::unique_ptr<ForkRun>>(again_r);
  CHECK(again->exact());
  again->advance_to(end);
  CHECK(again->core().state_hash() == other->core().state_hash());
}

TEST_CASE("a truncated or corrupt recording opens read-only to its last good moment and is not changed", "[replay][damage]") {
  const fs::path dir = temp_dir("damage");
  const LiveRun live = record_run(dir / "day.db", 6 * twin::kHour);
  const auto whole = file_bytes(dir / "day.db");

  SECTION("truncated") {
    const fs::path cut = dir / "cut.db";
    { std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() * 6 / 10); }
    const auto before = file_bytes(cut);
    auto r = Replay::open(cut.string(), {}, ReplayOptions{512, 20000, sites_dir()});
    if (auto* e = std::get_if<connectors::Failure>(&r)) FAIL("a truncated file should replay its good part: " + e->message());
    auto& replay = std::get<std::unique_ptr<Replay>>(r);
    INFO(replay->warning());
    CHECK(replay->damaged());
    CHECK(replay->warning().find("truncated") != std::string::npos);
    CHECK(replay->warning().find("last good moment") != std::string::npos);
    CHECK(replay->event_count() > 0);
    CHECK(replay->event_count() < live.events);
    replay->seek_index(replay->event_count());  // the last good moment is the live state there
    CHECK(replay->core().state_hash() == live.hash_after_seq.at(replay->seq()));
    CHECK(replay->add_bookmark("not allowed").has_value());
    replay.reset();
    CHECK(file_bytes(cut) == before);
    CHECK_FALSE(fs::exists(cut.string() + "-journal"));
  }
  SECTION("corrupt pages") {
    const fs::path bad = dir / "bad.db";
    std::string damaged = whole;
    for (size_t i = damaged.size() / 2; i < damaged.size() / 2 + 20000; ++i) damaged[i] = static_cast<char>(0xA5);
    { std::ofstream(bad, std::ios::binary) << damaged; }
    // 20,000 bytes in the middle of a six-hour recording are events pages: the file opens
    // (damaged, read-only) and replays the events before them, a good part of the day.
    auto r = Replay::open(bad.string(), {}, ReplayOptions{512, 20000, sites_dir()});
    if (auto* e = std::get_if<connectors::Failure>(&r)) FAIL("corrupt events pages should replay the good part: " + e->message());
    auto& replay = std::get<std::unique_ptr<Replay>>(r);
    INFO(replay->warning());
    CHECK(replay->damaged());
    CHECK(replay->warning().find("corrupt") != std::string::npos);
    CHECK(replay->warning().find("last good moment") != std::string::npos);
    REQUIRE(replay->event_count() > live.events / 10);
    CHECK(replay->event_count() < live.events);
    replay->seek_index(replay->event_count());
    CHECK(replay->core().state_hash() == live.hash_after_seq.at(replay->seq()));
    replay.reset();
    CHECK(file_bytes(bad) == damaged);
  }
  SECTION("a corrupt header page") {
    // The database header (bytes 16-99: page size, format, counts) overwritten: nothing
    // can be read; refused with a message that says what is wrong, the file unchanged.
    const fs::path bad = dir / "bad_header.db";
    std::string damaged = whole;
    for (size_t i = 16; i < 100; ++i) damaged[i] = static_cast<char>(0xA5);
    { std::ofstream(bad, std::ios::binary) << damaged; }
    auto r = Replay::open(bad.string(), {}, ReplayOptions{512, 20000, sites_dir()});
    REQUIRE(std::holds_alternative<connectors::Failure>(r));
    const std::string& e = std::get<connectors::Failure>(r).message();
    INFO(e);
    CHECK(e.find("corrupt") != std::string::npos);
    CHECK(file_bytes(bad) == damaged);
  }
}

TEST_CASE("bookmarks: alerts and commands found while loading; a trainer's note is the only write", "[replay][bookmarks]") {
  const fs::path dir = temp_dir("bookmarks");
  record_run(dir / "day.db", 6 * twin::kHour, std::make_pair(2 * twin::kHour, close_lane(0)));
  const auto before = file_bytes(dir / "day.db");
  {
    auto replay = open_replay(dir / "day.db");
    CHECK(file_bytes(dir / "day.db") == before);  // opening and seeking never write
    bool command = false, alert = false;
    for (const auto& b : replay->bookmarks()) {
      command |= b.kind == Bookmark::Kind::Command;
      alert |= b.kind == Bookmark::Kind::Alert;
    }
    CHECK(command);
    // Every alert the Alerts panel shows is a bookmark (the recording's decisions say how
    // many): the core's alerts and the declaration-mismatch diversions.
    auto rd = std::get<std::unique_ptr<connectors::RecordingReader>>(connectors::RecordingReader::open((dir / "day.db").string()));
    size_t alerts = 0, alert_marks = 0;
    const auto decisions = std::get<std::vector<twin::Decision>>(rd->read_decisions(replay->session().id));
    for (const auto& d : decisions)
      alerts += sessions::operator_alert_text(d).has_value();
    for (const auto& b : replay->bookmarks()) alert_marks += b.kind == Bookmark::Kind::Alert;
    CHECK(alert_marks == alerts);
    CHECK(alert == (alerts > 0));
    auto next = replay->next_bookmark(Bookmark::Kind::Command);
    REQUIRE(next);
    replay->seek_to(*next);
    CHECK(replay->seq() == next->seq);
    CHECK(replay->core().state().commands.size() == 1);
    replay->seek_time(3 * twin::kHour);
    REQUIRE_FALSE(replay->add_bookmark("queue builds after the lane closed").has_value());
    CHECK(replay->previous_bookmark(Bookmark::Kind::Command)->seq == next->seq);
  }
  CHECK(file_bytes(dir / "day.db") != before);
  auto replay = open_replay(dir / "day.db");
  std::vector<Bookmark> user;
  for (const auto& b : replay->bookmarks())
    if (b.kind == Bookmark::Kind::User) user.push_back(b);
  REQUIRE(user.size() == 1);
  CHECK(user[0].text == "queue builds after the lane closed");
  CHECK(user[0].time_ms == 3 * twin::kHour);
  // The recording itself is as it was: same events, still a valid recording (quick_check).
  CHECK(replay->snapshot_check().mismatched == 0);
  auto rd = connectors::RecordingReader::open((dir / "day.db").string());
  REQUIRE(std::holds_alternative<std::unique_ptr<connectors::RecordingReader>>(rd));
}

TEST_CASE("the timeline's controller: play, step, bookmarks, take over, trainee command, compare", "[replay][controller]") {
  const fs::path dir = temp_dir("controller");
  const LiveRun live = record_run(dir / "day.db", 4 * twin::kHour, std::make_pair(1 * twin::kHour, close_lane(2)));
  ReplayController c(open_replay(dir / "day.db"), ForkOptions{(dir / "forks.db").string(), sites_dir()});
  CHECK(c.command(0, close_lane(0)).has_value());   // a replay takes no command
  CHECK(c.compare() == std::nullopt);
  CHECK_FALSE(c.seek_time(2 * twin::kHour).has_value());
  c.set_speed(600);
  c.set_playing(true);
  c.update(0.5);                                       // 300 simulated seconds
  CHECK(c.shown_ms() == 2 * twin::kHour + 300'000);
  CHECK(c.shown().state_hash() == live.hash_after_seq.at(c.replay().seq()));
  CHECK_FALSE(c.jump_bookmark(-1).has_value());                  // back to the recorded command
  CHECK(c.shown().state().commands.size() == 1);
  CHECK_FALSE(c.step(+1).has_value());
  CHECK(c.shown().state_hash() == live.hash_after_seq.at(c.replay().seq()));
  CHECK_FALSE(c.seek_time(2 * twin::kHour).has_value());
  REQUIRE_FALSE(c.take_over().has_value());
  CHECK(c.seek_time(0).has_value());                 // a fork only runs forward
  REQUIRE_FALSE(c.command(0, close_lane(0)).has_value());
  c.update(1.0);                                       // 600 simulated seconds at x600
  CHECK(c.shown_ms() == 2 * twin::kHour + 600'000);
  REQUIRE(c.shown().state().commands.size() == 2);
  CHECK(c.shown().state().commands.back().accepted);
  CHECK_FALSE(c.shown().state().sites[0].lanes[0].open);
  auto cmp = c.compare();
  REQUIRE(cmp);
  CHECK_FALSE(cmp->identical());
  CHECK(c.replay().time_ms() == c.shown_ms());          // the original at the same moment
  CHECK_FALSE(c.leave_fork().has_value());
  CHECK(c.replay().time_ms() == 2 * twin::kHour);
}

TEST_CASE("a fork of a live recording (no seed to re-run) goes on from the replayed state, and says what it cannot know", "[replay][fork]") {
  const fs::path dir = temp_dir("live");
  // A "live" session: events as the twin applied them, no simulator configuration in the notes.
  SimConfig cfg;
  cfg.seed = 4;
  auto world = std::get<SimWorld>(make_sim_world(cfg, sites_dir()));
  twin::Core core(world.sites);
  auto sim = make_simulator(world, core.sites(), cfg);
  {
    auto w = SessionWriter::open((dir / "live.db").string(), {"m1119,m1088", 0, connectors::SessionSource::Live, {}, {}, ""});
    REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
    auto& writer = std::get<std::unique_ptr<SessionWriter>>(w);
    twin::run_until(core, *sim, 3 * twin::kHour, [&](const twin::Event& e, const twin::Decisions& d) { writer->append(e, d, core); });
    REQUIRE_FALSE(writer->close().has_value());
  }
  auto replay = open_replay(dir / "live.db");
  CHECK_FALSE(replay->sim_config().has_value());
  replay->seek_time(2 * twin::kHour);
  auto f = ForkRun::start(*replay, ForkOptions{(dir / "fork.db").string(), sites_dir(), "2030"});
  if (auto* e = std::get_if<connectors::Failure>(&f)) FAIL(e->message());
  auto& fork = std::get<std::unique_ptr<ForkRun>>(f);
  CHECK_FALSE(fork->exact());
  CHECK_THAT(fork->how(), Catch::Contains("in service at the fork get no completion"));
  CHECK(fork->core().state_hash() == replay->core().state_hash());   // it starts from exactly the replayed state
  const auto arrived_at_fork = fork->core().state().sites[0].counters.arrived;
  CHECK(fork->advance_to(3 * twin::kHour) > 0);
  CHECK(fork->core().state().sites[0].counters.arrived[0] + fork->core().state().sites[0].counters.arrived[1] >
        arrived_at_fork[0] + arrived_at_fork[1]);                      // new arrivals from the fresh simulator
  CHECK(fork->core().state().last_seq > replay->seq());                // its seqs follow the recording's
  // Its new shipments take ids after the recording's: none is refused as a duplicate.
  int64_t ignored_at_fork = 0, ignored_after = 0;
  for (const auto& [why, n] : replay->core().state().ignored_by_reason) ignored_at_fork += n;
  for (const auto& [why, n] : fork->core().state().ignored_by_reason) ignored_after += n;
  CHECK(ignored_after == ignored_at_fork);
  const int64_t s = fork->recorded_session();
  REQUIRE_FALSE(fork->close().has_value());
  auto again = open_replay(dir / "fork.db", s);
  again->seek_index(again->event_count());
  CHECK(again->core().state_hash() == fork->core().state_hash());
}

TEST_CASE("a live recording replays with the gate's date and local time; a simulated one with its run clock", "[replay][time]") {
  const fs::path dir = temp_dir("gate-date");
  SimConfig cfg;
  cfg.seed = 5;
  auto world = std::get<SimWorld>(make_sim_world(cfg, sites_dir()));
  twin::Core core(world.sites);
  auto sim = make_simulator(world, core.sites(), cfg);
  // The live twin's notes with its epoch: 2026-11-29T17:00:00Z is 00:00 on 30 November at
  // the gate (UTC+7): 20,786 days after 1970-01-01 plus 17 h = 1,795,971,600 s (checked
  // with `date -u -d @1795971600`).
  const int64_t epoch = 1795971600000;
  {
    auto w = SessionWriter::open((dir / "live.db").string(),
                                 {"m1119,m1088", 0, connectors::SessionSource::Live, {}, {}, live_session_notes(epoch, "--epoch")});
    REQUIRE(std::holds_alternative<std::unique_ptr<SessionWriter>>(w));
    auto& writer = std::get<std::unique_ptr<SessionWriter>>(w);
    twin::run_until(core, *sim, 2 * twin::kHour, [&](const twin::Event& e, const twin::Decisions& d) { writer->append(e, d, core); });
    REQUIRE_FALSE(writer->close().has_value());
  }
  auto live = open_replay(dir / "live.db");
  REQUIRE(live->epoch_utc_ms() == epoch);
  // 01:30:05 into the run is 01:30:05 on 30 November at the gate.
  CHECK(live->time_text(twin::kHour + 30 * twin::kMinute + 5000) == "2026-11-30 01:30:05 UTC+7");
  CHECK(live->time_text(25 * twin::kHour) == "2026-12-01 01:00:00 UTC+7");
  // A simulated recording has no epoch: its run clock, as before.
  record_run(dir / "sim.db", twin::kHour);
  auto simulated = open_replay(dir / "sim.db");
  CHECK_FALSE(simulated->epoch_utc_ms().has_value());
  CHECK(simulated->time_text(twin::kHour + 30 * twin::kMinute + 5000) == "01:30:05");
}
