// KpiExport: sampling, CSV and plots. See kpi_export.h.
#include "sessions/kpi_export.h"

#include "twin/clock_text.h"

#include "sessions/plot_image.h"

#include "connectors/codec/kpi_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

namespace sessions {

KpiExport::KpiExport(Replay& replay, twin::SimTime every_ms) {
  for (const auto& s : replay.sites()) site_ids_.push_back(s.id);
  every_ms = std::max<twin::SimTime>(every_ms, twin::kMinute);
  const twin::SimTime start = 0, end = replay.end_ms();
  // At most kMaxSamples rows: a longer recording (up to 400 days) gets a wider step.
  if (end / every_ms >= static_cast<twin::SimTime>(kMaxSamples)) every_ms = end / static_cast<twin::SimTime>(kMaxSamples - 1) + 1;
  every_ms_ = every_ms;
  for (twin::SimTime t = start + every_ms;; t += every_ms) {
    const twin::SimTime at = std::min(t, end);
    replay.seek_time(at);
    KpiSample s;
    s.time_ms = at;
    for (size_t i = 0; i < replay.sites().size(); ++i) {
      s.sites.push_back(twin::compute_kpis(replay.core(), i, std::max<twin::SimTime>(at, twin::kMinute)));
      for (const auto& c : s.sites.back().checkpoints) s.checkpoint_queue_now += c.queue_now;
    }
    samples_.push_back(std::move(s));
    if (at >= end) break;
  }
}

connectors::Status KpiExport::write_csv(const std::string& path) const {
  std::ofstream out(path);
  if (!out) return "cannot write " + path;
  out << "time_s,time," << connectors::kpis_csv_header() << '\n';
  for (const auto& s : samples_)
    for (const auto& k : s.sites) out << s.time_ms / 1000 << ',' << twin::clock_text(s.time_ms) << ',' << connectors::kpis_to_csv_row(k) << '\n';
  out.close();
  if (out) return std::nullopt;
  return connectors::Failure{"writing " + path + " failed"};
}

namespace {

const Rgba kBg{255, 255, 255, 255}, kInk{30, 30, 30, 255}, kGrid{225, 225, 225, 255};
const Rgba kSite[] = {{31, 119, 180, 255}, {214, 39, 40, 255}, {44, 160, 44, 255}, {148, 103, 189, 255}};

struct Series {
  std::string label;
  std::function<double(const KpiSample&, size_t site)> value;
};

connectors::Status plot(const std::vector<KpiSample>& samples, const std::vector<std::string>& sites, const std::string& title,
                 const std::vector<Series>& series, const std::string& path) {
  const int W = 1200, H = 600, L = 90, R = 30, T = 60, B = 60;
  PlotImage img(W, H, kBg);
  double vmax = 0;
  for (const auto& s : samples)
    for (size_t i = 0; i < s.sites.size(); ++i)
      for (const auto& se : series) vmax = std::max(vmax, se.value(s, i));
  vmax = vmax <= 0 ? 1 : vmax * 1.1;
  const double tmax = samples.empty() ? 1 : std::max<double>(1, static_cast<double>(samples.back().time_ms));
  auto X = [&](double t) { return L + (W - L - R) * t / tmax; };
  auto Y = [&](double v) { return H - B - (H - T - B) * v / vmax; };
  // Grid and axes: hours along x, five steps up y.
  const int hours = static_cast<int>(std::ceil(tmax / twin::kHour));
  const int hour_step = hours > 12 ? 2 : 1;
  for (int h = 0; h <= hours; h += hour_step) {
    const double x = X(static_cast<double>(h) * twin::kHour);
    if (x > W - R + 1) break;
    img.line(x, T, x, H - B, kGrid, 1);
    char b[16];
    std::snprintf(b, sizeof b, "%02d:00", h);
    img.text(static_cast<int>(x) - img.text_width(b) / 2, H - B + 10, b, kInk);
  }
  for (int k = 0; k <= 5; ++k) {
    const double v = vmax * k / 5, y = Y(v);
    img.line(L, y, W - R, y, kGrid, 1);
    char b[32];
    std::snprintf(b, sizeof b, vmax >= 50 ? "%.0f" : "%.1f", v);
    img.text(L - 10 - img.text_width(b), static_cast<int>(y) - 6, b, kInk);
  }
  img.line(L, T, L, H - B, kInk, 2);
  img.line(L, H - B, W - R, H - B, kInk, 2);
  img.text(L, 18, title, kInk, 3);
  // A line per site and series; dashed for the second series.
  int legend_x = L + 10;
  for (size_t i = 0; i < sites.size(); ++i)
    for (size_t k = 0; k < series.size(); ++k) {
      const Rgba c = kSite[(i * series.size() + k) % 4];
      for (size_t n = 1; n < samples.size(); ++n) {
        if (k == 1 && n % 2) continue;
        img.line(X(static_cast<double>(samples[n - 1].time_ms)), Y(series[k].value(samples[n - 1], i)),
                 X(static_cast<double>(samples[n].time_ms)), Y(series[k].value(samples[n], i)), c, 3);
      }
      const std::string label = sites[i] + (series.size() > 1 || !series[k].label.empty() ? " " + series[k].label : "");
      img.fill_rect(legend_x, T + 8, legend_x + 24, T + 14, c);
      img.text(legend_x + 30, T + 4, label, kInk);
      legend_x += 30 + img.text_width(label) + 30;
    }
  img.text(W - R - img.text_width("simulated time"), H - 22, "simulated time", kInk);
  return img.save_png(path);
}

}  // namespace

connectors::Status KpiExport::write_plots(const std::string& dir, std::vector<std::string>* written) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create " + dir + ": " + ec.message();
  struct One {
    std::string file, title;
    std::vector<Series> series;
  };
  auto site_kpis = [](const KpiSample& s, size_t i) -> const twin::SiteKpis& { return s.sites[i]; };
  const std::vector<One> plots = {
      {"cleared.png", "Vehicles cleared (cumulative)",
       {{"", [&](const KpiSample& s, size_t i) { return static_cast<double>(site_kpis(s, i).cleared[0] + site_kpis(s, i).cleared[1]); }}}},
      {"in_flow.png", "Vehicles in the flow",
       {{"", [&](const KpiSample& s, size_t i) { return static_cast<double>(site_kpis(s, i).in_flow); }}}},
      {"dwell_p95.png", "Dwell p95 (minutes, cleared so far)",
       {{"", [&](const KpiSample& s, size_t i) { return site_kpis(s, i).dwell_min_p95; }}}},
      {"queues.png", "Queues now: checkpoints (solid), lanes (dashed)",
       {{"checkpoints", [&](const KpiSample& s, size_t i) {
          double q = 0;
          for (const auto& c : site_kpis(s, i).checkpoints) q += static_cast<double>(c.queue_now);
          return q;
        }},
        {"lanes", [&](const KpiSample& s, size_t i) { return static_cast<double>(site_kpis(s, i).lane_queue_now); }}}},
  };
  for (const auto& p : plots) {
    const std::string path = (std::filesystem::path(dir) / p.file).string();
    if (auto why = plot(samples_, site_ids_, p.title, p.series, path)) return why;
    if (written) written->push_back(path);
  }
  return std::nullopt;
}

}  // namespace sessions
