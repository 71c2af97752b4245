// gatebench vda5050 (#13): VDA 5050 vehicles against the twin's VDA 5050 link. N vehicles
// (default 200, split over the sites) publish `visualization` at 10 Hz and `state` at 1 Hz
// to a private mosquitto; the twin's path (vda5050::Link: schema check, FleetDispatch,
// FieldClock -> IngestQueue -> Sequencer -> FrameLoop -> Core) takes them. Prints the
// messages a second received and applied, state-to-core latency (a state's publish to
// its position folded by the core) p50 / p99 / max, the process CPU, and the CPU that
// schema validation alone costs at that rate (measured apart, one thread). Figures to
// compare, never pass/fail. The core starts empty: it dispatches nothing here (its orders
// are measured by test_vda5050_live and gatesim --guide-protocol vda5050, not for speed).
#include "bench/benches.h"
#include "bench/proc_stat.h"
#include "bench/mqtt_support.h"

#include "connectors/codec/utc_time.h"
#include "connectors/mqtt/mosquitto_client.h"
#include "connectors/vda5050/vda_link.h"
#include "pipeline/frame_loop.h"

#include <nlohmann/json.hpp>

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace bench {

namespace {

using nlohmann::json;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds (user + system) of this process's live threads, by thread name (/proc).
std::map<std::string, double> thread_cpu_s() {
  std::map<std::string, double> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::string name;
    const double s = stat_file_cpu_seconds((e.path() / "stat").string(), &name);
    if (s >= 0) out[name] += s;
  }
  return out;
}

double this_thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

struct Car {
  uint8_t site;
  uint16_t slot;
  std::string topic;  // <iface>/v2/<m>/<s>/
  std::string manufacturer, serial, map_id;
  glm::vec2 at{0};
};

json state_of(const Car& c, int64_t header, double theta) {
  return {{"headerId", header}, {"timestamp", connectors::format_rfc3339_ms(wall_ms())}, {"version", "2.0.0"},
          {"manufacturer", c.manufacturer}, {"serialNumber", c.serial}, {"orderId", ""}, {"orderUpdateId", 0},
          {"lastNodeId", ""}, {"lastNodeSequenceId", 0}, {"nodeStates", json::array()}, {"edgeStates", json::array()},
          {"driving", true}, {"actionStates", json::array()}, {"batteryState", {{"batteryCharge", 80.0}, {"charging", false}}},
          {"operatingMode", "AUTOMATIC"}, {"errors", json::array()}, {"safetyState", {{"eStop", "NONE"}, {"fieldViolation", false}}},
          {"agvPosition", {{"x", c.at.x}, {"y", c.at.y}, {"theta", theta}, {"mapId", c.map_id}, {"positionInitialized", true}}}};
}

json vis_of(const Car& c, int64_t header) {
  return {{"headerId", header}, {"timestamp", connectors::format_rfc3339_ms(wall_ms())}, {"version", "2.0.0"},
          {"manufacturer", c.manufacturer}, {"serialNumber", c.serial},
          {"agvPosition", {{"x", c.at.x}, {"y", c.at.y}, {"theta", -1.0}, {"mapId", c.map_id}, {"positionInitialized", true}}},
          {"velocity", {{"vx", 6.9}, {"vy", 0.0}, {"omega", 0.0}}}};
}

}  // namespace

int bench_vda5050(int argc, char** argv) {
  int vehicles = 200, publishers = 8;
  bool burst = false;  // --burst: every car publishes at the start of each tick (phase-locked fleet)
  double multiple = 1, seconds = 5;
  for (int i = 1; i < argc; ++i) {
    auto next = [&](const char* f) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gatebench vda5050: %s needs a value\n", f);
        std::exit(2);
      }
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--vehicles")) vehicles = std::atoi(next("--vehicles"));
    else if (!std::strcmp(argv[i], "--multiple")) multiple = std::atof(next("--multiple"));
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(next("--seconds"));
    else if (!std::strcmp(argv[i], "--publishers")) publishers = std::atoi(next("--publishers"));
    else if (!std::strcmp(argv[i], "--burst")) burst = true;
    else {
      std::fprintf(stderr, "gatebench vda5050: unknown flag %s (--vehicles N --multiple M --seconds S --publishers P --burst)\n", argv[i]);
      return 2;
    }
  }
  if (vehicles < 1 || multiple <= 0 || seconds <= 0 || publishers < 1) {
    std::fprintf(stderr, "gatebench vda5050: --vehicles, --multiple, --seconds and --publishers must be positive\n");
    return 2;
  }
  auto bs = load_bench_sites(7);
  if (!bs) return 1;
  std::vector<twin::SiteSpec> sites = bs->sites;
  // N bench vehicles, split over the sites, each on a node of its site's lane graph.
  std::vector<Car> cars;
  for (uint8_t s = 0; s < sites.size(); ++s) {
    twin::SiteSpec& site = sites[s];
    const int n = vehicles / static_cast<int>(sites.size()) + (s < vehicles % static_cast<int>(sites.size()) ? 1 : 0);
    site.fleet.guide_vehicles = std::max(site.fleet.guide_vehicles, n);
    site.vda5050.vehicles.clear();
    for (int i = 0; i < n; ++i) {
      twin::FleetVehicleId id{"Bench", "B-" + site.id + "-" + std::to_string(i), static_cast<uint16_t>(i)};
      site.vda5050.vehicles.push_back(id);
      Car c{s, id.slot, site.vda5050.interface_name + "/v2/Bench/" + id.serial_number + "/", id.manufacturer, id.serial_number,
            site.vda5050.map_id, site.vda5050.nodes[static_cast<size_t>(i) % site.vda5050.nodes.size()].position};
      cars.push_back(c);
    }
  }
  auto schemas_r = connectors::vda5050::load_schemas(connectors::vda5050::default_schemas_dir());
  if (auto* f = std::get_if<connectors::Failure>(&schemas_r)) {
    std::fprintf(stderr, "gatebench vda5050: %s\n", f->message().c_str());
    return 1;
  }
  const auto schemas = std::get<connectors::vda5050::Schemas>(schemas_r);

  // Validation alone, one thread: parse + validate against parse only.
  double validate_us_state = 0, validate_us_vis = 0, parse_us = 0;
  {
    const std::string st = state_of(cars[0], 1, 0.5).dump(), vi = vis_of(cars[0], 1).dump();
    const int n = 20000;
    int64_t t0 = now_ns();
    size_t bad = 0;
    for (int i = 0; i < n; ++i) bad += schemas.state.validate(json::parse(i % 2 ? st : vi)).has_value();
    const int64_t t1 = now_ns();
    for (int i = 0; i < n; ++i) bad += json::parse(i % 2 ? st : vi).is_discarded();
    const int64_t t2 = now_ns();
    for (int i = 0; i < n; ++i) bad += schemas.visualization.validate(json::parse(vi)).has_value();
    const int64_t t3 = now_ns();
    for (int i = 0; i < n; ++i) bad += schemas.state.validate(json::parse(st)).has_value();
    const int64_t t4 = now_ns();
    parse_us = (t2 - t1) / 1e3 / n;
    validate_us_vis = (t3 - t2) / 1e3 / n;
    validate_us_state = (t4 - t3) / 1e3 / n;
    (void)t0;
    if (bad > static_cast<size_t>(n) / 2 + 1) std::fprintf(stderr, "gatebench vda5050: the bench's own messages fail the schema\n");
  }

  Broker broker;
  if (!broker.start()) return 1;
  twin::Core core(sites);
  connectors::vda5050::FleetDispatch dispatch(core.sites(), schemas, "bench");
  connectors::IngestQueue queue(65536);
  connectors::vda5050::LinkOptions lo;
  lo.broker.uri = broker.uri();
  lo.broker.client_id = "bench-twin-vda5050";
  lo.time.epoch_utc_ms = connectors::gate_midnight_utc_ms(wall_ms());
  connectors::vda5050::Link link(dispatch, queue, lo, [](const std::string& l) {
    if (l.rfind("mqtt: connected", 0) != 0) std::fprintf(stderr, "gatebench vda5050: %s\n", l.c_str());
  });
  pipeline::Sequencer sequencer;
  pipeline::QueueSource source(queue);
  pipeline::FrameLoop loop(core, source, sequencer, nullptr, nullptr, pipeline::FrameLoopOptions{65536, std::chrono::microseconds(500)});
  // Sent times of the states, by car and the counter the state carries in theta.
  const size_t kRing = 1000;
  std::vector<std::atomic<int64_t>> sent(cars.size() * kRing);
  for (auto& a : sent) a = 0;
  std::vector<size_t> car_index(sites.size() * 65536, 0);
  for (size_t i = 0; i < cars.size(); ++i) car_index[cars[i].site * 65536 + cars[i].slot] = i;
  std::mutex lat_mu;
  std::vector<double> latencies;
  loop.set_after_apply([&](const pipeline::SequencedEvent& e, const twin::Decisions& d) {
    link.observe(e.event, d);
    const auto* p = std::get_if<twin::PositionReport>(&e.event.body);
    if (!p || p->heading_rad < 0) return;
    const size_t k = static_cast<size_t>(std::lround(p->heading_rad * 1000)) % kRing;
    const size_t c = car_index[e.event.site * 65536 + p->id];
    const int64_t t = sent[c * kRing + k].exchange(0);
    if (t > 0) {
      std::lock_guard<std::mutex> lock(lat_mu);
      latencies.push_back((now_ns() - t) / 1e6);
    }
  });
  link.start();
  if (!link.wait_connected(std::chrono::seconds(10))) {
    std::fprintf(stderr, "gatebench vda5050: the twin's link did not connect\n");
    return 1;
  }
  std::atomic<bool> stop{false};
  double core_cpu = 0;  // the core thread's CPU (drain, sequence, fold, the link's observe)
  std::thread core_thread([&] {
    pthread_setname_np(pthread_self(), "bench-core");
    const double c0 = this_thread_cpu_s();
    const int64_t t0 = now_ns();
    while (!stop) loop.run_frame((now_ns() - t0) / 1000000);
    core_cpu = this_thread_cpu_s() - c0;
  });

  // The vehicles: P publishers, each a connection for its share of the cars.
  std::atomic<uint64_t> published{0};
  const double hz_vis = 10 * multiple;  // every car: visualization at 10 Hz and state at 1 Hz, times --multiple
  std::vector<std::thread> pubs;
  const double cpu0 = cpu_s();
  const std::map<std::string, double> threads0 = thread_cpu_s();
  const int64_t start = now_ns();
  for (int p = 0; p < publishers; ++p)
    pubs.emplace_back([&, p] {
      pthread_setname_np(pthread_self(), "bench-pub");
      connectors::MqttClientOptions o;
      o.broker.uri = broker.uri();
      o.broker.client_id = "bench-fleet-" + std::to_string(p);
      o.clean_session = true;
      o.max_inflight = 65536;
      connectors::MosquittoClient client(o, [](const std::string&, const std::string&, const connectors::MqttClient::Delivery&) {},
                                         [](const std::string&) {});
      client.start();
      client.wait_connected(std::chrono::seconds(10));
      std::vector<int64_t> header(cars.size(), 0), counter(cars.size(), 0);
      // Each car at its own phase within the tick (vehicles are not synchronised), in 20
      // groups; --burst: all at the tick's start.
      const int groups = burst ? 1 : 20;
      for (int64_t tick = 0;; ++tick)
        for (int g = 0; g < groups; ++g) {
        const int64_t due = start + static_cast<int64_t>((tick + static_cast<double>(g) / groups) * 1e9 / hz_vis);
        if (due - start > static_cast<int64_t>(seconds * 1e9)) goto done;
        while (now_ns() < due) std::this_thread::sleep_for(std::chrono::microseconds(200));
        for (size_t c = static_cast<size_t>(p) + static_cast<size_t>(g * publishers); c < cars.size(); c += static_cast<size_t>(publishers * groups)) {
          const bool state = (tick + static_cast<int64_t>(c)) % 10 == 0;  // 1 in 10: the state, spread over the ticks
          if (state) {
            const int64_t k = counter[c]++ % static_cast<int64_t>(kRing);
            sent[c * kRing + static_cast<size_t>(k)] = now_ns();
            client.publish(cars[c].topic + "state", state_of(cars[c], header[c]++, k / 1000.0).dump(), 1, false, std::chrono::seconds(5));
          }
          client.publish(cars[c].topic + "visualization", vis_of(cars[c], header[c]++ + 1000000).dump(), 0, false, std::chrono::seconds(5));
          published += state ? 2 : 1;
        }
        }
    done:
      client.wait_delivered(std::chrono::seconds(5));
      client.stop();
    });
  for (auto& t : pubs) t.join();
  const double send_s = (now_ns() - start) / 1e9;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the tail reaches the core
  stop = true;
  core_thread.join();
  const double cpu = cpu_s() - cpu0, wall = (now_ns() - start) / 1e9;
  std::map<std::string, double> threads1 = thread_cpu_s();
  const double link_cpu = threads1["vda5050-link"] - (threads0.count("vda5050-link") ? threads0.at("vda5050-link") : 0);
  const double out_cpu = threads1["vda5050-out"] - (threads0.count("vda5050-out") ? threads0.at("vda5050-out") : 0);
  link.stop();
  const connectors::vda5050::DispatchStats ds = dispatch.stats();
  uint64_t refused = 0;
  for (uint64_t r : ds.refused) refused += r;
  const double rate = published / send_s;
  std::printf("gatebench vda5050: %d vehicles, visualization %.0f Hz + state %.1f Hz each, %.1f s, %d publishers, %s\n", vehicles,
              hz_vis, hz_vis / 10, seconds, publishers, burst ? "all at each tick's start (--burst)" : "each at its own phase");
  std::printf("  published     %llu messages (%.0f /s; goal x1: 2,200 /s for 200 vehicles)\n",
              static_cast<unsigned long long>(published.load()), rate);
  std::printf("  received      %llu by the twin's link, %llu accepted (schema-valid), %llu refused\n",
              static_cast<unsigned long long>(ds.received), static_cast<unsigned long long>(ds.accepted),
              static_cast<unsigned long long>(refused));
  const pipeline::SequencerStats ss = sequencer.stats();
  std::printf("  applied       %llu positions to the core (%.0f /s); %llu superseded in the queue (latest wins), %llu ignored by the\n"
              "                sequencer (%llu too many sources, %llu stale)\n",
              static_cast<unsigned long long>(loop.stats().applied_telemetry), loop.stats().applied_telemetry / send_s,
              static_cast<unsigned long long>(queue.stats().superseded),
              static_cast<unsigned long long>(ss.too_many_sources + ss.stale_telemetry + ss.stale + ss.seq_jump),
              static_cast<unsigned long long>(ss.too_many_sources), static_cast<unsigned long long>(ss.stale_telemetry + ss.stale));
  {
    std::lock_guard<std::mutex> lock(lat_mu);
    const size_t n = latencies.size();
    const double p50 = percentile(latencies, 0.5), p99 = percentile(latencies, 0.99), mx = percentile(latencies, 1.0);
    std::printf("  state->core   p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu states' positions folded)\n", p50, p99, mx, n);
  }
  const double val_cpu = (rate * 0.1 * validate_us_state + rate * 0.9 * validate_us_vis) / 1e6;
  std::printf("  validation    state %.1f us, visualization %.1f us per message (parse + schema; parse alone %.1f us):\n"
              "                %.1f %% of one core at %.0f messages/s\n",
              validate_us_state, validate_us_vis, parse_us, val_cpu * 100, rate);
  std::printf("  process CPU   %.2f s in %.2f s (%.0f %% of one core: the twin's link and core, the publishers, not the broker)\n", cpu,
              wall, cpu / wall * 100);
  const double n = ds.received ? static_cast<double>(ds.received) : 1;
  std::printf("  twin CPU      %.1f us per message received: link thread %.1f us (parse, schema, book, FieldClock, queue), core thread\n"
              "                %.1f us (drain, sequence, fold, the link's observe), worker %.1f us; %.0f %% of one core\n",
              (link_cpu + core_cpu + out_cpu) / n * 1e6, link_cpu / n * 1e6, core_cpu / n * 1e6, out_cpu / n * 1e6,
              (link_cpu + core_cpu + out_cpu) / wall * 100);
  return 0;
}

}  // namespace bench
