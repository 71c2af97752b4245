// The static description of one gate area (a "site"): lanes, checkpoints, yards, the
// unmanned fleet, goods classes, process times and arrival profiles. Pure data, loaded
// from a site file by connectors/files; the core reads it and never changes it.
#pragma once
#include "twin/geo.h"
#include <glm/vec2.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twin {

enum class Direction : uint8_t { Export = 0, Import = 1 };
enum class LaneKind : uint8_t { Manned = 0, Unmanned = 1 };
enum class CheckpointKind : uint8_t { GateIn = 0, Scanner, Booth, Inspection, Quarantine, Release, Count };
enum class YardKind : uint8_t { Parking = 0, Transfer, Inspection, Count };
enum class Channel : uint8_t { None = 0, Green, Yellow, Red };

const char* to_string(Direction d);
const char* to_string(LaneKind k);
const char* to_string(CheckpointKind k);
const char* to_string(YardKind k);
const char* to_string(Channel c);
inline Direction opposite(Direction d) { return d == Direction::Export ? Direction::Import : Direction::Export; }

// A process-time distribution, in seconds. Samples are drawn by the simulator only.
struct Distribution {
  enum class Kind : uint8_t { Fixed, Exponential, Lognormal, Uniform };
  Kind kind = Kind::Fixed;
  double mean_s = 0;   // Fixed, Exponential, Lognormal
  double cv = 0;       // Lognormal: coefficient of variation
  double min_s = 0;    // Uniform
  double max_s = 0;    // Uniform
  std::string source;  // where the value comes from (a report, or "assumed")
  double mean() const { return kind == Kind::Uniform ? (min_s + max_s) / 2 : mean_s; }
};

struct LaneSpec {
  std::string id;
  Direction direction = Direction::Export;
  LaneKind kind = LaneKind::Manned;
  bool exists_today = true;          // false: built in the expansion
  std::vector<glm::vec2> polyline;   // local metres, in the direction of travel (VN -> CN for export)
  double length_m = 0;               // derived from the polyline
  int segments = 1;                  // derived: unmanned block sections
};

struct CheckpointSpec {
  std::string id;
  CheckpointKind kind = CheckpointKind::GateIn;
  int servers = 1;                    // parallel booths / scanner portals / teams
  std::vector<glm::vec2> positions;   // one per server, local metres
  Distribution service;
};

struct YardSpec {
  std::string id;
  YardKind kind = YardKind::Parking;
  int slots = 0;
  int reefer_slots = 0;               // slots with power plugs; the first reefer_slots slots
  glm::vec2 min{0}, max{0};           // footprint rectangle, local metres
};

struct GoodsClass {
  std::string id;
  bool needs_quarantine = false;
  double reefer_share = 0;            // share of containers that are reefers
};

struct ArrivalProfile {
  // Vehicles a day at each load level, both directions together.
  double per_day_today = 0, per_day_2027 = 0, per_day_2030 = 0;
  double export_share = 0.5;
  std::array<double, 24> hourly_weight{};     // relative, normalised by the loader
  std::vector<double> export_goods_mix;       // by goods class index, sums to 1
  std::vector<double> import_goods_mix;
  std::string source;
};

struct FlowRates {
  double green = 0.7, yellow = 0.2, red = 0.1;   // channel shares
  double own_declaration_missing = 0.0;          // vehicle arrives with no declaration
  double partner_declaration_missing = 0.0;      // partner never sends its data
  double partner_declaration_mismatch = 0.0;     // partner data disagrees
  double quarantine_fail = 0.0;                  // goods refused at quarantine
  double inspection_fail = 0.0;                  // goods seized at physical inspection
  double unmanned_eligible = 1.0;                // share of containers that may ride a guide vehicle
  std::string source;
};

struct FleetSpec {
  int guide_vehicles = 0;
  glm::vec2 depot{0};
  double speed_mps = 6.9;             // 25 km/h (Ganqimaodu figure)
  double segment_length_m = 100;      // block length on unmanned lanes
  Distribution load;                  // container on/off a guide vehicle
  std::string source;
};

struct TimingSpec {
  Distribution handover;              // manned lane: barrier, border check, crossing
  Distribution partner_confirm;       // partner confirms receipt
  Distribution transfer;              // container between truck and yard
  Distribution divert_exit;           // a diverted vehicle leaves the smart area
  double truck_speed_mps = 8.3;       // 30 km/h in the closed area, assumed
};

struct Targets {
  double per_day_2027_min = 0, per_day_2027_max = 0;
  double per_day_2030_min = 0, per_day_2030_max = 0;
};

// A lane plan of this site for the capacity table (site file "capacity_plans"), beyond the
// plans every site has (capacity/plans.h): the decision's 8 lanes, 2 of them unmanned,
// plus what the entry adds. Read by capacity/ only; the core never looks at it.
struct CapacityPlanSpec {
  std::string id;                     // for flags and CSV: "14-2u"
  std::string name;                   // for the table
  int extra_manned_per_direction = 0; // manned lanes added to each direction
  int guide_vehicles = 0;             // 0: the fleet's
  double handover_s = 0;              // the manned hand-over's mean; 0: the file's
  int extra_scanners = 0;             // scanner portals added
  std::string source;
};

// One assumption's range for the sensitivity sweep (site file "sensitivity").
struct SensitivityRange {
  bool given = false;                 // false: the file gives no range; not swept
  double low = 0, high = 0;
  std::string source;                 // why this range
};

// The sensitivity sweep's ranges (capacity/sensitivity.h); read by capacity/ only.
struct SensitivitySpec {
  SensitivityRange handover_s;        // the hand-over's mean, seconds
  SensitivityRange guide_vehicles;    // the fleet, vehicles
  SensitivityRange scanner_portals_change;  // portals added to the file's (-1: one down)
  SensitivityRange service_time_factor;     // every checkpoint's service time times this
  SensitivityRange transfer_time_factor;    // the crane transfer time times this
  SensitivityRange arrival_swing_factor;    // the hourly profile's swing around its mean times this (0: flat)
};

// The site's unmanned lane graph and fleet identities for VDA 5050 (site file "vda5050";
// docs/vda5050.md): the nodes and edges the orders name, each guide-usable lane's route
// through them (one edge per block section), and each vehicle's manufacturer and serial
// number with its fleet slot. Read by connectors/ only; the core never looks at it.
struct LaneGraphNode {
  std::string id;
  glm::vec2 position{0};              // local metres (the map's frame)
};
struct LaneGraphEdge {
  std::string id;
  uint16_t from = 0, to = 0;          // node indices
  double length_m = 0;
  bool both_ways = false;             // "directions": "both"; else from -> to only
};
struct LaneRoute {
  uint16_t lane = 0;                  // lane index in the site
  std::vector<uint16_t> nodes;        // node indices, lane start to end (segments + 1)
  std::vector<uint16_t> edges;        // edge indices, one per block section
};
struct FleetVehicleId {
  std::string manufacturer, serial_number;
  uint16_t slot = 0;                  // fleet index in the core
};
struct Vda5050Spec {
  bool given = false;                 // the site file has a "vda5050" section
  std::string map_id;
  std::string interface_name = "uagv";
  std::vector<LaneGraphNode> nodes;
  std::vector<LaneGraphEdge> edges;
  std::vector<LaneRoute> routes;
  std::vector<FleetVehicleId> vehicles;
  const LaneRoute* route_of(uint16_t lane) const {
    for (const LaneRoute& r : routes)
      if (r.lane == lane) return &r;
    return nullptr;
  }
};

struct SiteSpec {
  std::string id;
  std::string name;
  std::string markers;
  std::string source_file;
  std::vector<LaneSpec> lanes;
  std::vector<CheckpointSpec> checkpoints;
  std::vector<YardSpec> yards;
  std::vector<GoodsClass> goods;
  std::vector<glm::vec2> border_line;
  std::optional<GeoReference> geo;    // where the site lies in WGS84 (site file "geo")
  FleetSpec fleet;
  TimingSpec timing;
  ArrivalProfile arrivals;
  FlowRates rates;
  Targets targets;
  int queue_alert_vehicles = 50;      // alert when a checkpoint queue grows past this
  double declaration_lead_s = 1800;   // declaration filed this long before arrival (assumed)
  double partner_delay_s = 300;       // partner data follows our declaration (assumed)
  std::vector<CapacityPlanSpec> capacity_plans;  // capacity/ only
  SensitivitySpec sensitivity;                   // capacity/ only
  // The partner customs' public Ed25519 key (site file "partner"), pinned: connectors/
  // only (the twin's link checks partner data's signatures with it; docs/mqtt.md). Empty:
  // partner data of this site is not authenticated.
  std::string partner_public_key;                // base64 of the key's DER (the PEM's body)
  std::string partner_key_source;                // where the key comes from
  Vda5050Spec vda5050;                           // connectors/ only (VDA 5050 link)

  int checkpoint_index(CheckpointKind k) const;   // first checkpoint of that kind, -1 if none
  int yard_index(YardKind k) const;               // first yard of that kind, -1 if none
  int goods_index(const std::string& id) const;   // -1 if none
  int lane_index(const std::string& id) const;
};

// Fills derived fields (lane lengths, segment counts). Called by the loader.
void derive(SiteSpec& site);

}  // namespace twin
