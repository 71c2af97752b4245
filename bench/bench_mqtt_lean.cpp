// gatebench mqtt --field lean: the twin against a lean C field. The field is mosquitto_pub
// -l (one telemetry/position message per line, unbatched, QoS 0) fed from pre-generated
// files, one process per publisher with its own client id, the lines spread over N
// sources (src), each one vehicle's only reporter. In one run, on one private broker:
//   1. saturate: the files as fast as mosquitto_pub sends them, read by mosquitto_sub
//      alone (the reference), by the twin alone, by the twin's MQTT client alone
//      (MosquittoClient, the same subscriptions, a handler that only counts: the ceiling
//      the client library sets before any decoding), by MqttClient (Paho) alone the same
//      way, then mosquitto_sub again; the rates from the first publish to the last message
//      received / applied, and their ratios;
//   2. paced (--seconds > 0): lines written into mosquitto_pub's stdin at M x the 2030
//      peak, the twin's frame loop at --frame-hz; publish-to-applied and publish-to-drawn
//      latency (drawn: the display refresh after the frame that applied the position). The
//      publishers send without Nagle (--nodelay) and the clock starts once each is
//      connected and reading its stdin, so that neither their start nor Nagle's wait for
//      the broker's delayed ACK is counted as the twin's latency.
// The twin is TwinLink -> IngestQueue -> Sequencer -> FrameLoop -> Core, as gatetwin runs it.
#include "bench/benches.h"
#include "bench/lean_field.h"
#include "bench/mqtt_support.h"

#include "connectors/files/site_file.h"
#include "connectors/codec/event_json.h"
#include "connectors/mqtt/mosquitto_client.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/twin_link.h"
#include "pipeline/frame_loop.h"
#include "pipeline/sequencer.h"
#include "twin/site_plan.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace bench {

namespace {

struct LeanOptions {
  size_t sources = 200, messages = 300000, publishers = 2;
  double seconds = 5, multiple = 10, rate = 0, frame_hz = 60;
  uint64_t seed = 7;
};

// What one twin run saw.
struct TwinRun {
  int64_t first_publish_ns = 0, last_applied_ns = 0, publish_end_ns = 0;
  uint64_t received = 0, applied = 0, superseded = 0, stale = 0, rejected = 0, frames = 0;
  uint64_t off_plan_alerts = 0, events_ignored = 0;
  std::vector<double> to_applied_ms, to_drawn_ms;
};

// Starts mosquitto_pub for every publisher, stdin from its file; returns when all have exited.
int64_t publish_files(const LeanPlan& plan, const std::vector<std::string>& files, int port) {
  std::vector<pid_t> pids;
  for (size_t p = 0; p < files.size(); ++p) {
    const int fd = open(files[p].c_str(), O_RDONLY);
    pids.push_back(spawn(mosquitto_pub_argv(plan, p, port, false), fd, -1));  // throughput: Nagle as by default
    close(fd);
  }
  for (pid_t pid : pids) waitpid(pid, nullptr, 0);
  return now_ns();
}

constexpr int64_t kPaceQuantumNs = 1'000'000;  // paced lines are written at most once a millisecond per publisher

// Starts every publisher's mosquitto_pub and waits until each is connected and reading,
// then (*p0_ns: that moment) writes each publisher's lines into its stdin when due (line i
// at p0 + i / rate), noting in sent[slot] when each was written; returns when all have exited.
int64_t publish_paced(const LeanPlan& plan, int port, double rate, int64_t* p0_ns, std::atomic<int64_t>* sent) {
  std::vector<pid_t> pids;
  std::vector<int> stdins;
  for (size_t p = 0; p < plan.topics.size(); ++p) {
    int fds[2];
    if (pipe(fds) != 0) continue;
    pids.push_back(spawn(mosquitto_pub_argv(plan, p, port, true), fds[0], -1));  // latency: no Nagle
    close(fds[0]);
    stdins.push_back(fds[1]);
  }
  for (pid_t pid : pids) wait_reading_stdin(pid, 5000);  // connected and reading: the latency starts at p0
  const int64_t p0 = *p0_ns = now_ns();
  std::vector<std::thread> writers;
  for (size_t p = 0; p < stdins.size(); ++p) {
    writers.emplace_back([&, p, p0_ns = p0, fd = stdins[p]] {
      const auto& idx = plan.line_index[p];
      size_t k = 0, from = 0;
      int64_t last_write = 0;
      while (k < idx.size()) {
        // The next line when due, but at most one write a millisecond: a sleep and a write per
        // line (tens of thousands a second) would cost the cores the broker and the twin need.
        const int64_t due = std::max(p0_ns + static_cast<int64_t>(idx[k] * 1e9 / rate), last_write + kPaceQuantumNs);
        const int64_t now = now_ns();
        if (due > now) {
          std::this_thread::sleep_for(std::chrono::nanoseconds(due - now));
          continue;
        }
        last_write = now;
        size_t j = k;  // every line due by now, in one write
        while (j < idx.size() && p0_ns + static_cast<int64_t>(idx[j] * 1e9 / rate) <= now) sent[plan.line_slot[p][j++]] = now;
        const size_t to = plan.line_end[p][j - 1];
        while (from < to) {
          const ssize_t n = write(fd, plan.text[p].data() + from, to - from);
          if (n <= 0) break;
          from += static_cast<size_t>(n);
        }
        k = j;
      }
      close(fd);
    });
  }
  for (auto& w : writers) w.join();
  for (pid_t pid : pids) waitpid(pid, nullptr, 0);
  return now_ns();
}

// One twin, fresh from the peak core, subscribed while `publish` runs; frame_hz 0: the
// frame loop runs back to back (as bench_mqtt.cpp), else one frame per display refresh.
template <class Publish>
TwinRun run_twin(const std::vector<twin::SiteSpec>& sites, const twin::SimOptions& opt, twin::SimTime peak_ms,
                 const Broker& broker, const LeanPlan& plan, double frame_hz, std::atomic<int64_t>* sent, Publish publish) {
  TwinRun r;
  auto core = core_at(sites, opt, peak_ms);
  connectors::TwinLinkOptions lo;
  lo.broker.uri = broker.uri();
  lo.broker.client_id = "gatebench-twin";
  connectors::TwinLink link(core->sites(), lo, [](const std::string& l) { std::fprintf(stderr, "gatebench: %s\n", l.c_str()); });
  pipeline::Sequencer sequencer;
  number_after(sequencer, *core);
  const auto wait = frame_hz > 0 ? std::chrono::microseconds(0) : std::chrono::microseconds(500);
  pipeline::FrameLoop loop(*core, link.queue(), sequencer, &link, nullptr, pipeline::FrameLoopOptions{65536, wait});
  std::vector<int64_t> frame_sent;  // publish times of the positions applied in this frame
  loop.set_after_apply([&](const pipeline::SequencedEvent& e, const twin::Decisions&) {
    const int64_t t = now_ns();
    r.last_applied_ns = t;
    if (e.source.rfind("lean-", 0) != 0) return;
    r.applied++;
    const size_t s = std::strtoul(e.source.c_str() + 5, nullptr, 10);
    if (!sent || s >= plan.sources.size()) return;
    const size_t slot = plan.slot_of(s, e.source_seq);
    const int64_t at = slot < plan.slot_base[s + 1] ? sent[slot].load() : 0;
    if (at <= 0) return;
    r.to_applied_ms.push_back((t - at) / 1e6);
    frame_sent.push_back(at);
  });
  link.start();
  if (!link.wait_connected(std::chrono::seconds(5))) {
    std::fprintf(stderr, "gatebench mqtt: the twin could not connect to %s\n", broker.uri().c_str());
    return r;
  }
  std::atomic<bool> stop{false};
  const int64_t base_ns = now_ns();
  std::thread twin_thread([&] {
    const int64_t period = frame_hz > 0 ? static_cast<int64_t>(1e9 / frame_hz) : 0;
    int64_t tick = 0;  // frame k starts at refresh k
    while (!stop) {
      if (period) {
        const int64_t start = base_ns + tick * period, now = now_ns();
        if (start > now) std::this_thread::sleep_for(std::chrono::nanoseconds(start - now));
      }
      frame_sent.clear();
      loop.run_frame((now_ns() - base_ns) / 1000000);
      if (!period) continue;
      // On screen at the first refresh after the frame's work (drawing is not done here).
      const int64_t end = now_ns();
      tick = std::max(tick + 1, (end - base_ns + period - 1) / period);
      for (int64_t at : frame_sent) r.to_drawn_ms.push_back((base_ns + tick * period - at) / 1e6);
    }
  });
  r.first_publish_ns = now_ns();
  r.publish_end_ns = publish(&r.first_publish_ns);
  // Let the twin take what the broker still holds (up to 20 s after the last publish).
  const int64_t until = now_ns() + 20'000'000'000;
  while (now_ns() < until) {
    const connectors::TwinLinkStats s = link.stats();
    if (s.received >= plan.messages && s.queue.size == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  twin_thread.join();
  const connectors::TwinLinkStats s = link.stats();
  link.stop();
  r.received = s.received;
  r.superseded = s.queue.superseded;
  r.rejected = s.rejected_total;
  r.stale = sequencer.stats().stale_telemetry;
  r.frames = loop.stats().frames;
  for (const auto& site : core->state().sites) {
    r.off_plan_alerts += static_cast<uint64_t>(site.counters.off_plan_alerts);
    r.events_ignored += static_cast<uint64_t>(site.counters.events_ignored);
  }
  return r;
}

// mosquitto_sub alone on the broker while the files are published: messages per second
// from the first publish to the last message read.
struct SubRun {
  size_t received = 0;
  double per_s = 0;
  double broker_cpu_s = -1;  // the broker's CPU over the run (mosquitto_sub runs only)
  bool ok = false;
};
SubRun run_reference(const Broker& broker, const LeanPlan& plan, const std::vector<std::string>& files) {
  SubRun r;
  SubCounter sub;
  if (!sub.start(broker.port())) return r;
  const double cpu0 = broker.cpu_seconds();
  const int64_t t0 = now_ns();
  publish_files(plan, files, broker.port());
  sub.wait_for(plan.messages, 20);
  const double cpu1 = broker.cpu_seconds();
  if (cpu0 >= 0 && cpu1 >= 0) r.broker_cpu_s = cpu1 - cpu0;
  r.received = sub.count();
  r.per_s = r.received / std::max(1e-9, (sub.last_ns() - t0) / 1e9);
  r.ok = true;
  return r;
}

// The paced lines read by mosquitto_sub alone: whether the machine and the broker carry
// the rate at all. Returns what it received, how long publishing took, and how long after
// the publishers exited its last message came (negative: before; they exit about 0.1 s
// after their last line).
struct PacedRef {
  size_t received = 0;
  double publish_s = 0, lag_ms = 0;
  double broker_cpu_s = -1, span_s = 0;  // the broker's CPU, and first publish to last message read
  bool ok = false;
};
PacedRef run_reference_paced(const Broker& broker, const LeanPlan& paced, double rate) {
  PacedRef r;
  SubCounter sub;
  if (!sub.start(broker.port())) {
    std::fprintf(stderr, "gatebench mqtt: mosquitto_sub did not receive a probe message (paced)\n");
    return r;
  }
  std::unique_ptr<std::atomic<int64_t>[]> sent(new std::atomic<int64_t>[paced.slots]());
  const double cpu0 = broker.cpu_seconds();
  int64_t p0 = now_ns();
  const int64_t end = publish_paced(paced, broker.port(), rate, &p0, sent.get());
  sub.wait_for(paced.messages, 20);
  const double cpu1 = broker.cpu_seconds();
  if (cpu0 >= 0 && cpu1 >= 0) r.broker_cpu_s = cpu1 - cpu0;
  r.span_s = (sub.last_ns() - p0) / 1e9;
  r.received = sub.count();
  r.publish_s = (end - p0) / 1e9;
  r.lag_ms = (sub.last_ns() - end) / 1e6;
  r.ok = true;
  return r;
}

// An MQTT client of ours (Client: MosquittoClient, the twin's, or MqttClient over Paho)
// with the twin's subscriptions and a handler that only counts: what the client library
// alone takes, before any decoding.
template <class Client>
SubRun run_client_alone(const Broker& broker, const std::vector<twin::SiteSpec>& sites, const LeanPlan& plan,
                        const std::vector<std::string>& files) {
  SubRun r;
  connectors::MqttClientOptions co;
  co.broker.uri = broker.uri();
  co.broker.client_id = "gatebench-client-alone";
  for (const auto& s : sites)
    for (auto& f : connectors::site_subscriptions(s.id)) co.subscriptions.push_back(f);
  std::atomic<size_t> received{0};
  std::atomic<int64_t> last_ns{0};
  Client client(co, [&](const std::string&, const std::string&, const connectors::MqttClient::Delivery&) {
    received++;
    last_ns = now_ns();
  }, [](const std::string&) {});
  client.start();
  if (!client.wait_connected(std::chrono::seconds(5))) return r;
  const int64_t t0 = now_ns();
  publish_files(plan, files, broker.port());
  const int64_t until = now_ns() + 20'000'000'000;
  while (received < plan.messages && now_ns() < until) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  client.stop();
  r.received = received;
  r.per_s = r.received / std::max(1e-9, (last_ns - t0) / 1e9);
  r.ok = r.received > 0;
  return r;
}

// The codec alone on the plan's lines, on this thread: messages per second through
// decode_messages with the telemetry/position fast path on or off (the full decoder).
double decode_rate(const std::vector<twin::SiteSpec>& sites, const LeanPlan& plan, bool fast) {
  connectors::DecodeOptions o;
  o.fast_positions = fast;
  size_t n = 0, ok = 0;
  const int64_t t0 = now_ns();
  for (size_t p = 0; p < plan.text.size(); ++p) {
    size_t from = 0;
    for (uint32_t end : plan.line_end[p]) {
      const std::string_view line(plan.text[p].data() + from, end - 1 - from);
      from = end;
      ok += std::holds_alternative<connectors::DecodedMessages>(connectors::decode_messages(plan.topics[p], line, sites, o));
      ++n;
    }
  }
  const double s = (now_ns() - t0) / 1e9;
  return ok == n ? n / std::max(1e-9, s) : 0;  // 0: a line was refused (a bench bug)
}

std::string lat_line(std::vector<double>& v) {
  if (v.empty()) return "none measured";
  char buf[160];
  std::snprintf(buf, sizeof buf, "p50 %.2f ms  p99 %.2f ms  max %.2f ms (%zu positions)", percentile(v, 0.50), percentile(v, 0.99),
                *std::max_element(v.begin(), v.end()), v.size());
  return buf;
}

// The broker's own cost while mosquitto_sub alone read: its CPU per message, and the rate
// its one network thread could reach at that cost with all of one core (0: not known).
double broker_ceiling(double cpu_s, size_t messages) { return cpu_s > 0 && messages > 0 ? messages / cpu_s : 0; }

std::string broker_line(double cpu_s, size_t messages, double span_s) {
  if (broker_ceiling(cpu_s, messages) <= 0) return "the broker's CPU time could not be read (/proc)";
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%.1f us of mosquitto's CPU per message (%.2f s for %zu; %.0f %% of one core over %.2f s): its one\n"
                "                     network thread forwards at most ~%.0f msg/s to one reader on this machine",
                1e6 * cpu_s / messages, cpu_s, messages, 100 * cpu_s / std::max(1e-9, span_s), span_s,
                broker_ceiling(cpu_s, messages));
  return buf;
}

}  // namespace

int bench_mqtt_lean(int argc, char** argv) {
  LeanOptions o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string f = argv[i];
    const char* v = argv[i + 1];
    if (f == "--field") continue;  // lean: how we got here
    else if (f == "--sources") o.sources = std::max<size_t>(1, std::strtoul(v, nullptr, 10));
    else if (f == "--messages") o.messages = std::max<size_t>(1, std::strtoul(v, nullptr, 10));
    else if (f == "--publishers") o.publishers = std::max<size_t>(1, std::strtoul(v, nullptr, 10));
    else if (f == "--seconds") o.seconds = std::atof(v);
    else if (f == "--multiple") o.multiple = std::atof(v);
    else if (f == "--rate") o.rate = std::atof(v);
    else if (f == "--frame-hz") o.frame_hz = std::atof(v);
    else if (f == "--seed") o.seed = std::strtoull(v, nullptr, 10);
    else {
      std::fprintf(stderr, "gatebench mqtt --field lean: flags are --sources N --messages N --publishers P --seconds S "
                           "--multiple M --rate N --frame-hz F --seed N\n");
      return 2;
    }
  }
  for (const char* tool : {"/usr/sbin/mosquitto", "/usr/bin/mosquitto_pub", "/usr/bin/mosquitto_sub"})
    if (access(tool, X_OK) != 0) {
      std::fprintf(stderr, "gatebench mqtt: %s is not installed (apt-get install mosquitto mosquitto-clients)\n", tool);
      return 1;
    }
  auto bench_sites = load_bench_sites(o.seed);
  if (!bench_sites) return 1;
  const std::vector<twin::SiteSpec>& sites = bench_sites->sites;
  const twin::SimOptions& opt = bench_sites->opt;
  if (o.publishers < sites.size()) o.publishers = sites.size();  // one topic (site) per mosquitto_pub
  const Peak peak = find_peak(sites, opt);
  const std::vector<Entity> entities = vehicles_in_area(*core_at(sites, opt, peak.at_ms));
  const double peak_rate = peak.vehicles * 10.0;  // every vehicle in the area at 10 Hz
  const double paced_rate = o.rate > 0 ? o.rate : o.multiple * peak_rate;

  Broker broker;
  if (!broker.start()) {
    std::fprintf(stderr, "gatebench mqtt: mosquitto did not start\n");
    return 1;
  }
  char tmpl[] = "/tmp/gatebench-lean-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  const std::string dir = tmpl;

  // 1. Saturate: the same files for mosquitto_sub, the twin, mosquitto_sub.
  const LeanPlan plan = make_lean_plan(sites, entities, o.sources, o.publishers, o.messages, peak.at_ms, paced_rate);
  std::vector<std::string> files;
  size_t bytes = 0;
  for (size_t p = 0; p < plan.text.size(); ++p) {
    files.push_back(dir + "/publisher-" + std::to_string(p) + ".lines");
    std::ofstream(files.back(), std::ios::binary) << plan.text[p];
    bytes += plan.text[p].size();
  }
  const double decode_full = decode_rate(sites, plan, false), decode_fast = decode_rate(sites, plan, true);
  const SubRun ref1 = run_reference(broker, plan, files);
  const TwinRun tw = run_twin(sites, opt, peak.at_ms, broker, plan, 0, nullptr,
                              [&](int64_t*) { return publish_files(plan, files, broker.port()); });
  const SubRun alone = run_client_alone<connectors::MosquittoClient>(broker, sites, plan, files);
  const SubRun paho = run_client_alone<connectors::MqttClient>(broker, sites, plan, files);
  const SubRun ref2 = run_reference(broker, plan, files);
  std::system(("rm -rf '" + dir + "'").c_str());
  if (!ref1.ok || !ref2.ok) {
    std::fprintf(stderr, "gatebench mqtt: mosquitto_sub did not receive a probe message\n");
    return 1;
  }
  const double span_s = std::max(1e-9, (tw.last_applied_ns - tw.first_publish_ns) / 1e9);
  const double ref = (ref1.per_s + ref2.per_s) / 2;
  const double taken_per_s = (tw.applied + tw.superseded) / span_s, applied_per_s = tw.applied / span_s;

  std::printf("bench mqtt --field lean: mosquitto_pub -l -> mosquitto on 127.0.0.1 -> the twin, against mosquitto_sub, seed %llu\n",
              static_cast<unsigned long long>(o.seed));
  std::printf("  2030 peak in area  %zu vehicles at %02d:%02d; each at 10 Hz: %.0f positions/s; %.0fx: %.0f positions/s\n", peak.vehicles,
              static_cast<int>(peak.at_ms / twin::kHour), static_cast<int>(peak.at_ms % twin::kHour / twin::kMinute), peak_rate,
              o.multiple, o.multiple * peak_rate);
  std::printf("  field              %zu mosquitto_pub -l (QoS 0, one telemetry/position per line, own client id each), %zu sources "
              "(%zu with vehicles), %zu vehicles\n",
              plan.topics.size(), plan.sources.size(), plan.sources_used, entities.size());
  std::printf("  saturate           %zu messages from files (%.1f MiB) as fast as mosquitto_pub sends them; each reader alone "
              "on the broker, in turn\n",
              plan.messages, bytes / 1048576.0);
  std::printf("  mosquitto_sub      %.0f msg/s before the twin, %.0f after (%zu and %zu of %zu received); mean %.0f msg/s\n", ref1.per_s,
              ref2.per_s, ref1.received, ref2.received, plan.messages, ref);
  std::printf("  broker             %s\n",
              broker_line(ref1.broker_cpu_s + ref2.broker_cpu_s, ref1.received + ref2.received,
                          ref1.received / std::max(1.0, ref1.per_s) + ref2.received / std::max(1.0, ref2.per_s))
                  .c_str());
  std::printf("  twin               %.0f msg/s taken (applied %llu + superseded %llu) from first publish to last applied "
              "(%.2f s; publishers done at %.2f s)\n",
              taken_per_s, static_cast<unsigned long long>(tw.applied), static_cast<unsigned long long>(tw.superseded), span_s,
              (tw.publish_end_ns - tw.first_publish_ns) / 1e9);
  std::printf("  twin / sub         %.1f %% taken, %.1f %% applied (goal: 80 %% or more)\n", 100 * taken_per_s / ref,
              100 * applied_per_s / ref);
  std::printf("  client alone       %.0f msg/s = %.1f %% of mosquitto_sub (%zu of %zu received): the twin's MQTT client\n"
              "                     (MosquittoClient, libmosquitto) with a handler that only counts; the twin cannot go above it\n",
              alone.per_s, 100 * alone.per_s / ref, alone.received, plan.messages);
  std::printf("  Paho alone         %.0f msg/s = %.1f %% of mosquitto_sub (%zu of %zu received): MqttClient (Paho C++), the\n"
              "                     twin's client before, the same way (the field publisher and the event stream still use it)\n",
              paho.per_s, 100 * paho.per_s / ref, paho.received, plan.messages);
  std::printf("  decode alone       %.0f msg/s with the telemetry/position fast path, %.0f with the full decoder (one thread, no\n"
              "                     broker: decode_messages on the same lines)\n",
              decode_fast, decode_full);
  std::printf("  twin received      %llu of %zu; rejected %llu, stale %llu; core: %llu off-plan alerts, %llu events ignored; %llu frames\n",
              static_cast<unsigned long long>(tw.received), plan.messages, static_cast<unsigned long long>(tw.rejected),
              static_cast<unsigned long long>(tw.stale), static_cast<unsigned long long>(tw.off_plan_alerts),
              static_cast<unsigned long long>(tw.events_ignored), static_cast<unsigned long long>(tw.frames));
  std::printf("  why in turn        on a shared machine two readers at once share the cores and the broker's sends: the\n"
              "                     slower would lower the faster's figure; in turn, each meets the same publishers and broker\n");
  if (o.seconds <= 0) return 0;

  // 2. Paced: latency at the rate, the twin's frame loop at the display's refresh.
  const size_t n = static_cast<size_t>(paced_rate * o.seconds);
  const LeanPlan paced = make_lean_plan(sites, entities, o.sources, o.publishers, n, peak.at_ms, paced_rate);
  const PacedRef pref = run_reference_paced(broker, paced, paced_rate);
  std::unique_ptr<std::atomic<int64_t>[]> sent(new std::atomic<int64_t>[paced.slots]());
  TwinRun pr = run_twin(sites, opt, peak.at_ms, broker, paced, o.frame_hz, sent.get(),
                        [&](int64_t* p0) { return publish_paced(paced, broker.port(), paced_rate, p0, sent.get()); });
  const double publish_s = (pr.publish_end_ns - pr.first_publish_ns) / 1e9;
  std::printf("  paced              %.0f positions/s for %.1f s = %zu messages (publishing took %.2f s); received %llu, applied %llu, "
              "superseded %llu, stale %llu\n",
              paced_rate, o.seconds, paced.messages, publish_s, static_cast<unsigned long long>(pr.received),
              static_cast<unsigned long long>(pr.applied), static_cast<unsigned long long>(pr.superseded),
              static_cast<unsigned long long>(pr.stale));
  if (pref.ok)
    std::printf("  paced, sub alone   mosquitto_sub alone on the same paced lines: received %zu of %zu, publishing took %.2f s, its last\n"
                "                     message %.0f ms after the publishers exited (the machine and broker at this rate, no twin)\n",
                pref.received, paced.messages, pref.publish_s, pref.lag_ms);
  if (pref.ok) std::printf("  paced, broker      %s\n", broker_line(pref.broker_cpu_s, pref.received, pref.span_s).c_str());
  std::printf("  to applied         %s (line written to mosquitto_pub -> folded by the core)\n", lat_line(pr.to_applied_ms).c_str());
  if (o.frame_hz > 0)
    std::printf("  to drawn           %s (on screen at the %.0f Hz refresh after the frame that applied it; goal p99 < 50 ms)\n",
                lat_line(pr.to_drawn_ms).c_str(), o.frame_hz);
  // Whether the figures above measure the twin or a machine that cannot carry the rate: when
  // mosquitto_pub alone (no twin) needs more than a tenth longer than the lines' span, the
  // lines wait in its pipe and the latency above is mostly that wait.
  if (pref.ok && pref.publish_s > 1.1 * o.seconds) {
    std::printf("  verdict            NOT A MEASURE OF THE TWIN: this machine and broker do not carry %.0f positions/s even without\n"
                "                     the twin (mosquitto_pub alone took %.2f s to send %.1f s of lines): the latency above is\n"
                "                     their backlog; compare at a rate they carry (--multiple)\n",
                paced_rate, pref.publish_s, o.seconds);
    const double ceiling = broker_ceiling(pref.broker_cpu_s, pref.received);
    if (ceiling > 0 && ceiling < paced_rate)
      std::printf("                     the broker is the limit: at %.1f us of CPU a message it cannot forward %.0f/s here\n"
                  "                     (docs/mqtt.md, Throughput: what a machine needs for the 10x figure)\n",
                  1e6 * pref.broker_cpu_s / pref.received, paced_rate);
  }
  return 0;
}

}  // namespace bench
