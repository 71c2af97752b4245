// Tests the multi-console control room (docs/control-room.md): the primary's event
// stream and its followers. Without a broker: StreamFollower orders injected batches by
// twin seq, holds out-of-order ones, fills a gap from its catch-up function, drops what
// it already applied, refuses garbage and notices a new primary run. Against a private
// mosquitto on a loopback port (mosquitto_fixture) with the real gatesim and gatetwin
// binaries: a primary and two followers end a seeded hour with the in-process state
// hash; a follower started halfway catches up from the primary's recording to the same
// hash (and, hidden, after a broker restart without persistence, see its case); a command from a follower console (published like ControlRoom::submit does for
// a follower) is accepted or refused by the primary for every console; a broker restart
// mid-run leaves primary and followers equal. Live cases fail (naming the Debian package)
// when mosquitto or its clients are missing. Each gatetwin is waited for by the line it
// prints once its subscriptions are acknowledged ("mqtt: connected to URI as ID"), a
// broker restart by the primary's recording reaching a count, never by sleeping.
#include <catch2/catch.hpp>

#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "pipeline/frame_loop.h"

#include "connectors/accounts/accounts.h"
#include "connectors/codec/event_binary.h"
#include "connectors/codec/kpi_json.h"
#include "connectors/codec/stream_batch.h"
#include "pipeline/sequencer.h"
#include "connectors/mqtt/stream_follower.h"
#include "connectors/mqtt/twin_link.h"
#include "connectors/files/site_file.h"
#include "connectors/store/recording_reader.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

using namespace pipeline;

using namespace connectors;
using namespace std::chrono_literals;

namespace {

const std::string kGatesim = testsupport::gatesim_path();
const std::string kGatetwin = testsupport::gatetwin_path();

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

// A child process (a shell command) with its combined output in a file in `dir`, read as
// it is written: connected() waits for the line a gatetwin prints once a client's
// subscriptions are acknowledged; join() waits for its end (at most 120 s: a guard
// against a hang, far past every --run-for here) and fills out and rc.
struct Child {
  ChildProcess proc;
  std::string out;
  int rc = -1;
  bool joined = false;
  Child(const std::string& dir, const std::string& name, const std::string& cmd) {
    proc.start("/bin/sh", {name, "-c", "exec " + cmd}, dir + "/" + name + ".out");
  }
  bool connected(const std::string& uri, const std::string& client_id) {
    return proc.wait_for_output("mqtt: connected to " + uri + " as " + client_id + "\n", 30s);
  }
  void join() {
    if (joined) return;
    joined = true;
    if (!proc.wait_exit(120s)) proc.stop();
    out = proc.output();
    rc = proc.exit_code();
  }
  ~Child() { join(); }
};

// Events committed so far in a recording being written (0 while it cannot be read yet).
uint64_t committed_events(const std::string& path) {
  auto rd = RecordingReader::open(path, ReaderOptions{false});
  if (!std::holds_alternative<std::unique_ptr<RecordingReader>>(rd)) return 0;
  auto ss = std::get<std::unique_ptr<RecordingReader>>(rd)->sessions();
  if (auto* v = std::get_if<std::vector<Session>>(&ss); v && !v->empty()) return v->back().events;
  return 0;
}

// Waits until done() (polled), at most `timeout`: a guard against a hang.
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
  return done();
}

std::string twin_cmd(const std::string& uri, const std::string& flags) {
  return kGatetwin + " --headless --quiet --broker " + uri + " " + flags;
}

// Logs from the MQTT threads go to stderr: Catch's macros are not thread-safe.
void log_line(const std::string& l) { std::fprintf(stderr, "test: %s\n", l.c_str()); }

// A follower as gatetwin --follow wires it (follow_loop.cpp), in-process so the test can
// look at its state; its link is a follower console's (console_only).
struct LiveFollower {
  twin::Core core;
  TwinLink link;
  Sequencer sequencer;
  StreamFollower follower;
  FrameLoop loop;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  static TwinLinkOptions link_options(const std::string& uri, const std::string& id, const std::string& user) {
    TwinLinkOptions o;
    o.broker.uri = uri;
    o.broker.client_id = id;
    o.broker.user = user;  // the follower's broker login (--mqtt-config), when it has one
    o.console_only = true;
    return o;
  }
  static StreamFollowerOptions follow_options(const std::string& uri, const std::string& id) {
    StreamFollowerOptions o;
    o.broker.uri = uri;
    o.broker.client_id = id + "-stream";
    return o;
  }
  LiveFollower(const std::string& uri, const std::string& id, CatchUpFunction catch_up = {}, const std::string& user = {})
      : core(testsupport::shipped_sites()),
        link(core.sites(), link_options(uri, id, user), log_line),
        follower(follow_options(uri, id), link.queue(), std::move(catch_up), log_line),
        loop(core, link.queue(), sequencer, &link, nullptr, FrameLoopOptions{65536, std::chrono::microseconds(2000)}) {
    link.start();
    follower.start();
  }
  ~LiveFollower() {
    follower.stop();
    link.stop();
  }
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return testsupport::run_frames_until(loop, start, done, timeout);
  }
};

// [SECTION] no broker: ordering, gaps, catch-up -----------------------------------------

twin::Event tick(uint64_t seq) { return twin::Event{seq, static_cast<twin::SimTime>(seq * 1000), 0, twin::ClockTick{}}; }

std::string batch(uint64_t stream, int64_t session, uint64_t first, uint64_t last) {
  std::string p = stream_batch_header(stream, session, static_cast<uint16_t>(last - first + 1));
  for (uint64_t s = first; s <= last; ++s) {
    std::vector<uint8_t> b;
    REQUIRE_FALSE(encode_event(tick(s), b));
    append_stream_event(p, b);
  }
  return p;
}

// Drains the queue until n messages came or the timeout; returns their source seqs.
std::vector<uint64_t> drain(IngestQueue& q, size_t n, std::chrono::milliseconds timeout) {
  std::vector<uint64_t> seqs;
  std::vector<FieldMessage> got;
  auto until = std::chrono::steady_clock::now() + timeout;
  while (seqs.size() < n && std::chrono::steady_clock::now() < until) {
    got.clear();
    q.drain(got, 1024, std::chrono::microseconds(20000));
    for (auto& m : got) {
      CHECK(m.source == "stream");
      CHECK(m.cls == MessageClass::Ordered);
      CHECK(m.time_ms == static_cast<twin::SimTime>(m.source_seq * 1000));
      seqs.push_back(m.source_seq);
    }
  }
  return seqs;
}

}  // namespace

TEST_CASE("stream batches round-trip; garbage is refused with a reason", "[follow]") {
  auto r = decode_stream_batch(batch(0x1234, 7, 5, 9));
  REQUIRE(std::holds_alternative<StreamBatch>(r));
  const StreamBatch& b = std::get<StreamBatch>(r);
  CHECK(b.stream_id == 0x1234);
  CHECK(b.session == 7);
  REQUIRE(b.events.size() == 5);
  CHECK(b.events.front().seq == 5);
  CHECK(b.events.back().time_ms == 9000);
  auto bad = [](const std::string& p) {
    auto d = decode_stream_batch(p);
    REQUIRE(std::holds_alternative<StreamDecodeError>(d));
    return std::get<StreamDecodeError>(d).message();
  };
  CHECK_THAT(bad("{\"v\":1}"), Catch::Contains("no \"GTS\" header"));
  std::string cut = batch(1, 1, 1, 3);
  CHECK_THAT(bad(cut.substr(0, cut.size() - 2)), Catch::Contains("event 2"));
  CHECK_THAT(bad(cut + "x"), Catch::Contains("trailing"));
  std::string gap = stream_batch_header(1, 1, 2);
  for (uint64_t s : {1, 3}) {
    std::vector<uint8_t> e;
    REQUIRE_FALSE(encode_event(tick(s), e));
    append_stream_event(gap, e);
  }
  CHECK_THAT(bad(gap), Catch::Contains("not consecutive"));
  std::string v1 = cut;
  v1[3] = 1;  // a build before fail-over (issue 18)
  CHECK_THAT(bad(v1), Catch::Contains("different builds"));
}

TEST_CASE("a follower hands on events in twin-seq order and fills a gap from its catch-up", "[follow]") {
  IngestQueue q(4096);
  std::vector<twin::Event> recording;
  for (uint64_t s = 1; s <= 40; ++s) recording.push_back(tick(s));
  // Runs on the follower's worker thread: no Catch assertions in here (not thread-safe).
  std::atomic<int> calls{0};
  std::atomic<int64_t> asked_session{0};
  CatchUpFunction from_recording = [&](int64_t session, uint64_t from, const CatchUpSink& sink) {
    ++calls;
    asked_session = session;
    CatchUpResult r;
    for (auto e : recording)
      if (e.seq >= from && e.seq <= 30) {  // committed so far: up to 30
        if (!sink(std::move(e))) break;
        r.events++;
      }
    return r;
  };
  StreamFollowerOptions o;
  o.broker.uri = "tcp://127.0.0.1:1";  // never connects: messages are injected
  o.broker.client_id = "unit";
  o.gap_wait_ms = 100;
  StreamFollower f(o, q, from_recording, nullptr);
  f.start();
  f.on_message(stream_topic(), batch(77, 3, 1, 3));
  f.on_message(stream_topic(), batch(77, 3, 7, 9));   // 4..6 missing
  f.on_message(stream_topic(), batch(77, 3, 5, 5));   // part of the gap: held
  f.on_message(stream_topic(), "not a batch");
  // 1..3 from the stream; after the gap waited, 4..30 (what the primary committed) from
  // the recording; the stream's 5 and 7..9 are then already applied and dropped.
  auto seqs = drain(q, 30, 3s);
  REQUIRE(seqs.size() == 30);
  for (size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == i + 1);
  StreamFollowerStats s = f.stats();
  CHECK(s.rejected == 1);
  CHECK(s.gaps == 1);
  CHECK(s.catch_ups == 1);
  CHECK(s.caught_up_events == 27);
  CHECK(s.from_stream == 3);
  CHECK(calls == 1);
  CHECK(asked_session == 3);   // the session the batches named
  // The stream goes on after the catch-up.
  f.on_message(stream_topic(), batch(77, 3, 31, 40));
  auto rest = drain(q, 10, 2s);
  REQUIRE(rest.size() == 10);
  CHECK(rest.front() == 31);
  CHECK(rest.back() == 40);
  s = f.stats();
  CHECK(s.applied_seq == 40);
  CHECK(s.already_applied == 4);    // 5 and 7..9 came by the stream but the recording gave them first
  // Events already applied are dropped, not handed on twice.
  f.on_message(stream_topic(), batch(77, 3, 38, 40));
  CHECK(drain(q, 1, 300ms).empty());
  // Another primary run: refused, and the follower says it must restart.
  f.on_message(stream_topic(), batch(78, 4, 1, 2));
  CHECK(drain(q, 1, 300ms).empty());
  s = f.stats();
  CHECK(s.primary_changed);
  CHECK_THAT(s.last_error, Catch::Contains("restart"));
  f.stop();
}

TEST_CASE("without a catch-up recording a gap is held and reported, never skipped", "[follow]") {
  IngestQueue q(1024);
  StreamFollowerOptions o;
  o.broker.uri = "tcp://127.0.0.1:1";
  o.broker.client_id = "unit2";
  o.gap_wait_ms = 50;
  StreamFollower f(o, q, {}, nullptr);
  f.start();
  f.on_message(stream_topic(), batch(5, 1, 1, 2));
  f.on_message(stream_topic(), batch(5, 1, 4, 6));
  auto seqs = drain(q, 5, 600ms);
  CHECK(seqs == std::vector<uint64_t>{1, 2});
  StreamFollowerStats s = f.stats();
  CHECK(s.applied_seq == 2);
  CHECK(s.pending == 3);
  CHECK_THAT(s.last_error, Catch::Contains("--catch-up"));
  f.on_message(stream_topic(), batch(5, 1, 3, 3));  // the stream fills it after all
  seqs = drain(q, 4, 2s);
  CHECK(seqs == std::vector<uint64_t>{3, 4, 5, 6});
  f.stop();
}

TEST_CASE("a follower started after the run ended catches up to its last state from the head and the recording", "[follow]") {
  IngestQueue q(1024);
  std::atomic<int64_t> asked_session{0};
  CatchUpFunction from_recording = [&](int64_t session, uint64_t from, const CatchUpSink& sink) {
    asked_session = session;
    CatchUpResult r;
    for (uint64_t s = from; s <= 25; ++s) {
      if (!sink(tick(s))) break;
      r.events++;
    }
    return r;
  };
  StreamFollowerOptions o;
  o.broker.uri = "tcp://127.0.0.1:1";
  o.broker.client_id = "unit3";
  o.gap_wait_ms = 50;
  StreamFollower f(o, q, from_recording, nullptr);
  f.start();
  f.on_message(stream_head_topic(), "{\"v\":1,\"status\":\"offline\",\"stream\":\"00000000000000aa\"}");  // a will: nothing to adopt
  f.on_message(stream_head_topic(), "{\"v\":1,\"status\":\"stopped\",\"stream\":\"00000000000000bb\",\"session\":4,\"seq\":25}");
  auto seqs = drain(q, 25, 3s);
  REQUIRE(seqs.size() == 25);
  CHECK(seqs.back() == 25);
  CHECK(asked_session == 4);
  StreamFollowerStats s = f.stats();
  CHECK(s.primary_status == "stopped");
  CHECK(s.stream_id == 0xbb);
  CHECK(s.caught_up_events == 25);
  f.on_message(stream_head_topic(), "not json");
  CHECK(f.stats().rejected == 1);
  f.stop();
}

// [SECTION] live: real mosquitto, gatesim and gatetwin ----------------------------------

TEST_CASE("a primary and two followers on one broker end a seeded hour with the same state hash", "[follow][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(1, 7);
  const std::string events = std::to_string(ref.first);
  const std::string d = broker.dir() + "/";
  const std::string until = " --run-for 45 --until-applied " + events;
  Child f1(d, "f1", twin_cmd(broker.uri(), "--follow --client-id wall-1 --catch-up " + d + "p.db --stats " + d + "f1.json" + until));
  Child f2(d, "f2", twin_cmd(broker.uri(), "--follow --client-id console-2 --stats " + d + "f2.json" + until));
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db --stats " + d + "p.json" + until));
  // All subscribed: the followers to the stream, the primary to the field.
  REQUIRE(f1.connected(broker.uri(), "wall-1-stream"));
  REQUIRE(f2.connected(broker.uri(), "console-2-stream"));
  REQUIRE(primary.connected(broker.uri(), "primary"));
  REQUIRE(primary.connected(broker.uri(), "primary-stream"));
  Child sim(d, "sim", kGatesim + " --hours 1 --seed 7 --json --no-progress --speed max --broker " + broker.uri());
  sim.join();
  primary.join();
  f1.join();
  f2.join();
  INFO(primary.out);
  INFO(f1.out);
  INFO(f2.out);
  REQUIRE(sim.rc == 0);
  REQUIRE(primary.rc == 0);
  REQUIRE(f1.rc == 0);
  REQUIRE(f2.rc == 0);
  auto p = read_json(d + "p.json"), j1 = read_json(d + "f1.json"), j2 = read_json(d + "f2.json");
  REQUIRE(p.is_object());
  REQUIRE(j1.is_object());
  REQUIRE(j2.is_object());
  CHECK(p["core"]["state_hash"] == ref.second);
  CHECK(j1["core"]["state_hash"] == ref.second);
  CHECK(j2["core"]["state_hash"] == ref.second);
  CHECK(p["stream"]["published_events"] == ref.first);
  CHECK(p["stream"]["dropped"] == 0);
  CHECK(p["stream"]["seq_breaks"] == 0);
  for (auto* j : {&j1, &j2}) {
    CHECK((*j)["role"] == "follower");
    CHECK((*j)["messages"]["applied"] == ref.first);
    CHECK((*j)["follow"]["applied_seq"] == ref.first);
    CHECK((*j)["follow"]["rejected"] == 0);
    CHECK((*j)["decisions"]["published"] == 0);   // followers never publish decisions
  }
}

TEST_CASE("a follower started halfway catches up from the primary's recording to the same hash", "[follow][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(1, 7);
  const std::string events = std::to_string(ref.first);
  const std::string d = broker.dir() + "/";
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db --stats " + d + "p.json --run-for 45 --until-applied " + events));
  REQUIRE(primary.connected(broker.uri(), "primary"));
  // Paced so that the hour takes about 6 s: the follower joins while it runs.
  Child sim(d, "sim", kGatesim + " --hours 1 --seed 7 --json --no-progress --speed 600 --broker " + broker.uri());
  // Wait until the primary has committed half the run.
  uint64_t committed_at_join = 0;
  REQUIRE(wait_for([&] { return (committed_at_join = committed_events(d + "p.db")) >= ref.first / 2; }, 60s));
  const uint64_t committed = committed_at_join;
  REQUIRE(committed < ref.first);  // the run is not over: the follower really joins late
  const auto t0 = std::chrono::steady_clock::now();
  Child late(d, "late", twin_cmd(broker.uri(), "--follow --client-id late-wall --catch-up " + d + "p.db --stats " + d + "late.json --run-for 45 --until-applied " + events));
  sim.join();
  primary.join();
  late.join();
  const double late_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(primary.out);
  INFO(late.out);
  REQUIRE(primary.rc == 0);
  REQUIRE(late.rc == 0);
  auto p = read_json(d + "p.json"), j = read_json(d + "late.json");
  REQUIRE(j.is_object());
  CHECK(p["core"]["state_hash"] == ref.second);
  CHECK(j["core"]["state_hash"] == ref.second);
  CHECK(j["messages"]["applied"] == ref.first);
  CHECK(j["follow"]["caught_up_events"].get<uint64_t>() >= committed);  // at least what was committed when it started
  CHECK(j["follow"]["catch_ups"].get<uint64_t>() >= 1);
  CHECK(j["follow"]["from_stream"].get<uint64_t>() + j["follow"]["caught_up_events"].get<uint64_t>() == ref.first);
  WARN("late follower: joined at " << committed << " of " << ref.first << " events committed; caught up "
       << j["follow"]["caught_up_events"] << " events in " << j["follow"]["catch_ups"] << " reads, "
       << j["follow"]["catch_up_ms_total"] << " ms reading; " << j["follow"]["from_stream"] << " from the stream; done "
       << late_s << " s after start");
}

TEST_CASE("a command from a follower console is sequenced by the primary and seen by every console", "[follow][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string d = broker.dir() + "/";
  // Both end by themselves once they have applied the two commands (--run-for: a guard).
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db --stats " + d + "p.json --until-applied 2 --run-for 60"));
  Child wall(d, "wall", twin_cmd(broker.uri(), "--follow --client-id wall-1 --stats " + d + "wall.json --until-applied 2 --run-for 60"));
  LiveFollower console(broker.uri(), "console-3");
  REQUIRE(console.link.wait_connected(5s));
  REQUIRE(wait_for([&] { return console.follower.connected(); }, 15s));  // its stream subscription acknowledged
  // The primary and the wall subscribed (each says so once its SUBACKs came).
  REQUIRE(primary.connected(broker.uri(), "primary"));
  REQUIRE(primary.connected(broker.uri(), "primary-stream"));
  REQUIRE(wall.connected(broker.uri(), "wall-1-stream"));
  const int site = [&] {
    for (size_t i = 0; i < console.core.sites().size(); ++i)
      if (console.core.sites()[i].id == "m1119") return static_cast<int>(i);
    return -1;
  }();
  REQUIRE(site >= 0);
  const uint16_t lane = static_cast<uint16_t>(console.core.sites()[site].lane_index("E2"));
  // What ControlRoom::submit does on a follower (publish_only): publish, never fold locally.
  twin::Command close_cmd, open_cmd;
  close_cmd.kind = twin::CommandKind::CloseLane;
  close_cmd.lane = lane;
  open_cmd.kind = twin::CommandKind::OpenLane;
  open_cmd.lane = lane;
  twin::OperatorCommand close{"nguyen.van.a", twin::Role::Supervisor, "barrier maintenance", close_cmd};
  twin::OperatorCommand viewer{"tran.thi.b", twin::Role::Viewer, "not allowed", open_cmd};
  REQUIRE(console.link.publish_event(twin::Event{0, 60000, static_cast<uint8_t>(site), close}, "console-console-3-1:nguyen.van.a", 1));
  REQUIRE(console.link.publish_event(twin::Event{0, 61000, static_cast<uint8_t>(site), viewer}, "console-console-3-1:tran.thi.b", 1));
  REQUIRE(console.run_until([&] { return console.core.state().commands.size() >= 2; }, 10s));
  const auto& cmds = console.core.state().commands;
  CHECK(cmds[0].actor == "nguyen.van.a");
  CHECK(cmds[0].accepted);
  CHECK_FALSE(cmds[1].accepted);             // a viewer may not command: refused, for all
  CHECK_FALSE(console.core.state().sites[site].lanes[lane].open);
  CHECK(console.link.stats().decisions_published == 0);
  primary.join();
  wall.join();
  INFO(primary.out);
  INFO(wall.out);
  REQUIRE(primary.rc == 0);
  REQUIRE(wall.rc == 0);
  auto p = read_json(d + "p.json"), w = read_json(d + "wall.json");
  REQUIRE(p.is_object());
  REQUIRE(w.is_object());
  CHECK(p["messages"]["applied"] == 2);
  CHECK(p["decisions"]["published"].get<uint64_t>() >= 2);   // the command results, from the primary only
  CHECK(w["messages"]["applied"] == 2);
  CHECK(w["core"]["state_hash"] == p["core"]["state_hash"]);
  CHECK(hash_hex(console.core.state_hash()) == p["core"]["state_hash"].get<std::string>());
  // The primary's recording holds both verdicts.
  auto rd = RecordingReader::open(d + "p.db");
  REQUIRE(std::holds_alternative<std::unique_ptr<RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<RecordingReader>>(rd);
  auto sessions = std::get<std::vector<Session>>(reader->sessions());
  auto recorded = std::get<std::vector<twin::CommandRecord>>(reader->read_commands(sessions.back().id));
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[0].accepted);
  CHECK_FALSE(recorded[1].accepted);
}

// A follower console whose broker login is an operator's own account (issue 15): with
// --command-accounts on the primary, its commands go on that account's bound topic and are
// taken; one typed by another person logged in at the same console is refused as forged,
// for every console, and both are in the primary's audit trail. Before the follower bound
// its commands to its login, the primary refused both ("takes commands only on .../command/<account>").
TEST_CASE("a follower console commands a primary that runs with --command-accounts", "[follow][live][commands]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string d = broker.dir() + "/";
  {
    const ScryptCost cheap{1024, 8, 1};
    std::ofstream(d + "command-accounts.json") << R"({"format": "gatetwin-accounts/2", "accounts": [)"
                                               << Accounts::make_entry_json("nguyen.van.a", twin::Role::Supervisor, "pass-one-x", "aa", cheap)
                                               << "]}";
  }
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db --stats " + d +
                                                         "p.json --until-applied 2 --run-for 60 --command-accounts " + d + "command-accounts.json"));
  LiveFollower console(broker.uri(), "console-4", {}, "nguyen.van.a");
  REQUIRE(console.link.wait_connected(5s));
  REQUIRE(wait_for([&] { return console.follower.connected(); }, 15s));
  REQUIRE(primary.connected(broker.uri(), "primary"));
  REQUIRE(primary.connected(broker.uri(), "primary-stream"));
  const uint8_t site = static_cast<uint8_t>(console.core.sites()[0].id == "m1119" ? 0 : 1);
  REQUIRE(console.core.sites()[site].id == "m1119");
  twin::Command close_cmd;
  close_cmd.kind = twin::CommandKind::CloseLane;
  close_cmd.lane = static_cast<uint16_t>(console.core.sites()[site].lane_index("E2"));
  const twin::OperatorCommand own{"nguyen.van.a", twin::Role::Supervisor, "barrier maintenance", close_cmd};
  const twin::OperatorCommand other{"tran.thi.b", twin::Role::Supervisor, "at nguyen.van.a's console", close_cmd};
  // What ControlRoom::submit does on a follower: publish, with an id, never fold locally.
  REQUIRE(console.link.publish_event(twin::Event{0, 60000, site, own}, "console-console-4-1:nguyen.van.a", 1, "run-1"));
  REQUIRE(console.link.publish_event(twin::Event{0, 61000, site, other}, "console-console-4-1:tran.thi.b", 2, "run-2"));
  REQUIRE(console.run_until([&] { return console.core.state().commands.size() >= 2; }, 15s));
  const auto& cmds = console.core.state().commands;
  INFO(cmds[0].outcome);
  CHECK(cmds[0].actor == "nguyen.van.a");
  CHECK(cmds[0].accepted);
  CHECK_FALSE(console.core.state().sites[site].lanes[close_cmd.lane].open);
  CHECK_FALSE(cmds[1].accepted);
  CHECK(cmds[1].actor == "nguyen.van.a");  // the account that sent it; the claim is in the outcome
  CHECK_THAT(cmds[1].outcome, Catch::Contains("forged identity") && Catch::Contains("tran.thi.b"));
  primary.join();
  INFO(primary.out);
  REQUIRE(primary.rc == 0);
  auto p = read_json(d + "p.json");
  REQUIRE(p.is_object());
  CHECK(hash_hex(console.core.state_hash()) == p["core"]["state_hash"].get<std::string>());
  CHECK(p["messages"]["forged_audited"] == 1);
  auto rd = RecordingReader::open(d + "p.db");
  REQUIRE(std::holds_alternative<std::unique_ptr<RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<RecordingReader>>(rd);
  auto sessions = std::get<std::vector<Session>>(reader->sessions());
  auto recorded = std::get<std::vector<twin::CommandRecord>>(reader->read_commands(sessions.back().id));
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[0].accepted);
  CHECK_FALSE(recorded[1].accepted);
}

TEST_CASE("the broker restarted mid-run: primary and followers end equal, the followers without a restart", "[follow][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(true);  // persistence: the field's QoS 1 messages survive for the primary
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(1, 11);
  const std::string events = std::to_string(ref.first);
  const std::string d = broker.dir() + "/";
  const std::string until = " --run-for 50 --until-applied " + events;
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db --stats " + d + "p.json" + until));
  Child f1(d, "f1", twin_cmd(broker.uri(), "--follow --client-id wall-1 --catch-up " + d + "p.db --stats " + d + "f1.json" + until));
  REQUIRE(primary.connected(broker.uri(), "primary"));
  REQUIRE(primary.connected(broker.uri(), "primary-stream"));
  REQUIRE(f1.connected(broker.uri(), "wall-1-stream"));
  Child sim(d, "sim", kGatesim + " --hours 1 --seed 11 --json --no-progress --speed 720 --source restart --broker " + broker.uri());
  // Mid-run: a third of the hour is in the primary's recording.
  REQUIRE(wait_for([&] { return committed_events(d + "p.db") >= ref.first / 3; }, 60s));
  REQUIRE(broker.restart());
  sim.join();
  primary.join();
  f1.join();
  INFO(primary.out);
  INFO(f1.out);
  REQUIRE(sim.rc == 0);
  REQUIRE(primary.rc == 0);
  REQUIRE(f1.rc == 0);
  auto p = read_json(d + "p.json"), j = read_json(d + "f1.json");
  REQUIRE(j.is_object());
  CHECK(p["core"]["state_hash"] == ref.second);
  CHECK(j["core"]["state_hash"] == ref.second);
  CHECK(j["follow"]["mqtt"]["connection_losses"].get<uint64_t>() >= 1);
  WARN("broker restart: follower got " << j["follow"]["from_stream"] << " events from the stream and "
       << j["follow"]["caught_up_events"] << " from the recording (" << j["follow"]["gaps"] << " gaps)");
}

TEST_CASE("a primary restarted with a new run: the follower says so and exits 3 for its supervisor", "[follow][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(0.25, 5);
  const std::string d = broker.dir() + "/";
  // --run-for 60: only a guard. The follower must end by itself, with status 3, when the
  // new run's head comes (an event, not a time: at --run-for it would end with 0).
  Child follower(d, "follower", twin_cmd(broker.uri(), "--follow --client-id wall-1 --catch-up " + d + "a.db --stats " + d + "f.json --run-for 60"));
  REQUIRE(follower.connected(broker.uri(), "wall-1-stream"));
  {
    Child a(d, "a", twin_cmd(broker.uri(), "--client-id primary --record " + d + "a.db --stats " + d + "a.json --until-applied " +
                                       std::to_string(ref.first) + " --run-for 20"));
    REQUIRE(a.connected(broker.uri(), "primary"));
    REQUIRE(a.connected(broker.uri(), "primary-stream"));
    Child sim(d, "sim", kGatesim + " --hours 0.25 --seed 5 --json --no-progress --speed max --broker " + broker.uri());
    sim.join();
    a.join();
    INFO(a.out);
    REQUIRE(a.rc == 0);
  }
  // b runs until the follower has ended (SIGTERM then): its run is the new one.
  Child b(d, "b", twin_cmd(broker.uri(), "--client-id primary --record " + d + "b.db --run-for 60"));
  follower.join();
  b.proc.stop();
  b.join();
  INFO(follower.out);
  CHECK(follower.rc == 3);
  CHECK_THAT(follower.out, Catch::Contains("a new primary run"));
  auto f = read_json(d + "f.json");
  REQUIRE(f.is_object());
  CHECK(f["core"]["state_hash"] == ref.second);   // the old run's final state, exact
  CHECK(f["follow"]["primary_changed"] == true);
}

namespace {


// A second mosquitto on loopback, bridged to `upstream` for gatetwin/# both ways: two
// brokers of a cluster. Ready when it logged that it runs and the upstream broker logged
// the bridge's subscription to gatetwin/# (what the primary publishes then crosses it).
// Stopped (SIGTERM to the pid it wrote) when it goes out of scope.
struct BridgedBroker {
  int port = free_loopback_port();
  std::string dir, pid_file;
  BridgedBroker(const std::string& work_dir, int upstream_port) : dir(work_dir) {
    pid_file = dir + "/bridge.pid";
    std::ofstream c(dir + "/bridge.conf");
    c << "listener " << port << " 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npid_file " << pid_file << "\n"
      << "log_dest file " << dir << "/bridge.log\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
      << "connection to-upstream\naddress 127.0.0.1:" << upstream_port << "\ntopic gatetwin/# both 1\n"
      << "remote_clientid bridge-to-upstream\n"
      << "cleansession false\nbridge_protocol_version mqttv311\ntry_private true\n";
  }
  bool start(const MosquittoFixture& upstream) {
    int rc = -1;
    run_command(find_program("mosquitto") + " -d -c " + dir + "/bridge.conf", &rc);
    if (rc != 0) return false;
    return wait_for_text(dir + "/bridge.log", " running\n", 15s) && loopback_accepts(port) &&
           upstream.wait_for_subscription("bridge-to-upstream", "gatetwin/#");
  }
  ~BridgedBroker() {
    std::ifstream in(pid_file);
    pid_t pid = 0;
    if (in >> pid && pid > 0) kill(pid, SIGTERM);
  }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("two bridged brokers: a follower on the second broker ends in the primary's hash", "[follow][live]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string d0 = broker.dir();
  BridgedBroker second(d0, broker.port());
  const bool bridged = second.start(broker);
  INFO("bridge log:\n" << read_text(d0 + "/bridge.log") << "upstream log:\n" << broker.log());
  REQUIRE(bridged);
  const auto ref = testsupport::in_process(1, 7);
  const std::string events = std::to_string(ref.first);
  const std::string d = broker.dir() + "/";
  const std::string until = " --run-for 45 --until-applied " + events;
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db --stats " + d + "p.json" + until));
  Child far(d, "far", twin_cmd(second.uri(), "--follow --client-id far-wall --catch-up " + d + "p.db --stats " + d + "far.json" + until));
  REQUIRE(primary.connected(broker.uri(), "primary"));
  REQUIRE(primary.connected(broker.uri(), "primary-stream"));
  REQUIRE(far.connected(second.uri(), "far-wall-stream"));
  Child sim(d, "sim", kGatesim + " --hours 1 --seed 7 --json --no-progress --speed max --broker " + broker.uri());
  sim.join();
  primary.join();
  far.join();
  INFO(primary.out);
  INFO(far.out);
  INFO(run_command("cat " + d + "bridge.log"));
  REQUIRE(primary.rc == 0);
  REQUIRE(far.rc == 0);
  auto p = read_json(d + "p.json"), f = read_json(d + "far.json");
  REQUIRE(f.is_object());
  CHECK(p["core"]["state_hash"] == ref.second);
  CHECK(f["core"]["state_hash"] == ref.second);
  WARN("bridged follower: " << f["follow"]["from_stream"] << " events from the stream over the bridge, "
       << f["follow"]["caught_up_events"] << " from the recording");
}

// The broker forgets every session mid-run. Every MQTT connection comes back (issue 7:
// docs/mqtt.md "Reconnecting"). Until 2026-11-26 it was hidden: in 4 of 42 runs the
// followers ended equal to each other but not to the primary, after a lost stretch had
// made the primary's partner watch mark the feed stale. Its event went in with a time
// later than the events after it (docs/security.md); the primary's core took those later
// events at their own, earlier time, while the followers' sequencer clamped them to the
// later one. Fixed in the frame loop (Sequencer::insert); 19 of 19 runs passed after.
// Checked: the followers equal the primary and a fresh fold of its recording.
TEST_CASE("a broker restarted without persistence: followers end equal to the primary", "[follow][live][amnesia]") {
  REQUIRE_MQTT_PROGRAMS();
  // The broker forgets every session: the field's messages in flight may be lost for the
  // primary (so its hash is not compared with the in-process run), and stream batches
  // published before a follower resubscribes are lost for it: it catches them up.
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string d = broker.dir() + "/";
  const uint64_t stream_events = testsupport::in_process(2, 13).first;
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db --stats " + d + "p.json --run-for 12"));
  Child f1(d, "f1", twin_cmd(broker.uri(), "--follow --client-id wall-1 --catch-up " + d + "p.db --stats " + d + "f1.json --run-for 14"));
  Child f2(d, "f2", twin_cmd(broker.uri(), "--follow --client-id wall-2 --catch-up " + d + "p.db --stats " + d + "f2.json --run-for 14"));
  REQUIRE(primary.connected(broker.uri(), "primary"));
  REQUIRE(primary.connected(broker.uri(), "primary-stream"));
  REQUIRE(f1.connected(broker.uri(), "wall-1-stream"));
  REQUIRE(f2.connected(broker.uri(), "wall-2-stream"));
  Child sim(d, "sim", kGatesim + " --hours 2 --seed 13 --json --no-progress --speed 1440 --source amnesia --broker " + broker.uri());
  // Mid-run: a third of the field's stream is in the primary's recording.
  REQUIRE(wait_for([&] { return committed_events(d + "p.db") >= stream_events / 3; }, 60s));
  REQUIRE(broker.restart());
  sim.join();
  primary.join();
  f1.join();
  f2.join();
  INFO(primary.out);
  INFO(f1.out);
  INFO(f2.out);
  REQUIRE(primary.rc == 0);
  REQUIRE(f1.rc == 0);
  REQUIRE(f2.rc == 0);
  auto p = read_json(d + "p.json"), j1 = read_json(d + "f1.json"), j2 = read_json(d + "f2.json");
  REQUIRE(p.is_object());
  REQUIRE(j1.is_object());
  REQUIRE(j2.is_object());
  INFO("primary's stats: " << p.dump());
  INFO("wall-1's stats: " << j1.dump());
  INFO("wall-2's stats: " << j2.dump());
  CHECK(p["messages"]["applied"].get<uint64_t>() > 0);
  CHECK(p["stream"]["seq_breaks"] == 0);   // the core was fed in seq order (followers depend on it)
  // The primary's stream connection came back by itself too.
  CHECK(p["stream"]["mqtt"]["connection_losses"].get<uint64_t>() >= 1);
  CHECK(p["stream"]["mqtt"]["connects"].get<uint64_t>() >= 2);
  // The primary's recording folded afresh: what the followers must equal.
  run_command(kGatetwin + " --headless --replay " + d + "p.db --stats " + d + "r.json 2>&1");
  auto r = read_json(d + "r.json");
  INFO("replay of the primary's recording: " << r.dump());
  REQUIRE(r.is_object());
  CHECK(r["state_hash"] == p["core"]["state_hash"]);
  for (auto* j : {&j1, &j2}) {
    CHECK((*j)["core"]["state_hash"] == p["core"]["state_hash"]);
    CHECK((*j)["messages"]["applied"] == p["messages"]["applied"]);
    CHECK((*j)["follow"]["mqtt"]["connection_losses"].get<uint64_t>() >= 1);
  }
  WARN("broker amnesia: primary applied " << p["messages"]["applied"] << " (sequencer: " << p["sequencer"]["seqs_skipped"]
       << " seqs skipped, " << p["sequencer"]["time_clamped"] << " times clamped); followers caught up " << j1["follow"]["caught_up_events"]
       << " and " << j2["follow"]["caught_up_events"] << " events from the recording (" << j1["follow"]["gaps"] << " and "
       << j2["follow"]["gaps"] << " gaps)");
}
