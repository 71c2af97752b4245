// The VDA 5050 master control's book of its guide vehicles (docs/vda5050.md), without the
// network: what each vehicle last said (state: order progress, driving, battery, operating
// mode, errors, safety; connection), which of its messages are refused and why, and the
// translation both ways:
//   - vehicle -> twin: a validated `state` / `visualization` / `connection` becomes field
//     messages for the twin's ordinary path (IngestQueue -> Sequencer -> core): a position
//     (telemetry, latest wins), a finished activity (GuideVehicleStepCompleted) when the
//     vehicle's progress reaches what the core waits for, an EquipmentStatus when the
//     vehicle becomes unavailable (connection lost / offline, a FATAL error, an order it
//     rejected) or available again;
//   - core -> vehicle: the core's guide-vehicle decisions (load, block section granted,
//     unload) become `order` messages along the site's lane graph (orderId /
//     orderUpdateId, the stitching node, base and horizon), and accepted operator commands
//     on a guide vehicle become `instantActions` (mark_failed: startPause; mark_restored:
//     stopPause). Every message out is validated against its schema first: one that fails
//     is counted and logged, never sent.
// Thread-safe (one mutex): receive() runs on the MQTT thread, observe() on the core's. It
// must not apply events, sequence them, or touch a socket; it never reads a clock (the
// caller passes the wall time for the timestamps of what it sends).
#pragma once
#include "connectors/codec/field_message.h"
#include "connectors/mqtt/field_clock.h"
#include "connectors/vda5050/json_schema.h"
#include "connectors/vda5050/vehicle_view.h"
#include "twin/decision.h"
#include "twin/event.h"
#include "twin/site.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace connectors::vda5050 {

// The five message schemas (assets/vda5050/schemas).
struct Schemas {
  JsonSchema order, instant_actions, state, visualization, connection;
};
// Loads `<dir>/<name>.schema.json` for each; a failure names the file and why.
Result<Schemas> load_schemas(const std::string& dir);
// assets/vda5050/schemas of the source tree, or $GATETWIN_VDA5050_SCHEMAS.
std::string default_schemas_dir();

// Why an incoming message was refused (counted per reason, logged).
enum class Refusal : uint8_t {
  BadTopic = 0,      // not <interface>/<major>/<manufacturer>/<serial>/<state|visualization|connection|...>
  MalformedJson,
  SchemaViolation,   // fails the official schema of its topic
  TopicMismatch,     // the payload's manufacturer / serialNumber are not the topic's
  UnknownVehicle,    // no site file lists this manufacturer + serial number
  UnknownMap,        // agvPosition.mapId is not the vehicle's site's map_id
  OutsideMap,        // agvPosition farther than kMaxOffGraphM from every edge of the lane graph
  Duplicate,         // the same headerId again (a broker's redelivery)
  BadTime,           // the timestamp could not be read (or the link's FieldClock refused it)
  Retained,          // a retained state / visualization (only connection is sent retained)
  TimeAhead,         // stamped more than --max-ahead-ms ahead of the twin's clock (FieldClock)
  TimeTooOld,        // stamped older than --max-age-s, or before the session epoch (FieldClock)
  Count
};
const char* to_string(Refusal r);

// A position more than this far from every edge of the site's lane graph is outside the map.
constexpr double kMaxOffGraphM = 50.0;

struct OutMessage {
  std::string topic;
  std::string payload;
  bool order = true;   // false: instantActions
};

struct DispatchStats {
  std::array<uint64_t, static_cast<size_t>(Refusal::Count)> refused{};
  uint64_t received = 0, accepted = 0;
  uint64_t steps_reported = 0;          // GuideVehicleStepCompleted emitted
  uint64_t positions = 0;               // positions emitted
  uint64_t availability_changes = 0;    // EquipmentStatus emitted
  uint64_t orders = 0, order_updates = 0, instant_actions = 0;
  uint64_t out_invalid = 0;             // outgoing messages that failed their schema (not sent)
  uint64_t no_route = 0;                // a block section on a lane without a route in the graph
  uint64_t order_rejections = 0;        // vehicles' errors naming an order of ours
  uint64_t warnings = 0, fatals = 0;    // vehicle errors that appeared, by level
  uint64_t orders_resent = 0;           // orders sent again to a vehicle that came back without them
};

class FleetDispatch {
 public:
  // `session`: this run's name, given to the vehicles' field-message sources so that a
  // twin restart starts their series afresh.
  FleetDispatch(std::vector<twin::SiteSpec> sites, Schemas schemas, std::string session);

  // MQTT thread: one message from a vehicle. Appends the field messages it makes (UTC
  // stamped: the caller maps them to run time) and the log lines it wants said. With a
  // clock, a message stamped outside its bounds (FieldClock: too far ahead of wall_utc_ms,
  // too old, before the epoch) is refused whole, before it changes anything. With out, the
  // orders it sends (a vehicle back without the order it had: sent again) go there,
  // stamped wall_utc_ms.
  void receive(const std::string& topic, const std::string& payload, bool retained, std::vector<FieldMessage>& emitted,
               std::vector<std::string>& log, std::vector<OutMessage>* out = nullptr, const FieldClock* clock = nullptr,
               int64_t wall_utc_ms = 0);
  // Core thread: an applied event and its decisions. Appends the orders and instant
  // actions to send (validated) and the field messages that progress already reported
  // completes; wall_utc_ms stamps them.
  void observe(const twin::Event& e, const twin::Decisions& decisions, int64_t wall_utc_ms, std::vector<OutMessage>& out,
               std::vector<FieldMessage>& emitted, std::vector<std::string>& log);

  // Topic filters to subscribe to: <interface>/<major>/+/+/{state,visualization,connection}.
  std::vector<std::string> subscriptions() const;
  DispatchStats stats() const;
  std::vector<VehicleView> vehicles() const;
  // The vehicle in a fleet slot of a site (index in the sites given), if one is mapped there.
  std::optional<VehicleView> vehicle(uint8_t site, uint16_t slot) const;
  nlohmann::json status_json() const;   // {"stats": {...}, "vehicles": [...]}

  static constexpr const char* kMajor = "v2";
  static constexpr const char* kPoseSource = "vda5050/pose";  // every vehicle's positions: one series
  static constexpr const char* kVersion = "2.0.0";

 private:
  struct Awaited {
    enum Kind : uint8_t { None = 0, Action, Node } kind = None;
    std::string action_id;
    int64_t node_sequence = 0;
  };
  struct Vehicle {
    VehicleView view;
    uint8_t site = 0;
    std::string source, topic_base;           // its field messages' source and topic, made once
    // The twin's order in progress.
    std::string order_id;
    std::string order_root;                   // order_id as first made (a resent order is "<root>-r<n>")
    int64_t update_id = -1;
    nlohmann::json last_order;                // the last order message sent (to send again)
    bool reconnected = false;                 // back ONLINE, or a new headerId series: check its next state
    const twin::LaneRoute* route = nullptr;  // the lane of the order's travel (null: load only)
    int released_to = -1;                     // the last released node's index on the route (-1: station only)
    std::string station_node;                 // where the order starts (the load's node)
    int seq_base = 0;                         // 2 when the order begins with a turn-around edge to the route's start
    Awaited awaited;
    // What the vehicle reported of the current order (to match an awaited step set later).
    std::string progress_order;
    int64_t reached_sequence = -1;
    std::set<std::string> finished_actions, failed_actions;
    int64_t out_header = 0;                   // headerIds of our order / instantActions
    int64_t out_ia_header = 0;
    uint64_t field_seq = 0;                   // our field messages' seq (source vda5050/<m>/<s>)
    int64_t vis_header = -1, conn_header = -1;  // last headerId of visualization / connection
    int64_t last_utc = 0;                     // the last state's timestamp
    bool home = true;                         // on the VN side (its next load is at an export route's start)
    bool fatal = false, rejected = false, online = true;
  };

  Vehicle* find(const std::string& manufacturer, const std::string& serial);
  Vehicle* by_slot(uint8_t site, uint16_t slot);
  FieldMessage field_message(Vehicle& v, int64_t utc_ms, twin::EventBody body, MessageClass cls = MessageClass::Ordered);
  void check_awaited(Vehicle& v, int64_t utc_ms, std::vector<FieldMessage>& emitted);
  void resend(Vehicle& v, bool busy, int64_t wall_utc_ms, std::vector<OutMessage>& out, std::vector<std::string>& log);
  void set_available(Vehicle& v, int64_t utc_ms, std::vector<FieldMessage>& emitted, std::vector<std::string>& log);
  bool outside_map(const twin::SiteSpec& s, double x, double y) const;
  std::string topic(const Vehicle& v, const char* leaf) const;
  nlohmann::json header(Vehicle& v, bool order, int64_t wall_utc_ms);
  nlohmann::json node_json(const Vehicle& v, uint16_t node, int64_t seq, bool released) const;
  void emit_order(Vehicle& v, nlohmann::json msg, bool update, std::vector<OutMessage>& out, std::vector<std::string>& log);
  void emit_instant(Vehicle& v, const std::string& type, int64_t wall_utc_ms, uint64_t cause, std::vector<OutMessage>& out,
                    std::vector<std::string>& log);
  void refuse(Refusal r, const std::string& topic, const std::string& why, std::vector<std::string>& log);

  const std::vector<twin::SiteSpec> sites_;
  const Schemas schemas_;
  const std::string session_;
  mutable std::mutex mu_;
  std::vector<Vehicle> vehicles_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
  DispatchStats stats_;
  uint64_t pose_seq_ = 0;  // the positions' series (kPoseSource)
  std::array<uint64_t, static_cast<size_t>(Refusal::Count)> logged_{};
};

}  // namespace connectors::vda5050
