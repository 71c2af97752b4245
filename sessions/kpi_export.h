// A session's KPIs over time, for a debrief: sampled from a Replay every few simulated
// minutes, written as CSV (one row per sample and site, gatesim's KPI columns) and as PNG
// line plots (one per KPI, a line per site, drawn on a PlotImage). It seeks the replay
// and leaves its cursor at the end; it never writes the recording.
#pragma once
#include "connectors/result.h"
#include "sessions/replay.h"

#include "twin/kpi.h"

#include <string>
#include <vector>

namespace sessions {

struct KpiSample {
  twin::SimTime time_ms = 0;
  std::vector<twin::SiteKpis> sites;
  int64_t checkpoint_queue_now = 0;   // all sites, all checkpoints
};

class KpiExport {
 public:
  // Samples every every_ms (at least a minute) from the recording's start to its end (and
  // the end itself); at most kMaxSamples, the step widened for a longer recording.
  static constexpr size_t kMaxSamples = 10000;
  KpiExport(Replay& replay, twin::SimTime every_ms);
  const std::vector<KpiSample>& samples() const { return samples_; }
  twin::SimTime every_ms() const { return every_ms_; }   // the step used
  // What went wrong, or nothing.
  connectors::Status write_csv(const std::string& path) const;
  // cleared.png, in_flow.png, dwell_p95.png, queues.png in dir; the files written in `written`.
  connectors::Status write_plots(const std::string& dir, std::vector<std::string>* written = nullptr) const;

 private:
  std::vector<std::string> site_ids_;
  std::vector<KpiSample> samples_;
  twin::SimTime every_ms_ = 0;
};

}  // namespace sessions
