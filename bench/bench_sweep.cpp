// gatebench sweep: the wall time of the capacity work that uses every core: the
// sensitivity sweep of gatesim --sensitivity --site m1119 --load 2030 (its default
// seeds and window), on one thread and on every core, and ten seeds of a steady-state
// week of both sites (the pilot's 8 lanes, 2030 load). Prints figures; never pass/fail.
#include "bench/benches.h"

#include "capacity/capacity_table.h"
#include "capacity/parallel.h"
#include "capacity/plans.h"
#include "capacity/sensitivity.h"
#include "connectors/files/site_file.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bench {

namespace {

template <class F>
double wall_s(F f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int bench_sweep(int argc, char** argv) {
  bool single = true;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--no-single") single = false;
  auto loaded = connectors::load_sites("all", connectors::default_sites_dir());
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) {
    std::fprintf(stderr, "gatebench: %s\n", err->message().c_str());
    return 1;
  }
  const auto& sites = std::get<std::vector<twin::SiteSpec>>(loaded);
  const unsigned cores = capacity::default_threads();
  std::printf("bench sweep: capacity runs on threads (%u cores)\n", cores);

  for (const twin::SiteSpec& base : sites) {
    if (base.id != "m1119") continue;
    const twin::SiteSpec site = capacity::apply(base, capacity::plans_for(base)[1]);
    capacity::SweepOptions o;
    o.first_seed = 7;  // gatesim's default seed: the same runs as gatesim --sensitivity
    uint64_t events = 0;
    for (unsigned threads : single ? std::vector<unsigned>{1, cores} : std::vector<unsigned>{cores}) {
      o.threads = threads;
      const double s = wall_s([&] { events = capacity::run_sensitivity(site, base.arrivals.per_day_2030, o).events; });
      std::printf("  sensitivity m1119 2030  %2u thread(s)  %6.1f s wall  %llu events  %.0f events/s  (%d seeds, %g+%g d)\n", threads, s,
                  static_cast<unsigned long long>(events), events / s, o.seeds, o.window.warmup_days, o.window.measure_days);
    }
  }
  capacity::TableOptions t;
  t.first_seed = 7;
  t.threads = cores;
  uint64_t events = 0;
  const double s = wall_s([&] {
    for (const twin::SiteSpec& base : sites) {
      const twin::SiteSpec site = capacity::apply(base, capacity::plans_for(base)[1]);
      for (const auto& r : capacity::run_load(site, base.arrivals.per_day_2030, t).runs) events += r.events;
    }
  });
  std::printf("  10 seeds x steady-state week, both sites, 8 lanes (2 unmanned), 2030 load  %u threads  %6.1f s wall  %llu events\n", cores, s,
              static_cast<unsigned long long>(events));
  return 0;
}

}  // namespace bench
