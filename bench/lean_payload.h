// The lean field's one MQTT payload: a telemetry/position line as mosquitto_pub -l sends
// it. The only place gatebench mqtt --field lean writes a payload, so that a change of
// the codec (UTC time, WGS84 positions, plates) is a change of this function alone.
#pragma once

#include "twin/event.h"
#include "twin/geo.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace bench {

struct LeanPosition {
  const std::string* src;  // the source that numbers the messages
  uint64_t seq;            // its own seq, 1, 2, 3...
  twin::SimTime t_ms;      // core time of the report
  twin::EntityKind kind;   // Truck (id = shipment) or GuideVehicle (id = fleet index)
  uint32_t id;
  float x, y, heading_rad;  // site metres, radians
  const twin::GeoReference* geo = nullptr;  // set: the line carries WGS84 lat/lon and a compass heading, as a GNSS unit sends
};

// One line, no newline (docs/mqtt.md, Payloads): run time t_ms (the bench's core runs on
// simulated time); with a geo-reference WGS84 lat/lon and heading_deg, so that the twin
// converts every position (the "with the WGS84 conversion on"), else site metres.
inline std::string lean_position_payload(const LeanPosition& p) {
  char buf[320];
  const char* kind = p.kind == twin::EntityKind::Truck ? "truck" : "guide_vehicle";
  int n;
  if (p.geo) {
    const twin::LatLon ll = twin::wgs84_from_site(*p.geo, glm::dvec2(p.x, p.y));
    // Compass heading: the site's x axis bearing, minus the site heading (counter-clockwise).
    double deg = p.geo->x_bearing_deg - p.heading_rad * 57.29577951308232;
    deg -= 360.0 * std::floor(deg / 360.0);
    n = std::snprintf(buf, sizeof buf,
                      "{\"v\":1,\"src\":\"%s\",\"seq\":%llu,\"t_ms\":%lld,\"entity\":\"%s\",\"id\":%u,"
                      "\"lat\":%.8f,\"lon\":%.8f,\"heading_deg\":%.1f}",
                      p.src->c_str(), static_cast<unsigned long long>(p.seq), static_cast<long long>(p.t_ms), kind, p.id,
                      ll.lat_deg, ll.lon_deg, deg);
  } else {
    n = std::snprintf(buf, sizeof buf,
                      "{\"v\":1,\"src\":\"%s\",\"seq\":%llu,\"t_ms\":%lld,\"entity\":\"%s\",\"id\":%u,"
                      "\"x\":%.2f,\"y\":%.2f,\"heading_rad\":%.3f}",
                      p.src->c_str(), static_cast<unsigned long long>(p.seq), static_cast<long long>(p.t_ms), kind, p.id,
                      p.x, p.y, p.heading_rad);
  }
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace bench
