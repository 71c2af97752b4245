// The app tests' seeded morning: both shipped sites at the 2030 load, seed 7, folded
// in-process to `until` (each event and its decisions shown to `after` on the way). One
// copy for the scene, objects and wall tests; it asserts only that the sites load.
#pragma once
#include "connectors/files/site_file.h"
#include "twin/core.h"
#include "twin/run.h"
#include "twin/simulator.h"

#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

// after (may be empty) sees each folded event and its decisions: a test's recording.
inline twin::Core morning_core(twin::SimTime until, const twin::AfterEvent& after = {}) {
  auto loaded = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  twin::Core core(std::get<std::vector<twin::SiteSpec>>(loaded));
  twin::SimOptions opt;
  opt.seed = 7;
  for (const auto& s : core.sites()) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
  twin::Simulator sim(core.sites(), opt);
  twin::run_until(core, sim, until, after);
  return core;
}
