// One steady-state run. See steady_state.h. Dwell is harvested every 6 simulated hours
// (retention keeps a finished shipment 24 h, so none is missed), utilisation is the
// difference of the core's busy-time counters over the window.
#include "capacity/steady_state.h"

#include "twin/core.h"
#include "twin/kpi.h"
#include "twin/run.h"
#include "twin/simulator.h"

#include <algorithm>
#include <cmath>

namespace capacity {

namespace {

// The counters read at the start and the end of the window.
struct Reading {
  int64_t arrived = 0, cleared = 0, finished = 0;
  std::vector<int64_t> checkpoint_busy_ms;
  int64_t lane_busy_ms = 0, fleet_busy_ms = 0;
};

Reading read(const twin::Core& core, const twin::SiteSpec& spec) {
  const twin::SiteState& s = core.state().sites[0];
  Reading r;
  for (int d = 0; d < 2; ++d) {
    r.arrived += s.counters.arrived[d];
    r.cleared += s.counters.cleared[d];
    r.finished += s.counters.cleared[d] + s.counters.diverted[d] + s.counters.refused[d];
  }
  for (const twin::CheckpointState& cp : s.checkpoints) r.checkpoint_busy_ms.push_back(cp.busy_ms);
  for (size_t l = 0; l < s.lanes.size(); ++l)
    if (spec.lanes[l].kind == twin::LaneKind::Manned && !s.lanes[l].reserved_unmanned) r.lane_busy_ms += s.lanes[l].busy_ms;
  for (const twin::GuideVehicle& g : s.fleet) r.fleet_busy_ms += g.busy_ms;
  return r;
}

twin::SimTime ms(double hours) { return static_cast<twin::SimTime>(std::llround(hours * twin::kHour)); }

}  // namespace

SteadyState run_steady_state(const twin::SiteSpec& site, double per_day, uint64_t seed, const Window& window) {
  twin::Core core({site});
  twin::SimOptions opt;
  opt.seed = seed;
  opt.vehicles_per_day = {per_day};
  opt.common_random_numbers = true;
  twin::Simulator sim(core.sites(), opt);
  const twin::SiteSpec& spec = core.sites()[0];
  const twin::SimTime from = ms(window.warmup_days * 24), to = ms((window.warmup_days + window.measure_days) * 24);
  const twin::SimTime horizon = to + ms(window.tail_hours);
  const twin::SimTime step = 6 * twin::kHour;

  SteadyState out;
  out.events += twin::run_until(core, sim, from);
  const Reading start = read(core, spec);
  std::vector<double> dwell_min;
  int64_t unmanned_cleared = 0;
  Reading end;
  // Harvest the vehicles of the window handed over in (last, t].
  twin::SimTime last = from;
  auto harvest = [&](twin::SimTime t) {
    for (const twin::Shipment& sh : core.state().sites[0].shipments) {
      if (sh.arrived_ms < from || sh.arrived_ms >= to) continue;
      if (sh.handed_over_ms <= last || sh.handed_over_ms > t) continue;
      if (sh.outcome == twin::Outcome::Diverted || sh.outcome == twin::Outcome::Refused) continue;
      dwell_min.push_back(static_cast<double>(sh.handed_over_ms - sh.arrived_ms) / twin::kMinute);
    }
    for (const twin::Shipment& sh : core.state().sites[0].shipments)
      if (sh.outcome == twin::Outcome::Cleared && sh.done_ms > last && sh.done_ms <= t && sh.done_ms > from && sh.done_ms <= to)
        unmanned_cleared += sh.unmanned ? 1 : 0;
    last = t;
  };
  std::vector<twin::SimTime> stops;
  for (twin::SimTime t = from + step; t < to; t += step) stops.push_back(t);
  stops.push_back(to);  // the counters are read exactly at the window's end
  for (twin::SimTime t = to + step; t < horizon; t += step) stops.push_back(t);
  if (horizon > to) stops.push_back(horizon);
  for (twin::SimTime t : stops) {
    out.events += twin::run_until(core, sim, t);
    harvest(t);
    if (t == to) end = read(core, spec);
  }
  // Still in the flow after the tail: their time so far.
  int64_t open = 0;
  for (const twin::Shipment& sh : core.state().sites[0].shipments) {
    if (sh.arrived_ms < from || sh.arrived_ms >= to) continue;
    if (sh.outcome == twin::Outcome::Diverted || sh.outcome == twin::Outcome::Refused) continue;
    if (sh.handed_over_ms >= 0) continue;
    ++open;
    dwell_min.push_back(static_cast<double>(horizon - sh.arrived_ms) / twin::kMinute);
  }

  const double days = window.measure_days;
  const double span_ms = static_cast<double>(to - from);
  out.arrived_per_day = (end.arrived - start.arrived) / days;
  out.cleared_per_day = (end.cleared - start.cleared) / days;
  out.finished_per_day = (end.finished - start.finished) / days;
  const int64_t in_flow_start = start.arrived - start.finished, in_flow_end = end.arrived - end.finished;
  out.in_flow_end = static_cast<double>(in_flow_end);
  out.backlog_growth_per_day = static_cast<double>(in_flow_end - in_flow_start) / days;
  out.still_in_flow_share = dwell_min.empty() ? 0 : static_cast<double>(open) / static_cast<double>(dwell_min.size());
  out.unmanned_share = end.cleared > start.cleared ? static_cast<double>(unmanned_cleared) / static_cast<double>(end.cleared - start.cleared) : 0;
  out.dwell_samples = static_cast<int64_t>(dwell_min.size());
  out.dwell_min_p50 = twin::percentile(dwell_min, 0.50);
  out.dwell_min_p95 = twin::percentile(dwell_min, 0.95);

  for (size_t k = 0; k < spec.checkpoints.size(); ++k) {
    const double busy = static_cast<double>(end.checkpoint_busy_ms[k] - start.checkpoint_busy_ms[k]);
    out.utilisation.push_back({spec.checkpoints[k].id, busy / (spec.checkpoints[k].servers * span_ms)});
  }
  int manned = 0;
  for (const twin::LaneSpec& l : spec.lanes) manned += l.kind == twin::LaneKind::Manned ? 1 : 0;
  if (manned > 0) out.utilisation.push_back({"manned lanes", static_cast<double>(end.lane_busy_ms - start.lane_busy_ms) / (manned * span_ms)});
  if (spec.fleet.guide_vehicles > 0 && !core.state().sites[0].fleet.empty())
    out.utilisation.push_back({"guide vehicles", static_cast<double>(end.fleet_busy_ms - start.fleet_busy_ms) /
                                                     (static_cast<double>(core.state().sites[0].fleet.size()) * span_ms)});
  for (const Utilisation& u : out.utilisation)
    if (u.share > out.bottleneck_share) { out.bottleneck_share = u.share; out.bottleneck = u.resource; }
  return out;
}

}  // namespace capacity
