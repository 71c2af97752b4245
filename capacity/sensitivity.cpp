// The sensitivity sweep. See sensitivity.h. Each assumption is an edit of the SiteSpec
// (or of the load's profile); every (point, seed) pair is one job for parallel_for.
#include "capacity/sensitivity.h"

#include "capacity/parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace capacity {

namespace {

using Edit = std::function<void(twin::SiteSpec&)>;

struct Variant {
  Assumption a;
  Edit low, high;
};

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

void scale(twin::Distribution& d, double k) {
  d.mean_s *= k;
  d.min_s *= k;
  d.max_s *= k;
}

// The hourly profile with its swing around the daily mean scaled by k (k = 0: flat).
void peak(twin::SiteSpec& s, double k) {
  double mean = 0;
  for (double w : s.arrivals.hourly_weight) mean += w / 24;
  for (double& w : s.arrivals.hourly_weight) w = std::max(0.0, mean + k * (w - mean));
}

// A factor's label: "x0.8".
std::string times(double k) { return fmt("x%g", k); }

// The swept assumptions, each over the range its site file gives ("sensitivity",
// docs/site-format.md); one the file gives no range for is not swept.
std::vector<Variant> variants(const twin::SiteSpec& site) {
  const twin::SensitivitySpec& r = site.sensitivity;
  std::vector<Variant> v;
  const double h = site.timing.handover.mean();
  if (const twin::SensitivityRange& x = r.handover_s; x.given)
    v.push_back({{"hand-over time", fmt("%.0f s", x.low), fmt("%.0f s", h), fmt("%.0f s", x.high), x.source},
                 [h, k = x.low](twin::SiteSpec& s) { scale(s.timing.handover, k / h); },
                 [h, k = x.high](twin::SiteSpec& s) { scale(s.timing.handover, k / h); }});
  const int fleet = site.fleet.guide_vehicles;
  if (const twin::SensitivityRange& x = r.guide_vehicles; x.given && fleet > 0) {
    const int lo = static_cast<int>(x.low), hi = static_cast<int>(x.high);
    v.push_back({{"guide vehicles", std::to_string(lo), std::to_string(fleet), std::to_string(hi), x.source},
                 [lo](twin::SiteSpec& s) { s.fleet.guide_vehicles = lo; },
                 [hi](twin::SiteSpec& s) { s.fleet.guide_vehicles = hi; }});
  }
  const int scanner = site.checkpoint_index(twin::CheckpointKind::Scanner);
  if (const twin::SensitivityRange& x = r.scanner_portals_change; x.given && scanner >= 0) {
    const int n = site.checkpoints[scanner].servers;
    const int lo = std::max(1, n + static_cast<int>(x.low)), hi = std::max(1, n + static_cast<int>(x.high));
    v.push_back({{"scanner portals", std::to_string(lo), std::to_string(n), std::to_string(hi), x.source},
                 [scanner, lo](twin::SiteSpec& s) { s.checkpoints[scanner].servers = lo; },
                 [scanner, hi](twin::SiteSpec& s) { s.checkpoints[scanner].servers = hi; }});
  }
  if (const twin::SensitivityRange& x = r.service_time_factor; x.given)
    v.push_back({{"checkpoint service times", times(x.low), "x1", times(x.high), x.source},
                 [k = x.low](twin::SiteSpec& s) { for (auto& c : s.checkpoints) scale(c.service, k); },
                 [k = x.high](twin::SiteSpec& s) { for (auto& c : s.checkpoints) scale(c.service, k); }});
  const double t = site.timing.transfer.mean();
  if (const twin::SensitivityRange& x = r.transfer_time_factor; x.given)
    v.push_back({{"crane transfer time", fmt("%.0f s", x.low * t), fmt("%.0f s", t), fmt("%.0f s", x.high * t), x.source},
                 [k = x.low](twin::SiteSpec& s) { scale(s.timing.transfer, k); },
                 [k = x.high](twin::SiteSpec& s) { scale(s.timing.transfer, k); }});
  auto swing = [](double k) { return k == 0 ? std::string("flat") : times(k) + " swing"; };
  if (const twin::SensitivityRange& x = r.arrival_swing_factor; x.given)
    v.push_back({{"arrival profile peak", swing(x.low), "site file", swing(x.high), x.source},
                 [k = x.low](twin::SiteSpec& s) { peak(s, k); },
                 [k = x.high](twin::SiteSpec& s) { peak(s, k); }});
  return v;
}

SweepPoint mean_of(const std::vector<SteadyState>& runs) {
  SweepPoint p;
  for (const SteadyState& r : runs) {
    p.cleared_per_day += r.cleared_per_day / runs.size();
    p.dwell_min_p95 += r.dwell_min_p95 / runs.size();
    p.backlog_growth_per_day += r.backlog_growth_per_day / runs.size();
  }
  return p;
}

}  // namespace

std::vector<Assumption> assumptions_for(const twin::SiteSpec& site) {
  std::vector<Assumption> out;
  for (const Variant& v : variants(site)) out.push_back(v.a);
  return out;
}

Sensitivity run_sensitivity(const twin::SiteSpec& site, double per_day, const SweepOptions& o) {
  const std::vector<Variant> vs = variants(site);
  std::vector<twin::SiteSpec> points{site};
  for (const Variant& v : vs) {
    twin::SiteSpec lo = site, hi = site;
    v.low(lo);
    v.high(hi);
    twin::derive(lo);
    twin::derive(hi);
    points.push_back(lo);
    points.push_back(hi);
  }
  const size_t seeds = static_cast<size_t>(o.seeds);
  std::vector<SteadyState> runs(points.size() * seeds);
  parallel_for(runs.size(), o.threads > 0 ? o.threads : default_threads(), [&](size_t i) {
    runs[i] = run_steady_state(points[i / seeds], per_day, o.first_seed + i % seeds, o.window);
  });
  auto point = [&](size_t p) {
    return mean_of(std::vector<SteadyState>(runs.begin() + static_cast<long>(p * seeds), runs.begin() + static_cast<long>((p + 1) * seeds)));
  };
  Sensitivity s;
  s.site = site.id;
  s.load_per_day = per_day;
  s.seeds = o.seeds;
  s.window = o.window;
  for (const SteadyState& r : runs) s.events += r.events;
  s.baseline = point(0);
  for (size_t k = 0; k < vs.size(); ++k) s.rows.push_back({vs[k].a, point(1 + 2 * k), point(2 + 2 * k)});
  std::stable_sort(s.rows.begin(), s.rows.end(), [](const SensitivityRow& a, const SensitivityRow& b) {
    return std::fabs(a.high.cleared_per_day - a.low.cleared_per_day) > std::fabs(b.high.cleared_per_day - b.low.cleared_per_day);
  });
  return s;
}

std::string sensitivity_csv(const Sensitivity& s) {
  std::string out = "assumption,end,value,cleared_per_day,dwell_min_p95,backlog_growth_per_day\n";
  char b[512];
  auto line = [&](const std::string& name, const char* end, const std::string& value, const SweepPoint& p) {
    std::snprintf(b, sizeof b, "%s,%s,%s,%.1f,%.1f,%.1f\n", name.c_str(), end, value.c_str(), p.cleared_per_day, p.dwell_min_p95,
                  p.backlog_growth_per_day);
    out += b;
  };
  line("baseline", "base", "site file", s.baseline);
  for (const SensitivityRow& r : s.rows) {
    line(r.assumption.name, "low", r.assumption.low_label, r.low);
    line(r.assumption.name, "high", r.assumption.high_label, r.high);
  }
  return out;
}

}  // namespace capacity
