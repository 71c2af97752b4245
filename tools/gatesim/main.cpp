// gatesim: runs the built-in simulator against the core for a number of simulated hours
// and prints the KPIs (text, --json or --csv). The seed is always printed; the same
// seed and flags give the same state hash.
#include "capacity_table.h"
#include "sim_args.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/sitefile/site_file.h"
#include "twin/kpi.h"
#include "twin/run.h"
#include "twin/trace.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace {

void progress_bar(double fraction) {
  const int width = 40;
  int filled = static_cast<int>(fraction * width);
  std::fprintf(stderr, "\r[%.*s%*s] %3d%%", filled, "========================================", width - filled, "",
               static_cast<int>(fraction * 100));
  std::fflush(stderr);
}

}  // namespace

int main(int argc, char** argv) {
  int code = 0;
  auto parsed = parse_sim_args(argc, argv, code);
  if (!parsed) return code;
  const SimArgs& args = *parsed;

  auto loaded = connectors::load_sites(args.site, args.sites_dir.empty() ? connectors::default_sites_dir() : args.sites_dir);
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) {
    std::fprintf(stderr, "gatesim: %s\n", err->message().c_str());
    return 1;
  }
  std::vector<twin::SiteSpec> sites;
  for (auto& s : std::get<std::vector<twin::SiteSpec>>(loaded)) sites.push_back(twin::with_plan(s, args.lanes, args.unmanned));
  if (args.capacity_table) return print_capacity_table(std::get<std::vector<twin::SiteSpec>>(loaded), args.seed);

  twin::SimOptions opt;
  opt.seed = args.seed;
  for (const auto& s : sites) {
    auto per_day = twin::load_per_day(s, args.load);
    if (!per_day) {
      std::fprintf(stderr, "gatesim: --load takes baseline, 2027, 2030 or xN (a multiplier), not \"%s\"\n", args.load.c_str());
      return 2;
    }
    opt.vehicles_per_day.push_back(*per_day);
  }

  twin::Core core(sites);
  twin::Simulator sim(core.sites(), opt);
  std::ofstream trace;
  if (!args.trace_path.empty()) {
    trace.open(args.trace_path);
    if (!trace) {
      std::fprintf(stderr, "gatesim: cannot write the trace to %s\n", args.trace_path.c_str());
      return 1;
    }
  }
  std::vector<std::string> violations;
  twin::AfterEvent after;
  if (trace.is_open() || args.check)
    after = [&](const twin::Event& e, const twin::Decisions& d) {
      if (trace.is_open()) trace << twin::trace_line(e, d, core.sites()) << '\n';
      if (args.check && violations.empty()) {
        violations = core.check_invariants();
        for (auto& v : violations) v = "after event " + std::to_string(e.seq) + ": " + v;
      }
    };

  const twin::SimTime end = static_cast<twin::SimTime>(args.hours * twin::kHour);
  const bool bar = args.progress && isatty(STDERR_FILENO) && args.hours >= 12;
  const auto wall_start = std::chrono::steady_clock::now();
  uint64_t events = 0;
  for (twin::SimTime t = 0; t < end;) {
    t = std::min(end, t + twin::kHour);
    events += twin::run_until(core, sim, t, after);
    if (bar) progress_bar(static_cast<double>(t) / end);
  }
  if (bar) std::fprintf(stderr, "\r%60s\r", "");
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const std::string hash = connectors::hash_hex(core.state_hash());

  if (args.json) {
    nlohmann::json j;
    j["seed"] = args.seed;
    j["load"] = args.load;
    j["hours"] = args.hours;
    j["events"] = events;
    j["state_hash"] = hash;
    j["wall_s"] = wall_s;
    j["sites"] = nlohmann::json::array();
    for (size_t i = 0; i < sites.size(); ++i) j["sites"].push_back(connectors::kpis_to_json(twin::compute_kpis(core, i, end)));
    if (!violations.empty()) j["invariant_violations"] = violations;
    std::cout << j.dump(2) << std::endl;
  } else if (args.csv) {
    std::cout << "seed," << connectors::kpis_csv_header() << ",state_hash\n";
    for (size_t i = 0; i < sites.size(); ++i)
      std::cout << args.seed << ',' << connectors::kpis_to_csv_row(twin::compute_kpis(core, i, end)) << ',' << hash << '\n';
  } else {
    std::printf("gatesim  seed %llu  load %s  %.1f simulated hours  %llu events in %.2f s\n\n",
                static_cast<unsigned long long>(args.seed), args.load.c_str(), args.hours,
                static_cast<unsigned long long>(events), wall_s);
    for (size_t i = 0; i < sites.size(); ++i)
      std::printf("%s\n", connectors::kpis_to_text(twin::compute_kpis(core, i, end), sites[i].name).c_str());
    std::printf("state hash %s\n", hash.c_str());
  }
  for (const auto& v : violations) std::fprintf(stderr, "gatesim: invariant violated %s\n", v.c_str());
  return violations.empty() ? 0 : 3;
}
