// Key performance indicators of a site, computed from the core's state: what the phase
// reports of the pilot need. Pure computation; formatting belongs to the programs.
#pragma once
#include "twin/core.h"

#include <array>
#include <string>
#include <vector>

namespace twin {

struct CheckpointKpi {
  std::string id;
  CheckpointKind kind;
  int servers = 0;
  double utilisation = 0;     // busy time / (servers x elapsed)
  double wait_s_mean = 0;     // queue wait of those served
  double queue_mean = 0;      // sampled at clock ticks
  int64_t queue_max = 0;
  int64_t queue_now = 0;
  int64_t served = 0;
};

struct SiteKpis {
  std::string site;
  double hours = 0;
  std::array<int64_t, 2> arrived{}, cleared{}, diverted{}, refused{};
  int64_t in_flow = 0;                 // arrived, neither cleared nor out
  double cleared_per_day = 0;          // both directions, scaled to 24 h
  double dwell_min_p50 = 0, dwell_min_p95 = 0;   // arrival to hand-over, cleared shipments
  std::array<double, 2> dwell_min_p50_dir{}, dwell_min_p95_dir{};
  std::vector<CheckpointKpi> checkpoints;
  double lane_utilisation = 0;         // manned lanes: crossing time / (lanes x elapsed)
  int64_t lane_crossings = 0;
  int64_t lane_queue_now = 0;
  double yard_utilisation = 0;         // all yards: mean occupied / slots
  int64_t yard_occupied_max = 0;
  int yard_slots = 0;
  double fleet_utilisation = 0;        // guide vehicles: busy time / (fleet x elapsed)
  int64_t fleet_trips = 0;
  int64_t unmanned_crossings = 0;
  Targets targets;
  int64_t commands_accepted = 0, commands_refused = 0, alerts = 0, events_ignored = 0;
};

// elapsed_ms: the span the run covered (for rates and utilisation).
SiteKpis compute_kpis(const Core& core, size_t site, SimTime elapsed_ms);

// Nearest-rank percentile of v (sorted in place); 0 for an empty vector.
double percentile(std::vector<double>& v, double p);

}  // namespace twin
