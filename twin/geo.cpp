// WGS84 <-> site metres. See geo.h.
#include "twin/geo.h"

#include <glm/vec3.hpp>

#include <cmath>

namespace twin {

namespace {

constexpr double kA = 6378137.0;                 // WGS84 semi-major axis, m
constexpr double kF = 1.0 / 298.257223563;       // WGS84 flattening
constexpr double kE2 = kF * (2.0 - kF);          // first eccentricity squared
constexpr double kPi = 3.14159265358979323846;
constexpr double kRad = kPi / 180.0;

glm::dvec3 ecef_from_geodetic(double lat, double lon, double h) {  // radians, metres
  const double s = std::sin(lat), c = std::cos(lat);
  const double n = kA / std::sqrt(1.0 - kE2 * s * s);
  return {(n + h) * c * std::cos(lon), (n + h) * c * std::sin(lon), (n * (1.0 - kE2) + h) * s};
}

// Latitude and longitude (radians) of an Earth-centred point: longitude exactly, latitude
// by fixed-point iteration, which converges to well below a micrometre near the surface.
void geodetic_from_ecef(const glm::dvec3& p, double& lat, double& lon) {
  lon = std::atan2(p.y, p.x);
  const double r = std::sqrt(p.x * p.x + p.y * p.y);
  lat = std::atan2(p.z, r * (1.0 - kE2));
  for (int i = 0; i < 8; ++i) {
    const double s = std::sin(lat);
    const double n = kA / std::sqrt(1.0 - kE2 * s * s);
    const double h = r / std::cos(lat) - n;
    lat = std::atan2(p.z, r * (1.0 - kE2 * n / (n + h)));
  }
}

// The anchor's east and north unit vectors in Earth-centred coordinates.
void east_north(const GeoReference& g, glm::dvec3& east, glm::dvec3& north) {
  const double lat = g.lat_deg * kRad, lon = g.lon_deg * kRad;
  east = {-std::sin(lon), std::cos(lon), 0.0};
  north = {-std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat)};
}

}  // namespace

glm::dvec2 site_from_wgs84(const GeoReference& g, LatLon p) {
  const glm::dvec3 origin = ecef_from_geodetic(g.lat_deg * kRad, g.lon_deg * kRad, g.alt_m);
  const glm::dvec3 d = ecef_from_geodetic(p.lat_deg * kRad, p.lon_deg * kRad, g.alt_m) - origin;
  glm::dvec3 east, north;
  east_north(g, east, north);
  const double e = east.x * d.x + east.y * d.y + east.z * d.z;
  const double n = north.x * d.x + north.y * d.y + north.z * d.z;
  // +x points along the bearing b (clockwise from north), +y 90 degrees to its left.
  const double b = g.x_bearing_deg * kRad;
  return {e * std::sin(b) + n * std::cos(b), -e * std::cos(b) + n * std::sin(b)};
}

LatLon wgs84_from_site(const GeoReference& g, glm::dvec2 xy) {
  const double b = g.x_bearing_deg * kRad;
  const double e = xy.x * std::sin(b) - xy.y * std::cos(b);
  const double n = xy.x * std::cos(b) + xy.y * std::sin(b);
  glm::dvec3 east, north;
  east_north(g, east, north);
  const glm::dvec3 p = ecef_from_geodetic(g.lat_deg * kRad, g.lon_deg * kRad, g.alt_m) + e * east + n * north;
  double lat = 0, lon = 0;
  geodetic_from_ecef(p, lat, lon);
  return {lat / kRad, lon / kRad};
}

}  // namespace twin
