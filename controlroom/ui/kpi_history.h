// KpiHistory: KPIs sampled over simulated time for the plots: vehicles cleared per hour,
// dwell p50 / p95, queue lengths, utilisation. Sampled at most once per simulated
// minute, never per frame (compute_kpis walks every shipment). Knows no ImGui.
#pragma once
#include "twin/kpi.h"

#include <functional>
#include <vector>

namespace controlroom {

struct KpiSeries {
  std::vector<float> cleared_per_hour;   // one value per completed simulated hour
  int64_t first_hour = 0;                // the hour (of run time) cleared_per_hour[0] covers
  std::vector<float> at_h;               // each sample's time, hours of run time
  std::vector<float> dwell_p50_min, dwell_p95_min, queue_total;  // per sample
  twin::SiteKpis latest;
};

class KpiHistory {
 public:
  static constexpr size_t kMaxSamples = 24 * 60 * 7;  // a week of minutes
  void sample(const twin::Core& core, twin::SimTime now_ms, twin::SimTime start_ms);
  const std::vector<KpiSeries>& sites() const { return sites_; }
  twin::SimTime last_sample_ms() const { return last_ms_; }
  // The history a recording had at up_to_ms: its events folded from the start into a
  // fresh core, sampled as the live run was (after a seek in a replay, the plots show
  // what led to the moment shown). Events after up_to_ms are not read. each (may be empty)
  // sees every folded event's decisions with the core they were made in (the alert log).
  using Folded = std::function<void(const twin::Core&, const twin::Decisions&)>;
  void rebuild(const std::vector<twin::SiteSpec>& sites, const std::vector<twin::Event>& events, twin::SimTime up_to_ms,
               const Folded& each = {});

 private:
  std::vector<KpiSeries> sites_;
  std::vector<int64_t> cleared_at_hour_start_;
  twin::SimTime last_ms_ = -1;
  int64_t hour_ = -1;
};

}  // namespace controlroom
