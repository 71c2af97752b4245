// gatebench replay: a 24-hour recording of both sites at the upper 2030 targets (the
// simulator through SessionWriter, as gatesim --record writes it, seed 7), then: the
// recording's size per simulated hour, the time to open it for replay (read, fold once,
// keep a Core copy every N events, check the snapshots), seek latency p50 / p99 / max to
// random moments (uniform over the day, from wherever the previous seek left the cursor),
// and the fastest replay: events per second folded by playing the whole day.
#include "bench/benches.h"

#include "sessions/replay.h"
#include "sessions/session_writer.h"

#include "connectors/files/site_file.h"
#include "twin/run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

using namespace sessions;

namespace bench {

int bench_replay(int argc, char** argv) {
  size_t every = 4096;
  int seeks = 2000;
  std::string path = (std::filesystem::temp_directory_path() / ("gatebench_replay_" + std::to_string(::getpid()) + ".db")).string();
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--every") && i + 1 < argc) every = std::strtoul(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--seeks") && i + 1 < argc) seeks = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--file") && i + 1 < argc) path = argv[++i];
    else {
      std::fprintf(stderr, "usage: gatebench replay [--every N] [--seeks N] [--file PATH]\n");
      return 2;
    }
  }
  using clock = std::chrono::steady_clock;
  auto secs = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };

  // The recording.
  sessions::SimConfig cfg;
  cfg.seed = 7;
  cfg.load = "2030";
  auto w = sessions::make_sim_world(cfg, connectors::default_sites_dir());
  if (auto* e = std::get_if<connectors::Failure>(&w)) {
    std::fprintf(stderr, "gatebench: %s\n", e->message().c_str());
    return 1;
  }
  auto& world = std::get<sessions::SimWorld>(w);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  const auto t0 = clock::now();
  {
    twin::Core core(world.sites);
    auto sim = sessions::make_simulator(world, core.sites(), cfg);
    connectors::SessionInfo info{"m1088,m1119", cfg.seed, connectors::SessionSource::Sim, {}, {}, cfg.to_notes()};
    auto sw = sessions::SessionWriter::open(path, info);
    if (auto* e = std::get_if<connectors::Failure>(&sw)) {
      std::fprintf(stderr, "gatebench: %s\n", e->message().c_str());
      return 1;
    }
    auto& writer = std::get<std::unique_ptr<sessions::SessionWriter>>(sw);
    twin::run_until(core, *sim, twin::kDay - 1, [&](const twin::Event& e, const twin::Decisions& d) { writer->append(e, d, core); });
    writer->snapshot(core, twin::kDay);
    if (auto why = writer->close()) {
      std::fprintf(stderr, "gatebench: %s\n", why->message().c_str());
      return 1;
    }
  }
  const double record_s = secs(t0, clock::now());
  const double mib = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);

  // Open for replay.
  const auto t1 = clock::now();
  sessions::ReplayOptions ro;
  ro.checkpoint_every = every;
  auto opened = sessions::Replay::open(path, {}, ro);
  if (auto* e = std::get_if<connectors::Failure>(&opened)) {
    std::fprintf(stderr, "gatebench: %s\n", e->message().c_str());
    return 1;
  }
  auto& replay = *std::get<std::unique_ptr<sessions::Replay>>(opened);
  const double open_s = secs(t1, clock::now());
  const size_t n = replay.event_count();

  // Seeks to random moments.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<twin::SimTime> moment(0, twin::kDay - 1);
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(seeks));
  uint64_t sink = 0;
  for (int i = 0; i < seeks; ++i) {
    const twin::SimTime t = moment(rng);
    const auto a = clock::now();
    replay.seek_time(t);
    ms.push_back(secs(a, clock::now()) * 1000.0);
    sink += replay.core().state().last_seq;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };

  // The fastest replay: play the whole day in one go.
  replay.seek_index(0);
  replay.set_speed(1000);
  replay.set_playing(true);
  const auto t2 = clock::now();
  size_t played = 0;
  while (replay.playing()) played += replay.play(3600.0);   // 1000 x 3600 s = 1000 simulated hours a call
  const double play_s = secs(t2, clock::now());

  std::printf("gatebench replay  24 h, both sites, 2030 upper targets, seed 7; checkpoint every %zu events\n", every);
  std::printf("  recording    %zu events, %.1f MiB (%.2f MiB per simulated hour, %.1f bytes/event), written in %.2f s\n", n, mib,
              mib / 24.0, mib * 1024 * 1024 / static_cast<double>(n), record_s);
  std::printf("  open         %.3f s (read, one fold, %zu Core copies, %zu snapshots checked, %zu mismatched)\n", open_s,
              n / every + 1, replay.snapshot_check().checked, replay.snapshot_check().mismatched);
  std::printf("  seek         %d random moments: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", seeks, pct(0.5), pct(0.99), ms.back());
  std::printf("  play         %zu events in %.3f s: %.2f million events/s (x%.0f real time over the day)\n", played, play_s,
              static_cast<double>(played) / play_s / 1e6, 86400.0 / play_s);
  if (sink == 42) std::printf(" ");
  std::filesystem::remove(path, ec);
  return 0;
}

}  // namespace bench
