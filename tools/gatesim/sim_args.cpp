// gatesim's flags. See sim_args.h.
#include "sim_args.h"

#include <cstdio>
#include <cstdlib>
#include <string>

static const char* kHelp = R"(usage: gatesim [options]

Simulates the smart border gate's freight roads and prints the KPIs.

  --site ID|all        site id (m1119, m1088), a comma list, a path to a site file, or all (default all)
  --load L             baseline | 2027 | 2030 | xN (N times today's volume)   (default 2030)
  --days D             simulated days (default 1)
  --hours H            simulated hours, instead of --days
  --seed N             random seed (default 7); printed with the results
  --json               one JSON object on stdout (with state_hash)
  --csv                one CSV row per site on stdout
  --lanes P            expanded (every lane in the site file, default) | today
  --unmanned P         on (default) | off (unmanned lanes unused) | as-manned
  --capacity-table     print the lane-plan capacity table (docs/capacity.md) and exit
  --check              check the scheduler invariants after every event (slow)
  --trace FILE         write one line per event and its decisions (for diffing runs)
  --sites-dir DIR      where site files are (default: the shipped assets/sites, or $GATETWIN_SITES)
  --no-progress        no progress bar on a terminal
  -h, --help           this text
)";

static bool number(const char* s, double& out) {
  char* end = nullptr;
  out = std::strtod(s, &end);
  return end && *end == '\0' && end != s;
}

std::optional<SimArgs> parse_sim_args(int argc, char** argv, int& exit_code) {
  SimArgs a;
  exit_code = 2;
  auto bad = [&](const std::string& why) {
    std::fprintf(stderr, "gatesim: %s (see gatesim --help)\n", why.c_str());
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (f == "-h" || f == "--help") {
      std::fputs(kHelp, stdout);
      exit_code = 0;
      return std::nullopt;
    } else if (f == "--json") a.json = true;
    else if (f == "--csv") a.csv = true;
    else if (f == "--check") a.check = true;
    else if (f == "--no-progress") a.progress = false;
    else if (f == "--capacity-table") a.capacity_table = true;
    else {
      const char* v = value();
      if (!v) return bad(f + " needs a value");
      double n = 0;
      if (f == "--site") a.site = v;
      else if (f == "--load") a.load = v;
      else if (f == "--days") { if (!number(v, n) || n <= 0 || n > 366) return bad("--days takes a number of days above 0, up to 366"); a.hours = n * 24; }
      else if (f == "--hours") { if (!number(v, n) || n <= 0 || n > 366 * 24) return bad("--hours takes a number of hours above 0"); a.hours = n; }
      else if (f == "--seed") { char* end; a.seed = std::strtoull(v, &end, 10); if (*end) return bad("--seed takes a whole number"); }
      else if (f == "--trace") a.trace_path = v;
      else if (f == "--sites-dir") a.sites_dir = v;
      else if (f == "--lanes") { auto p = twin::parse_lane_plan(v); if (!p) return bad("--lanes takes expanded or today"); a.lanes = *p; }
      else if (f == "--unmanned") { auto p = twin::parse_unmanned_plan(v); if (!p) return bad("--unmanned takes on, off or as-manned"); a.unmanned = *p; }
      else return bad("unknown flag " + f);
    }
  }
  if (a.json && a.csv) return bad("choose --json or --csv, not both");
  exit_code = 0;
  return a;
}
