// Test support for the live tests (tests/connectors, tests/app): the programs under test,
// the shipped sites, the in-process reference run a live run must equal, and a frame
// loop run until a condition. One copy of what mqtt_live, follow_live, fault_live and
// security_live each had. It must not assert on the test's behalf beyond loading the
// shipped sites, and it starts no process itself.
#pragma once
#include "pipeline/frame_loop.h"

#include "twin/event.h"
#include "twin/site.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace testsupport {

// The programs of this build.
std::string gatesim_path();
std::string gatetwin_path();

// Both shipped sites (assets/sites, or $GATETWIN_SITES); REQUIREs that they load.
std::vector<twin::SiteSpec> shipped_sites();

// gatesim's defaults folded in-process: `hours` at `seed`, 2030 load, both sites.
struct InProcessRun {
  std::vector<twin::Event> events;  // kept only when asked for
  uint64_t applied = 0;
  std::string hash;                 // connectors::hash_hex of the state hash
};
InProcessRun in_process_run(double hours, uint64_t seed, bool keep_events = false);
// The same, as (events applied, state hash): what a live run of gatesim must end at.
std::pair<uint64_t, std::string> in_process(double hours, uint64_t seed);

// Runs frames (wall time since `start` as the frame clock) until done() or timeout;
// returns done().
bool run_frames_until(pipeline::FrameLoop& loop, std::chrono::steady_clock::time_point start,
                      const std::function<bool()>& done, std::chrono::milliseconds timeout);

}  // namespace testsupport
