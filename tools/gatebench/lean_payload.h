// The lean field's one MQTT payload: a telemetry/position line as mosquitto_pub -l sends
// it. The only place gatebench mqtt --field lean writes a payload, so that a change of
// the codec (UTC time, WGS84 positions, plates) is a change of this function alone.
#pragma once

#include "twin/event.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace gatebench {

struct LeanPosition {
  const std::string* src;  // the source that numbers the messages
  uint64_t seq;            // its own seq, 1, 2, 3...
  twin::SimTime t_ms;      // core time of the report
  twin::EntityKind kind;   // Truck (id = shipment) or GuideVehicle (id = fleet index)
  uint32_t id;
  float x, y, heading_rad;  // site metres, radians
};

// One line, no newline: today's fields (docs/mqtt.md, Payloads).
inline std::string lean_position_payload(const LeanPosition& p) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf,
                              "{\"v\":1,\"src\":\"%s\",\"seq\":%llu,\"t_ms\":%lld,\"entity\":\"%s\",\"id\":%u,"
                              "\"x\":%.2f,\"y\":%.2f,\"heading_rad\":%.3f}",
                              p.src->c_str(), static_cast<unsigned long long>(p.seq), static_cast<long long>(p.t_ms),
                              p.kind == twin::EntityKind::Truck ? "truck" : "guide_vehicle", p.id, p.x, p.y, p.heading_rad);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace gatebench
