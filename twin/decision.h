// What the core decided after folding an event: the outputs published to the field
// (and read by the built-in simulator). Decisions are derived, never folded back in.
#pragma once
#include "twin/command.h"
#include "twin/event.h"

#include <cstdint>
#include <string>
#include <vector>

namespace twin {

enum class DecisionKind : uint8_t {
  ServiceStarted = 0,   // shipment, resource = checkpoint, unit = server
  LaneAssigned,         // shipment, resource = lane (joined the lane's queue)
  HandoverStarted,      // shipment, resource = lane (barrier opens, crossing begins)
  TransferStarted,      // shipment, resource = yard, unit = slot
  AwaitingPartner,      // shipment (export crossed; waiting for receipt)
  Diverted,             // shipment, text = why
  Exited,               // shipment left the area (cleared, diverted or refused)
  GuideVehicleLoad,     // resource = vehicle, shipment = container being loaded
  GuideVehicleUnload,   // resource = vehicle, shipment = container being unloaded
  SegmentGranted,       // resource = vehicle, unit = lane, value = segment
  CommandAccepted,      // value = command event seq, text = summary
  CommandRefused,       // value = command event seq, text = why
  Alert,                // text = what; resource / unit locate it
  Count
};

struct Decision {
  DecisionKind kind = DecisionKind::ServiceStarted;
  uint8_t site = 0;
  ShipmentId shipment;     // ShipmentId{} (0): none
  uint16_t resource = 0;
  uint16_t unit = 0;
  int64_t value = 0;
  uint64_t cause_seq = 0;  // the event that led to it
  SimTime time_ms = 0;
  std::string text;
};

const char* to_string(DecisionKind k);

using Decisions = std::vector<Decision>;

}  // namespace twin
