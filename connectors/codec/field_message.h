// A message from the field, decoded and validated but not yet sequenced: who sent it
// (source and its own sequence number), when (source time), and the twin event body.
// Plain data passed from the MQTT thread to the core's thread; no behaviour here.
#pragma once
#include "twin/event.h"

#include <cstdint>
#include <string>

namespace connectors {

// How the twin treats a message: Ordered messages (declarations, process events,
// commands, clock ticks; QoS 1) are applied in per-source sequence order and never
// dropped. Telemetry (positions; QoS 0) is latest-wins per entity and may be superseded.
enum class MessageClass : uint8_t { Ordered = 0, Telemetry = 1 };

struct FieldMessage {
  std::string source;         // "src": who numbered it (a gatesim run, a GNSS gateway, a console)
  uint64_t source_seq = 0;    // "seq": the source's own counter, from 1
  twin::SimTime time_ms = 0;  // "t_ms": when it happened, source time
  uint8_t site = 0;           // index of the site in the twin's world
  twin::EventBody body;
  MessageClass cls = MessageClass::Ordered;
  std::string topic;          // for logs
};

}  // namespace connectors
