// gatebench: Gate Twin's benchmarks. Each subcommand lives in its own bench_*.cpp and
// prints numbers one can compare between runs. No pass/fail thresholds here: goals are
// read by people from the printed figures.
#include "bench/benches.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {
struct Bench {
  const char* name;
  const char* what;
  int (*run)(int argc, char** argv);
};

const Bench kBenches[] = {
    {"core", "one simulated day of both sites at the upper 2030 targets", bench::bench_core},
#ifdef GATEBENCH_HAS_RENDER
    {"render", "engine frame cost for 1k/10k/100k vehicles, 1280x720 offscreen", bench::bench_render},
#endif
    {"store", "recorder events/s through the writer thread into SQLite, and bytes per event", bench::bench_store},
    {"mqtt", "broker to applied core state: messages/s and publish-to-applied p50/p99 (own mosquitto)", bench::bench_mqtt},
#ifdef GATEBENCH_HAS_FRAME
    {"frame", "the console at 1920x1080 and the wall at 3840x2160 on lavapipe, 2030 load + 3,000 queued trucks: fps, frame build CPU, process CPU per frame [--view V --size WxH --frames N --aa fxaa|msaa|off --msaa N --scene-pixels N --queue N --screenshot FILE.png]", bench::bench_frame},
#endif
    {"replay", "24 h recording at 2030 load: seek p50/p99 to random moments, replay events/s, MiB per hour", bench::bench_replay},
    {"sweep", "capacity sweeps on every core: gatesim --sensitivity m1119 2030, 10 seeds x a week of both sites", bench::bench_sweep},
    {"vda5050", "VDA 5050 vehicles (visualization 10 Hz, state 1 Hz, schema-checked) to the core: rate, state->core p99, validation CPU", bench::bench_vda5050},
    // Other benches register here, one line each.
};

// Flags of the benches that take them (a bench's own error message names them too).
const char* const kMqttFlags =
    "\nmqtt flags:\n"
    "  own publisher (default): [--field own] [--seconds S] [--multiple M | --rate N] [--batch N]\n"
    "      [--publishers P] [--ordered N] [--seed N]\n"
    "  lean field:  --field lean [--sources 200] [--messages N] [--publishers P] [--seconds S]\n"
    "      [--multiple M | --rate N] [--frame-hz F] [--seed N]\n"
    "      mosquitto_pub -l from pre-generated files (one telemetry/position per line, S sources),\n"
    "      against mosquitto_sub alone on the same broker; then a paced run at M x the 2030 peak\n"
    "      (default 10) for S seconds (default 5; 0: none) with publish-to-applied and\n"
    "      publish-to-drawn latency (frames at F Hz, default 60). docs/mqtt.md, Throughput.\n";

void usage() {
  std::printf("usage: gatebench <bench> [options]\n\nbenches:\n");
  for (const Bench& b : kBenches) std::printf("  %-10s %s\n", b.name, b.what);
  std::printf("%s", kMqttFlags);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  for (const Bench& b : kBenches)
    if (std::string(argv[1]) == b.name) return b.run(argc - 1, argv + 1);
  std::fprintf(stderr, "gatebench: unknown bench '%s'\n", argv[1]);
  usage();
  return 2;
}
