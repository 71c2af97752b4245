// Tests the sealed control-room stream (issue 19; docs/control-room.md "A signed
// stream") against real processes: a private mosquitto on a loopback port without ACLs
// (so that any client may publish on the stream topics: the follower's trust must not
// rest on the broker), the real gatesim and gatetwin binaries, Ed25519 keys made with
// openssl. Cases: a forged retained head (another stream) met at start, a forged batch
// (the real stream's id, seq 1, sealed with another key) and, mid-run, a forged head of
// another stream are refused, counted and logged by a follower pinned to the primary's
// public key, which neither exits nor diverges and ends in the in-process hash; a follower started after the run catches up from the
// primary's recording to the same hash, and from an edited copy of it (one event's time
// moved by 1 ms, blob and columns consistent) applies nothing and says why. Fails
// (naming the Debian package) when mosquitto, its clients, openssl or sqlite3 is missing.
#include <catch2/catch.hpp>

#include "tests/support/child_process.h"
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "connectors/codec/event_binary.h"
#include "connectors/codec/stream_batch.h"
#include "connectors/mqtt/stream_seal.h"
#include "connectors/store/recording_reader.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

using namespace connectors;
using namespace std::chrono_literals;

namespace {

const std::string kGatesim = testsupport::gatesim_path();
const std::string kGatetwin = testsupport::gatetwin_path();

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

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

std::string twin_cmd(const std::string& uri, const std::string& flags) {
  return kGatetwin + " --headless --quiet --broker " + uri + " " + flags;
}

// A private Ed25519 key and its public half in dir: NAME.key, NAME.pub.
bool make_key(const std::string& dir, const std::string& name) {
  int rc = -1;
  run_command("openssl genpkey -algorithm ed25519 -out " + dir + "/" + name + ".key 2>&1 && openssl pkey -in " + dir + "/" +
                  name + ".key -pubout -out " + dir + "/" + name + ".pub 2>&1",
              &rc);
  return rc == 0;
}

void write_file(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

// Events committed so far in a recording being written (0 while it cannot be read yet).
uint64_t committed_events(const std::string& path) {
  auto rd = RecordingReader::open(path, ReaderOptions{false});
  if (!std::holds_alternative<std::unique_ptr<RecordingReader>>(rd)) return 0;
  auto ss = std::get<std::unique_ptr<RecordingReader>>(rd)->sessions();
  if (auto* v = std::get_if<std::vector<Session>>(&ss); v && !v->empty()) return v->back().events;
  return 0;
}

std::string pub_flags(const MosquittoFixture& b) { return "-h 127.0.0.1 -p " + std::to_string(b.port()) + " "; }

}  // namespace

TEST_CASE("a pinned follower refuses a forged stream head and a forged batch, and ends in the primary's hash", "[follow][live][security]") {
  REQUIRE_MQTT_PROGRAMS();
  REQUIRE_FALSE(find_program("openssl").empty());
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(0.25, 5);
  const std::string d = broker.dir() + "/", n = std::to_string(ref.first);
  REQUIRE(make_key(d, "primary"));
  REQUIRE(make_key(d, "attacker"));

  // A forged retained head, another stream (unsealed): a follower that adopted it would
  // see the real primary as a new run and exit 3 (what issue 19 saw).
  write_file(d + "head.bin", R"({"v":1,"status":"up","stream":"00000000000000ab","session":1,"seq":3})");
  int rc = -1;
  run_command("mosquitto_pub " + pub_flags(broker) + "-q 1 -r -t " + stream_head_topic() + " -f " + d + "head.bin 2>&1", &rc);
  REQUIRE(rc == 0);

  Child follower(d, "follower", twin_cmd(broker.uri(), "--follow --client-id wall-1 --stream-key " + d + "primary.pub --stats " + d +
                                                           "f.json --run-for 60 --until-applied " + n));
  REQUIRE(follower.connected(broker.uri(), "wall-1-stream"));
  Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --stream-key " + d + "primary.key --record " + d +
                                                         "p.db --stats " + d + "p.json --run-for 60 --until-applied " + n));
  REQUIRE(primary.connected(broker.uri(), "primary-stream"));

  // The real stream's id, from its retained head (as any subscriber can read it).
  std::string stream_hex;
  for (int i = 0; i < 50 && stream_hex.empty(); ++i) {
    const std::string head = run_command("mosquitto_sub " + pub_flags(broker) + "-C 1 -W 5 -t " + stream_head_topic() + " 2>/dev/null");
    std::smatch m;
    if (std::regex_search(head, m, std::regex(R"re("stream":"([0-9a-f]+)")re")) && m[1] != "00000000000000ab") stream_hex = m[1];
    else std::this_thread::sleep_for(100ms);
  }
  REQUIRE_FALSE(stream_hex.empty());
  // A forged batch on the real stream: seq 1, the partner link down, sealed with the
  // attacker's own key. Applied, it would take the genuine seq 1's place.
  twin::Event forged;
  forged.seq = 1;
  forged.time_ms = 0;
  forged.site = 0;
  forged.body = twin::PartnerLinkStatus{false};
  std::vector<uint8_t> bytes;
  REQUIRE(!encode_event(forged, bytes).has_value());
  std::string batch = stream_batch_header(std::stoull(stream_hex, nullptr, 16), 1, 1);
  append_stream_event(batch, bytes);
  auto attacker = StreamSigner::load(d + "attacker.key");
  REQUIRE(std::holds_alternative<std::shared_ptr<const StreamSigner>>(attacker));
  write_file(d + "batch.bin", std::get<std::shared_ptr<const StreamSigner>>(attacker)->seal(stream_topic(), batch,
                                                                                              stream_chain_next({}, bytes)));
  run_command("mosquitto_pub " + pub_flags(broker) + "-q 1 -t " + stream_topic() + " -f " + d + "batch.bin 2>&1", &rc);
  REQUIRE(rc == 0);
  CHECK(follower.proc.wait_for_output("follow: refused a message on " + stream_topic() + " (", 15s));

  // Paced (the quarter hour in about 15 s) so that the follower is mid-run when, once it
  // has folded events, a forged head of another stream comes: a follower that took it
  // would stop as if the primary had restarted (exit 3), as every restarted one did.
  Child sim(d, "sim", kGatesim + " --hours 0.25 --seed 5 --json --no-progress --speed 60 --broker " + broker.uri());
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (committed_events(d + "p.db") < ref.first / 3 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
  CHECK(committed_events(d + "p.db") < ref.first);  // mid-run
  write_file(d + "head2.bin", R"({"v":1,"status":"up","stream":"00000000000000cd","session":1,"seq":)" + n + "}");
  run_command("mosquitto_pub " + pub_flags(broker) + "-q 1 -t " + stream_head_topic() + " -f " + d + "head2.bin 2>&1", &rc);
  CHECK(rc == 0);
  sim.join();
  primary.join();
  follower.join();
  INFO(primary.out);
  INFO(follower.out);
  REQUIRE(primary.rc == 0);
  CHECK(follower.rc == 0);  // not 3: no forged head named a new primary run
  CHECK_THAT(follower.out, Catch::Contains("follow: refused a message on " + stream_head_topic()));
  CHECK_THAT(follower.out, Catch::Contains("not sealed"));
  CHECK_THAT(follower.out, Catch::Contains("does not hold for the pinned key"));
  auto f = read_json(d + "f.json");
  REQUIRE(f.is_object());
  CHECK(f["core"]["state_hash"] == ref.second);
  CHECK(f["messages"]["applied"] == ref.first);
  CHECK(f["follow"]["forged"].get<uint64_t>() >= 3);
  CHECK(f["follow"]["primary_changed"] == false);
}

TEST_CASE("a pinned follower catches up from the primary's recording, and refuses an edited copy of it", "[follow][live][security]") {
  REQUIRE_MQTT_PROGRAMS();
  REQUIRE_FALSE(find_program("openssl").empty());
  REQUIRE_FALSE(find_program("sqlite3").empty());
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const auto ref = testsupport::in_process(0.25, 5);
  const std::string d = broker.dir() + "/", n = std::to_string(ref.first);
  REQUIRE(make_key(d, "primary"));
  {
    Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --stream-key " + d + "primary.key --record " + d +
                                                           "p.db --run-for 60 --until-applied " + n));
    REQUIRE(primary.connected(broker.uri(), "primary-stream"));
    Child sim(d, "sim", kGatesim + " --hours 0.25 --seed 5 --json --no-progress --speed max --broker " + broker.uri());
    sim.join();
    primary.join();
    INFO(primary.out);
    REQUIRE(primary.rc == 0);
  }
  // The edited copy: one event's time moved 1 ms later (still between its neighbours),
  // its blob re-encoded and its columns kept consistent: the reader accepts it.
  int rc = -1;
  run_command("cp " + d + "p.db " + d + "e.db", &rc);
  REQUIRE(rc == 0);
  {
    auto opened = RecordingReader::open(d + "p.db", ReaderOptions{false});
    REQUIRE(std::holds_alternative<std::unique_ptr<RecordingReader>>(opened));
    auto& rd = std::get<std::unique_ptr<RecordingReader>>(opened);
    auto sessions = rd->sessions();
    REQUIRE(std::holds_alternative<std::vector<Session>>(sessions));
    const int64_t session = std::get<std::vector<Session>>(sessions).back().id;
    auto evs = rd->read_events(session, 1, 1000000);
    REQUIRE(std::holds_alternative<std::vector<twin::Event>>(evs));
    auto& v = std::get<std::vector<twin::Event>>(evs);
    size_t k = 20;
    while (k + 1 < v.size() && (v[k + 1].time_ms <= v[k].time_ms + 1 || std::holds_alternative<twin::ClockTick>(v[k].body))) ++k;
    REQUIRE(k + 1 < v.size());
    v[k].time_ms += 1;
    std::vector<uint8_t> blob;
    REQUIRE(!encode_event(v[k], blob).has_value());
    std::string hex;
    for (uint8_t b : blob) {
      char h[3];
      std::snprintf(h, sizeof h, "%02x", b);
      hex += h;
    }
    run_command("sqlite3 " + d + "e.db \"UPDATE events SET time_ms = " + std::to_string(v[k].time_ms) + ", body = X'" + hex +
                    "' WHERE session = " + std::to_string(session) + " AND seq = " + std::to_string(v[k].seq) + "\" 2>&1",
                &rc);
    REQUIRE(rc == 0);
  }
  // The genuine recording: caught up to the primary's hash, checked against its signed head.
  {
    Child late(d, "late", twin_cmd(broker.uri(), "--follow --client-id late-1 --stream-key " + d + "primary.pub --catch-up " + d +
                                                     "p.db --stats " + d + "late.json --run-for 30 --until-applied " + n));
    late.join();
    INFO(late.out);
    CHECK(late.rc == 0);
    auto j = read_json(d + "late.json");
    REQUIRE(j.is_object());
    CHECK(j["core"]["state_hash"] == ref.second);
    CHECK(j["follow"]["caught_up_events"] == ref.first);
    CHECK(j["follow"]["catch_up_refused"] == 0);
  }
  // The edited one: nothing applied, refused with the reason.
  Child edited(d, "edited", twin_cmd(broker.uri(), "--follow --client-id late-2 --stream-key " + d + "primary.pub --catch-up " + d +
                                                       "e.db --stats " + d + "edited.json --run-for 5"));
  edited.join();
  INFO(edited.out);
  CHECK(edited.rc == 0);
  CHECK_THAT(edited.out, Catch::Contains("do not match the primary's signed stream"));
  auto j = read_json(d + "edited.json");
  REQUIRE(j.is_object());
  CHECK(j["messages"]["applied"] == 0);
  CHECK(j["follow"]["caught_up_events"] == 0);
  CHECK(j["follow"]["catch_up_refused"].get<uint64_t>() >= 1);
}
