// Every input to the core is an Event: telemetry, partner data, operator commands and
// clock ticks. Events are ordered by (time_ms, seq); state = fold(events). This file
// defines the event types only; it must not hold any behaviour.
#pragma once
#include "twin/command.h"
#include "twin/ids.h"
#include "twin/site.h"
#include "twin/time.h"

#include <glm/vec2.hpp>

#include <cstdint>
#include <string>
#include <variant>

namespace twin {

// The clock advanced; the core samples queues and checks staleness.
struct ClockTick {};

// Our own declaration, filed through the National Single Window before arrival.
struct DeclarationFiled {
  ShipmentId shipment;
  Direction direction = Direction::Export;
  uint16_t goods = 0;           // goods class index in the site
  bool reefer = false;
  bool unmanned_eligible = true;
  std::string plate;
  std::string container;
};

// The partner customs' data for the same shipment (Nanning customs).
struct PartnerDeclarationReceived {
  ShipmentId shipment;
  uint16_t goods = 0;
  std::string plate;
  std::string container;
};

// Plate and container read at arrival: at the gate (export) or the border (import).
struct VehicleArrived {
  Direction direction = Direction::Export;
  std::string plate;
  std::string container;
};

// A checkpoint finished its work on a shipment.
struct StepCompleted {
  ShipmentId shipment;
  CheckpointKind checkpoint = CheckpointKind::GateIn;
  Channel channel = Channel::None;  // Scanner: the risk channel customs assigned
  bool passed = true;               // Quarantine / Inspection: goods accepted
};

// A manned lane crossing finished (export: reached the partner; import: entered VN).
struct HandoverCompleted { ShipmentId shipment; };
// The partner side confirmed receipt of an export shipment.
struct PartnerReceiptConfirmed { ShipmentId shipment; };
// A container moved between a truck and a transfer-yard slot.
struct TransferCompleted { ShipmentId shipment; };
// A diverted or refused vehicle left the smart area.
struct VehicleLeft { ShipmentId shipment; };

// An unmanned guide vehicle finished its current activity (load, unload, one segment).
struct GuideVehicleStepCompleted { uint16_t vehicle = 0; };

// Field equipment reports its health (scanner portal, lane barrier, guide vehicle).
struct EquipmentStatus {
  EquipmentRef equipment;
  bool ok = true;
};

// The data link to the partner customs went down or came back.
struct PartnerLinkStatus { bool up = true; };

// Shore power in a yard's reefer plugs went off or came back.
struct ReeferPower {
  uint16_t yard = 0;
  bool on = true;
};

// A position sample from the field (a truck's or guide vehicle's GNSS), latest wins.
// A truck is named by the core's shipment id, or the way the field knows it: its plate
// and/or its container number (either may be empty; the codec has checked the container's
// ISO 6346 check digit). The position is in site metres: the codec converts WGS84.
struct PositionReport {
  EntityKind entity = EntityKind::GuideVehicle;
  uint32_t id = 0;              // shipment id for trucks, fleet index for guide vehicles
  glm::vec2 position{0};
  float heading_rad = 0;
  bool has_id = true;           // false: a truck named by plate / container only
  std::string plate;
  std::string container;
};

// A person in the control room (or over MQTT) asked for something.
struct OperatorCommand {
  std::string actor;
  Role role = Role::Viewer;
  std::string reason;
  Command command;
  // >= 0: an order for later. The core keeps it and applies it when its clock reaches
  // at_ms (command_schedule.cpp); at or before the event's time: applied now.
  SimTime at_ms = -1;
  // Not empty: whoever passed the command on found that its sender is not who it says
  // (connectors: the broker account against actor and role) and says why. The core
  // refuses it without looking further and records it: the audit trail keeps forgeries.
  std::string forged_identity;
};

using EventBody = std::variant<ClockTick, DeclarationFiled, PartnerDeclarationReceived, VehicleArrived,
                               StepCompleted, HandoverCompleted, PartnerReceiptConfirmed, TransferCompleted,
                               VehicleLeft, GuideVehicleStepCompleted, EquipmentStatus, PartnerLinkStatus,
                               ReeferPower, PositionReport, OperatorCommand>;

struct Event {
  uint64_t seq = 0;      // assigned by the sequencer; strictly increasing in a log
  SimTime time_ms = 0;   // when it happened (source time), non-decreasing in a log
  uint8_t site = 0;      // index of the site in the world
  EventBody body;
};

const char* event_name(const EventBody& body);

}  // namespace twin
