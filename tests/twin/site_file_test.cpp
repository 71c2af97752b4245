// Tests the site-file loader: the shipped files load with their derived geometry, a
// third gate is a file alone, and each kind of broken file gives its own error naming
// the file, the field and why.
#include "connectors/files/site_file.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>

using connectors::SiteFileError;
using nlohmann::json;

namespace {

std::string site_dir() { return std::string(GATETWIN_SOURCE_DIR) + "/assets/sites"; }

json shipped(const std::string& id) {
  std::ifstream in(site_dir() + "/" + id + ".json");
  return json::parse(in);
}

SiteFileError broken(const std::function<void(json&)>& edit) {
  json j = shipped("m1119");
  edit(j);
  auto r = connectors::parse_site(j.dump(), "broken.json");
  REQUIRE(std::holds_alternative<SiteFileError>(r));
  return std::get<SiteFileError>(r);
}

}  // namespace

TEST_CASE("the shipped site files load") {
  for (const char* id : {"m1119", "m1088"}) {
    auto r = connectors::load_site_file(site_dir() + "/" + id + ".json");
    if (auto* e = std::get_if<SiteFileError>(&r)) FAIL(e->message());
    const auto& s = std::get<twin::SiteSpec>(r);
    CHECK(s.id == id);
    CHECK(s.lanes.size() == 8);
    int today = 0, unmanned = 0;
    for (const auto& l : s.lanes) {
      today += l.exists_today;
      unmanned += l.kind == twin::LaneKind::Unmanned;
      CHECK(l.length_m > 100);
      CHECK(l.segments >= 1);
    }
    CHECK(today == (std::string(id) == "m1119" ? 6 : 4));
    CHECK(unmanned == 2);
    CHECK(s.checkpoint_index(twin::CheckpointKind::Scanner) >= 0);
  }
}

TEST_CASE("a new gate is a new file: a third site loads beside the two") {
  auto dir = std::filesystem::temp_directory_path() / "gatetwin_sites_test";
  std::filesystem::create_directories(dir);
  for (const char* id : {"m1119", "m1088"}) std::filesystem::copy_file(site_dir() + "/" + id + ".json", dir / (std::string(id) + ".json"), std::filesystem::copy_options::overwrite_existing);
  json kim = shipped("m1088");
  kim["id"] = "kimthanh2";
  kim["name"] = "Kim Thanh II road gate (Lao Cai)";
  std::ofstream(dir / "kimthanh2.json") << kim.dump(2);
  auto r = connectors::load_sites("all", dir.string());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  CHECK(std::get<std::vector<twin::SiteSpec>>(r).size() == 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("each kind of broken site file gives its own clear error") {
  SECTION("missing file") {
    auto r = connectors::load_site_file("/nonexistent/nowhere.json");
    auto e = std::get<SiteFileError>(r);
    CHECK_THAT(e.message(), Catch::Contains("/nonexistent/nowhere.json") && Catch::Contains("cannot open"));
  }
  SECTION("not JSON") {
    auto e = std::get<SiteFileError>(connectors::parse_site("{\"id\": \"x\",", "bad.json"));
    CHECK_THAT(e.message(), Catch::StartsWith("bad.json: not valid JSON"));
  }
  SECTION("a number too large for a double (found by fuzz_site_file)") {
    auto e = std::get<SiteFileError>(connectors::parse_site("{\"format\": 44.4E27444444}", "huge.json"));
    CHECK_THAT(e.message(), Catch::StartsWith("huge.json: not valid JSON"));
  }
  SECTION("unknown format version") {
    auto e = broken([](json& j) { j["format"] = "gatetwin-site/9"; });
    CHECK(e.field == "format");
    CHECK_THAT(e.why, Catch::Contains("gatetwin-site/1"));
  }
  SECTION("a required field missing") {
    auto e = broken([](json& j) { j["lanes"][2].erase("direction"); });
    CHECK(e.field == "lanes[2].direction");
    CHECK(e.why == "missing (required)");
    CHECK(e.message() == "broken.json: lanes[2].direction: missing (required)");
  }
  SECTION("a value of the wrong type") {
    auto e = broken([](json& j) { j["checkpoints"][1]["servers"] = "four"; });
    CHECK(e.field == "checkpoints[1].servers");
    CHECK_THAT(e.why, Catch::Contains("expected a number, found string"));
  }
  SECTION("a word not in the list") {
    auto e = broken([](json& j) { j["lanes"][0]["direction"] = "north"; });
    CHECK(e.field == "lanes[0].direction");
    CHECK_THAT(e.why, Catch::Contains("\"north\" is not one of: export, import"));
  }
  SECTION("a number out of range") {
    auto e = broken([](json& j) { j["checkpoints"][0]["servers"] = 0; });
    CHECK(e.field == "checkpoints[0].servers");
    CHECK_THAT(e.why, Catch::Contains("at least 1"));
  }
  SECTION("a lane with one point") {
    auto e = broken([](json& j) { j["lanes"][1]["polyline"] = json::array({json::array({0, 0})}); });
    CHECK(e.field == "lanes[1].polyline");
    CHECK_THAT(e.why, Catch::Contains("at least 2 points"));
  }
  SECTION("duplicate lane ids") {
    auto e = broken([](json& j) { j["lanes"][1]["id"] = j["lanes"][0]["id"]; });
    CHECK(e.field == "lanes[1].id");
    CHECK_THAT(e.why, Catch::Contains("duplicate lane id"));
  }
  SECTION("more reefer slots than slots") {
    auto e = broken([](json& j) { j["yards"][1]["reefer_slots"] = 1000; });
    CHECK(e.field == "yards[1].reefer_slots");
  }
  SECTION("positions that do not match the servers") {
    auto e = broken([](json& j) { j["checkpoints"][1]["servers"] = 9; });
    CHECK(e.field == "checkpoints[1].positions");
    CHECK_THAT(e.why, Catch::Contains("one point per server"));
  }
  SECTION("hourly profile not 24 values") {
    auto e = broken([](json& j) { j["arrivals"]["hourly_weight"].erase(0); });
    CHECK(e.field == "arrivals.hourly_weight");
    CHECK_THAT(e.why, Catch::Contains("24 values"));
  }
  SECTION("a goods mix naming an unknown goods class") {
    auto e = broken([](json& j) { j["arrivals"]["export_goods_mix"]["durian"] = 0.1; });
    CHECK(e.field == "arrivals.export_goods_mix.durian");
    CHECK_THAT(e.why, Catch::Contains("no goods class \"durian\""));
  }
  SECTION("channel shares not adding up") {
    auto e = broken([](json& j) { j["rates"]["red"] = 0.5; });
    CHECK(e.field == "rates");
    CHECK_THAT(e.why, Catch::Contains("add up to 1"));
  }
  SECTION("no scanner") {
    auto e = broken([](json& j) { j["checkpoints"].erase(1); });
    CHECK(e.field == "checkpoints");
    CHECK_THAT(e.why, Catch::Contains("scanner checkpoint is required"));
  }
  SECTION("an assumed value with no source") {
    auto e = broken([](json& j) { j["checkpoints"][0]["service"]["source"] = ""; });
    CHECK(e.field == "checkpoints[0].service.source");
  }
}

TEST_CASE("a site's capacity plans and sensitivity ranges are read from its file, every number with its note") {
  auto r = connectors::load_site_file(site_dir() + "/m1119.json");
  if (auto* e = std::get_if<SiteFileError>(&r)) FAIL(e->message());
  const auto& s = std::get<twin::SiteSpec>(r);
  REQUIRE(s.capacity_plans.size() == 5);
  const twin::CapacityPlanSpec& p14 = s.capacity_plans[3];
  CHECK(p14.id == "14-2u");
  CHECK(p14.extra_manned_per_direction == 3);
  CHECK(s.capacity_plans[4].extra_scanners == 1);
  CHECK(s.capacity_plans[0].guide_vehicles == 12);
  CHECK(s.capacity_plans[1].handover_s == 120);
  CHECK_THAT(p14.source, Catch::Contains("DOMAIN.md"));
  CHECK(s.sensitivity.handover_s.given);
  CHECK(s.sensitivity.handover_s.low == 120);
  CHECK(s.sensitivity.handover_s.high == 180);
  CHECK(s.sensitivity.guide_vehicles.low == 4);
  CHECK(s.sensitivity.guide_vehicles.high == 10);
  CHECK(s.sensitivity.scanner_portals_change.low == -1);
  CHECK(s.sensitivity.arrival_swing_factor.low == 0);
  CHECK(s.sensitivity.arrival_swing_factor.high == 1.5);
  CHECK_FALSE(s.sensitivity.transfer_time_factor.source.empty());

  SECTION("a range whose low end is above its high end") {
    auto e = broken([](json& j) { j["sensitivity"]["handover_s"]["low"] = 200; });
    CHECK(e.field == "sensitivity.handover_s.low");
    CHECK_THAT(e.why, Catch::Contains("the low end (200) is above the high end (180)") && Catch::Contains("write the smaller value as \"low\""));
  }
  SECTION("a misspelt assumption") {
    auto e = broken([](json& j) { j["sensitivity"]["handover"] = j["sensitivity"]["handover_s"]; });
    CHECK(e.field == "sensitivity.handover");
    CHECK_THAT(e.why, Catch::Contains("handover_s"));
  }
  SECTION("a range without its note") {
    auto e = broken([](json& j) { j["sensitivity"]["guide_vehicles"].erase("source"); });
    CHECK(e.field == "sensitivity.guide_vehicles.high");
    CHECK_THAT(e.why, Catch::Contains("no source note"));
  }
  SECTION("a plan without its note") {
    auto e = broken([](json& j) { j["capacity_plans"][3].erase("source"); });
    CHECK(e.field == "capacity_plans[3].extra_manned_lanes_per_direction");
    CHECK_THAT(e.why, Catch::Contains("no source note"));
  }
  SECTION("a plan taking the id of a plan every site has") {
    auto e = broken([](json& j) { j["capacity_plans"][0]["id"] = "8-2u"; });
    CHECK(e.field == "capacity_plans[0].id");
    CHECK_THAT(e.why, Catch::Contains("one of the plans every site has"));
  }
  SECTION("two plans with one id") {
    auto e = broken([](json& j) { j["capacity_plans"][4]["id"] = "14-2u"; });
    CHECK(e.field == "capacity_plans[4].id");
    CHECK_THAT(e.why, Catch::Contains("duplicate capacity plan id"));
  }
  SECTION("a misspelt plan field") {
    auto e = broken([](json& j) { j["capacity_plans"][0]["guide_vehicle"] = 12; });
    CHECK(e.field == "capacity_plans[0].guide_vehicle");
    CHECK_THAT(e.why, Catch::Contains("guide_vehicles"));
  }
}
