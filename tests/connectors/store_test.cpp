// Tests the recording store (connectors/store) and the binary event codec
// (connectors/codec/event_binary): codec round trips for every event type and hostile
// bytes into the decoder; a simulated session written to a real SQLite file, read back
// event for event and refolded to the live state hash; the typed error and the untouched
// file for each kind of unreadable file (missing, empty, truncated, not SQLite, foreign
// SQLite, newer schema, corrupt); a corrupt blob; a full disk; SIGKILL mid-recording.
// Files live in a fresh temporary folder per test. Seed: 7, or $GATETWIN_TEST_SEED.
// Nothing is skipped: SQLite and the shipped site files are required.
#include "connectors/codec/event_binary.h"
#include "connectors/files/site_file.h"
#include "connectors/store/recorder.h"
#include "connectors/store/recording_reader.h"
#include "connectors/store/database.h"
#include "connectors/store/schema.h"
#include "twin/run.h"
#include "tests/support/store_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

using namespace connectors;
namespace fs = std::filesystem;

namespace {

// [SECTION] Helpers

uint64_t test_seed() {
  const char* s = std::getenv("GATETWIN_TEST_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 7;
}


template <class T>
const T& ok(const StoreResult<T>& r) {
  if (auto* e = std::get_if<StoreError>(&r)) FAIL("unexpected store error: " << e->message());
  return std::get<T>(r);
}
template <class T>
T& ok(StoreResult<T>& r) {
  if (auto* e = std::get_if<StoreError>(&r)) FAIL("unexpected store error: " << e->message());
  return std::get<T>(r);
}
template <class T>
StoreError err(const StoreResult<T>& r) {
  if (!std::holds_alternative<StoreError>(r)) FAIL("expected a store error, got a value");
  return std::get<StoreError>(r);
}

std::vector<uint8_t> encode(const twin::Event& e) {
  std::vector<uint8_t> out;
  auto bad = encode_event(e, out);
  REQUIRE_FALSE(bad.has_value());
  return out;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Field-by-field equality of two events (floats by their bits).
bool same(const twin::Event& a, const twin::Event& b) {
  using namespace twin;
  if (a.seq != b.seq || a.time_ms != b.time_ms || a.site != b.site || a.body.index() != b.body.index()) return false;
  auto eqref = [](const EquipmentRef& x, const EquipmentRef& y) { return x == y; };
  return std::visit(
      [&](const auto& x) -> bool {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b.body);
        if constexpr (std::is_same_v<T, ClockTick>) return true;
        else if constexpr (std::is_same_v<T, DeclarationFiled>)
          return x.shipment == y.shipment && x.direction == y.direction && x.goods == y.goods &&
                 x.reefer == y.reefer && x.unmanned_eligible == y.unmanned_eligible && x.plate == y.plate &&
                 x.container == y.container;
        else if constexpr (std::is_same_v<T, PartnerDeclarationReceived>)
          return x.shipment == y.shipment && x.goods == y.goods && x.plate == y.plate && x.container == y.container;
        else if constexpr (std::is_same_v<T, VehicleArrived>)
          return x.direction == y.direction && x.plate == y.plate && x.container == y.container;
        else if constexpr (std::is_same_v<T, StepCompleted>)
          return x.shipment == y.shipment && x.checkpoint == y.checkpoint && x.channel == y.channel &&
                 x.passed == y.passed;
        else if constexpr (std::is_same_v<T, HandoverCompleted> || std::is_same_v<T, PartnerReceiptConfirmed> ||
                           std::is_same_v<T, TransferCompleted> || std::is_same_v<T, VehicleLeft>)
          return x.shipment == y.shipment;
        else if constexpr (std::is_same_v<T, GuideVehicleStepCompleted>) return x.vehicle == y.vehicle;
        else if constexpr (std::is_same_v<T, EquipmentStatus>) return eqref(x.equipment, y.equipment) && x.ok == y.ok;
        else if constexpr (std::is_same_v<T, PartnerLinkStatus>) return x.up == y.up;
        else if constexpr (std::is_same_v<T, ReeferPower>) return x.yard == y.yard && x.on == y.on;
        else if constexpr (std::is_same_v<T, PositionReport>)
          return x.entity == y.entity && x.id == y.id && same_bits(x.position.x, y.position.x) &&
                 same_bits(x.position.y, y.position.y) && same_bits(x.heading_rad, y.heading_rad);
        else if constexpr (std::is_same_v<T, OperatorCommand>)
          return x.actor == y.actor && x.role == y.role && x.reason == y.reason && x.command.kind == y.command.kind &&
                 x.command.lane == y.command.lane && x.command.shipment == y.command.shipment &&
                 eqref(x.command.equipment, y.command.equipment) && x.command.goods == y.command.goods;
        else static_assert(sizeof(T) == 0, "a new event type needs a comparison here");
      },
      a.body);
}

bool same(const twin::Decision& a, const twin::Decision& b) {
  return a.kind == b.kind && a.site == b.site && a.shipment == b.shipment && a.resource == b.resource &&
         a.unit == b.unit && a.value == b.value && a.cause_seq == b.cause_seq && a.time_ms == b.time_ms &&
         a.text == b.text;
}

// One event of every type, with values away from the defaults (large ids, negative
// time, odd floats, UTF-8 and empty strings).
std::vector<twin::Event> one_of_each() {
  using namespace twin;
  std::vector<Event> v;
  uint64_t seq = 1;
  auto add = [&](EventBody b, SimTime t = 1234567, uint8_t site = 1) { v.push_back(Event{seq++ * 977, t, site, std::move(b)}); };
  add(ClockTick{}, -5);
  add(DeclarationFiled{ShipmentId{0xFFFFFFFFu}, Direction::Import, 65535, true, false, "51C-123.45", "MSKU1234565"});
  add(PartnerDeclarationReceived{ShipmentId{42}, 3, "桂A12345", ""});
  add(VehicleArrived{Direction::Import, "", "CONT\x01\xFF"});
  add(StepCompleted{ShipmentId{7}, CheckpointKind::Quarantine, Channel::Red, false});
  add(HandoverCompleted{ShipmentId{8}});
  add(PartnerReceiptConfirmed{ShipmentId{9}});
  add(TransferCompleted{ShipmentId{10}});
  add(VehicleLeft{ShipmentId{11}});
  add(GuideVehicleStepCompleted{65535});
  add(EquipmentStatus{EquipmentRef{EquipmentRef::Kind::GuideVehicle, 3, 65535}, false});
  add(PartnerLinkStatus{false});
  add(ReeferPower{2, false});
  add(PositionReport{EntityKind::Truck, 123456, glm::vec2(-1.5e-30f, 3.4e38f), -0.0f});
  OperatorCommand oc;
  oc.actor = "nguyen.van.a";
  oc.role = Role::Supervisor;
  oc.reason = std::string(kEventBinaryMaxString, 'r');
  oc.command = Command{CommandKind::MarkEquipmentFailed, 5, ShipmentId{77}, EquipmentRef{EquipmentRef::Kind::LaneBarrier, 4, 1}, 2};
  add(oc, INT64_MAX, 255);
  return v;
}

// A recorded simulator run, computed once: what the live core saw and decided.
struct LiveRun {
  std::vector<twin::SiteSpec> sites;
  std::vector<twin::Event> events;
  std::vector<twin::Decisions> decisions;   // per event
  std::vector<Snapshot> snapshots;
  std::vector<twin::CommandRecord> commands;
  uint64_t final_hash = 0;
  twin::SimTime end_ms = 0;
};

std::vector<twin::SiteSpec> shipped_sites() {
  auto loaded = load_sites("all", default_sites_dir());
  if (auto* e = std::get_if<SiteFileError>(&loaded)) FAIL("site files: " << e->message());
  return std::get<std::vector<twin::SiteSpec>>(loaded);
}

const LiveRun& live_run() {
  static const LiveRun run = [] {
    LiveRun r;
    r.sites = shipped_sites();
    r.end_ms = 8 * twin::kHour;
    twin::SimOptions opt;
    opt.seed = test_seed();
    for (const auto& s : r.sites) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
    twin::Core core(r.sites);
    twin::Simulator sim(core.sites(), opt);
    // Operator commands, accepted and refused, so the commands table has both.
    auto cmd = [](twin::CommandKind k, twin::Role role, std::string reason, uint16_t lane) {
      twin::OperatorCommand c;
      c.actor = "op.tran";
      c.role = role;
      c.reason = std::move(reason);
      c.command.kind = k;
      c.command.lane = lane;
      return c;
    };
    sim.inject(2 * twin::kHour + 17, 0, cmd(twin::CommandKind::CloseLane, twin::Role::Operator, "barrier inspection", 0));
    sim.inject(3 * twin::kHour, 0, cmd(twin::CommandKind::OpenLane, twin::Role::Operator, "inspection done", 0));
    sim.inject(4 * twin::kHour, 1, cmd(twin::CommandKind::CloseLane, twin::Role::Viewer, "not allowed", 0));
    sim.inject(5 * twin::kHour, 1, cmd(twin::CommandKind::CloseLane, twin::Role::Operator, "", 1));
    for (twin::SimTime t = twin::kHour; t <= r.end_ms; t += twin::kHour) {
      twin::run_until(core, sim, t, [&](const twin::Event& e, const twin::Decisions& d) {
        r.events.push_back(e);
        r.decisions.push_back(d);
      });
      r.snapshots.push_back(take_snapshot(core, t));
    }
    r.commands = core.state().commands;
    r.final_hash = core.state_hash();
    return r;
  }();
  return run;
}

RecorderOptions fast_options() {
  RecorderOptions o;
  o.flush_interval = std::chrono::milliseconds(20);
  o.retry_interval = std::chrono::milliseconds(20);
  return o;
}

SessionInfo sim_info(const std::string& notes = "store_test") {
  SessionInfo i;
  i.sites = "m1088,m1119";
  i.seed = test_seed();
  i.source = SessionSource::Sim;
  i.notes = notes;
  return i;
}

// Writes events [0, n) of the live run (all when n == 0) with their decisions, and the
// snapshots, into a new session; returns its id.
int64_t record(const std::string& path, size_t n = 0, RecorderOptions options = fast_options(),
               SessionInfo info = sim_info()) {
  const LiveRun& run = live_run();
  if (n == 0) n = run.events.size();
  auto opened = Recorder::open(path, info, options);
  auto& rec = ok(opened);
  size_t snap = 0;
  for (size_t i = 0; i < n; ++i) {
    REQUIRE(rec->append(run.events[i], run.decisions[i]));
    while (snap < run.snapshots.size() && run.snapshots[snap].seq == run.events[i].seq) REQUIRE(rec->snapshot(run.snapshots[snap++]));
  }
  const int64_t id = rec->session();
  auto closed = rec->close();
  if (auto* e = std::get_if<StoreError>(&closed)) FAIL("close: " << e->message());
  return id;
}

struct FileState {
  std::string bytes;
  struct timespec mtime{};
  bool operator==(const FileState& o) const {
    return bytes == o.bytes && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

FileState file_state(const std::string& path) {
  FileState s;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  s.bytes = ss.str();
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  s.mtime = st.st_mtim;
  return s;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Runs SQL on a file with plain SQLite, outside the store (to build hostile files).

}  // namespace

// [SECTION] Binary codec

TEST_CASE("binary codec: every event type round-trips bit for bit") {
  const auto events = one_of_each();
  REQUIRE(events.size() == std::variant_size_v<twin::EventBody>);
  for (size_t i = 0; i < events.size(); ++i) {
    const twin::Event& e = events[i];
    INFO("event type " << twin::event_name(e.body));
    REQUIRE(e.body.index() == i);
    const auto bytes = encode(e);
    CHECK(bytes[0] == kEventBinaryVersion);
    CHECK(bytes[1] == i);
    auto decoded = decode_event(bytes.data(), bytes.size());
    REQUIRE(std::holds_alternative<twin::Event>(decoded));
    CHECK(same(std::get<twin::Event>(decoded), e));
    CHECK(encode(std::get<twin::Event>(decoded)) == bytes);
  }
  // Compactness: a clock tick is a handful of bytes.
  CHECK(encode(events[0]).size() <= 12);
}

TEST_CASE("binary codec: limits are enforced on encode") {
  twin::OperatorCommand oc;
  oc.reason = std::string(kEventBinaryMaxString + 1, 'x');
  std::vector<uint8_t> out = {9, 9};
  auto bad = encode_event(twin::Event{1, 0, 0, oc}, out);
  REQUIRE(bad.has_value());
  CHECK_THAT(bad->why, Catch::Contains("longer than"));
  CHECK(out == std::vector<uint8_t>{9, 9});  // left as it was
}

TEST_CASE("binary codec: a version 1 position (recordings before 2026-11-30) still decodes") {
  // [version 1][type 13 PositionReport][seq 5][time 0][site 0][entity truck][id 7][x 1.0f][y 2.0f][heading 0.0f]
  const std::vector<uint8_t> v1 = {1, 13, 5, 0, 0, 0, 7, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0, 0};
  auto r = decode_event(v1.data(), v1.size());
  REQUIRE(std::holds_alternative<twin::Event>(r));
  const auto& p = std::get<twin::PositionReport>(std::get<twin::Event>(r).body);
  CHECK(p.entity == twin::EntityKind::Truck);
  CHECK(p.id == 7);
  CHECK(p.has_id);
  CHECK(p.plate.empty());
  CHECK(p.position.x == 1.0f);
  CHECK(p.position.y == 2.0f);
  // Version 2 carries a truck named by plate and container, bit for bit.
  twin::PositionReport by_plate{twin::EntityKind::Truck, 0, glm::vec2(12.5f, -3.0f), 1.0f};
  by_plate.has_id = false;
  by_plate.plate = "29H-99999";
  by_plate.container = "GTWU0000010";
  std::vector<uint8_t> bytes;
  REQUIRE_FALSE(encode_event(twin::Event{9, 100, 1, by_plate}, bytes).has_value());
  auto back = decode_event(bytes.data(), bytes.size());
  REQUIRE(std::holds_alternative<twin::Event>(back));
  const auto& q = std::get<twin::PositionReport>(std::get<twin::Event>(back).body);
  CHECK_FALSE(q.has_id);
  CHECK(q.plate == "29H-99999");
  CHECK(q.container == "GTWU0000010");
  CHECK(q.position.x == 12.5f);
  // The same bytes as version 2 lack the new fields: an error, not a guess.
  std::vector<uint8_t> v2 = v1;
  v2[0] = 2;
  auto bad = decode_event(v2.data(), v2.size());
  CHECK(std::holds_alternative<EventDecodeError>(bad));
}

TEST_CASE("binary codec: bad bytes give a typed error naming the problem") {
  const auto events = one_of_each();
  auto why = [](std::vector<uint8_t> b) {
    auto r = decode_event(b.data(), b.size());
    REQUIRE(std::holds_alternative<EventDecodeError>(r));
    return std::get<EventDecodeError>(r).message();
  };
  CHECK_THAT(why({}), Catch::Contains("empty"));
  CHECK_THAT(why({4, 0, 1, 0, 0}), Catch::Contains("unknown format version 4"));  // 3 is known since orders for later
  CHECK_THAT(why({0, 0, 1, 0, 0}), Catch::Contains("unknown format version 0"));
  CHECK_THAT(why({1, 15, 1, 0, 0}), Catch::Contains("unknown event type 15"));
  CHECK_THAT(why({1, 0, 1, 0, 0, 0}), Catch::Contains("trailing"));
  // StepCompleted with checkpoint 6 (Count), then with passed = 2.
  CHECK_THAT(why({1, 4, 1, 0, 0, 7, 6, 0, 1}), Catch::Contains("checkpoint has no value 6"));
  CHECK_THAT(why({1, 4, 1, 0, 0, 7, 1, 0, 2}), Catch::Contains("passed is not a bool"));
  // A vehicle index above 65535.
  CHECK_THAT(why({1, 9, 1, 0, 0, 0x80, 0x80, 0x04}), Catch::Contains("vehicle out of range"));
  // A string whose length runs past the end, and one above the limit.
  CHECK_THAT(why({1, 3, 1, 0, 0, 0, 50, 'a'}), Catch::Contains("runs past the end"));
  CHECK_THAT(why({1, 3, 1, 0, 0, 0, 0xFF, 0xFF, 0x03}), Catch::Contains("exceeds the limit"));
  // A varint of 11 bytes.
  CHECK_THAT(why({1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), Catch::Contains("varint"));
  // Every strict prefix of every valid encoding is an error, never a crash.
  for (const auto& e : events) {
    const auto bytes = encode(e);
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto r = decode_event(bytes.data(), n);
      INFO(twin::event_name(e.body) << " cut to " << n << " of " << bytes.size() << " bytes");
      CHECK(std::holds_alternative<EventDecodeError>(r));
    }
  }
  // Input above the size limit is refused before it is parsed.
  std::vector<uint8_t> huge(kEventBinaryMaxBytes + 1, 0);
  CHECK_THAT(why(huge), Catch::Contains("exceed the limit"));
}

TEST_CASE("binary codec fuzz: random and mutated bytes never crash; what decodes re-encodes stably") {
  const uint64_t seed = test_seed();
  INFO("seed " << seed << " (set GATETWIN_TEST_SEED to reproduce)");
  std::mt19937_64 rng(seed);
  const auto events = one_of_each();
  std::vector<std::vector<uint8_t>> valid;
  for (const auto& e : events) valid.push_back(encode(e));
  size_t decoded_ok = 0, rejected = 0;
  for (int i = 0; i < 200000; ++i) {
    std::vector<uint8_t> b;
    if (i % 2 == 0) {
      b.resize(rng() % 64);
      for (auto& x : b) x = static_cast<uint8_t>(rng());
      if (!b.empty() && (i % 4 == 0)) b[0] = kEventBinaryVersion;  // get past the version byte
      if (b.size() > 1 && (i % 8 == 0)) b[1] = static_cast<uint8_t>(rng() % 15);
    } else {
      b = valid[rng() % valid.size()];
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<uint8_t>(rng());
      if (rng() % 3 == 0) b.resize(rng() % (b.size() + 1));
    }
    auto r = decode_event(b.data(), b.size());
    if (auto* e = std::get_if<twin::Event>(&r)) {
      ++decoded_ok;
      // Whatever decodes is a valid event: it re-encodes, and that decodes to the same.
      std::vector<uint8_t> again;
      REQUIRE_FALSE(encode_event(*e, again).has_value());
      auto r2 = decode_event(again.data(), again.size());
      REQUIRE(std::holds_alternative<twin::Event>(r2));
      REQUIRE(same(std::get<twin::Event>(r2), *e));
    } else {
      ++rejected;
      REQUIRE(std::get<EventDecodeError>(r).offset <= b.size());
    }
  }
  CHECK(decoded_ok > 1000);
  CHECK(rejected > 1000);
}

// [SECTION] Write, read back, refold

TEST_CASE("a simulated session reads back event for event and refolds to the live state hash") {
  const LiveRun& run = live_run();
  REQUIRE(run.events.size() > 10000);
  REQUIRE(run.commands.size() == 4);
  testsupport::TempDir dir("gatetwin_store");
  const std::string path = dir.file("run.gtrec");
  const int64_t id = record(path);

  auto opened = RecordingReader::open(path);
  auto& reader = ok(opened);
  CHECK(reader->schema_version() == Schema::kVersion);
  CHECK_FALSE(fs::exists(path + "-wal"));  // a closed recording stands alone

  auto sessions = ok(reader->sessions());
  REQUIRE(sessions.size() == 1);
  const Session& s = sessions[0];
  CHECK(s.id == id);
  CHECK(s.info.sites == "m1088,m1119");
  CHECK(s.info.seed == test_seed());
  CHECK(s.info.source == SessionSource::Sim);
  CHECK(s.info.notes == "store_test");
  CHECK_FALSE(s.info.parent_session.has_value());
  CHECK(s.events == run.events.size());
  CHECK(s.dropped_events == 0);
  CHECK(s.event_codec == kEventBinaryVersion);
  CHECK(s.started_utc.size() == 20);
  CHECK(s.ended_utc.size() == 20);

  // Events: every one, in order, equal field for field and byte for byte.
  auto events = ok(reader->read_events(id));
  REQUIRE(events.size() == run.events.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < events.size(); ++i)
    if (!same(events[i], run.events[i]) || encode(events[i]) != encode(run.events[i])) ++mismatches;
  CHECK(mismatches == 0);

  // Refold into a fresh core: same hash as the live run, and at every snapshot.
  auto snapshots = ok(reader->read_snapshots(id));
  REQUIRE(snapshots.size() == run.snapshots.size());
  twin::Core core(run.sites);
  twin::Decisions out, all_decisions;
  size_t snap = 0, snapshot_checks = 0;
  for (const auto& e : events) {
    out.clear();
    core.apply(e, out);
    all_decisions.insert(all_decisions.end(), out.begin(), out.end());
    while (snap < snapshots.size() && snapshots[snap].seq == e.seq) {
      CHECK(snapshots[snap].state_hash == core.state_hash());
      CHECK(snapshots[snap].time_ms == run.snapshots[snap].time_ms);
      CHECK(snapshots[snap].kpis_json == run.snapshots[snap].kpis_json);
      ++snap;
      ++snapshot_checks;
    }
  }
  CHECK(snapshot_checks == run.snapshots.size());
  CHECK(core.state_hash() == run.final_hash);
  CHECK(nlohmann::json::parse(snapshots.back().kpis_json).size() == run.sites.size());

  // Decisions: the stored ones equal the live ones and the refolded ones.
  auto decisions = ok(reader->read_decisions(id));
  size_t live_count = 0;
  for (const auto& d : run.decisions) live_count += d.size();
  REQUIRE(decisions.size() == live_count);
  REQUIRE(decisions.size() == all_decisions.size());
  size_t decision_mismatches = 0;
  for (size_t i = 0; i < decisions.size(); ++i)
    if (!same(decisions[i], all_decisions[i])) ++decision_mismatches;
  CHECK(decision_mismatches == 0);

  // Commands with their outcome equal the core's audit trail (accepted and refused).
  auto commands = ok(reader->read_commands(id));
  REQUIRE(commands.size() == run.commands.size());
  size_t accepted = 0;
  for (size_t i = 0; i < commands.size(); ++i) {
    const auto& a = commands[i];
    const auto& b = run.commands[i];
    CHECK(a.seq == b.seq);
    CHECK(a.time_ms == b.time_ms);
    CHECK(a.site == b.site);
    CHECK(a.actor == b.actor);
    CHECK(a.role == b.role);
    CHECK(a.reason == b.reason);
    CHECK(a.command.kind == b.command.kind);
    CHECK(a.command.lane == b.command.lane);
    CHECK(a.accepted == b.accepted);
    CHECK(a.outcome == b.outcome);
    accepted += a.accepted;
  }
  CHECK(accepted == 2);

  // Seeking by time and reading from a seq.
  auto at = ok(reader->seq_at_time(id, 4 * twin::kHour));
  REQUIRE(at.has_value());
  auto tail = ok(reader->read_events(id, *at, 5));
  REQUIRE(tail.size() == 5);
  CHECK(tail[0].time_ms >= 4 * twin::kHour);
  CHECK(tail[0].seq == *at);
  CHECK_FALSE(ok(reader->seq_at_time(id, 100 * twin::kHour)).has_value());
  CHECK(err(reader->read_events(id + 7)).code == StoreErrorCode::NoSuchSession);
}

TEST_CASE("sessions append to one file; a fork names its parent session and seq") {
  testsupport::TempDir dir("gatetwin_store");
  const std::string path = dir.file("two.gtrec");
  const int64_t first = record(path, 2000);
  SessionInfo fork = sim_info("what if lane E1 closes");
  fork.source = SessionSource::Fork;
  fork.parent_session = first;
  fork.fork_seq = live_run().events[999].seq;
  const int64_t second = record(path, 1000, fast_options(), fork);
  CHECK(second != first);

  SessionInfo orphan = sim_info();
  orphan.parent_session = 999;
  CHECK(err(Recorder::open(path, orphan)).code == StoreErrorCode::InvalidArgument);

  auto opened = RecordingReader::open(path);
  auto& reader = ok(opened);
  auto sessions = ok(reader->sessions());
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[1].info.source == SessionSource::Fork);
  CHECK(sessions[1].info.parent_session == first);
  CHECK(sessions[1].info.fork_seq == live_run().events[999].seq);
  CHECK(sessions[1].info.notes == "what if lane E1 closes");
  CHECK(ok(reader->read_events(first)).size() == 2000);
  CHECK(ok(reader->read_events(second)).size() == 1000);
}

TEST_CASE("a reader sees what a live recorder has committed, without disturbing it") {
  testsupport::TempDir dir("gatetwin_store");
  const std::string path = dir.file("live.gtrec");
  const auto& run = live_run();
  SessionInfo info = sim_info();
  info.source = SessionSource::Live;
  auto opened = Recorder::open(path, info, fast_options());
  auto& rec = ok(opened);
  for (size_t i = 0; i < 3000; ++i) REQUIRE(rec->append(run.events[i], run.decisions[i]));
  REQUIRE_FALSE(is_error(rec->flush()));
  {
    auto r = RecordingReader::open(path);
    auto& reader = ok(r);
    auto sessions = ok(reader->sessions());
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].info.source == SessionSource::Live);
    CHECK(sessions[0].ended_utc.empty());  // still recording
    CHECK(ok(reader->read_events(rec->session())).size() == 3000);
    // The recorder goes on while the reader is open.
    for (size_t i = 3000; i < 4000; ++i) REQUIRE(rec->append(run.events[i], run.decisions[i]));
    REQUIRE_FALSE(is_error(rec->flush()));
    CHECK(ok(reader->read_events(rec->session())).size() == 4000);
  }
  REQUIRE_FALSE(is_error(rec->close()));
  CHECK(rec->stats().committed_events == 4000);
  CHECK(rec->stats().write_errors == 0);
}

TEST_CASE("the producer's mistakes are refused and counted, not written") {
  testsupport::TempDir dir("gatetwin_store");
  auto opened = Recorder::open(dir.file("r.gtrec"), sim_info(), fast_options());
  auto& rec = ok(opened);
  const auto& ev = live_run().events;
  CHECK(rec->append(ev[10]));
  CHECK_FALSE(rec->append(ev[5]));   // older seq
  CHECK_FALSE(rec->append(ev[10]));  // same seq
  twin::OperatorCommand big;
  big.reason = std::string(kEventBinaryMaxString + 1, 'x');
  CHECK_FALSE(rec->append(twin::Event{ev[11].seq, ev[11].time_ms, 0, big}));
  CHECK(rec->append(ev[11]));
  auto st = rec->stats();
  CHECK(st.rejected == 3);
  CHECK(st.accepted == 2);
  CHECK(st.has_error);
  CHECK(st.last_error.code == StoreErrorCode::InvalidArgument);
  REQUIRE_FALSE(is_error(rec->flush()));
  CHECK(rec->stats().committed_events == 2);
  REQUIRE_FALSE(is_error(rec->close()));
  CHECK_FALSE(rec->append(ev[12]));  // after close
  CHECK(rec->stats().rejected == 4);
}

// [SECTION] Files that are not readable recordings

TEST_CASE("unreadable files: each gets its own typed error, and none is modified") {
  testsupport::TempDir dir("gatetwin_store");
  const std::string good = dir.file("good.gtrec");
  record(good, 3000);
  const std::string good_bytes = file_state(good).bytes;
  REQUIRE(good_bytes.size() > 8192);

  struct Case {
    std::string name;
    StoreErrorCode code;
    std::string message_has;
  };
  std::vector<Case> cases;

  // Truncated: the first half of a recording (an interrupted copy), and 50 bytes of it.
  write_file(dir.file("truncated"), good_bytes.substr(0, good_bytes.size() / 2));
  cases.push_back({"truncated", StoreErrorCode::Truncated, "cut short"});
  write_file(dir.file("truncated_header"), good_bytes.substr(0, 50));
  cases.push_back({"truncated_header", StoreErrorCode::Truncated, "inside the 100-byte SQLite header"});
  // Not SQLite: a JSON file someone passed by mistake.
  write_file(dir.file("not_sqlite"), "{\"events\": [1, 2, 3]}\n" + std::string(5000, ' '));
  cases.push_back({"not_sqlite", StoreErrorCode::NotSqlite, "SQLite header"});
  // Foreign: a valid SQLite database of another program.
  testsupport::raw_sql(dir.file("foreign"), "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 2.5);");
  cases.push_back({"foreign", StoreErrorCode::NotARecording, "application id"});
  // Foreign with our application id but no tables.
  testsupport::raw_sql(dir.file("foreign_appid"), "PRAGMA application_id = 1196709714; CREATE TABLE x(y);");
  cases.push_back({"foreign_appid", StoreErrorCode::NotARecording, "meta table"});
  // Newer schema: a recording stamped by a future version.
  fs::copy_file(good, dir.file("newer"));
  testsupport::raw_sql(dir.file("newer"), "PRAGMA user_version = 99;");
  cases.push_back({"newer", StoreErrorCode::NewerSchema, "schema version 99 is newer"});
  // Corrupt: the page after the header page overwritten with garbage.
  {
    std::string bad = good_bytes;
    const size_t page = (static_cast<uint8_t>(bad[16]) << 8) | static_cast<uint8_t>(bad[17]);
    std::mt19937 rng(1);
    for (size_t i = page; i < 3 * page && i < bad.size(); ++i) bad[i] = static_cast<char>(rng());
    write_file(dir.file("corrupt"), bad);
  }
  cases.push_back({"corrupt", StoreErrorCode::Corrupt, ""});
  // Empty: zero bytes.
  write_file(dir.file("empty"), "");
  cases.push_back({"empty", StoreErrorCode::NotARecording, "empty"});

  for (const Case& c : cases) {
    const std::string path = dir.file(c.name);
    INFO("file " << c.name);
    const FileState before = file_state(path);
    const auto entries_before = std::distance(fs::directory_iterator(dir.path), fs::directory_iterator());

    StoreError e = err(RecordingReader::open(path));
    INFO(e.message());
    CHECK(e.code == c.code);
    CHECK(e.path == path);
    CHECK_THAT(e.message(), Catch::Contains(c.message_has));

    // The writer refuses the same files (except the empty one, which it may initialise).
    if (c.name != "empty") {
      StoreError w = err(Recorder::open(path, sim_info(), fast_options()));
      INFO(w.message());
      CHECK(w.code == c.code);
    }
    CHECK(file_state(path) == before);
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == entries_before);
  }
  CHECK(err(RecordingReader::open(dir.file("does_not_exist"))).code == StoreErrorCode::NotFound);
  CHECK_FALSE(fs::exists(dir.file("does_not_exist")));
  // The good file is still good after all that.
  CHECK(file_state(good).bytes == good_bytes);
  CHECK(ok(RecordingReader::open(good)) != nullptr);
}

TEST_CASE("schema: migrations stamp the file, are atomic, and never run on a file being read") {
  testsupport::TempDir dir("gatetwin_store");
  // A fresh database is migrated to the current version, with our identity.
  {
    auto opened = Database::open(dir.file("fresh.db"), Database::Mode::ReadWriteCreate);
    auto& db = ok(opened);
    REQUIRE_FALSE(is_error(Schema::migrate(db)));
    CHECK(ok(db.query_int("PRAGMA user_version")) == Schema::kVersion);
    CHECK(ok(db.query_int("PRAGMA application_id")) == Schema::kApplicationId);
    CHECK(ok(db.query_int("SELECT count(*) FROM meta WHERE key = 'magic' AND value = 'gatetwin-recording'")) == 1);
    CHECK_FALSE(is_error(Schema::check(db, true)));
    // Migrating again is a no-op.
    REQUIRE_FALSE(is_error(Schema::migrate(db)));
    CHECK(ok(db.query_int("SELECT count(*) FROM meta")) == 3);
  }
  // A step that fails leaves the file as it was: no tables, version 0.
  {
    testsupport::raw_sql(dir.file("clash.db"), "CREATE TABLE events(x);");
    auto opened = Database::open(dir.file("clash.db"), Database::Mode::ReadWrite);
    auto& db = ok(opened);
    auto s = Schema::migrate(db);
    REQUIRE(is_error(s));
    CHECK_THAT(std::get<StoreError>(s).message(), Catch::Contains("already exists"));
    CHECK(ok(db.query_int("PRAGMA user_version")) == 0);
    CHECK(ok(db.query_int("PRAGMA application_id")) == 0);
    CHECK(ok(db.query_int("SELECT count(*) FROM sqlite_schema")) == 1);
  }
  // A newer file is not migrated down.
  {
    testsupport::raw_sql(dir.file("future.db"), "PRAGMA user_version = 7;");
    auto opened = Database::open(dir.file("future.db"), Database::Mode::ReadWrite);
    CHECK(std::get<StoreError>(Schema::migrate(ok(opened))).code == StoreErrorCode::NewerSchema);
  }
  // Reading a recording leaves its bytes and mtime as they were.
  const std::string path = dir.file("read.gtrec");
  const int64_t id = record(path, 1000);
  const FileState before = file_state(path);
  {
    auto opened = RecordingReader::open(path);
    auto& reader = ok(opened);
    CHECK(ok(reader->read_events(id)).size() == 1000);
    CHECK_FALSE(ok(reader->read_decisions(id)).empty());
    CHECK(ok(reader->read_commands(id)).empty());
  }
  CHECK(file_state(path) == before);
  CHECK_FALSE(fs::exists(path + "-wal"));
  CHECK_FALSE(fs::exists(path + "-shm"));
}

TEST_CASE("a corrupt record gives an error for that record, not a crash") {
  testsupport::TempDir dir("gatetwin_store");
  const std::string path = dir.file("blob.gtrec");
  const int64_t id = record(path, 500);
  const auto& ev = live_run().events;
  const uint64_t bad_seq = ev[100].seq, mismatched_seq = ev[200].seq;
  testsupport::raw_sql(path, "UPDATE events SET body = x'01FF0000' WHERE seq = " + std::to_string(bad_seq) +
                    "; UPDATE events SET time_ms = time_ms + 1 WHERE seq = " + std::to_string(mismatched_seq) +
                    "; UPDATE decisions SET kind = 200 WHERE cause_seq = (SELECT min(cause_seq) FROM decisions);");

  auto opened = RecordingReader::open(path);
  auto& reader = ok(opened);
  StoreError e = err(reader->read_events(id));
  CHECK(e.code == StoreErrorCode::BadRecord);
  CHECK_THAT(e.message(), Catch::Contains("event seq " + std::to_string(bad_seq)));
  CHECK_THAT(e.message(), Catch::Contains("unknown event type 255"));

  // Visiting goes on past bad records: each is reported on its own.
  std::vector<std::string> errors;
  size_t good = 0;
  auto visited = reader->for_each_event(id, 0, [&](const StoreResult<twin::Event>& r) {
    if (auto* x = std::get_if<StoreError>(&r)) errors.push_back(x->message());
    else ++good;
    return true;
  });
  CHECK(ok(visited) == 500);
  CHECK(good == 498);
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[1], Catch::Contains("event seq " + std::to_string(mismatched_seq)));
  CHECK_THAT(errors[1], Catch::Contains("disagrees"));

  StoreError d = err(reader->read_decisions(id));
  CHECK(d.code == StoreErrorCode::BadRecord);
  CHECK_THAT(d.message(), Catch::Contains("out of range"));
}

// [SECTION] Faults while writing

TEST_CASE("a full disk is counted and reported, the queue stays bounded, the producer goes on") {
  testsupport::TempDir dir("gatetwin_store");
  const std::string path = dir.file("full.gtrec");
  RecorderOptions o = fast_options();
  o.max_page_count = 60;        // about 240 KiB: a full disk after a few thousand events
  o.queue_max_items = 4000;
  o.batch_max_items = 500;
  auto opened = Recorder::open(path, sim_info(), o);
  auto& rec = ok(opened);
  const auto& run = live_run();
  const size_t n = std::min<size_t>(run.events.size(), 40000);
  size_t refused = 0;
  // The producer goes on: every append returns (accepted or refused, never waiting on the
  // failing disk). How fast is a benchmark's question (gatebench store), not this test's.
  for (size_t i = 0; i < n; ++i) {
    if (!rec->append(run.events[i], run.decisions[i])) ++refused;
    if (i % 1000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // frames
  }
  // Wait for the writer to hit the wall.
  for (int i = 0; i < 200 && rec->stats().write_errors == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const RecorderStats st = rec->stats();
  INFO(st.last_error.message());
  CHECK(st.write_errors > 0);
  CHECK(st.last_error.code == StoreErrorCode::DiskFull);
  CHECK_THAT(st.last_error.message(), Catch::Contains("free disk space"));
  CHECK(st.queued <= o.queue_max_items);
  CHECK(st.dropped == refused);
  CHECK(refused > 0);
  CHECK(st.committed_events > 0);
  CHECK(st.committed_events < n);
  CHECK(st.accepted == st.committed_events + st.queued);
  const StoreError f = err(rec->flush(std::chrono::milliseconds(2000)));
  CHECK(f.code == StoreErrorCode::DiskFull);
  const StoreStatus closed = rec->close();
  REQUIRE(is_error(closed));
  CHECK_THAT(std::get<StoreError>(closed).message(), Catch::Contains("could not be written"));

  // What was committed is a readable prefix of the run.
  auto r = RecordingReader::open(path);
  auto events = ok(ok(r)->read_events(rec->session()));
  REQUIRE(events.size() == st.committed_events);
  for (size_t i = 0; i < events.size(); ++i) REQUIRE(same(events[i], run.events[i]));
}

TEST_CASE("SIGKILL mid-recording loses at most what was not yet committed") {
  testsupport::TempDir dir("gatetwin_store");
  const std::string path = dir.file("killed.gtrec");
  const auto& run = live_run();
  const size_t flushed = 5000, extra = 3000;
  REQUIRE(run.events.size() > flushed + extra);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child records, flushes, appends more and dies without closing.
    auto opened = Recorder::open(path, sim_info("killed"), fast_options());
    if (std::holds_alternative<StoreError>(opened)) _exit(2);
    auto& rec = std::get<std::unique_ptr<Recorder>>(opened);
    for (size_t i = 0; i < flushed; ++i) rec->append(run.events[i], run.decisions[i]);
    if (is_error(rec->flush())) _exit(3);
    for (size_t i = flushed; i < flushed + extra; ++i) rec->append(run.events[i], run.decisions[i]);
    kill(getpid(), SIGKILL);
    _exit(4);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  {
    auto opened = RecordingReader::open(path);
    auto& reader = ok(opened);
    auto sessions = ok(reader->sessions());
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].ended_utc.empty());  // never closed
    auto events = ok(reader->read_events(sessions[0].id));
    CHECK(events.size() >= flushed);
    CHECK(events.size() <= flushed + extra);
    CHECK(sessions[0].events == events.size());
    for (size_t i = 0; i < events.size(); ++i) REQUIRE(same(events[i], run.events[i]));
  }
  // The file takes a new session afterwards.
  const int64_t next = record(path, 100);
  auto reopened = RecordingReader::open(path);
  CHECK(ok(ok(reopened)->read_events(next)).size() == 100);
}
