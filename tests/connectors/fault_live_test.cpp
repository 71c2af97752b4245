// Fault tests against real processes (the fault list, each with its bound):
// gatesim publishes a seeded hour through the shipped TLS broker (tls_broker.h) to the
// real gatetwin --headless --record, and the test breaks one thing mid-session:
// - the broker is stopped (SIGTERM) and restarted: the twin reconnects by itself, every
//   QoS 1 message is applied once (the state hash equals the in-process run's) and the
//   recording holds the whole stream, event for event; killed (SIGKILL) instead: what
//   it loses is counted by the twin's sequencer as a skipped gap (applied + skipped =
//   the stream, the recording = the stream minus exactly those), within a second's worth;
// - the twin is killed with SIGKILL: the recording opens, the killed session is an
//   exact prefix of the stream, and a restarted twin records the rest in a new session;
//   the events lost between them are measured and must be within the recorder's batch;
// - the recording's disk fills up (a 64 MiB tmpfs in a private mount namespace): the twin
//   raises an alarm, goes on applying, and when space returns the recorder catches up
//   with nothing lost. Its own CTest test, test_fault_live_disk_full (the hidden tag
//   [.disk-full]): where `unshare -m` may not mount (no CAP_SYS_ADMIN, a reason outside
//   the project) it exits with 77, which CTest reports as skipped, never as passed;
// - the partner-customs feed goes silent for an hour (its messages held back and sent
//   as a backlog): the twin marks the partner data stale once, diverts no vehicle for
//   missing partner data meanwhile, raises the alert, and marks it fresh after the backlog.
// The reference stream is the in-process simulator with the same seed and load.
// Fails (naming the Debian package) when mosquitto, mosquitto_pub/sub, mosquitto_passwd or
// openssl is missing. The twin is waited for by its own "mqtt: connected" line (printed
// after its SUBACKs), a broker restart by the twin's own "connection ... lost" lines.
#include <catch2/catch.hpp>

#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"
#include "tests/support/tls_broker.h"

#include "connectors/codec/event_binary.h"
#include "connectors/codec/kpi_json.h"
#include "connectors/mqtt/broker_config.h"
#include "connectors/mqtt/field_publisher.h"
#include "connectors/files/site_file.h"
#include "connectors/store/audit_chain.h"
#include "connectors/store/recording_reader.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

using namespace connectors;
using namespace std::chrono_literals;

namespace {

const std::string kGatesim = testsupport::gatesim_path();
const std::string kGatetwin = testsupport::gatetwin_path();



// Same event apart from the twin's seq (a restarted twin numbers from 1 again).
bool same_event(twin::Event a, const twin::Event& b) {
  a.seq = b.seq;
  std::vector<uint8_t> x, y;
  encode_event(a, x);
  encode_event(b, y);
  return x == y;
}

// A child process with its output in a file; killed at the end of the test if still running.
struct Child {
  pid_t pid = -1;
  bool ended = false;
  std::string out_path;
  int status = -1;
  Child(const std::vector<std::string>& argv, const std::string& out) : out_path(out) {
    pid = fork();
    if (pid == 0) {
      int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> a;
      for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
      a.push_back(nullptr);
      execv(a[0], a.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid > 0 && !ended) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
  bool wait(std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (!running()) {
        pid = -1;
        return true;
      }
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(20ms);
    }
  }
  // Reaps it once it has ended (keeping its status); pid stays until wait() says so.
  bool running() {
    if (pid <= 0 || ended) return false;
    if (waitpid(pid, &status, WNOHANG) == pid) ended = true;
    return !ended;
  }
  void terminate() {
    if (running()) kill(pid, SIGTERM);
  }
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
  // "exit status N" or "killed by signal N": for failure messages.
  std::string how_ended() const {
    return WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                             : "killed by signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  void kill_hard() {
    if (running()) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    pid = -1;
  }
  std::string output() const {
    std::ifstream in(out_path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

std::vector<std::string> twin_argv(const TlsBroker& b, const std::string& record, const std::string& stats,
                                   const std::string& extra_until) {
  std::vector<std::string> a = {kGatetwin, "--headless", "--quiet", "--broker", b.uri(), "--mqtt-config",
                                b.mqtt_config("gatetwin"), "--record", record, "--stats", stats};
  std::istringstream more(extra_until);
  for (std::string w; more >> w;) a.push_back(w);
  return a;
}

std::vector<std::string> sim_argv(const TlsBroker& b, double hours, uint64_t seed, const std::string& speed) {
  return {kGatesim, "--hours", std::to_string(hours), "--seed", std::to_string(seed), "--json", "--no-progress",
          "--speed", speed, "--broker", b.uri(), "--mqtt-config", b.mqtt_config("gatesim")};
}

// Waits until the twin has subscribed: it prints "mqtt: connected to URI as gatetwin"
// once the broker acknowledged its subscriptions (MqttClient). False if it ended first.
bool twin_connected(Child& twin, const TlsBroker& b) {
  return wait_for_text(twin.out_path, "mqtt: connected to " + b.uri() + " as gatetwin\n", 30s, 1,
                       [&] { return twin.running(); });
}

// Waits until both of the twin's connections (field and stream) noticed the broker gone.
bool twin_lost_broker(Child& twin, const TlsBroker& b) {
  return wait_for_text(twin.out_path, "mqtt: connection to " + b.uri() + " ", 30s, 2, [&] { return twin.running(); });
}

// Events committed so far in a recording being written (0 while it cannot be read yet).
uint64_t committed(const std::string& path) {
  ReaderOptions o;
  o.quick_check = false;
  auto rd = RecordingReader::open(path, o);
  if (!std::holds_alternative<std::unique_ptr<RecordingReader>>(rd)) return 0;
  auto s = std::get<std::unique_ptr<RecordingReader>>(rd)->sessions();
  if (!std::holds_alternative<std::vector<Session>>(s) || std::get<std::vector<Session>>(s).empty()) return 0;
  return std::get<std::vector<Session>>(s).back().events;
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
  return done();
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

struct Recorded {
  std::vector<Session> sessions;
  std::vector<std::vector<twin::Event>> events;  // per session
};
Recorded read_recording(const std::string& path) {
  auto rd = RecordingReader::open(path);
  if (auto* e = std::get_if<StoreError>(&rd)) FAIL(e->message());
  auto& reader = std::get<std::unique_ptr<RecordingReader>>(rd);
  Recorded r;
  r.sessions = std::get<std::vector<Session>>(reader->sessions());
  for (const auto& s : r.sessions) {
    auto ev = reader->read_events(s.id);
    if (auto* e = std::get_if<StoreError>(&ev)) FAIL(e->message());
    r.events.push_back(std::get<std::vector<twin::Event>>(ev));
  }
  return r;
}

}  // namespace

// The twin has two connections (field and stream): both must come back by themselves
// after the TLS broker's restart (issue 7: MqttClient sometimes did not; docs/mqtt.md
// "Reconnecting"). Hidden from the default run: the CTest test test_fault_live_broker_restart
// runs it alone (`test_fault_live "[broker-restart]"`), with its one named retry.
TEST_CASE("fault: the broker is stopped or killed and restarted mid-session", "[fault][live][.broker-restart]") {
  REQUIRE_TLS_PROGRAMS();
  const bool hard = GENERATE(false, true);  // SIGTERM (a restart), SIGKILL (a crash)
  INFO((hard ? "SIGKILL" : "SIGTERM"));
  TlsBroker broker;
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  const testsupport::InProcessRun ref = testsupport::in_process_run(1, 21, true);
  const uint64_t n = ref.events.size();
  const std::string db = broker.dir() + "/session.db", stats = broker.dir() + "/stats.json";
  Child twin(twin_argv(broker, db, stats, "--run-for 90"), broker.dir() + "/twin.out");
  REQUIRE(twin_connected(twin, broker));
  Child sim(sim_argv(broker, 1, 21, "900"), broker.dir() + "/sim.out");
  REQUIRE(wait_for([&] { return committed(db) >= n / 3; }, 30s));
  if (hard) broker.kill_hard(); else broker.stop();
  {
    INFO(twin.output());
    REQUIRE(twin_lost_broker(twin, broker));  // both connections noticed: then it comes back
  }
  REQUIRE(broker.start());
  REQUIRE(sim.wait(60s));
  // Done when the whole stream is recorded, or the recording has not grown for 8 s (past
  // the client's 5 s reconnect back-off and the sequencer's 2 s gap wait).
  uint64_t last = 0;
  auto stable_since = std::chrono::steady_clock::now();
  wait_for([&] {
    const uint64_t c = committed(db);
    if (c != last) { last = c; stable_since = std::chrono::steady_clock::now(); }
    return c >= n || std::chrono::steady_clock::now() - stable_since > 8s;
  }, 40s);
  std::this_thread::sleep_for(300ms);
  twin.terminate();
  REQUIRE(twin.wait(20s));
  INFO(twin.output());
  INFO(sim.output());
  INFO(broker.log());
  CHECK(sim.exit_code() == 0);
  REQUIRE(twin.exit_code() == 0);
  nlohmann::json s = read_json(stats);
  REQUIRE(s.is_object());
  // Both of the twin's connections lost the broker and came back by themselves: the field
  // client (its subscriptions) and the stream publisher's.
  CHECK(s["mqtt"]["connection_losses"].get<uint64_t>() >= 1);
  CHECK(s["mqtt"]["connects"].get<uint64_t>() >= 2);
  CHECK(s["stream"]["mqtt"]["connection_losses"].get<uint64_t>() >= 1);
  CHECK(s["stream"]["mqtt"]["connects"].get<uint64_t>() >= 2);
  const uint64_t applied = s["messages"]["applied"].get<uint64_t>();
  const uint64_t skipped = s["sequencer"]["seqs_skipped"].get<uint64_t>();
  // Nothing is lost silently: every message of the stream was applied or is counted as a
  // skipped gap, and the recording holds exactly what was applied.
  CHECK(applied + skipped == n);
  CHECK(s["record"]["committed_events"] == applied);
  Recorded r = read_recording(db);
  REQUIRE(r.sessions.size() == 1);
  REQUIRE(r.events[0].size() == applied);
  uint64_t j = 0, missing = 0;
  for (const twin::Event& e : r.events[0]) {
    while (j < n && !same_event(e, ref.events[j])) ++j, ++missing;
    if (j == n) FAIL("a recorded event is not in the stream (or out of order)");
    ++j;
  }
  missing += n - j;
  CHECK(missing == skipped);
  WARN("broker " << (hard ? "SIGKILL" : "SIGTERM") << " mid-stream: " << n << " QoS 1 messages, applied " << applied
                 << ", lost " << skipped << " (reported by the sequencer as a skipped gap)");
  if (!hard) {
    // A broker that is stopped and restarted loses nothing: the same state as in-process.
    CHECK(skipped == 0);
    CHECK(s["core"]["state_hash"] == ref.hash);
  } else {
    // Killed: what the broker had acknowledged but neither delivered nor saved is gone; the
    // bound is one autosave interval (1 s) of the stream, here about n / 4 s.
    CHECK(skipped <= n / 4);
  }
}

TEST_CASE("fault: the twin is killed (SIGKILL) mid-recording and restarted", "[fault][live]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker;
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  const testsupport::InProcessRun ref = testsupport::in_process_run(2, 22, true);
  const uint64_t n = ref.events.size();
  const std::string db = broker.dir() + "/session.db";
  uint64_t at_kill = 0;
  {
    Child twin(twin_argv(broker, db, broker.dir() + "/stats1.json", "--run-for 60"), broker.dir() + "/twin1.out");
    REQUIRE(twin_connected(twin, broker));
    Child sim(sim_argv(broker, 2, 22, "2400"), broker.dir() + "/sim.out");
    REQUIRE(wait_for([&] { return committed(db) >= n / 3; }, 30s));
    std::this_thread::sleep_for(120ms);  // between two commits (every 200 ms), not right after one
    twin.kill_hard();
    at_kill = committed(db);
    // The broker keeps the twin's persistent session and queues for it meanwhile.
    std::this_thread::sleep_for(300ms);
    Child twin2(twin_argv(broker, db, broker.dir() + "/stats2.json", "--run-for 30"), broker.dir() + "/twin2.out");
    REQUIRE(sim.wait(60s));
    CHECK(sim.exit_code() == 0);
    // Wait until the second session has the rest, then stop it (SIGTERM: a clean close).
    INFO(twin2.output());
    INFO(twin.output());
    INFO(broker.log());
    // The second session is done when its count has not moved for 3 s (past the
    // sequencer's 2 s gap wait for the seqs the first twin took, and a flush interval).
    uint64_t last = 0;
    auto stable_since = std::chrono::steady_clock::now();
    REQUIRE(wait_for([&] {
      const uint64_t c = read_recording(db).sessions.size() == 2 ? committed(db) : 0;
      if (c != last) {
        last = c;
        stable_since = std::chrono::steady_clock::now();
      }
      return c > 0 && std::chrono::steady_clock::now() - stable_since > 3s;
    }, 40s));
    twin2.terminate();
    REQUIRE(twin2.wait(20s));
    INFO(twin2.output());
    CHECK(twin2.exit_code() == 0);
  }
  Recorded r = read_recording(db);
  REQUIRE(r.sessions.size() == 2);
  CHECK(r.sessions[0].ended_utc.empty());       // the killed session was never closed...
  CHECK(r.sessions[0].events == r.events[0].size());  // ...and its counter matches its rows
  CHECK_FALSE(r.sessions[1].ended_utc.empty());
  CHECK(r.events[0].size() >= at_kill);
  const uint64_t k1 = r.events[0].size();
  // Session 1 is an exact prefix of the stream.
  for (uint64_t i = 0; i < k1; ++i)
    if (!same_event(r.events[0][i], ref.events[i])) FAIL("session 1 event " << i << " differs from the stream");
  // Session 2 starts where the broker resumed delivery and is the rest of the stream.
  REQUIRE_FALSE(r.events[1].empty());
  uint64_t j = 0;
  while (j < n && !same_event(r.events[1][0], ref.events[j])) ++j;
  REQUIRE(j < n);
  const uint64_t k2 = r.events[1].size();
  CHECK(j + k2 == n);
  for (uint64_t i = 0; i < k2 && j + i < n; ++i)
    if (!same_event(r.events[1][i], ref.events[j + i])) FAIL("session 2 event " << i << " differs from the stream");
  // Lost: received and applied by the killed twin but not yet committed.
  const uint64_t lost = j > k1 ? j - k1 : 0;
  const uint64_t doubled = k1 > j ? k1 - j : 0;  // committed and delivered again (not acknowledged yet)
  WARN("twin SIGKILL: stream " << n << " events, session 1 committed " << k1 << ", session 2 from event " << j
                               << ": lost " << lost << ", delivered twice " << doubled);
  CHECK(lost <= 8192);  // the recorder's batch bound (docs/store.md)
  // The audit trail of the killed session still verifies (no command in this stream).
  auto v = AuditChain::verify(db);
  REQUIRE(std::holds_alternative<AuditReport>(v));
  CHECK(std::get<AuditReport>(v).intact);
}

// Its own CTest test (test_fault_live_disk_full, tests/connectors/CMakeLists.txt), with
// SKIP_RETURN_CODE 77: a machine that does not let this process mount in a private mount
// namespace is a reason outside the project, reported as skipped; everything else fails.
TEST_CASE("fault: the recording's disk fills up mid-session and space returns", "[fault][live][.disk-full]") {
  REQUIRE_TLS_PROGRAMS();
  REQUIRE_PROGRAMS("unshare");
  const std::string unshare = find_program("unshare");
  {
    // A 64 MiB tmpfs in a private mount namespace: no root-wide mount, gone with the process.
    char probe_dir[] = "/tmp/gatetwin-unshare-probe-XXXXXX";
    REQUIRE(mkdtemp(probe_dir) != nullptr);
    int probe = -1;
    const std::string said =
        run_command(unshare + " -m sh -c 'mount -t tmpfs -o size=64m none " + probe_dir + "' 2>&1", &probe);
    rmdir(probe_dir);
    if (probe != 0) {
      // Catch2 2 has no skip: end the process with CTest's SKIP_RETURN_CODE, nothing started yet.
      std::printf("SKIPPED: cannot mount a tmpfs with unshare -m here (needs CAP_SYS_ADMIN): %s\n", said.c_str());
      std::fflush(stdout);
      std::_Exit(77);
    }
  }
  TlsBroker broker;
  REQUIRE(broker.made());
  const std::string disk = broker.dir() + "/disk";
  REQUIRE(mkdir(disk.c_str(), 0755) == 0);
  REQUIRE(broker.start());
  const testsupport::InProcessRun ref = testsupport::in_process_run(3, 23, true);
  const uint64_t n = ref.events.size();
  const std::string stats = broker.dir() + "/stats.json";
  // Inside the namespace: mount, start the twin, fill the disk once the recording exists,
  // free it when the test says so (a file outside), and keep the recording when done.
  const std::string out = broker.dir();
  std::string twin_cmd;
  for (const auto& a : twin_argv(broker, disk + "/session.db", stats, "--run-for 120 --until-applied " + std::to_string(n)))
    twin_cmd += "'" + a + "' ";
  const std::string cmd = "mount -t tmpfs -o size=64m none " + disk + " || exit 99\n" + twin_cmd + "&\nt=$!\n" +
                          "while [ ! -f " + disk + "/session.db ]; do sleep 0.05; done\n" +
                          "dd if=/dev/zero of=" + disk + "/filler bs=4096 2>/dev/null\n" +
                          "df -k " + disk + " > " + out + "/df_full.txt; touch " + out + "/filled\n" +
                          "while [ ! -f " + out + "/free-now ] && kill -0 $t 2>/dev/null; do sleep 0.05; done\n" +
                          "rm -f " + disk + "/filler; df -k " + disk + " > " + out + "/df_freed.txt\n" +
                          "wait $t; rc=$?\nls -la " + disk + " >> " + out + "/df_freed.txt; df -k " + disk + " >> " + out + "/df_freed.txt\ncp " + disk + "/session.db " + out + "/saved.db\nexit $rc\n";
  Child twin({unshare, "-m", "/bin/sh", "-c", cmd}, broker.dir() + "/twin.out");
  REQUIRE(twin_connected(twin, broker));
  REQUIRE(wait_for([&] { return access((out + "/filled").c_str(), F_OK) == 0; }, 20s));
  Child sim(sim_argv(broker, 3, 23, "2400"), broker.dir() + "/sim.out");
  // The alarm, while the core goes on.
  REQUIRE(wait_for([&] { return twin.output().find("ALARM recording") != std::string::npos; }, 30s));
  INFO(twin.output());
  CHECK_THAT(twin.output(), Catch::Contains("disk is full"));
  std::this_thread::sleep_for(1s);
  // Space returns: the recorder catches up by itself.
  std::ofstream(out + "/free-now") << "1";
  REQUIRE(wait_for([&] { return twin.output().find("resumed") != std::string::npos; }, 30s));
  REQUIRE(sim.wait(60s));
  {
    // Once under ASan on a 2-core machine gatesim ended by a signal here (exit code -1),
    // and passed on the retry: say how it ended and what it printed.
    INFO("gatesim " << sim.how_ended() << "; its output:\n" << sim.output());
    CHECK(sim.exit_code() == 0);
  }
  REQUIRE(twin.wait(30s));  // gatetwin stops once it has applied the whole stream
  CHECK(twin.exit_code() == 0);
  INFO(twin.output());
  auto slurp = [](const std::string& p) { std::ifstream in(p); std::stringstream ss; ss << in.rdbuf(); return ss.str(); };
  INFO("df when full:\n" << slurp(out + "/df_full.txt") << "df when freed:\n" << slurp(out + "/df_freed.txt"));
  nlohmann::json s = read_json(stats);
  REQUIRE(s.is_object());
  CHECK(s["messages"]["applied"] == n);  // the core never stopped
  CHECK(s["core"]["state_hash"] == ref.hash);
  CHECK(s["record"]["committed_events"] == n);  // ...and the recording lost nothing
  CHECK(s["record"]["dropped"] == 0);
  CHECK(s["record"]["error"] == "");
  WARN("disk full: alarm raised, the core applied all " << n << " events, the recording resumed and holds "
       << s["record"]["committed_events"] << ", dropped " << s["record"]["dropped"]);
  Recorded r = read_recording(broker.dir() + "/saved.db");
  REQUIRE(r.sessions.size() == 1);
  REQUIRE(r.events[0].size() == n);
  for (uint64_t i = 0; i < n; ++i)
    if (!same_event(r.events[0][i], ref.events[i])) FAIL("recorded event " << i << " differs from the stream");
}

TEST_CASE("fault: the partner-customs feed goes silent for an hour and then sends its backlog", "[fault][live]") {
  REQUIRE_TLS_PROGRAMS();
  TlsBroker broker;
  REQUIRE(broker.made());
  REQUIRE(broker.start());
  const std::string db = broker.dir() + "/session.db", stats = broker.dir() + "/stats.json";
  Child twin(twin_argv(broker, db, stats, "--run-for 90"), broker.dir() + "/twin.out");
  REQUIRE(twin_connected(twin, broker));
  // The field: the simulator's stream (driven by its own core, which guesses), with the
  // partner's declarations and receipts held back from 1 h to 2 h and sent as a backlog
  // at 2 h. One source, so the twin applies them in exactly this order.
  constexpr twin::SimTime from = twin::kHour, to = 2 * twin::kHour, end = 3 * twin::kHour;
  auto sites = testsupport::shipped_sites();
  twin::SimOptions opt;
  opt.seed = 24;
  for (const auto& s : sites) opt.vehicles_per_day.push_back(*twin::load_per_day(s, "2030"));
  twin::Core guess(sites);
  twin::Simulator sim(guess.sites(), opt);
  std::vector<twin::Event> out, backlog;
  uint64_t guessed = 0;  // vehicles the field's own core diverts for missing partner data while it is silent
  twin::Decisions d;
  uint64_t seq = 0;
  auto send = [&](twin::Event e) {  // what the field sends is what its own core sees
    e.seq = ++seq;
    d.clear();
    guess.apply(e, d);
    sim.observe(d);
    for (const auto& x : d)
      if (x.kind == twin::DecisionKind::Diverted && x.text == "no partner declaration" && e.time_ms >= from && e.time_ms < to)
        ++guessed;
    out.push_back(e);
  };
  while (sim.next_time() <= end) {
    twin::Event e = sim.next();
    const bool partner = std::holds_alternative<twin::PartnerDeclarationReceived>(e.body) ||
                         std::holds_alternative<twin::PartnerReceiptConfirmed>(e.body);
    if (partner && e.time_ms >= from && e.time_ms < to) {
      backlog.push_back(e);
      continue;
    }
    if (e.time_ms >= to) {
      for (twin::Event& b : backlog) {
        b.time_ms = e.time_ms;
        send(b);
      }
      backlog.clear();
    }
    send(e);
  }
  REQUIRE(guessed > 0);  // without the watch, the silence makes a core guess
  {
    auto c = make_broker_config(broker.uri(), "gatesim-partner-test", broker.mqtt_config("gatesim"), {});
    REQUIRE(std::holds_alternative<BrokerConfig>(c));
    FieldPublisherOptions po;
    po.broker = std::get<BrokerConfig>(c);
    po.source = "field";
    FieldPublisher pub(sites, po, nullptr);
    REQUIRE(pub.start(10s));
    for (const twin::Event& e : out) REQUIRE(pub.publish(e, e.seq) == PublishStatus::Ok);
    REQUIRE(pub.finish(30s));
  }
  // Done when the recording has all of it (+ the watch's two events) or stops growing.
  uint64_t last = 0;
  auto stable_since = std::chrono::steady_clock::now();
  wait_for([&] {
    const uint64_t c = committed(db);
    if (c != last) { last = c; stable_since = std::chrono::steady_clock::now(); }
    return c >= out.size() + 2 || std::chrono::steady_clock::now() - stable_since > 5s;
  }, 60s);
  twin.terminate();
  REQUIRE(twin.wait(20s));
  INFO(twin.output());
  REQUIRE(twin.exit_code() == 0);
  auto rd = RecordingReader::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<RecordingReader>>(rd));
  auto& reader = std::get<std::unique_ptr<RecordingReader>>(rd);
  const int64_t session = std::get<std::vector<Session>>(reader->sessions()).at(0).id;
  auto events = std::get<std::vector<twin::Event>>(reader->read_events(session));
  nlohmann::json st = read_json(stats);
  INFO(st["record"].dump());
  std::string gaps;
  for (size_t i = 1; i < events.size() && gaps.size() < 400; ++i)
    if (events[i].seq != events[i - 1].seq + 1)
      gaps += "after seq " + std::to_string(events[i - 1].seq) + " (" + twin::event_name(events[i - 1].body) + " t=" +
              std::to_string(events[i - 1].time_ms) + ") next " + std::to_string(events[i].seq) + " (" +
              twin::event_name(events[i].body) + "); ";
  INFO("recorded seq gaps: " << gaps);
  CHECK(events.size() == out.size() + 2);
  std::vector<std::pair<twin::SimTime, bool>> links;
  for (const auto& e : events)
    if (const auto* l = std::get_if<twin::PartnerLinkStatus>(&e.body)) links.push_back({e.time_ms, l->up});
  // Marked stale once, within silence (600 s) of the feed's last message; fresh once,
  // after the backlog has flowed for 60 s.
  REQUIRE(links.size() == 2);
  CHECK_FALSE(links[0].second);
  CHECK(links[0].first > from + 600000 - 5 * 60000);
  CHECK(links[0].first <= from + 600000 + 60000);
  CHECK(links[1].second);
  CHECK(links[1].first >= to + 60000);
  // While stale, the twin diverts no vehicle for missing partner data; it raised the alert.
  auto decisions = std::get<std::vector<twin::Decision>>(reader->read_decisions(session));
  uint64_t diverted_while_stale = 0, alerts = 0;
  for (const auto& x : decisions) {
    if (x.kind == twin::DecisionKind::Diverted && x.text == "no partner declaration" && x.time_ms >= links[0].first &&
        x.time_ms < links[1].first)
      ++diverted_while_stale;
    if (x.kind == twin::DecisionKind::Alert && x.text == "link to partner customs down") ++alerts;
  }
  CHECK(diverted_while_stale == 0);
  CHECK(alerts == 1);
  WARN("partner feed silent 1 h (real processes): the field's own core diverted " << guessed
       << " vehicles for no partner declaration in that hour; the twin marked the data stale at " << links[0].first / 1000
       << " s, back at " << links[1].first / 1000 << " s, and diverted none for it meanwhile");
}
