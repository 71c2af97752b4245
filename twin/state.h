// The core's state: everything that folding the events so far has produced. Plain data,
// readable by panels and the renderer through const references; only the core writes it.
#pragma once
#include "twin/event.h"
#include "twin/flat_index.h"
#include "twin/site.h"
#include "twin/time.h"

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace twin {

// No shipment: a free server, lane, yard slot or vehicle, a report that names no shipment.
constexpr ShipmentIndex kNone{0xFFFFFFFFu};
// Shipment ids from declarations are below this; a vehicle that arrives undeclared gets
// the next id from here up (WorldState::undeclared_next).
constexpr ShipmentId kFirstUndeclaredId{0x80000000u};

// Retention (docs/core.md): at every kRetireEveryTicks-th clock tick of a site (hourly
// at the simulator's one-minute tick), a shipment that has Left or is Cleared and whose
// last phase change is more than kRetainDoneMs before the tick is removed from
// SiteState::shipments; what the KPIs need of it stays in SiteState::retired. Part of
// the fold: same events, same state.
constexpr SimTime kRetainDoneMs = 24 * kHour;
constexpr int64_t kRetireEveryTicks = 60;

// The field's word on where things are (docs/field.md): a vehicle whose last report is
// older than kFieldStaleAfterMs is stale (drawn dimmed, flagged); a truck reported more
// than its expected place's tolerance away from where the process has it for
// kOffPlanAfterMs raises a plan/reality alert; an undeclared vehicle not reported for
// kUndeclaredForgetMs is forgotten; at most kMaxUndeclaredPerSite are tracked at once.
constexpr SimTime kFieldStaleAfterMs = 10 * kSecond;
constexpr SimTime kOffPlanAfterMs = 10 * kSecond;
constexpr SimTime kUndeclaredForgetMs = 10 * kMinute;
constexpr size_t kMaxUndeclaredPerSite = 256;

// What the field last said about where a vehicle is. The core keeps the last two reports
// so that a display can move the vehicle smoothly from one to the next.
struct FieldTrack {
  glm::vec2 position{0};           // site metres
  float heading_rad = 0;
  SimTime at_ms = -1;              // -1: never reported
  glm::vec2 previous{0};
  float previous_heading_rad = 0;
  SimTime previous_ms = -1;
  // Plan against reality (trucks): how far beyond its expected place's tolerance the
  // last report was (0: within, or no expected place), since when, and whether alerted.
  float off_plan_m = 0;
  SimTime off_plan_since_ms = -1;
  bool off_plan_alerted = false;

  bool reported() const { return at_ms >= 0; }
};

// A vehicle the field reports that the core has no shipment for (no declaration, no
// arrival read): drawn in its own colour, alerted once, forgotten when its reports stop.
struct FieldVehicle {
  std::string name;                // plate, else container, else "#<id>" as the field named it
  std::string plate, container;
  ShipmentId id;                   // the unknown shipment id it was named by, if has_id
  bool has_id = false;
  FieldTrack track;
  SimTime first_seen_ms = 0;
};

// Where a shipment is in the clearance flow.
enum class Phase : uint8_t {
  Declared = 0,        // declaration filed, vehicle not yet here
  QueuedCheckpoint,    // waiting at a checkpoint (checkpoint field says which)
  AtCheckpoint,        // being served
  WaitingPartnerData,  // at gate-in, partner link down: held, not guessed
  QueuedLane,          // waiting for a manned lane (lane field)
  OnLane,              // crossing on a manned lane
  QueuedYardSlot,      // waiting for a transfer-yard slot
  Transferring,        // container between truck and yard slot
  InYard,              // container in a transfer-yard slot, waiting for a guide vehicle
  AtPartnerYard,       // import container on the partner side, waiting for a guide vehicle
  OnGuideVehicle,      // riding a guide vehicle
  AwaitingReceipt,     // export crossed; partner to confirm receipt
  Diverted,            // out of the smart flow, leaving via the holding area
  Cleared,             // done: handed over (export) or released (import)
  Left,                // a diverted / refused vehicle has left the area
  Count
};
const char* to_string(Phase p);

enum class Outcome : uint8_t { Open = 0, Cleared, Diverted, Refused };
const char* to_string(Outcome o);

struct PhaseChange {
  SimTime time_ms;
  Phase phase;
  uint16_t where;  // checkpoint / lane / yard / vehicle index, kNone16 when not applicable
};
constexpr uint16_t kNone16 = 0xFFFF;

struct Shipment {
  ShipmentId id;
  Direction direction = Direction::Export;
  uint16_t goods = 0;
  bool reefer = false;
  bool unmanned_eligible = true;
  bool declared = false;           // our own declaration exists
  bool partner_received = false;
  bool partner_agrees = false;
  // A second partner declaration that disagrees with the first (goods, plate or
  // container): alerted, and the shipment no longer counts as agreeing (the twin cannot
  // tell which of the two is genuine). The first one's values are kept to compare with.
  bool partner_conflict = false;
  uint16_t partner_goods = 0;
  std::string partner_plate, partner_container;
  std::string plate, container;

  Phase phase = Phase::Declared;
  Outcome outcome = Outcome::Open;
  uint16_t checkpoint = kNone16;   // current checkpoint (queued or served)
  uint16_t server = kNone16;
  uint16_t lane = kNone16;
  uint16_t yard = kNone16;
  uint16_t slot = kNone16;
  uint16_t left_yard = kNone16;    // the yard slot it last left (presentation: where the scene
  uint16_t left_slot = kNone16;    // drives it from; not in the state hash)
  uint32_t joined_at_spot = 0;     // its index in its queue when it joined it (presentation, not hashed)
  // Its last two services, newest first: checkpoint and server (presentation: the scene drives
  // it out of the server it really used after the state stopped telling; not hashed).
  std::array<uint16_t, 2> served_cp{kNone16, kNone16}, served_server{kNone16, kNone16};
  // Its last move between the lanes' queues and the staging area, which changes no phase:
  // given a lane after waiting in the staging area, or sent back there from a lane that can
  // no longer take it. When, and where it stood: the queue of lane moved_from_lane, or the
  // staging area (kNone16), at spot moved_from_spot (presentation, not hashed).
  SimTime moved_ms = -1;
  uint16_t moved_from_lane = kNone16;
  uint32_t moved_from_spot = 0;
  uint16_t vehicle = kNone16;      // guide vehicle carrying it
  bool unmanned = false;           // crossing by guide vehicle

  // Progress flags through the flow.
  bool gate_in_done = false, scanned = false, check_done = false, quarantine_done = false;
  bool crossed = false, released = false;
  Channel channel = Channel::None;
  bool forced_inspection = false;
  bool held = false;
  std::string divert_reason;

  FieldTrack field;                // the field's reports of where the truck is

  SimTime arrived_ms = -1;         // entered the area (gate, border, or partner yard)
  SimTime handed_over_ms = -1;     // export: crossed the border; import: released
  SimTime queued_since_ms = -1;    // joined the current queue
  SimTime done_ms = -1;            // cleared
  std::vector<PhaseChange> history;
};

struct CheckpointServer {
  ShipmentIndex shipment = kNone;
  bool failed = false;
  SimTime busy_since_ms = 0;
};

// Who left a queue lately, and from where: what the scene needs to move the trucks behind
// up to their new spots at their speed (a replay or a seek the same). Presentation facts,
// folded like the rest, kept for kQueueLeavesKeepMs (at most kQueueLeavesKept); not in the
// state hash (a function of the hashed queues' history).
struct QueueLeave {
  SimTime at_ms = 0;
  uint32_t pos = 0;          // index in the queue it left from
  uint32_t size_before = 0;  // the queue's length before it left
};
constexpr SimTime kQueueLeavesKeepMs = 2 * kMinute;
constexpr size_t kQueueLeavesKept = 48;
struct QueueLeaves {
  std::deque<QueueLeave> recent;  // oldest first
};

struct CheckpointState {
  std::deque<ShipmentIndex> queue;  // arrival order
  QueueLeaves left;                 // who left the queue lately (presentation)
  std::vector<CheckpointServer> servers;
  int64_t busy_ms = 0;          // summed service time
  int64_t wait_ms_sum = 0;      // summed queue wait of served shipments
  int64_t served = 0;
  int64_t queue_sum = 0;        // queue length summed over ticks
  int64_t queue_max = 0;
};

struct LaneState {
  bool open = true;
  Direction direction = Direction::Export;  // current direction (reversed if != spec)
  bool reserved_unmanned = false;
  bool barrier_failed = false;
  std::deque<ShipmentIndex> queue; // trucks assigned, waiting
  QueueLeaves left;                // who left the queue lately (presentation)
  ShipmentIndex on_lane = kNone;   // truck crossing now
  std::vector<uint16_t> segment;   // guide vehicle per block section, kNone16 = free
  int64_t busy_ms = 0;
  int64_t crossings = 0;
  SimTime busy_since_ms = 0;
};

struct YardState {
  std::vector<ShipmentIndex> slot; // per slot, kNone = free
  bool power_on = true;
  int64_t occupied_sum = 0;        // occupied slots summed over ticks
  int64_t occupied_max = 0;
  int64_t reefer_unpowered_ticks = 0;  // reefer-container ticks without power
};

enum class GuidePhase : uint8_t { Idle = 0, Loading, Travelling, WaitingSegment, Unloading, Count };
const char* to_string(GuidePhase p);

// A guide vehicle's trip over a lane, as the scene needs it to drive the vehicle at its speed
// from where it waits, along the lane, to where it will wait (presentation; not in the state
// hash: a function of the hashed phases' history).
struct GuideTrip {
  uint16_t lane = 0xFFFF;   // none yet
  bool from_home = true;    // from the depot (export) or from the partner side
  SimTime start_ms = -1;    // its first block section granted
  SimTime end_ms = -1;      // its last one done (the far end reached); -1 while on the lane
};

struct GuideVehicle {
  GuidePhase phase = GuidePhase::Idle;
  bool at_home = true;             // VN side (depot) or partner side
  bool failed = false;
  bool step_done_while_failed = false;
  ShipmentIndex cargo = kNone;
  uint16_t lane = kNone16;
  int16_t segment = -1;            // current block section on lane, -1 off lane
  SimTime phase_since_ms = 0;
  int64_t busy_ms = 0;
  int64_t trips = 0;
  FieldTrack field;                // the field's reports of where the vehicle is
  GuideTrip trip, last_trip;       // the current (or last) trip and the one before (presentation)
};

struct Counters {
  std::array<int64_t, 2> cleared{};     // by direction
  std::array<int64_t, 2> diverted{};
  std::array<int64_t, 2> refused{};
  std::array<int64_t, 2> arrived{};
  int64_t commands_accepted = 0;
  int64_t commands_refused = 0;
  int64_t events_ignored = 0;
  int64_t ticks = 0;
  int64_t alerts = 0;
  int64_t divergences = 0;              // field events that contradict the core (by reason below)
  int64_t off_plan_alerts = 0;          // plan/reality alerts raised
  int64_t undeclared_sighted = 0;       // undeclared vehicles that appeared
};

// What the KPIs keep of the shipments removed by retention (docs/core.md).
struct RetiredShipments {
  int64_t count = 0;                         // removed from SiteState::shipments so far
  int64_t arrived = 0;                       // of them, vehicles that had arrived
  int64_t unmanned_crossings = 0;            // of those with a dwell below, crossed by guide vehicle
  // Arrival to hand-over (ms) of each removed shipment that was handed over and neither
  // diverted nor refused, by direction; perishable_dwell_ms: those of them whose goods
  // class has reefers (scenario scores).
  std::array<std::vector<int64_t>, 2> dwell_ms;
  std::vector<int64_t> perishable_dwell_ms;
  ShipmentId highest_id;                     // the highest declared id (below kFirstUndeclaredId) removed
};

// A vector indexed by ShipmentIndex only: a site's live shipments, or something kept per
// shipment beside them (invariants, retention).
template <class T>
class ShipmentVector {
 public:
  ShipmentVector() = default;
  ShipmentVector(size_t n, const T& value) : v_(n, value) {}
  T& operator[](ShipmentIndex i) { return v_[i.value]; }
  const T& operator[](ShipmentIndex i) const { return v_[i.value]; }
  bool contains(ShipmentIndex i) const { return i.value < v_.size(); }
  // Every index, first to last: for (ShipmentIndex i : shipments.indices()).
  struct Indices {
    struct iterator {
      uint32_t i;
      ShipmentIndex operator*() const { return ShipmentIndex{i}; }
      iterator& operator++() { ++i; return *this; }
      bool operator==(const iterator&) const = default;
    };
    uint32_t n;
    iterator begin() const { return {0}; }
    iterator end() const { return {n}; }
  };
  Indices indices() const { return {static_cast<uint32_t>(v_.size())}; }
  // The index the next added element gets.
  ShipmentIndex next_index() const { return ShipmentIndex{static_cast<uint32_t>(v_.size())}; }
  T& add() { return v_.emplace_back(); }
  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  const T& back() const { return v_.back(); }
  auto begin() { return v_.begin(); }
  auto end() { return v_.end(); }
  auto begin() const { return v_.begin(); }
  auto end() const { return v_.end(); }
  // Keeps the first n (retention's compaction), releasing the rest's memory.
  void truncate(size_t n) { v_.resize(n); v_.shrink_to_fit(); }

 private:
  std::vector<T> v_;
};

struct SiteState {
  ShipmentVector<Shipment> shipments;        // live: not retired (indices shift when retired)
  // The look-up indexes are FlatIndex (twin/flat_index.h): std::unordered_map's
  // interface, faster; never iterated where order matters.
  FlatIndex<ShipmentId, ShipmentIndex> by_id;
  FlatIndex<std::string, ShipmentIndex> by_container;  // declared, not yet arrived
  std::vector<CheckpointState> checkpoints;
  std::vector<LaneState> lanes;
  std::vector<YardState> yards;
  std::vector<GuideVehicle> fleet;
  std::deque<ShipmentIndex> yard_slot_queue;       // shipments waiting for a transfer slot
  std::deque<ShipmentIndex> export_yard_waiting;   // export containers in yard, waiting for a vehicle
  std::deque<ShipmentIndex> import_partner_waiting;// import containers at the partner yard
  std::array<std::deque<ShipmentIndex>, 2> lane_waiting;  // trucks with no usable lane yet, by direction
  QueueLeaves import_partner_left;            // who left these queues lately (presentation)
  std::array<QueueLeaves, 2> lane_waiting_left;
  int priority_goods = -1;                    // goods class served first, -1 none
  Counters counters;
  std::vector<uint8_t> queue_alerted;         // per checkpoint, to alert once per crossing
  RetiredShipments retired;
  std::vector<FieldVehicle> undeclared;       // vehicles the field reports and the core does not know
  FlatIndex<std::string, ShipmentIndex> by_field_name;  // "P:<plate>" / "C:<container>"
  std::map<std::string, int64_t> divergence_by_reason;      // ordered: part of the hash
  bool crossing_closed = false;               // close_crossing: no crossing starts (the partner side closed)
};

// One operator command and what became of it: the audit trail inside the state.
struct CommandRecord {
  uint64_t seq = 0;
  SimTime time_ms = 0;
  uint8_t site = 0;
  std::string actor;
  Role role = Role::Viewer;
  std::string reason;
  Command command;
  bool accepted = false;
  std::string outcome;   // summary when accepted, why when refused
  SimTime at_ms = -1;    // an order for later: when it is due (both its records carry it)
  uint64_t ordered_seq = 0;  // the order carried out now: the seq of the command that gave it
};

// An operator command ordered for later (OperatorCommand::at_ms), waiting for the core's
// clock to reach at_ms. Kept in (at_ms, seq) order; at most kMaxCommandOrders.
struct CommandOrder {
  SimTime at_ms = 0;
  uint64_t seq = 0;      // the command event that ordered it
  uint8_t site = 0;
  OperatorCommand order;
};
constexpr size_t kMaxCommandOrders = 256;

struct WorldState {
  SimTime now_ms = 0;
  uint64_t last_seq = 0;
  bool partner_link_up = true;
  std::vector<SiteState> sites;
  std::map<std::string, int64_t> ignored_by_reason;   // ordered: part of the hash
  std::vector<CommandRecord> commands;
  std::vector<CommandOrder> scheduled;              // orders for later, due first
  uint64_t undeclared_next = kFirstUndeclaredId.value;  // the next undeclared vehicle's id
};

// The highest declared id (below kFirstUndeclaredId) that the run has used, in the live
// state or retired (retention.cpp). A fork's simulator numbers its new shipments after it.
ShipmentId highest_declared_id(const WorldState& w);

}  // namespace twin
