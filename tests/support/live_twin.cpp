// Test support for the live tests. See live_twin.h.
#include "tests/support/live_twin.h"

#include "tests/support/mosquitto_fixture.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/files/site_file.h"
#include "twin/core.h"
#include "twin/run.h"
#include "twin/simulator.h"
#include "twin/site_plan.h"

#include <catch2/catch.hpp>

#include <unistd.h>

namespace testsupport {

std::string gatesim_path() { return std::string(GATETWIN_BINARY_DIR) + "/tools/gatesim/gatesim"; }
std::string gatetwin_path() { return std::string(GATETWIN_BINARY_DIR) + "/tools/gatetwin/gatetwin"; }

std::vector<twin::SiteSpec> shipped_sites() {
  auto r = connectors::load_sites("all", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  return std::get<std::vector<twin::SiteSpec>>(r);
}

InProcessRun in_process_run(double hours, uint64_t seed, bool keep_events) {
  auto sites = shipped_sites();
  twin::SimOptions opt;
  opt.seed = seed;
  for (const auto& s : sites) opt.vehicles_per_day.push_back(*twin::load_per_day(s, "2030"));
  twin::Core core(sites);
  twin::Simulator sim(core.sites(), opt);
  InProcessRun r;
  twin::AfterEvent keep;
  if (keep_events) keep = [&](const twin::Event& e, const twin::Decisions&) { r.events.push_back(e); };
  r.applied = twin::run_until(core, sim, static_cast<twin::SimTime>(hours * twin::kHour), keep);
  r.hash = connectors::hash_hex(core.state_hash());
  return r;
}

std::pair<uint64_t, std::string> in_process(double hours, uint64_t seed) {
  InProcessRun r = in_process_run(hours, seed);
  return {r.applied, r.hash};
}

bool run_frames_until(pipeline::FrameLoop& loop, std::chrono::steady_clock::time_point start,
                      const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < until)
    loop.run_frame(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  return done();
}

}  // namespace testsupport
