// Tests the geo-reference of a site (twin/geo.h, the site file's "geo"): WGS84 to local
// metres and back to within a centimetre over each shipped site's whole extent and
// beyond; each direction against a closed form that does not use the code under test
// (a due-east step's longitude is exact on the tangent plane; a due-north step's latitude
// follows the meridian radius); and a broken "geo" refused with its path. Nothing skips.
#include "twin/geo.h"

#include "connectors/files/site_file.h"

#include <catch2/catch.hpp>
#include <glm/common.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

namespace {

constexpr double kA = 6378137.0, kF = 1.0 / 298.257223563, kE2 = kF * (2 - kF), kRad = 3.14159265358979323846 / 180.0;

std::vector<twin::SiteSpec> shipped() {
  auto r = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  return std::get<std::vector<twin::SiteSpec>>(r);
}

// The smallest rectangle holding every lane, checkpoint, yard and the border line.
void extent(const twin::SiteSpec& s, glm::dvec2& lo, glm::dvec2& hi) {
  lo = glm::dvec2(1e30);
  hi = glm::dvec2(-1e30);
  auto add = [&](glm::vec2 p) {
    lo = glm::min(lo, glm::dvec2(p));
    hi = glm::max(hi, glm::dvec2(p));
  };
  for (const auto& l : s.lanes)
    for (auto p : l.polyline) add(p);
  for (auto p : s.border_line) add(p);
  for (const auto& c : s.checkpoints)
    for (auto p : c.positions) add(p);
}

}  // namespace

TEST_CASE("site metres to WGS84 and back within a centimetre over each shipped site and 1 km around") {
  for (const twin::SiteSpec& s : shipped()) {
    INFO(s.id);
    REQUIRE(s.geo);
    CHECK_FALSE(s.geo->surveyed);  // the shipped anchors are schematic, and say so
    CHECK_THAT(s.geo->source, Catch::Contains("schematic"));
    glm::dvec2 lo, hi;
    extent(s, lo, hi);
    REQUIRE(hi.x - lo.x > 100);
    double worst_m = 0;
    for (double x = lo.x - 1000; x <= hi.x + 1000; x += 50)
      for (double y = lo.y - 1000; y <= hi.y + 1000; y += 50) {
        const twin::LatLon ll = twin::wgs84_from_site(*s.geo, {x, y});
        const glm::dvec2 back = twin::site_from_wgs84(*s.geo, ll);
        worst_m = std::max(worst_m, std::hypot(back.x - x, back.y - y));
      }
    INFO("worst round trip " << worst_m << " m");
    CHECK(worst_m < 0.01);
    // The anchor is the local origin.
    const twin::LatLon o = twin::wgs84_from_site(*s.geo, {0, 0});
    CHECK(std::abs(o.lat_deg - s.geo->lat_deg) < 1e-10);
    CHECK(std::abs(o.lon_deg - s.geo->lon_deg) < 1e-10);
  }
}

TEST_CASE("each direction agrees with a closed form that does not use it") {
  twin::GeoReference g;
  g.lat_deg = 21.9667;
  g.lon_deg = 106.7;
  const double phi = g.lat_deg * kRad, s2 = std::sin(phi) * std::sin(phi);
  const double n = kA / std::sqrt(1 - kE2 * s2);                         // prime vertical radius
  const double m = kA * (1 - kE2) / std::pow(1 - kE2 * s2, 1.5);          // meridian radius
  for (double d : {100.0, 1000.0, 2500.0}) {
    INFO(d << " m");
    // x due east: on the tangent plane the longitude step is exactly atan(d / (N cos phi)).
    g.x_bearing_deg = 90;
    const twin::LatLon east = twin::wgs84_from_site(g, {d, 0});
    CHECK(std::abs((east.lon_deg - g.lon_deg) * kRad - std::atan(d / (n * std::cos(phi)))) * n < 0.001);
    // The other way: that point is d metres along x.
    CHECK(std::abs(twin::site_from_wgs84(g, east).x - d) < 0.01);
    // x due north: the latitude step times the meridian radius is the distance (to
    // second order, well under a centimetre at these distances).
    g.x_bearing_deg = 0;
    const twin::LatLon north = twin::wgs84_from_site(g, {d, 0});
    CHECK(std::abs((north.lat_deg - g.lat_deg) * kRad * m - d) < 0.01);
    CHECK(std::abs(north.lon_deg - g.lon_deg) < 1e-12);
    // y is 90 degrees to the left of x: with x due north, +y is due west.
    const twin::LatLon west = twin::wgs84_from_site(g, {0, d});
    // (Its latitude is not the anchor's: a parallel curves away from the tangent plane,
    // by d^2 tan(phi) / 2N, 0.2 m at 2.5 km. Site metres are that plane, as a survey's
    // local grid would be.)
    CHECK(west.lon_deg < g.lon_deg);
    CHECK(std::abs(twin::site_from_wgs84(g, west).y - d) < 0.01);
  }
}

TEST_CASE("a broken geo-reference is refused with its path") {
  std::ifstream in(std::string(GATETWIN_SOURCE_DIR) + "/assets/sites/m1119.json");
  std::stringstream text;
  text << in.rdbuf();
  auto refuse = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = nlohmann::json::parse(text.str());
    edit(j);
    auto r = connectors::parse_site(j.dump(), "geo.json");
    REQUIRE(std::holds_alternative<connectors::SiteFileError>(r));
    return std::get<connectors::SiteFileError>(r).message();
  };
  CHECK_THAT(refuse([](auto& j) { j["geo"]["survey"] = "guessed"; }),
             Catch::Contains("geo.survey") && Catch::Contains("surveyed, schematic"));
  CHECK_THAT(refuse([](auto& j) { j["geo"]["lat"] = 91; }), Catch::Contains("geo.lat"));
  CHECK_THAT(refuse([](auto& j) { j["geo"]["source"] = ""; }), Catch::Contains("geo.source"));
  CHECK_THAT(refuse([](auto& j) { j["geo"]["bearing"] = 3; }), Catch::Contains("bearing"));
  // Without "geo" the site still loads: local metres only.
  nlohmann::json j = nlohmann::json::parse(text.str());
  j.erase("geo");
  auto r = connectors::parse_site(j.dump(), "no-geo.json");
  REQUIRE(std::holds_alternative<twin::SiteSpec>(r));
  CHECK_FALSE(std::get<twin::SiteSpec>(r).geo);
}
