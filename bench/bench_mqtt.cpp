// gatebench mqtt: the live path from a broker to applied core state. Starts its own
// mosquitto on a free loopback port, loads the twin's core with a simulated 2030 day up
// to its busiest minute (most vehicles in the area), then publishes GNSS positions of
// those vehicles at a chosen rate (default ten times the 2030 peak: every vehicle in the
// area at 10 Hz, times ten), batched by GNSS gateway (--batch: 64 positions per
// telemetry/positions message by default; 1 sends one message per position), plus QoS 1
// clock ticks, through TwinLink -> IngestQueue -> Sequencer -> FrameLoop -> Core as
// gatetwin runs them. Prints messages per second,
// publish-to-applied latency (p50/p99/max), drops (superseded positions) and QoS 1 loss.
// Nothing leaves this machine: the broker listens on 127.0.0.1 only.
#include "bench/benches.h"
#include "bench/mqtt_support.h"

#include "pipeline/frame_loop.h"

#include "connectors/mqtt/field_publisher.h"
#include "pipeline/sequencer.h"
#include "connectors/mqtt/twin_link.h"
#include "connectors/files/site_file.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

using namespace pipeline;

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;

// The vehicles in the area of a core, computed once per core.
const std::vector<Entity>& entities_at_peak(const twin::Core& core) {
  static const twin::Core* cached = nullptr;
  static std::vector<Entity> v;
  if (cached != &core) { v = vehicles_in_area(core); cached = &core; }
  return v;
}

}  // namespace

int bench_mqtt(int argc, char** argv) {
  // --field lean: mosquitto_pub as the field, against mosquitto_sub (bench_mqtt_lean.cpp).
  // --field own (the default): this file's publisher, as below.
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--field" && std::string(argv[i + 1]) == "lean") return bench_mqtt_lean(argc, argv);
  uint64_t seed = 7;
  double seconds = 10, rate = 0, multiple = 10;
  int ordered_per_s = 100;
  int publishers = 2;  // GNSS gateways: each its own connection and source
  size_t batch = 64;   // positions per message (telemetry/positions); 1: one telemetry/position message each
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string f = argv[i];
    if (f == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (f == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (f == "--rate") rate = std::atof(argv[i + 1]);             // messages/s; default: multiple x the 2030 peak
    else if (f == "--multiple") multiple = std::atof(argv[i + 1]);
    else if (f == "--ordered") ordered_per_s = std::atoi(argv[i + 1]);  // QoS 1 ticks per second
    else if (f == "--publishers") publishers = std::max(1, std::atoi(argv[i + 1]));
    else if (f == "--field" && std::string(argv[i + 1]) == "own") continue;
    else if (f == "--batch") batch = std::clamp<size_t>(std::strtoul(argv[i + 1], nullptr, 10), 1, connectors::kMaxBatchPositions);
    else {
      std::fprintf(stderr, "gatebench mqtt: flags are [--field own|lean] --seconds S --rate N --multiple M --ordered N --publishers N --batch N --seed N\n                       (--field lean: see gatebench --help)\n");
      return 2;
    }
  }
  if (access("/usr/sbin/mosquitto", X_OK) != 0) {
    std::fprintf(stderr, "gatebench mqtt: /usr/sbin/mosquitto is not installed (apt-get install mosquitto)\n");
    return 1;
  }
  auto bench_sites = load_bench_sites(seed);
  if (!bench_sites) return 1;
  const std::vector<twin::SiteSpec>& sites = bench_sites->sites;
  const twin::SimOptions& opt = bench_sites->opt;

  // 1. The 2030 day's peak vehicles in the area, sampled each simulated minute.
  size_t peak = 0;
  twin::SimTime peak_ms = 0;
  {
    twin::Core core(sites);
    twin::Simulator sim(core.sites(), opt);
    for (twin::SimTime t = twin::kMinute; t <= twin::kDay; t += twin::kMinute) {
      twin::run_until(core, sim, t);
      size_t n = vehicles_in_area(core).size();
      if (n > peak) { peak = n; peak_ms = t; }
    }
  }
  const double peak_rate = peak * 10.0;  // every vehicle in the area at 10 Hz
  if (rate <= 0) rate = multiple * peak_rate;

  // 2. The twin's core at that minute; the positions will be of those vehicles.
  twin::Core core(sites);
  {
    twin::Simulator sim(core.sites(), opt);
    twin::run_until(core, sim, peak_ms);
  }
  const std::vector<Entity> entities = vehicles_in_area(core);

  Broker broker;
  if (!broker.start()) {
    std::fprintf(stderr, "gatebench mqtt: mosquitto did not start\n");
    return 1;
  }

  // Positions: message i is for entity i % E; entity e is reported by gateway e % P, which
  // numbers its own messages 1, 2, 3... (source bench-gnss-<p>). The gateways run in a
  // child process, as a field would (the client library has one send and one receive
  // thread per process); publish times travel back through shared memory.
  const size_t total_pos = static_cast<size_t>(rate * seconds);
  const size_t total_ordered = static_cast<size_t>(ordered_per_s * seconds);
  const size_t P = static_cast<size_t>(publishers);
  std::vector<size_t> offset(P + 1, 0);
  {
    std::vector<size_t> share(P, 0);
    for (size_t i = 0; i < total_pos; ++i) share[(i % entities.size()) % P]++;
    for (size_t p = 0; p < P; ++p) offset[p + 1] = offset[p] + share[p] + 1;
  }
  struct SharedHead {
    std::atomic<int64_t> p0_ns{0}, end_ns{0};
    std::atomic<uint64_t> failures{0};
  };
  const size_t slots = offset[P] + total_ordered + 1;
  const size_t bytes = sizeof(SharedHead) + slots * sizeof(std::atomic<int64_t>);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    std::fprintf(stderr, "gatebench mqtt: cannot map %zu bytes of shared memory\n", bytes);
    return 1;
  }
  auto* shared = new (mem) SharedHead;
  auto* sent = reinterpret_cast<std::atomic<int64_t>*>(static_cast<char*>(mem) + sizeof(SharedHead));
  auto sent_pos = [&](size_t p, uint64_t seq) -> std::atomic<int64_t>& { return sent[offset[p] + seq]; };
  auto sent_ord = [&](uint64_t k) -> std::atomic<int64_t>& { return sent[offset[P] + k]; };
  int ready_pipe[2], go_pipe[2];
  if (pipe(ready_pipe) != 0 || pipe(go_pipe) != 0) return 1;
  const pid_t field = fork();
  if (field == 0) {
    // 3. The field: publish at the rate, positions (QoS 0) from P gateways, ticks (QoS 1).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    std::vector<std::unique_ptr<connectors::FieldPublisher>> gateways;
    for (size_t p = 0; p < P; ++p) {
      connectors::FieldPublisherOptions po;
      po.broker.uri = broker.uri();
      po.broker.client_id = "gatebench-gnss-" + std::to_string(p);
      po.source = "bench-gnss-" + std::to_string(p);
      po.max_inflight = 256;  // short client-side queue: latency, not throughput, is at stake
      gateways.push_back(std::make_unique<connectors::FieldPublisher>(core.sites(), po, nullptr));
      if (!gateways.back()->start(std::chrono::seconds(5))) _exit(1);
    }
    connectors::FieldPublisherOptions to;
    to.broker.uri = broker.uri();
    to.broker.client_id = "gatebench-ordered";
    to.source = "bench-ordered";
    connectors::FieldPublisher ticks(core.sites(), to, nullptr);
    if (!ticks.start(std::chrono::seconds(5))) _exit(1);
    char c = 1;
    if (write(ready_pipe[1], &c, 1) != 1 || read(go_pipe[0], &c, 1) != 1) _exit(1);
    const auto p0 = Clock::now();
    shared->p0_ns = now_ns();
    auto pace = [&](size_t i, double per_s) {  // the time message i is due
      std::this_thread::sleep_until(p0 + std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / per_s)));
    };
    std::vector<std::thread> threads;
    for (size_t p = 0; p < P; ++p)
      threads.emplace_back([&, p] {
        uint64_t seq = 0, positions = 0;
        std::vector<twin::PositionReport> pending;  // the batch being filled: one site, distinct vehicles
        uint8_t pending_site = 0;
        twin::SimTime pending_ms = 0;
        auto send = [&] {
          if (pending.empty()) return;
          ++seq;
          sent_pos(p, seq) = now_ns();
          connectors::PublishStatus st =
              batch == 1 ? gateways[p]->publish(twin::Event{0, pending_ms, pending_site, pending[0]}, seq)
                         : gateways[p]->publish(connectors::encode_position_batch(pending_site, pending_ms, pending,
                                                                                  gateways[p]->source(), seq, core.sites()));
          if (st != connectors::PublishStatus::Ok) shared->failures++;
          pending.clear();
        };
        for (size_t i = p; i < total_pos; ++i) {
          const Entity& en = entities[i % entities.size()];
          if ((i % entities.size()) % P != p) continue;
          if (!pending.empty() && en.site != pending_site) send();
          if (positions++ % 16 == 0) pace(i, rate);  // pace every 16th position: fewer wake-ups
          const float a = static_cast<float>(i) * 1e-3f;
          twin::PositionReport pr{en.kind, en.id, {100.f + std::cos(a) * 50.f, std::sin(a) * 50.f}, std::remainder(a, 6.2831853f)};
          if (pending.empty()) {
            pending_site = en.site;
            pending_ms = peak_ms + static_cast<twin::SimTime>(i * 1000.0 / rate);
          }
          pending.push_back(pr);
          if (pending.size() >= batch) send();
        }
        send();
      });
    threads.emplace_back([&] {
      for (size_t k = 1; k <= total_ordered; ++k) {
        pace(k, ordered_per_s);
        sent_ord(k) = now_ns();
        const twin::SimTime t_ms = peak_ms + static_cast<twin::SimTime>(k * 1000.0 / ordered_per_s);
        if (ticks.publish(twin::Event{0, t_ms, 0, twin::ClockTick{}}, k) != connectors::PublishStatus::Ok) shared->failures++;
      }
    });
    for (auto& t : threads) t.join();
    shared->end_ns = now_ns();
    ticks.finish(std::chrono::seconds(30));
    for (auto& g : gateways) g->finish(std::chrono::seconds(30));
    _exit(0);
  }

  // 2b. The twin's own ceiling, without a broker: the same payloads handed to
  // TwinLink::on_message (decode -> queue) on one thread while the frame loop (sequencer
  // -> core) runs on another. What the MQTT client library and the broker add is the rest.
  double ingest_per_s = 0;
  uint64_t ingest_superseded = 0;
  {
    twin::Core c2(sites);
    {
      twin::Simulator sim(c2.sites(), opt);
      twin::run_until(c2, sim, peak_ms);
    }
    connectors::TwinLinkOptions lo2;
    lo2.broker.uri = "tcp://127.0.0.1:1";  // never started: nothing connects
    lo2.broker.client_id = "gatebench-offline";
    lo2.publish_decisions = false;
    connectors::TwinLink offline(c2.sites(), lo2, nullptr);
    pipeline::Sequencer seq2;
    number_after(seq2, c2);
    FrameLoop loop2(c2, offline.queue(), seq2, nullptr, nullptr, FrameLoopOptions{65536, std::chrono::microseconds(500)});
    const size_t n = 400000;
    std::vector<connectors::EncodedMessage> msgs;
    msgs.reserve(20000);
    for (size_t i = 0; i < 20000; ++i) {
      const Entity& en = entities_at_peak(c2)[i % entities_at_peak(c2).size()];
      twin::PositionReport pr{en.kind, en.id, {static_cast<float>(i % 100), 1.f}, 0.5f};
      msgs.push_back(connectors::encode_event(twin::Event{0, peak_ms, en.site, pr}, "offline", i + 1, c2.sites()));
    }
    std::atomic<bool> done{false};
    const auto a = Clock::now();
    std::thread consumer([&] {
      while (!done || offline.queue().stats().size > 0) loop2.run_frame(0);
    });
    for (size_t i = 0; i < n; ++i) {
      // Rewrite the seq so that no message is stale (latest-wins per entity).
      const auto& m = msgs[i % msgs.size()];
      std::string payload = m.payload;
      const size_t at = payload.find("\"seq\":");
      const size_t end = payload.find(',', at);
      payload.replace(at + 6, end - at - 6, std::to_string(i + 1));
      offline.on_message(m.topic, payload);
    }
    done = true;
    consumer.join();
    ingest_per_s = n / std::chrono::duration<double>(Clock::now() - a).count();
    ingest_superseded = offline.queue().stats().superseded;
  }

  connectors::TwinLinkOptions lo;
  lo.broker.uri = broker.uri();
  lo.broker.client_id = "gatebench-twin";
  connectors::TwinLink link(core.sites(), lo, [](const std::string& l) { std::fprintf(stderr, "gatebench: %s\n", l.c_str()); });
  pipeline::Sequencer sequencer;
  number_after(sequencer, core);
  FrameLoop loop(core, link.queue(), sequencer, &link, nullptr, FrameLoopOptions{65536, std::chrono::microseconds(500)});
  std::vector<double> lat_pos, lat_ord;
  lat_pos.reserve(total_pos);
  lat_ord.reserve(total_ordered);
  std::atomic<int64_t> last_applied_ns{0};
  loop.set_after_apply([&](const pipeline::SequencedEvent& e, const twin::Decisions&) {
    const int64_t t = now_ns();
    if (e.source.rfind("bench-gnss-", 0) == 0) {
      size_t p = std::strtoul(e.source.c_str() + 11, nullptr, 10);
      if (p < P && offset[p] + e.source_seq < offset[p + 1]) lat_pos.push_back((t - sent_pos(p, e.source_seq).load()) / 1e6);
    } else if (e.source == "bench-ordered" && e.source_seq <= total_ordered) {
      lat_ord.push_back((t - sent_ord(e.source_seq).load()) / 1e6);
    }
    last_applied_ns = t;
  });

  link.start();
  if (!link.wait_connected(std::chrono::seconds(5))) {
    std::fprintf(stderr, "gatebench mqtt: the twin could not connect to %s\n", broker.uri().c_str());
    return 1;
  }
  std::atomic<bool> stop{false};
  const auto t0 = Clock::now();
  std::thread twin_thread([&] {
    while (!stop) loop.run_frame(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
  });
  char c = 0;
  if (read(ready_pipe[0], &c, 1) != 1 || write(go_pipe[1], &c, 1) != 1) {
    std::fprintf(stderr, "gatebench mqtt: the publishing process did not start (could it connect?)\n");
    stop = true;
    twin_thread.join();
    return 1;
  }
  int status = 0;
  waitpid(field, &status, 0);
  const int64_t p0_ns = shared->p0_ns.load();
  const double publish_s = (shared->end_ns.load() - p0_ns) / 1e9;
  const uint64_t publish_failures = shared->failures.load() + (WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1);
  // 4. Let the twin take what the broker still holds (up to 10 s after the last publish).
  const auto drain_until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < drain_until) {
    connectors::TwinLinkStats s = link.stats();
    if (s.accepted + s.rejected_total >= total_pos + total_ordered && s.queue.size == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  twin_thread.join();
  const connectors::TwinLinkStats s = link.stats();
  link.stop();

  const double span_s = (last_applied_ns.load() - p0_ns) / 1e9;
  const uint64_t ordered_applied = lat_ord.size();
  std::printf("bench mqtt: broker -> applied core state, mosquitto on 127.0.0.1, seed %llu\n", static_cast<unsigned long long>(seed));
  std::printf("  2030 peak in area  %zu vehicles (trucks in the area + guide vehicles, both sites) at %02d:%02d of a simulated 2030 day\n",
              peak, static_cast<int>(peak_ms / twin::kHour), static_cast<int>(peak_ms % twin::kHour / twin::kMinute));
  std::printf("  2030 peak telemetry %.0f positions/s (each vehicle at 10 Hz); target %.0fx = %.0f positions/s\n", peak_rate, multiple,
              multiple * peak_rate);
  std::printf("  offered            %.0f positions/s (QoS 0, %d gateways, %s) + %d ticks/s (QoS 1) for %.1f s (publishing took %.2f s)\n",
              rate, publishers, batch == 1 ? "one message per position" : ("up to " + std::to_string(batch) + " per message").c_str(),
              ordered_per_s, seconds, publish_s);
  std::printf("  received           %llu messages = %llu events (%llu positions from batches), of %zu published (%llu publish failures)\n",
              static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.accepted + s.rejected_total),
              static_cast<unsigned long long>(s.batch_positions), total_pos + total_ordered,
              static_cast<unsigned long long>(publish_failures));
  std::printf("  applied            %llu positions + %llu ticks; %.0f per second from first publish to last applied\n",
              static_cast<unsigned long long>(lat_pos.size()), static_cast<unsigned long long>(ordered_applied),
              (lat_pos.size() + ordered_applied) / std::max(span_s, 1e-9));
  std::printf("  dropped            %llu superseded positions (latest-wins under load)\n",
              static_cast<unsigned long long>(s.queue.superseded));
  std::printf("  QoS 1 lost         %lld of %zu ticks\n", static_cast<long long>(total_ordered - ordered_applied), total_ordered);
  const double p50 = percentile(lat_pos, 0.50), p99 = percentile(lat_pos, 0.99);
  const double pmax = lat_pos.empty() ? 0 : *std::max_element(lat_pos.begin(), lat_pos.end());
  std::printf("  latency positions  p50 %.2f ms  p99 %.2f ms  max %.2f ms (publish call -> folded by the core)\n", p50, p99, pmax);
  std::printf("  latency QoS 1      p50 %.2f ms  p99 %.2f ms\n", percentile(lat_ord, 0.50), percentile(lat_ord, 0.99));
  std::printf("  twin alone         %.0f msg/s decode -> queue -> sequencer -> core, no broker (2 threads; %llu superseded)\n",
              ingest_per_s, static_cast<unsigned long long>(ingest_superseded));
  std::printf("  queue high water   %zu messages; frames %llu\n", s.queue.high_water,
              static_cast<unsigned long long>(loop.stats().frames));
  return 0;
}

}  // namespace bench
