// gatebench store: how fast the recorder stores events through its writer thread
// (bounded queue, batched WAL transactions, a real SQLite file) and how many bytes each
// event costs on disk. The events are a real simulated day of both sites at the upper
// 2030 targets, replicated (seq and time shifted) for a longer measure.
#include "bench/benches.h"

#include "connectors/codec/event_binary.h"
#include "connectors/files/site_file.h"
#include "connectors/store/recorder.h"
#include "connectors/store/recording_reader.h"
#include "twin/run.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace bench {

namespace {

struct Day {
  std::vector<twin::Event> events;
  std::vector<twin::Decisions> decisions;
  uint64_t max_seq = 0;
};

struct Measure {
  double wall_s = 0, append_s = 0;
  uint64_t events = 0, decisions = 0, retries = 0, batches = 0;
  uint64_t file_bytes = 0;
  std::string error;
};

Measure measure(const Day& day, int copies, bool with_decisions, const std::string& path,
                const connectors::RecorderOptions& options) {
  Measure m;
  std::error_code ec;
  std::filesystem::remove(path, ec);
  const twin::Decisions none;
  const auto t0 = std::chrono::steady_clock::now();
  auto opened = connectors::Recorder::open(path, connectors::SessionInfo{"m1088,m1119", 7, connectors::SessionSource::Sim,
                                                                        {}, {}, "gatebench store"},
                                           options);
  if (auto* e = std::get_if<connectors::StoreError>(&opened)) {
    m.error = e->message();
    return m;
  }
  auto& rec = std::get<std::unique_ptr<connectors::Recorder>>(opened);
  double append_s = 0;
  for (int c = 0; c < copies; ++c) {
    const uint64_t seq_shift = static_cast<uint64_t>(c) * (day.max_seq + 1);
    const twin::SimTime time_shift = c * twin::kDay;
    for (size_t i = 0; i < day.events.size(); ++i) {
      twin::Event e = day.events[i];
      e.seq += seq_shift;
      e.time_ms += time_shift;
      // The queue is bounded: when the writer falls behind, wait for it (a frame loop
      // would drop and count instead; here we measure what the writer sustains).
      // append_s sums the calls that were accepted: the producer's own cost.
      for (;;) {
        const auto a0 = std::chrono::steady_clock::now();
        const bool taken = rec->append(e, with_decisions ? day.decisions[i] : none);
        if (taken) {
          append_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - a0).count();
          break;
        }
        ++m.retries;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      ++m.events;
      if (with_decisions) m.decisions += day.decisions[i].size();
    }
  }
  auto closed = rec->close();
  m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (auto* e = std::get_if<connectors::StoreError>(&closed)) m.error = e->message();
  m.append_s = append_s;
  m.batches = rec->stats().committed_batches;
  m.file_bytes = std::filesystem::file_size(path, ec);
  return m;
}

}  // namespace

int bench_store(int argc, char** argv) {
  uint64_t seed = 7;
  int copies = 14;  // about a million events
  std::string path = "gatebench_store.gtrec";
  bool keep = false;
  connectors::RecorderOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (f == "--seed") seed = std::strtoull(v, nullptr, 10), ++i;
    else if (f == "--copies") copies = std::max(1, std::atoi(v)), ++i;
    else if (f == "--file") path = v, ++i;
    else if (f == "--batch") options.batch_max_items = std::strtoull(v, nullptr, 10), ++i;
    else if (f == "--keep") keep = true;
    else {
      std::fprintf(stderr, "gatebench store: options --seed N --copies N (days) --file PATH --batch N --keep\n");
      return 2;
    }
  }
  auto loaded = connectors::load_sites("all", connectors::default_sites_dir());
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) {
    std::fprintf(stderr, "gatebench: %s\n", err->message().c_str());
    return 1;
  }
  auto sites = std::get<std::vector<twin::SiteSpec>>(loaded);
  twin::SimOptions opt;
  opt.seed = seed;
  for (const auto& s : sites) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
  Day day;
  {
    twin::Core core(sites);
    twin::Simulator sim(core.sites(), opt);
    twin::run_until(core, sim, twin::kDay, [&](const twin::Event& e, const twin::Decisions& d) {
      day.events.push_back(e);
      day.decisions.push_back(d);
      day.max_seq = std::max(day.max_seq, e.seq);
    });
  }
  uint64_t blob_bytes = 0, day_decisions = 0;
  std::vector<uint8_t> buf;
  for (size_t i = 0; i < day.events.size(); ++i) {
    buf.clear();
    connectors::encode_event(day.events[i], buf);
    blob_bytes += buf.size();
    day_decisions += day.decisions[i].size();
  }
  std::printf("bench store: %d copies of 1 simulated day (%zu events, %llu decisions a day; 2030 upper targets), seed %llu\n",
              copies, day.events.size(), static_cast<unsigned long long>(day_decisions),
              static_cast<unsigned long long>(seed));
  std::printf("  file %s, batch %zu items, flush every %lld ms, queue bound %zu, WAL, synchronous=NORMAL\n", path.c_str(),
              options.batch_max_items, static_cast<long long>(options.flush_interval.count()), options.queue_max_items);
  std::printf("  binary event blob  %.1f bytes/event (mean)\n", static_cast<double>(blob_bytes) / day.events.size());
  int rc = 0;
  for (bool with_decisions : {true, false}) {
    Measure m = measure(day, copies, with_decisions, path, options);
    if (!m.error.empty()) {
      std::fprintf(stderr, "gatebench store: %s\n", m.error.c_str());
      rc = 1;
    }
    std::printf("\n  %s\n", with_decisions ? "events + their decisions (what the app records)" : "events only");
    std::printf("    events            %llu (+ %llu decisions)\n", static_cast<unsigned long long>(m.events),
                static_cast<unsigned long long>(m.decisions));
    std::printf("    wall time         %.3f s (open to close, all committed)\n", m.wall_s);
    std::printf("    events/s          %.0f sustained\n", m.events / m.wall_s);
    std::printf("    append()          %.0f ns/event mean on the producer (accepted calls; refused while the queue was full: %llu)\n",
                1e9 * m.append_s / m.events, static_cast<unsigned long long>(m.retries));
    std::printf("    transactions      %llu\n", static_cast<unsigned long long>(m.batches));
    std::printf("    file              %.1f MiB, %.1f bytes/event\n", m.file_bytes / 1048576.0,
                static_cast<double>(m.file_bytes) / m.events);
    if (with_decisions) {
      // Reading it back: open (with PRAGMA quick_check) and decode every event.
      const auto r0 = std::chrono::steady_clock::now();
      auto reader = connectors::RecordingReader::open(path);
      const auto r1 = std::chrono::steady_clock::now();
      if (auto* e = std::get_if<connectors::StoreError>(&reader)) {
        std::fprintf(stderr, "gatebench store: %s\n", e->message().c_str());
        return 1;
      }
      uint64_t read = 0;
      auto visited = std::get<std::unique_ptr<connectors::RecordingReader>>(reader)->for_each_event(
          1, 0, [&](const connectors::StoreResult<twin::Event>& ev) {
            read += std::holds_alternative<twin::Event>(ev);
            return true;
          });
      const auto r2 = std::chrono::steady_clock::now();
      if (std::holds_alternative<connectors::StoreError>(visited) || read != m.events) {
        std::fprintf(stderr, "gatebench store: read back %llu of %llu events\n", static_cast<unsigned long long>(read),
                     static_cast<unsigned long long>(m.events));
        rc = 1;
      }
      std::printf("    read back         open + quick_check %.3f s, every event decoded %.3f s (%.0f events/s)\n",
                  std::chrono::duration<double>(r1 - r0).count(), std::chrono::duration<double>(r2 - r1).count(),
                  read / std::chrono::duration<double>(r2 - r1).count());
    }
  }
  if (!keep) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  return rc;
}

}  // namespace bench
