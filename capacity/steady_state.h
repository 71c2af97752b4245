// One steady-state run of one site: a warm-up (discarded), a measured window, and a
// tail after it so that vehicles arriving late in the window are still followed. What
// a planner needs of it: vehicles cleared a day, backlog growth a day, dwell p50/p95
// with the vehicles still in the flow counted, and the busiest resource. Deterministic
// by (site, load, seed, window): no clock, no shared state, safe to run on many threads.
#pragma once
#include "twin/site.h"
#include "twin/time.h"

#include <cstdint>
#include <string>
#include <vector>

namespace capacity {

struct Window {
  double warmup_days = 1;     // from an empty site; not measured
  double measure_days = 7;    // the measured window
  double tail_hours = 4;      // after the window: its late arrivals are followed this long
};

struct Utilisation {
  std::string resource;       // a checkpoint id, "manned lanes" or "guide vehicles"
  double share = 0;           // busy time / (units x window), over the measured window
};

struct SteadyState {
  double arrived_per_day = 0;
  double cleared_per_day = 0;          // both directions, cleared in the window
  double finished_per_day = 0;         // cleared, diverted or refused in the window
  double backlog_growth_per_day = 0;   // vehicles in the flow: (end - start of window) / days
  double in_flow_end = 0;              // vehicles in the flow at the end of the window
  // Arrival to hand-over (export: across the border; import: released), in minutes, of
  // every vehicle that arrived in the window and was not diverted or refused; one still
  // in the flow at the end of the tail counts with its time so far (a lower bound).
  double dwell_min_p50 = 0, dwell_min_p95 = 0;
  double still_in_flow_share = 0;      // of those vehicles, the share still in the flow after the tail
  int64_t dwell_samples = 0;           // how many vehicles the dwell figures are over
  double unmanned_share = 0;           // of the vehicles cleared in the window, by guide vehicle
  std::vector<Utilisation> utilisation;  // every resource, in site order
  std::string bottleneck;              // the busiest resource
  double bottleneck_share = 0;
  uint64_t events = 0;
};

// Runs site (already under its lane plan) at per_day vehicles a day with seed. Uses the
// simulator's common random numbers, so two variants of a site with one seed meet the
// same vehicles.
SteadyState run_steady_state(const twin::SiteSpec& site, double per_day, uint64_t seed, const Window& window);

}  // namespace capacity
