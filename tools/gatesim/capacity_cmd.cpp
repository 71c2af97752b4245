// gatesim --capacity-table, --sensitivity. See capacity_cmd.h.
#include "capacity_cmd.h"

#include "capacity/capacity_table.h"
#include "capacity/parallel.h"
#include "capacity/sensitivity.h"
#include "sessions/tornado_chart.h"
#include "twin/site_plan.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int print_capacity_table(const std::vector<twin::SiteSpec>& sites, const SimArgs& args) {
  capacity::TableOptions o;
  o.seeds = args.seeds > 0 ? args.seeds : 10;
  o.first_seed = args.seed;
  if (args.warmup_days >= 0) o.window.warmup_days = args.warmup_days;
  if (args.measure_days > 0) o.window.measure_days = args.measure_days;
  if (args.search_steps >= 0) o.search_steps = args.search_steps;
  o.threads = args.threads;
  const auto t0 = std::chrono::steady_clock::now();
  const auto rows = capacity::capacity_table(sites, o);
  std::printf("%s\n\n%s", capacity::describe(o).c_str(), capacity::table_markdown(rows).c_str());
  uint64_t events = 0;
  for (const auto& r : rows) events += r.events;
  std::fprintf(stderr, "gatesim: capacity table in %.1f s wall, %llu events, %u threads\n", seconds_since(t0),
               static_cast<unsigned long long>(events), o.threads > 0 ? o.threads : capacity::default_threads());
  return 0;
}

int run_sensitivity_command(const std::vector<twin::SiteSpec>& sites, const SimArgs& args) {
  if (sites.size() != 1) {
    std::fprintf(stderr, "gatesim: --sensitivity takes one site (--site m1119)\n");
    return 2;
  }
  const twin::SiteSpec& site = sites[0];  // under --lanes / --unmanned already
  const auto per_day = twin::load_per_day(site, args.load);
  if (!per_day) {
    std::fprintf(stderr, "gatesim: unknown load '%s'\n", args.load.c_str());
    return 2;
  }
  capacity::SweepOptions o;
  o.seeds = args.seeds > 0 ? args.seeds : o.seeds;
  o.first_seed = args.seed;
  if (args.warmup_days >= 0) o.window.warmup_days = args.warmup_days;
  if (args.measure_days > 0) o.window.measure_days = args.measure_days;
  o.threads = args.threads;
  const auto t0 = std::chrono::steady_clock::now();
  const capacity::Sensitivity s = capacity::run_sensitivity(site, *per_day, o);
  const double wall_s = seconds_since(t0);

  std::printf("Sensitivity of %s at %.0f vehicles a day (load %s): means over %d seeds (%llu-%llu), %g day(s) of warm-up, "
              "%g day(s) measured, %g h tail. Baseline: %.0f cleared a day, p95 dwell %.0f min, backlog growth %.0f a day.\n\n",
              site.id.c_str(), s.load_per_day, args.load.c_str(), s.seeds, static_cast<unsigned long long>(o.first_seed),
              static_cast<unsigned long long>(o.first_seed + s.seeds - 1), o.window.warmup_days, o.window.measure_days,
              o.window.tail_hours, s.baseline.cleared_per_day, s.baseline.dwell_min_p95, s.baseline.backlog_growth_per_day);
  std::printf("| assumption | low | site file | high | cleared/day low / high | p95 dwell min low / high | backlog growth/day low / high | range |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : s.rows)
    std::printf("| %s | %s | %s | %s | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %s |\n", r.assumption.name.c_str(),
                r.assumption.low_label.c_str(), r.assumption.base_label.c_str(), r.assumption.high_label.c_str(), r.low.cleared_per_day,
                r.high.cleared_per_day, r.low.dwell_min_p95, r.high.dwell_min_p95, r.low.backlog_growth_per_day,
                r.high.backlog_growth_per_day, r.assumption.range_source.c_str());

  std::error_code ec;
  std::filesystem::create_directories(args.out_dir, ec);
  const std::string stem = args.out_dir + "/sensitivity-" + site.id + "-" + args.load;
  std::ofstream(stem + ".csv") << capacity::sensitivity_csv(s);
  std::vector<sessions::TornadoPanel> panels(2);
  panels[0] = {"vehicles cleared a day", "/day", s.baseline.cleared_per_day, {}};
  panels[1] = {"p95 dwell, minutes", " min", s.baseline.dwell_min_p95, {}};
  for (const auto& r : s.rows) {
    panels[0].bars.push_back({r.assumption.name, r.assumption.low_label, r.assumption.high_label, r.low.cleared_per_day, r.high.cleared_per_day});
    panels[1].bars.push_back({r.assumption.name, r.assumption.low_label, r.assumption.high_label, r.low.dwell_min_p95, r.high.dwell_min_p95});
  }
  char title[256];
  std::snprintf(title, sizeof title, "%s at %.0f vehicles/day: steady state, mean of %d seeds (%g d warm-up, %g d measured)",
                site.id.c_str(), s.load_per_day, s.seeds, o.window.warmup_days, o.window.measure_days);
  const connectors::Status st = sessions::save_tornado_png(stem + ".png", title, panels);
  if (st) {
    std::fprintf(stderr, "gatesim: %s\n", st->message().c_str());
    return 1;
  }
  std::printf("\nWritten: %s.csv, %s.png\n", stem.c_str(), stem.c_str());
  std::fprintf(stderr, "gatesim: sensitivity sweep in %.1f s wall, %llu events, %u threads\n", wall_s,
               static_cast<unsigned long long>(s.events), o.threads > 0 ? o.threads : capacity::default_threads());
  return 0;
}
