// state_hash: runs what `gatesim --site all --load 2030 --days 1 --seed 7` runs (both
// shipped sites, the 2030 load, one simulated day, seed 7) and prints the state hash as
// 16 hex digits, nothing else. Built by test_state_hash_compilers with g++ and clang++ at
// -O0 and -O2 (state_hash/CMakeLists.txt) to show they agree. Only the core and the
// site-file loader: it must not need the engine, MQTT, SQLite or the tools.
//   state_hash [SITES_DIR [SEED [HOURS]]]
#include "connectors/files/site_file.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : connectors::default_sites_dir();
  const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 7;
  const twin::SimTime hours = argc > 3 ? std::strtoll(argv[3], nullptr, 10) : 24;
  auto loaded = connectors::load_sites("all", dir);
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) {
    std::fprintf(stderr, "state_hash: %s\n", err->message().c_str());
    return 1;
  }
  // As gatesim does with its default flags (--lanes expanded --unmanned on, --load 2030).
  std::vector<twin::SiteSpec> sites;
  for (auto& s : std::get<std::vector<twin::SiteSpec>>(loaded))
    sites.push_back(twin::with_plan(s, twin::LanePlan::Expanded, twin::UnmannedPlan::On));
  twin::SimOptions opt;
  opt.seed = seed;
  for (const auto& s : sites) opt.vehicles_per_day.push_back(*twin::load_per_day(s, "2030"));
  twin::Core core(sites);
  twin::Simulator sim(core.sites(), opt);
  const twin::SimTime end = hours * twin::kHour;
  for (twin::SimTime t = 0; t < end;) twin::run_until(core, sim, t = std::min(end, t + twin::kHour));
  std::printf("%016llx\n", static_cast<unsigned long long>(core.state_hash()));
  return 0;
}
