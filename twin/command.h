// Operator commands: what staff may ask of the core, with who asked and why. Pure data;
// the rules that accept or refuse a command live in command_rules.cpp.
#pragma once
#include "twin/ids.h"

#include <cstdint>
#include <string>

namespace twin {

enum class Role : uint8_t { Viewer = 0, Operator = 1, Supervisor = 2 };

enum class EntityKind : uint8_t { Truck = 0, GuideVehicle = 1 };

// A piece of field equipment that can fail.
struct EquipmentRef {
  enum class Kind : uint8_t { CheckpointServer = 0, LaneBarrier = 1, GuideVehicle = 2 };
  Kind kind = Kind::CheckpointServer;
  uint16_t index = 0;   // checkpoint, lane or guide-vehicle index in the site
  uint16_t server = 0;  // CheckpointServer: which booth / portal
  bool operator==(const EquipmentRef&) const = default;
};

enum class CommandKind : uint8_t {
  OpenLane = 0,
  CloseLane,
  ReverseLane,
  ReserveLaneForUnmanned,
  UnreserveLane,
  HoldVehicle,
  ReleaseVehicle,
  ForceInspection,
  MarkEquipmentFailed,
  MarkEquipmentRestored,
  PrioritiseGoods,
  ClearPriority,
  RerouteVehicle,   // shipment, lane: a truck waiting for a lane goes to that lane's queue
  CloseCrossing,    // the site's border crossing (the partner side closed): no crossing starts
  ReopenCrossing,   // crossings start again
  Count
};

struct Command {
  CommandKind kind = CommandKind::OpenLane;
  uint16_t lane = 0;          // lane commands; RerouteVehicle: the lane to go to
  ShipmentId shipment;        // vehicle commands (RerouteVehicle too)
  EquipmentRef equipment;     // equipment commands
  uint16_t goods = 0;         // PrioritiseGoods
};

const char* to_string(Role r);
const char* to_string(CommandKind k);
const char* to_string(EquipmentRef::Kind k);

}  // namespace twin
