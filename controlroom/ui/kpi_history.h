// KpiHistory: KPIs sampled over simulated time for the plots: vehicles cleared per hour,
// dwell p50 / p95, queue lengths, utilisation. Sampled at most once per simulated
// minute, never per frame (compute_kpis walks every shipment). Knows no ImGui.
#pragma once
#include "twin/kpi.h"

#include <vector>

namespace controlroom {

struct KpiSeries {
  std::vector<float> cleared_per_hour;   // one value per completed simulated hour
  std::vector<float> dwell_p50_min, dwell_p95_min, queue_total;  // per sample
  twin::SiteKpis latest;
};

class KpiHistory {
 public:
  static constexpr size_t kMaxSamples = 24 * 60 * 7;  // a week of minutes
  void sample(const twin::Core& core, twin::SimTime now_ms, twin::SimTime start_ms);
  const std::vector<KpiSeries>& sites() const { return sites_; }
  twin::SimTime last_sample_ms() const { return last_ms_; }

 private:
  std::vector<KpiSeries> sites_;
  std::vector<int64_t> cleared_at_hour_start_;
  twin::SimTime last_ms_ = -1;
  int64_t hour_ = -1;
};

}  // namespace controlroom
