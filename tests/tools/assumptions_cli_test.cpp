// gatesim --assumptions as a user runs it (the built program as a child process): every
// number of a shipped site file printed with its path, value and note, marked sourced or
// assumed (text and --json); a site file with a number and no note is refused with the
// file and the JSON path, exit code 1. Never skips: gatesim is a dependency of this test.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

const std::string kSim = std::string(GATETWIN_BINARY_DIR) + "/tools/gatesim/gatesim";
const std::string kSites = std::string(GATETWIN_SOURCE_DIR) + "/assets/sites";

struct Run {
  int code = 0;
  std::string out;  // stdout and stderr
};

Run run(const std::string& cmd) {
  Run r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

}  // namespace

TEST_CASE("gatesim --assumptions prints every number with its note, sourced or assumed", "[cli]") {
  Run text = run(kSim + " --assumptions --site m1119 --sites-dir " + kSites);
  REQUIRE(text.code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("site m1119 ("));
  CHECK_THAT(text.out, Catch::Contains("assumed  checkpoints[0].servers = 4\n"));
  CHECK_THAT(text.out, Catch::Contains("sourced  fleet.speed_mps = 6.9\n"));
  CHECK_THAT(text.out, Catch::Contains("[fleet.source.speed_mps]"));
  CHECK_THAT(text.out, Catch::Contains("assumed  fleet.guide_vehicles = 6\n"));
  CHECK_THAT(text.out, Catch::Contains("2,800 containers a day"));
  // The capacity library's plans and sensitivity ranges are the file's too, with their notes.
  CHECK_THAT(text.out, Catch::Contains("assumed  capacity_plans[3].extra_manned_lanes_per_direction = 3\n"));
  CHECK_THAT(text.out, Catch::Contains("phase 2 goes from 6 to 14 lanes (DOMAIN.md)"));
  CHECK_THAT(text.out, Catch::Contains("assumed  capacity_plans[0].guide_vehicles = 12\n"));
  CHECK_THAT(text.out, Catch::Contains("assumed  sensitivity.guide_vehicles.low = 4\n"));
  CHECK_THAT(text.out, Catch::Contains("assumed  sensitivity.handover_s.high = 180\n"));
  CHECK_THAT(text.out, Catch::Contains("assumed  sensitivity.scanner_portals_change.low = -1\n"));
  CHECK_THAT(text.out, Catch::Contains("[sensitivity.arrival_swing_factor.source]"));

  Run all = run(kSim + " --assumptions --site all --json --sites-dir " + kSites);
  REQUIRE(all.code == 0);
  auto j = nlohmann::json::parse(all.out);
  REQUIRE(j["sites"].size() == 2);
  for (const auto& site : j["sites"]) {
    CHECK(site["values"].size() > 80);
    CHECK(site["assumed"].get<int>() + site["sourced"].get<int>() == static_cast<int>(site["values"].size()));
    for (const auto& v : site["values"]) CHECK_FALSE(v["note"].get<std::string>().empty());
  }
}

TEST_CASE("gatesim refuses a site file with a number and no note", "[cli]") {
  const fs::path dir = fs::temp_directory_path() / "gatetwin_assumptions_test";
  fs::create_directories(dir);
  nlohmann::json site = nlohmann::json::parse(std::ifstream(kSites + "/m1119.json"));
  site["checkpoints"][1].erase("source");
  std::ofstream(dir / "m1119.json") << site.dump(2);
  for (const std::string flags : {" --assumptions", " --hours 1 --no-progress"}) {
    Run r = run(kSim + flags + " --site m1119 --sites-dir " + dir.string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Catch::Contains("m1119.json: checkpoints[1].servers: no source note"));
  }
  fs::remove_all(dir);
}
