// Where a site lies on the Earth: its geo-reference (an anchor point in WGS84 and the
// compass bearing of the site's x axis) and the conversion between WGS84 latitude and
// longitude (what GNSS devices send) and the site's local metres (x towards the partner
// side, y to the left, as in the site files). Exact ellipsoid maths through Earth-centred
// coordinates and the anchor's east-north-up plane, no flat-Earth shortcut: centimetres
// hold over kilometres. Pure functions of their arguments: no clock, no state. The core's
// events carry local metres; conversion happens where field data comes in.
#pragma once
#include <glm/vec2.hpp>

#include <string>

namespace twin {

struct GeoReference {
  double lat_deg = 0;         // the anchor, the site's local (0, 0), WGS84
  double lon_deg = 0;
  double alt_m = 0;           // ellipsoidal height of the anchor
  double x_bearing_deg = 0;   // compass bearing of the site's +x axis (0 north, 90 east)
  bool surveyed = false;      // false: schematic, placed from maps, not measured
  std::string source;         // where the values come from
};

struct LatLon {
  double lat_deg = 0;
  double lon_deg = 0;
};

// WGS84 -> the site's local metres (the height is taken as the anchor's).
glm::dvec2 site_from_wgs84(const GeoReference& geo, LatLon p);
// The site's local metres -> WGS84 (on the anchor's tangent plane, as a GNSS would report it).
LatLon wgs84_from_site(const GeoReference& geo, glm::dvec2 xy);

}  // namespace twin
