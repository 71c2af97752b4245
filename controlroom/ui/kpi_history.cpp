// KpiHistory. See kpi_history.h.
#include "controlroom/ui/kpi_history.h"

namespace controlroom {

void KpiHistory::sample(const twin::Core& core, twin::SimTime now, twin::SimTime start) {
  if (last_ms_ >= 0 && now < last_ms_) *this = KpiHistory();  // time went back (a replay seek): start over
  if (last_ms_ >= 0 && now - last_ms_ < twin::kMinute) return;
  last_ms_ = now;
  const size_t n = core.sites().size();
  sites_.resize(n);
  cleared_at_hour_start_.resize(n, 0);
  const int64_t hour = now / twin::kHour;
  for (size_t i = 0; i < n; ++i) {
    KpiSeries& s = sites_[i];
    s.latest = twin::compute_kpis(core, i, std::max<twin::SimTime>(twin::kMinute, now - start));
    const int64_t cleared = s.latest.cleared[0] + s.latest.cleared[1];
    if (hour_ >= 0 && hour != hour_) {
      if (s.cleared_per_hour.empty()) s.first_hour = hour_;
      s.cleared_per_hour.push_back(static_cast<float>(cleared - cleared_at_hour_start_[i]));
      cleared_at_hour_start_[i] = cleared;
    } else if (hour_ < 0) {
      cleared_at_hour_start_[i] = cleared;
    }
    int64_t queued = s.latest.lane_queue_now;
    for (const auto& c : s.latest.checkpoints) queued += c.queue_now;
    s.dwell_p50_min.push_back(static_cast<float>(s.latest.dwell_min_p50));
    s.dwell_p95_min.push_back(static_cast<float>(s.latest.dwell_min_p95));
    s.queue_total.push_back(static_cast<float>(queued));
    s.at_h.push_back(static_cast<float>(static_cast<double>(now) / twin::kHour));
    if (s.queue_total.size() > kMaxSamples) {
      s.at_h.erase(s.at_h.begin());
      s.dwell_p50_min.erase(s.dwell_p50_min.begin());
      s.dwell_p95_min.erase(s.dwell_p95_min.begin());
      s.queue_total.erase(s.queue_total.begin());
    }
  }
  hour_ = hour;
}

void KpiHistory::rebuild(const std::vector<twin::SiteSpec>& sites, const std::vector<twin::Event>& events, twin::SimTime up_to,
                         const Folded& each) {
  *this = KpiHistory();
  twin::Core core(sites);
  twin::Decisions scratch;
  for (const twin::Event& e : events) {
    if (e.time_ms > up_to) break;
    scratch.clear();
    core.apply(e, scratch);
    if (each) each(core, scratch);
    sample(core, core.state().now_ms, 0);
  }
  sample(core, up_to, 0);
}

}  // namespace controlroom
