// KPI computation from state. See kpi.h.
#include "twin/kpi.h"

#include <algorithm>
#include <cmath>

namespace twin {

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

SiteKpis compute_kpis(const Core& core, size_t si, SimTime elapsed_ms) {
  const SiteSpec& spec = core.sites()[si];
  const SiteState& s = core.state().sites[si];
  const double elapsed = std::max<double>(1.0, static_cast<double>(elapsed_ms));
  const double ticks = std::max<double>(1.0, static_cast<double>(s.counters.ticks));
  SiteKpis k;
  k.site = spec.id;
  k.hours = elapsed / static_cast<double>(kHour);
  k.arrived = s.counters.arrived;
  k.cleared = s.counters.cleared;
  k.diverted = s.counters.diverted;
  k.refused = s.counters.refused;
  k.targets = spec.targets;
  k.cleared_per_day = static_cast<double>(k.cleared[0] + k.cleared[1]) * static_cast<double>(kDay) / elapsed;
  std::vector<double> all, by_dir[2];
  for (const Shipment& sh : s.shipments) {
    if (sh.arrived_ms >= 0 && (sh.phase != Phase::Cleared && sh.phase != Phase::Left && sh.phase != Phase::Diverted))
      ++k.in_flow;
    if (sh.handed_over_ms < 0 || sh.arrived_ms < 0 || sh.outcome == Outcome::Diverted || sh.outcome == Outcome::Refused) continue;
    const double minutes = static_cast<double>(sh.handed_over_ms - sh.arrived_ms) / kMinute;
    all.push_back(minutes);
    by_dir[static_cast<int>(sh.direction)].push_back(minutes);
    if (sh.unmanned) ++k.unmanned_crossings;
  }
  // Shipments removed by retention count as they did while in the state.
  for (int d = 0; d < 2; ++d)
    for (int64_t ms : s.retired.dwell_ms[d]) {
      const double minutes = static_cast<double>(ms) / kMinute;
      all.push_back(minutes);
      by_dir[d].push_back(minutes);
    }
  k.unmanned_crossings += s.retired.unmanned_crossings;
  k.dwell_min_p50 = percentile(all, 0.50);
  k.dwell_min_p95 = percentile(all, 0.95);
  for (int d = 0; d < 2; ++d) {
    k.dwell_min_p50_dir[d] = percentile(by_dir[d], 0.50);
    k.dwell_min_p95_dir[d] = percentile(by_dir[d], 0.95);
  }
  const SimTime now = core.state().now_ms;
  for (size_t i = 0; i < spec.checkpoints.size(); ++i) {
    const CheckpointState& cp = s.checkpoints[i];
    CheckpointKpi c;
    c.id = spec.checkpoints[i].id;
    c.kind = spec.checkpoints[i].kind;
    c.servers = spec.checkpoints[i].servers;
    int64_t busy = cp.busy_ms;
    for (const CheckpointServer& srv : cp.servers)
      if (srv.shipment != kNone) busy += now - srv.busy_since_ms;
    c.utilisation = static_cast<double>(busy) / (elapsed * std::max(1, c.servers));
    c.wait_s_mean = cp.served ? static_cast<double>(cp.wait_ms_sum) / cp.served / 1000.0 : 0;
    c.queue_mean = static_cast<double>(cp.queue_sum) / ticks;
    c.queue_max = cp.queue_max;
    c.queue_now = static_cast<int64_t>(cp.queue.size());
    c.served = cp.served;
    k.checkpoints.push_back(c);
  }
  int manned = 0;
  int64_t lane_busy = 0;
  for (size_t l = 0; l < spec.lanes.size(); ++l) {
    const LaneState& lane = s.lanes[l];
    if (spec.lanes[l].kind != LaneKind::Manned) continue;
    ++manned;
    lane_busy += lane.busy_ms + (lane.on_lane != kNone ? now - lane.busy_since_ms : 0);
    k.lane_crossings += lane.crossings;
    k.lane_queue_now += static_cast<int64_t>(lane.queue.size());
  }
  k.lane_queue_now += static_cast<int64_t>(s.lane_waiting[0].size() + s.lane_waiting[1].size());
  k.lane_utilisation = manned ? static_cast<double>(lane_busy) / (elapsed * manned) : 0;
  double occ_sum = 0;
  for (size_t y = 0; y < spec.yards.size(); ++y) {
    k.yard_slots += spec.yards[y].slots;
    occ_sum += static_cast<double>(s.yards[y].occupied_sum) / ticks;
    k.yard_occupied_max = std::max(k.yard_occupied_max, s.yards[y].occupied_max);
  }
  k.yard_utilisation = k.yard_slots ? occ_sum / k.yard_slots : 0;
  int64_t fleet_busy = 0;
  for (const GuideVehicle& g : s.fleet) {
    fleet_busy += g.busy_ms + (g.phase != GuidePhase::Idle ? now - g.phase_since_ms : 0);
    k.fleet_trips += g.trips;
  }
  k.fleet_utilisation = s.fleet.empty() ? 0 : static_cast<double>(fleet_busy) / (elapsed * s.fleet.size());
  k.commands_accepted = s.counters.commands_accepted;
  k.commands_refused = s.counters.commands_refused;
  k.alerts = s.counters.alerts;
  k.events_ignored = s.counters.events_ignored;
  return k;
}

}  // namespace twin
