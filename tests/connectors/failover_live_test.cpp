// Tests fail-over in the control room (docs/control-room.md "Fail-over", issue 18).
// Without a broker: stream batches carry the epoch and each event's origin; the standby's
// buffer hands over exactly the inputs the primary had not sequenced, once, in one order,
// and primes the sequencer so that late copies are stale; a follower refuses batches of an
// older epoch (counted) and counts a fail-over. Against private mosquittos on loopback
// ports with the real gatesim and gatetwin binaries: the primary SIGKILLed at a seeded
// random moment, 20 times: the standby takes over every time and it and a follower end in
// the in-process hash (the take-over times are printed: median and worst); the standby's
// recording covers every seq and `gatetwin --replay` of it reaches the final state; the
// primary cut off (a proxy that stops forwarding, both ways) past the take-over time and
// reconnected: it is fenced (exit 5), the standby is the only primary, and every
// recording is a prefix of one sequence. Live cases fail (naming the Debian package) when
// mosquitto or its clients are missing.
#include <catch2/catch.hpp>

#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "connectors/codec/event_binary.h"
#include "connectors/codec/stream_batch.h"
#include "connectors/mqtt/ingest_queue.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/stream_follower.h"
#include "connectors/mqtt/stream_publisher.h"
#include "connectors/store/recording_reader.h"
#include "pipeline/sequencer.h"
#include "pipeline/standby_buffer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

using namespace connectors;
using namespace std::chrono_literals;

namespace {

const std::string kGatesim = testsupport::gatesim_path();
const std::string kGatetwin = testsupport::gatetwin_path();

twin::Event tick(uint64_t seq) { return twin::Event{seq, static_cast<twin::SimTime>(seq * 1000), 0, twin::ClockTick{}}; }

std::string batch(uint64_t stream, uint32_t epoch, uint64_t first, uint64_t last) {
  std::string p = stream_batch_header(stream, 1, static_cast<uint16_t>(last - first + 1), epoch);
  for (uint64_t s = first; s <= last; ++s) {
    std::vector<uint8_t> b;
    REQUIRE_FALSE(encode_event(tick(s), b));
    EventOrigin o;
    o.source = "sim";
    o.source_seq = s + 100;
    append_stream_event(p, b, o);
  }
  return p;
}

FieldMessage ordered(const std::string& source, uint64_t seq, twin::SimTime t) {
  return FieldMessage(source, seq, t, 0, twin::ClockTick{}, MessageClass::Ordered);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

int64_t utc_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A child process (a shell command) with its output in a file in `dir`.
struct Child {
  ChildProcess proc;
  std::string out;
  int rc = -1;
  bool joined = false;
  Child(const std::string& dir, const std::string& name, const std::string& cmd) {
    proc.start("/bin/sh", {name, "-c", "exec " + cmd}, dir + "/" + name + ".out");
  }
  bool said(const std::string& line, std::chrono::milliseconds timeout = 30s) { return proc.wait_for_output(line, timeout); }
  bool connected(const std::string& uri, const std::string& client_id) {
    return said("mqtt: connected to " + uri + " as " + client_id + "\n");
  }
  void join(std::chrono::milliseconds timeout = 60s) {
    if (joined) return;
    joined = true;
    if (!proc.wait_exit(timeout)) proc.stop();
    out = proc.output();
    rc = proc.exit_code();
  }
  ~Child() { join(); }
};

std::string twin_cmd(const std::string& uri, const std::string& flags) {
  return kGatetwin + " --headless --quiet --broker " + uri + " " + flags;
}

// Every event of a recording's last session, by seq, in the binary codec.
std::map<uint64_t, std::vector<uint8_t>> recorded(const std::string& path) {
  std::map<uint64_t, std::vector<uint8_t>> out;
  auto rd = RecordingReader::open(path, ReaderOptions{false});
  if (!std::holds_alternative<std::unique_ptr<RecordingReader>>(rd)) return out;
  auto& r = std::get<std::unique_ptr<RecordingReader>>(rd);
  auto ss = r->sessions();
  auto* v = std::get_if<std::vector<Session>>(&ss);
  if (!v || v->empty()) return out;
  (void)r->for_each_event(v->back().id, 1, [&](const StoreResult<twin::Event>& e) {
    if (auto* ev = std::get_if<twin::Event>(&e)) {
      std::vector<uint8_t> b;
      if (!encode_event(*ev, b)) out[ev->seq] = std::move(b);
    }
    return true;
  });
  return out;
}

// A TCP proxy on a loopback port in front of a broker. freeze(true) stops forwarding both
// ways (the sockets stay open: to both ends it is a silent network, as a cut cable is);
// freeze(false) forwards what waited and goes on.
class FreezableProxy {
 public:
  explicit FreezableProxy(int upstream_port) : upstream_(upstream_port) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 16);
    socklen_t n = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &n);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FreezableProxy() {
    stop_ = true;
    thread_.join();
    for (auto& [a, b] : pairs_) {
      ::close(a);
      ::close(b);
    }
    ::close(listen_);
  }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  void freeze(bool on) { frozen_ = on; }

 private:
  static bool write_all(int fd, const char* p, ssize_t n) {
    while (n > 0) {
      ssize_t w = ::send(fd, p, static_cast<size_t>(n), MSG_NOSIGNAL);
      if (w <= 0) return false;
      p += w;
      n -= w;
    }
    return true;
  }
  void run() {
    std::vector<char> buf(65536);
    while (!stop_) {
      std::vector<pollfd> fds{{listen_, POLLIN, 0}};
      const bool frozen = frozen_;
      if (!frozen)
        for (auto& [a, b] : pairs_) {
          fds.push_back({a, POLLIN, 0});
          fds.push_back({b, POLLIN, 0});
        }
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int c = ::accept(listen_, nullptr, nullptr);
        int u = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(upstream_));
        if (c >= 0 && ::connect(u, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) pairs_.emplace_back(c, u);
        else {
          if (c >= 0) ::close(c);
          ::close(u);
        }
      }
      if (frozen) continue;
      std::vector<size_t> dead;
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const size_t pair = (i - 1) / 2;
        const int from = fds[i].fd;
        const int to = from == pairs_[pair].first ? pairs_[pair].second : pairs_[pair].first;
        const ssize_t n = ::recv(from, buf.data(), buf.size(), 0);
        if (n <= 0 || !write_all(to, buf.data(), n)) dead.push_back(pair);
      }
      std::sort(dead.begin(), dead.end());
      dead.erase(std::unique(dead.begin(), dead.end()), dead.end());
      for (auto it = dead.rbegin(); it != dead.rend(); ++it) {
        ::close(pairs_[*it].first);
        ::close(pairs_[*it].second);
        pairs_.erase(pairs_.begin() + static_cast<long>(*it));
      }
    }
  }
  int upstream_;
  int listen_ = -1;
  int port_ = 0;
  std::atomic<bool> frozen_{false}, stop_{false};
  std::vector<std::pair<int, int>> pairs_;
  std::thread thread_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

}  // namespace

// [SECTION] no broker ------------------------------------------------------------------

TEST_CASE("stream batches carry the epoch and each event's origin; an older version is refused", "[failover]") {
  std::string p = stream_batch_header(0xabc, 4, 2, 3);
  EventOrigin cmd;
  cmd.cls = static_cast<uint8_t>(MessageClass::Command);
  cmd.source = "console-1";
  cmd.source_seq = 9;
  cmd.session = "s2";
  cmd.account = "op";
  cmd.command_id = "c-17";
  for (uint64_t s : {5, 6}) {
    std::vector<uint8_t> b;
    REQUIRE_FALSE(encode_event(tick(s), b));
    append_stream_event(p, b, s == 6 ? cmd : EventOrigin{});
  }
  auto r = decode_stream_batch(p);
  REQUIRE(std::holds_alternative<StreamBatch>(r));
  const StreamBatch& b = std::get<StreamBatch>(r);
  CHECK(b.epoch == 3);
  CHECK(b.session == 4);
  REQUIRE(b.origins.size() == 2);
  CHECK(b.origins[0].source.empty());
  CHECK(b.origins[1].source == "console-1");
  CHECK(b.origins[1].source_seq == 9);
  CHECK(b.origins[1].session == "s2");
  CHECK(b.origins[1].account == "op");
  CHECK(b.origins[1].command_id == "c-17");
  CHECK(b.origins[1].cls == 2);
  std::string old = p;
  old[3] = 1;
  auto d = decode_stream_batch(old);
  REQUIRE(std::holds_alternative<StreamDecodeError>(d));
  CHECK_THAT(std::get<StreamDecodeError>(d).message(), Catch::Contains("different builds"));
  auto cut = decode_stream_batch(p.substr(0, p.size() - 3));
  CHECK(std::holds_alternative<StreamDecodeError>(cut));
}

TEST_CASE("the standby's buffer hands over what the primary had not sequenced, once, in one order", "[failover]") {
  pipeline::StandbyBuffer buf;
  // The standby's link took sim 1..10 and wgs 1..4 (out of order), and two commands.
  for (uint64_t s : {3, 1, 2, 4, 5, 6, 7, 8, 9, 10}) buf.take(ordered("sim", s, static_cast<twin::SimTime>(s * 100)));
  for (uint64_t s : {2, 1, 4, 3}) buf.take(ordered("wgs", s, static_cast<twin::SimTime>(s * 100 + 50)));
  FieldMessage c1("console-a", 1, 420, 0, twin::ClockTick{}, MessageClass::Command);
  c1.command_id = "c1";
  FieldMessage c2("console-a", 2, 430, 0, twin::ClockTick{}, MessageClass::Command);
  c2.command_id = "c2";
  buf.take(c1);
  buf.take(c2);
  buf.take(c2);  // a redelivery: held once
  buf.take(FieldMessage("gnss", 1, 5, 0, twin::ClockTick{}, MessageClass::Telemetry));  // positions are not held
  CHECK(buf.stats().held == 16);
  CHECK(buf.stats().stale_on_arrival == 1);
  CHECK(buf.stats().telemetry == 1);
  // The primary's stream: sim 1..6, wgs 1..2, c1.
  for (uint64_t s = 1; s <= 6; ++s) buf.sequenced(EventOrigin{0, s, "sim", "", "", ""});
  for (uint64_t s = 1; s <= 2; ++s) buf.sequenced(EventOrigin{0, s, "wgs", "", "", ""});
  buf.sequenced(EventOrigin{2, 1, "console-a", "", "", "c1"});
  CHECK(buf.stats().sequenced == 9);
  buf.take(ordered("sim", 5, 500));  // late copy of what the primary sequenced
  buf.take(c1);
  CHECK(buf.stats().stale_on_arrival == 3);
  CHECK(buf.primary_next("sim") == 7);

  pipeline::Sequencer seq;
  seq.resume(41, 600);  // the primary's run stopped at seq 40, clock 600
  std::vector<FieldMessage> held = buf.take_over(seq);
  std::vector<std::string> order;
  for (const auto& m : held) order.push_back(m.source + ":" + std::to_string(m.source_seq));
  // The field's by time (sim s*100, wgs s*100+50), each source in seq order; then the commands.
  CHECK(order == std::vector<std::string>{"wgs:3", "wgs:4", "sim:7", "sim:8", "sim:9", "sim:10", "console-a:2"});
  CHECK(buf.stats().held == 0);
  std::vector<pipeline::SequencedEvent> ready;
  for (auto& m : held) seq.accept(std::move(m), 0, ready);
  seq.accept(ordered("sim", 6, 600), 0, ready);  // the primary had it: stale for the primed sequencer
  seq.accept(ordered("wgs", 2, 600), 0, ready);
  REQUIRE(ready.size() == 7);
  CHECK(ready.front().event.seq == 41);
  CHECK(ready.back().event.seq == 47);
  for (const auto& e : ready) CHECK(e.event.time_ms >= 600);
  CHECK(seq.stats().stale == 2);
  // The same inputs taken in another order give the same hand-over.
  pipeline::StandbyBuffer again;
  for (uint64_t s : {10, 9, 8, 7}) again.take(ordered("sim", s, static_cast<twin::SimTime>(s * 100)));
  again.take(c2);
  for (uint64_t s : {4, 3}) again.take(ordered("wgs", s, static_cast<twin::SimTime>(s * 100 + 50)));
  for (uint64_t s = 1; s <= 6; ++s) again.sequenced(EventOrigin{0, s, "sim", "", "", ""});
  for (uint64_t s = 1; s <= 2; ++s) again.sequenced(EventOrigin{0, s, "wgs", "", "", ""});
  pipeline::Sequencer seq2;
  std::vector<std::string> order2;
  for (const auto& m : again.take_over(seq2)) order2.push_back(m.source + ":" + std::to_string(m.source_seq));
  CHECK(order2 == order);
}

TEST_CASE("heads: a newer epoch outranks; two twins of one epoch: the id that sorts first", "[failover]") {
  CHECK(head_outranks(2, "gatetwin-b", 1, "gatetwin"));
  CHECK_FALSE(head_outranks(1, "gatetwin", 2, "gatetwin-b"));
  CHECK(head_outranks(2, "a", 2, "b"));
  CHECK_FALSE(head_outranks(2, "b", 2, "a"));
  CHECK_FALSE(head_outranks(2, "a", 2, "a"));
  auto h = parse_stream_head(R"({"v":1,"status":"up","stream":"00000000000000ff","session":3,"seq":9,"epoch":4,"from":7,"primary":"b","since":5})");
  REQUIRE(h);
  CHECK(h->stream_id == 255);
  CHECK(h->epoch == 4);
  CHECK(h->from == 7);
  CHECK(h->primary == "b");
  CHECK(h->has_seq);
  auto will = parse_stream_head(R"({"v":1,"status":"offline","stream":"00000000000000ff","epoch":4,"primary":"b"})");
  REQUIRE(will);
  CHECK_FALSE(will->has_seq);
  auto old = parse_stream_head(R"({"v":1,"status":"up","stream":"00000000000000ff","session":3,"seq":9})");
  REQUIRE(old);
  CHECK(old->epoch == 1);
  CHECK_FALSE(parse_stream_head("not json"));
}

TEST_CASE("a follower takes a newer epoch of its run and refuses the older one's batches", "[failover]") {
  IngestQueue q(4096);
  StreamFollowerOptions o;
  o.broker.uri = "tcp://127.0.0.1:1";  // never connects: messages are injected
  o.broker.client_id = "unit";
  std::mutex mu;
  std::vector<std::pair<uint64_t, uint64_t>> origins;  // (twin seq, source seq)
  o.on_origin = [&](uint64_t seq, const EventOrigin& og) {
    std::lock_guard lock(mu);
    origins.emplace_back(seq, og.source_seq);
  };
  StreamFollower f(o, q, {}, nullptr);
  f.start();
  f.on_message(stream_topic(), batch(77, 1, 1, 3));
  f.on_message(stream_head_topic(), R"({"v":1,"status":"up","stream":"000000000000004d","session":1,"seq":5,"epoch":2,"from":4,"primary":"standby","since":1})");
  f.on_message(stream_topic(), batch(77, 1, 4, 6));  // the fenced primary's (or its resend): refused
  f.on_message(stream_topic(), batch(77, 2, 4, 5));
  std::vector<uint64_t> seqs;
  std::vector<FieldMessage> got;
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (seqs.size() < 5 && std::chrono::steady_clock::now() < until) {
    got.clear();
    q.drain(got, 1024, std::chrono::microseconds(20000));
    for (auto& m : got) seqs.push_back(m.source_seq);
  }
  f.stop();
  CHECK(seqs == std::vector<uint64_t>{1, 2, 3, 4, 5});
  const StreamFollowerStats s = f.stats();
  CHECK(s.epoch == 2);
  CHECK(s.failovers == 1);
  CHECK(s.stale_epoch == 1);
  CHECK(s.primary == "standby");
  CHECK(s.epoch_from == 4);
  std::lock_guard lock(mu);
  REQUIRE(origins.size() == 5);
  CHECK(origins[3] == std::make_pair(uint64_t{4}, uint64_t{104}));
}

// [SECTION] live: real mosquitto, gatesim and gatetwin ----------------------------------

// The primary SIGKILLed at a seeded random moment of a paced quarter hour, 20 times. The
// quarter hour (gatesim --hours 0.25 --speed 900: 1 s of publishing) keeps the 20 runs
// near 40 s; GATETWIN_FAILOVER_RUNS=N runs N instead (more runs, more figures).
TEST_CASE("the primary SIGKILLed at a random moment, 20 times: the standby takes over, every console ends in the in-process hash", "[failover][live][kill]") {
  REQUIRE_MQTT_PROGRAMS();
  const double hours = 0.25;
  const auto ref = testsupport::in_process(hours, 7);
  const std::string events = std::to_string(ref.first);
  int runs = 20;
  if (const char* n = std::getenv("GATETWIN_FAILOVER_RUNS")) runs = std::max(1, std::atoi(n));
  std::mt19937 rng(18);  // the kill moments: seeded
  std::uniform_int_distribution<int> kill_ms(50, 950);
  std::vector<double> to_takeover, to_first;
  int takeovers = 0;
  for (int run = 0; run < runs; ++run) {
    const int at = kill_ms(rng);
    INFO("run " << run << ", the primary killed " << at << " ms after gatesim started");
    MosquittoFixture broker(false);
    REQUIRE(broker.start());
    const std::string d = broker.dir() + "/";
    const std::string until = " --run-for 30 --until-applied " + events;
    Child primary(d, "primary", twin_cmd(broker.uri(), "--client-id primary --record " + d + "p.db" + until));
    REQUIRE(primary.connected(broker.uri(), "primary-stream"));
    Child standby(d, "standby", twin_cmd(broker.uri(), "--standby --client-id standby --record " + d + "s.db --catch-up " + d + "p.db --stats " + d + "s.json" + until));
    Child wall(d, "wall", twin_cmd(broker.uri(), "--follow --client-id wall --catch-up " + d + "p.db," + d + "s.db --stats " + d + "w.json" + until));
    REQUIRE(primary.connected(broker.uri(), "primary"));
    REQUIRE(standby.connected(broker.uri(), "standby"));
    REQUIRE(standby.said("is up"));  // it heard the primary's head: it knows the run
    REQUIRE(wall.connected(broker.uri(), "wall-stream"));
    Child sim(d, "sim", kGatesim + " --hours " + std::to_string(hours) + " --seed 7 --json --no-progress --speed 900 --broker " + broker.uri());
    std::this_thread::sleep_for(std::chrono::milliseconds(at));
    ::kill(primary.proc.pid(), SIGKILL);
    const int64_t killed_ms = utc_now_ms();
    sim.join();
    standby.join();
    wall.join();
    primary.join(1s);
    INFO(standby.out);
    INFO(wall.out);
    REQUIRE(sim.rc == 0);
    REQUIRE(standby.rc == 0);
    REQUIRE(wall.rc == 0);
    auto s = read_json(d + "s.json"), w = read_json(d + "w.json");
    REQUIRE(s.is_object());
    REQUIRE(w.is_object());
    CHECK(s["core"]["state_hash"] == ref.second);
    CHECK(w["core"]["state_hash"] == ref.second);
    CHECK(s["messages"]["applied"] == ref.first);
    CHECK(w["messages"]["applied"] == ref.first);
    REQUIRE(s["failover"]["takeovers"].size() == 1);  // every time
    CHECK(s["role"] == "primary");
    CHECK(w["follow"]["failovers"] == 1);
    CHECK(w["follow"]["epoch"] == 2);
    const auto& t = s["failover"]["takeovers"][0];
    takeovers++;
    to_takeover.push_back(static_cast<double>(t["takeover_utc_ms"].get<int64_t>() - killed_ms) / 1000.0);
    if (!t["first_sequenced_utc_ms"].is_null())
      to_first.push_back(static_cast<double>(t["first_sequenced_utc_ms"].get<int64_t>() - killed_ms) / 1000.0);
    if (run == 0) {
      // The standby's recording holds every seq; with the dead primary's it covers them
      // twice over where both have them, identically. Replayed, it reaches the final state.
      auto ps = recorded(d + "p.db"), ss = recorded(d + "s.db");
      REQUIRE(ss.size() == ref.first);
      CHECK(ss.begin()->first == 1);
      CHECK(ss.rbegin()->first == ref.first);
      for (const auto& [seq, bytes] : ps) {
        if (seq > ref.first) continue;
        if (seq < t["from_seq"].get<uint64_t>()) CHECK(ss[seq] == bytes);
      }
      int rc = 0;
      const std::string out = run_command(kGatetwin + " --headless --replay " + d + "s.db --stats " + d + "replay.json", &rc);
      CHECK(rc == 0);
      auto rp = read_json(d + "replay.json");
      REQUIRE(rp.is_object());
      CHECK(rp["state_hash"] == ref.second);
    }
  }
  CHECK(takeovers == runs);
  char line[256];
  std::snprintf(line, sizeof line, "%d runs: the primary's death to the standby's take-over: median %.3f s, worst %.3f s; "
                "to its first sequenced event (%zu runs with inputs left): median %.3f s, worst %.3f s",
                runs, median(to_takeover), to_takeover.empty() ? 0 : *std::max_element(to_takeover.begin(), to_takeover.end()),
                to_first.size(), median(to_first), to_first.empty() ? 0 : *std::max_element(to_first.begin(), to_first.end()));
  WARN(line);
  std::fprintf(stderr, "fail-over: %s\n", line);
  if (!to_first.empty()) {
    CHECK(*std::max_element(to_first.begin(), to_first.end()) < 5.0);
  }
}

// A command sent in the gap (the primary cut off, the standby not yet in charge) is held by
// the standby and answered once, by it; the old primary, back, answers nothing.
TEST_CASE("the primary cut off past the take-over time and reconnected: fenced, one primary, no fork", "[failover][live][cut]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  FreezableProxy cable(broker.port());
  const auto ref = testsupport::in_process(0.5, 7);
  const std::string events = std::to_string(ref.first);
  const std::string d = broker.dir() + "/";
  const std::string until = " --run-for 40 --until-applied " + std::to_string(ref.first + 1);  // + the command
  Child primary(d, "primary", twin_cmd(cable.uri(), "--client-id primary --record " + d + "p.db --stats " + d + "p.json" + until));
  REQUIRE(primary.connected(cable.uri(), "primary-stream"));
  Child standby(d, "standby", twin_cmd(broker.uri(), "--standby --client-id standby --record " + d + "s.db --catch-up " + d + "p.db --stats " + d + "s.json" + until));
  Child wall(d, "wall", twin_cmd(broker.uri(), "--follow --client-id wall --record " + d + "w.db --catch-up " + d + "p.db," + d + "s.db --stats " + d + "w.json" + until));
  REQUIRE(primary.connected(cable.uri(), "primary"));
  REQUIRE(standby.connected(broker.uri(), "standby"));
  REQUIRE(standby.said("is up"));
  REQUIRE(wall.connected(broker.uri(), "wall-stream"));
  // Paced: the half hour takes 6 s; the cable is cut from 1.5 s to 6 s (past the standby's 3 s).
  Child sim(d, "sim", kGatesim + " --hours 0.5 --seed 7 --json --no-progress --speed 300 --broker " + broker.uri());
  // Every answer on the command topics, counted by command id.
  std::mutex mu;
  std::map<std::string, int> answers;
  MqttClientOptions listen;
  listen.broker.uri = broker.uri();
  listen.broker.client_id = "answers";
  listen.clean_session = true;
  listen.subscriptions = {"gatetwin/v1/+/twin/command_result"};
  MqttClient answers_client(listen, [&](const std::string&, const std::string& payload, const MqttClient::Delivery&) {
    auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return;
    std::lock_guard lock(mu);
    answers[j.value("command_id", std::string())]++;
  }, nullptr);
  answers_client.start();
  REQUIRE(answers_client.wait_connected(10s));
  std::this_thread::sleep_for(1500ms);
  cable.freeze(true);
  std::this_thread::sleep_for(300ms);  // in the gap: the primary is silent, the standby waits for 3 s of it
  Child cmd(d, "cmd", kGatetwin + " command --broker " + broker.uri() + " --site m1119 --role supervisor --actor duty-officer --id gap-1 --timeout-s 20 --reason 'in the gap' close_lane E2");
  REQUIRE(standby.said("FAIL-OVER", 15s));
  std::this_thread::sleep_for(1000ms);
  cable.freeze(false);  // the old primary hears the network again
  primary.join(20s);
  cmd.join(30s);
  sim.join();
  standby.join();
  wall.join();
  INFO(primary.out);
  INFO(standby.out);
  INFO(wall.out);
  CHECK(primary.rc == 5);  // fenced: it stopped sequencing and says to restart it as a standby
  CHECK_THAT(primary.out, Catch::Contains("fenced"));
  REQUIRE(standby.rc == 0);
  REQUIRE(wall.rc == 0);
  INFO(cmd.proc.output());
  CHECK(cmd.rc == 0);  // accepted
  std::this_thread::sleep_for(500ms);
  {
    std::lock_guard lock(mu);
    CHECK(answers["gap-1"] == 1);  // answered once, by the new primary
  }
  answers_client.stop();
  auto p = read_json(d + "p.json"), s = read_json(d + "s.json"), w = read_json(d + "w.json");
  REQUIRE(p.is_object());
  REQUIRE(s.is_object());
  REQUIRE(w.is_object());
  // Exactly one primary afterwards: the standby, at epoch 2; the old one fenced.
  CHECK(p["role"] == "fenced");
  CHECK(p["stream"]["epoch"] == 1);
  CHECK(s["role"] == "primary");
  CHECK(s["failover"]["epoch"] == 2);
  CHECK(s["failover"]["takeovers"].size() == 1);
  CHECK_THAT(s["failover"]["takeovers"][0]["why"].get<std::string>(), Catch::Contains("silent"));
  CHECK(w["follow"]["epoch"] == 2);
  CHECK(s["failover"]["takeovers"][0]["held_inputs_handed"].get<uint64_t>() >= 1);  // the command, at least
  // The command changes the run: the consoles agree with each other (the in-process run has no command).
  CHECK(w["core"]["state_hash"] == s["core"]["state_hash"]);
  CHECK(s["messages"]["applied"] == ref.first + 1);
  // No fork: every recording is a prefix of one sequence (the longest, the standby's).
  auto ps = recorded(d + "p.db"), ss = recorded(d + "s.db"), ws = recorded(d + "w.db");
  REQUIRE(ss.size() == ref.first + 1);
  for (const auto* r : {&ps, &ws}) {
    uint64_t expect = 1;
    for (const auto& [seq, bytes] : *r) {
      INFO((r == &ps ? "the old primary's" : "the wall's") << " recording at seq " << seq << " (the standby took over at "
           << s["failover"]["takeovers"][0]["from_seq"] << ")");
      CHECK(seq == expect++);
      CHECK(ss[seq] == bytes);
    }
  }
  WARN("cut-off primary: it recorded " << ps.size() << " events (the run has " << ref.first << "); the standby took over at seq "
       << s["failover"]["takeovers"][0]["from_seq"] << "; followers refused " << w["follow"]["stale_epoch"]
       << " stale-epoch messages; the old primary's stream: " << p["stream"].dump());
}

namespace {

// A second mosquitto on loopback, bridged to `other` for gatetwin/# both ways (two brokers
// of one room), with a pid file so the test can SIGKILL it. Ready when it logged that it
// runs and the other broker logged the bridge's subscription.
struct BridgedBroker {
  int port = free_loopback_port();
  std::string dir, pid_file;
  BridgedBroker(const std::string& work_dir, int other_port) : dir(work_dir) {
    pid_file = dir + "/bridge.pid";
    std::ofstream c(dir + "/bridge.conf");
    c << "listener " << port << " 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npid_file " << pid_file << "\n"
      << "log_dest file " << dir << "/bridge.log\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
      << "connection to-other\naddress 127.0.0.1:" << other_port << "\ntopic gatetwin/# both 1\n"
      << "remote_clientid bridge-to-other\n"
      << "cleansession false\nbridge_protocol_version mqttv311\ntry_private true\n";
  }
  bool start(const MosquittoFixture& other) {
    int rc = -1;
    run_command(find_program("mosquitto") + " -d -c " + dir + "/bridge.conf", &rc);
    if (rc != 0) return false;
    return wait_for_text(dir + "/bridge.log", " running\n", 15s) && loopback_accepts(port) &&
           other.wait_for_subscription("bridge-to-other", "gatetwin/#");
  }
  void kill_now(int sig = SIGKILL) {
    std::ifstream in(pid_file);
    pid_t pid = 0;
    if (in >> pid && pid > 0) ::kill(pid, sig);
  }
  ~BridgedBroker() { kill_now(SIGTERM); }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("one of two brokers SIGKILLed mid-run: everyone moves to the other, the hash is the in-process run's", "[failover][live][brokers]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture second(false);
  REQUIRE(second.start());
  const std::string d = second.dir() + "/";
  BridgedBroker first(second.dir(), second.port());
  INFO("bridge log:\n" << read_text(d + "bridge.log"));
  REQUIRE(first.start(second));
  const std::string both = first.uri() + "," + second.uri();  // everyone uses the first, then the second
  const auto ref = testsupport::in_process(0.5, 7);
  const std::string events = std::to_string(ref.first);
  const std::string until = " --run-for 40 --until-applied " + events;
  Child primary(d, "primary", twin_cmd(both, "--client-id primary --record " + d + "p.db --stats " + d + "p.json" + until));
  Child wall(d, "wall", twin_cmd(both, "--follow --client-id wall --catch-up " + d + "p.db --stats " + d + "w.json" + until));
  REQUIRE(primary.connected(first.uri(), "primary"));
  REQUIRE(primary.connected(first.uri(), "primary-stream"));
  REQUIRE(wall.connected(first.uri(), "wall-stream"));
  Child sim(d, "sim", kGatesim + " --hours 0.5 --seed 7 --json --no-progress --speed 600 --broker " + both);
  std::this_thread::sleep_for(1200ms);
  first.kill_now();  // mid-run: about 40 % of the half hour published
  sim.join();
  primary.join();
  wall.join();
  INFO(sim.out);
  INFO(primary.out);
  INFO(wall.out);
  REQUIRE(sim.rc == 0);
  REQUIRE(primary.rc == 0);
  REQUIRE(wall.rc == 0);
  auto p = read_json(d + "p.json"), w = read_json(d + "w.json");
  REQUIRE(p.is_object());
  REQUIRE(w.is_object());
  CHECK(p["core"]["state_hash"] == ref.second);
  CHECK(w["core"]["state_hash"] == ref.second);
  CHECK_THAT(primary.out, Catch::Contains("moved to the broker " + second.uri()));
  CHECK_THAT(wall.out, Catch::Contains("moved to the broker " + second.uri()));
  CHECK_THAT(sim.out, Catch::Contains("moved to the broker " + second.uri()));
  WARN("broker killed: the primary " << p["messages"].dump() << p["sequencer"].dump() << p["mqtt"].dump() << "; the wall caught up " << w["follow"]["caught_up_events"]
       << " events from the recording");
}

// Both twins of a pair as standbys (the first starts the run: --start-run): the one that was
// cut off is fenced when it hears the network again and follows the new primary in the same
// process, to the run's end.
TEST_CASE("a pair of standbys: the cut-off primary is fenced and follows again as a standby", "[failover][live][cut]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  FreezableProxy cable(broker.port());
  const auto ref = testsupport::in_process(0.5, 7);
  const std::string events = std::to_string(ref.first);
  const std::string d = broker.dir() + "/";
  const std::string until = " --run-for 40 --until-applied " + events;
  Child a(d, "a", twin_cmd(cable.uri(), "--standby --start-run --client-id twin-a --record " + d + "a.db --catch-up " + d + "b.db --stats " + d + "a.json" + until));
  REQUIRE(a.said("starts run", 15s));
  Child b(d, "b", twin_cmd(broker.uri(), "--standby --client-id twin-b --record " + d + "b.db --catch-up " + d + "a.db --stats " + d + "b.json" + until));
  REQUIRE(b.connected(broker.uri(), "twin-b"));
  REQUIRE(b.said("is up"));
  REQUIRE(a.connected(cable.uri(), "twin-a"));
  Child sim(d, "sim", kGatesim + " --hours 0.5 --seed 7 --json --no-progress --speed 300 --broker " + broker.uri());
  std::this_thread::sleep_for(1500ms);
  cable.freeze(true);
  REQUIRE(b.said("FAIL-OVER", 15s));
  std::this_thread::sleep_for(1000ms);
  cable.freeze(false);
  sim.join();
  a.join();
  b.join();
  INFO(a.out);
  INFO(b.out);
  REQUIRE(a.rc == 0);
  REQUIRE(b.rc == 0);
  CHECK_THAT(a.out, Catch::Contains("follows the new primary as a standby"));
  auto ja = read_json(d + "a.json"), jb = read_json(d + "b.json");
  REQUIRE(ja.is_object());
  REQUIRE(jb.is_object());
  CHECK(ja["role"] == "standby");  // exactly one primary afterwards
  CHECK(ja["failover"]["fenced"] == 1);
  CHECK(ja["failover"]["started_run"] == true);
  CHECK(jb["role"] == "primary");
  CHECK(jb["failover"]["epoch"] == 2);
  CHECK(ja["core"]["state_hash"] == ref.second);
  CHECK(jb["core"]["state_hash"] == ref.second);
  auto as = recorded(d + "a.db"), bs = recorded(d + "b.db");
  REQUIRE(bs.size() == ref.first);
  CHECK(as == bs);  // the fenced twin's recording: its own events, then the new primary's
}
