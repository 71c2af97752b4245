// The colours of the control room, in one place: clearance states, lane states,
// equipment. Chosen to read at a distance on a wall display; red is kept for trouble.
#pragma once
#include <engine/Instance.h>

namespace controlroom::palette {

using engine::rgba8;
// Vehicles by clearance state.
constexpr uint32_t kNotYetScanned = rgba8(0.85f, 0.87f, 0.92f);
constexpr uint32_t kGreen = rgba8(0.20f, 0.75f, 0.30f);
constexpr uint32_t kYellow = rgba8(0.95f, 0.80f, 0.15f);
constexpr uint32_t kRed = rgba8(0.90f, 0.20f, 0.18f);
constexpr uint32_t kHeld = rgba8(1.00f, 0.55f, 0.05f);
constexpr uint32_t kDiverted = rgba8(0.55f, 0.35f, 0.75f);
constexpr uint32_t kUndeclared = rgba8(1.00f, 0.20f, 0.80f);   // a vehicle the twin has no declaration for
constexpr uint32_t kOffPlan = rgba8(1.00f, 0.45f, 0.35f);       // the line from a truck to where the process has it
constexpr uint32_t kGuideVehicle = rgba8(0.10f, 0.75f, 0.85f);
constexpr uint32_t kFailed = rgba8(0.95f, 0.10f, 0.10f);
// Lanes.
constexpr uint32_t kLaneExport = rgba8(0.25f, 0.45f, 0.85f);
constexpr uint32_t kLaneImport = rgba8(0.15f, 0.65f, 0.60f);
constexpr uint32_t kLaneReversed = rgba8(0.95f, 0.55f, 0.10f);
constexpr uint32_t kLaneUnmanned = rgba8(0.60f, 0.35f, 0.85f);
constexpr uint32_t kLaneClosed = rgba8(0.30f, 0.30f, 0.32f);
constexpr uint32_t kArrow = rgba8(1, 1, 1);
// Lane signals at each lane's entry: go (open, the way traffic goes), stop (closed or barrier
// failed); a reversed tidal lane's arrow is kLaneReversed.
constexpr uint32_t kSignalGo = rgba8(0.10f, 0.85f, 0.25f);
constexpr uint32_t kSignalStop = rgba8(0.95f, 0.10f, 0.10f);
// Site furniture.
constexpr uint32_t kBorder = rgba8(0.85f, 0.10f, 0.10f);
constexpr uint32_t kYardOutline = rgba8(0.92f, 0.92f, 0.85f);
constexpr uint32_t kRoad = rgba8(0.36f, 0.37f, 0.40f);
constexpr uint32_t kEquipmentIdle = rgba8(0.75f, 0.77f, 0.80f);
constexpr uint32_t kEquipmentBusy = rgba8(0.95f, 0.85f, 0.35f);
constexpr uint32_t kCanopy = rgba8(0.88f, 0.90f, 0.92f);
constexpr uint32_t kLabel = rgba8(1, 1, 1);
constexpr uint32_t kLabelAlert = rgba8(1.0f, 0.45f, 0.35f);

}  // namespace controlroom::palette
