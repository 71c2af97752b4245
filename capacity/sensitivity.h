// The sensitivity sweep behind the tornado chart: for one site, plan and load, how
// steady-state throughput and p95 dwell move when each assumption moves to the low and
// the high end of its stated range, the others at their site-file values. Every point
// is the mean over the same seeds (common random numbers), run on threads; the result
// depends only on the options. No I/O.
#pragma once
#include "capacity/steady_state.h"

#include <string>
#include <vector>

namespace capacity {

struct Assumption {
  std::string name;               // "hand-over time"
  std::string low_label, base_label, high_label;  // "120 s", "150 s", "180 s"
  std::string range_source;       // why this range
};

struct SweepPoint {
  double cleared_per_day = 0;     // mean over the seeds
  double dwell_min_p95 = 0;
  double backlog_growth_per_day = 0;
};

struct SensitivityRow {
  Assumption assumption;
  SweepPoint low, high;
};

struct Sensitivity {
  std::string site;
  double load_per_day = 0;
  int seeds = 0;
  Window window;
  SweepPoint baseline;
  std::vector<SensitivityRow> rows;   // sorted: widest throughput swing first
  uint64_t events = 0;
};

struct SweepOptions {
  int seeds = 10;
  uint64_t first_seed = 1;
  Window window{1, 2, 4};         // 1 day warm-up, 2 measured, 4 h tail: the sweep fits a minute on 2 cores
  unsigned threads = 0;           // 0: every core
};

// The assumptions and their ranges for a site, as its file's "sensitivity" section gives
// them (docs/site-format.md): hand-over time, guide-vehicle fleet, scanner portals,
// checkpoint service times, crane transfer time, and the arrival profile's peak; one
// without a range in the file is left out.
std::vector<Assumption> assumptions_for(const twin::SiteSpec& site);

// site: under its lane plan already.
Sensitivity run_sensitivity(const twin::SiteSpec& site, double per_day, const SweepOptions& o);

// One line per assumption and end: assumption,end,value,cleared_per_day,dwell_min_p95,
// backlog_growth_per_day, after a baseline line; a header first.
std::string sensitivity_csv(const Sensitivity& s);

}  // namespace capacity
