// The scene from state. See scene_builder.h. Sections: furniture (lanes, checkpoints,
// yards, border), vehicles (shipments by phase), guide vehicles.
#include "controlroom/scene/scene_builder.h"

#include "controlroom/scene/palette.h"
#include "controlroom/scene/site_roads.h"
#include "controlroom/ui/text_catalogue.h"

#include "twin/expected_place.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

namespace controlroom {

using namespace twin;
using engine::Instance;

const char* mesh_file(MeshKind k) {
  static const char* n[] = {"truck", "reefer", "guide_vehicle", "scanner_portal", "booth", "barrier", "canopy"};
  return n[static_cast<int>(k)];
}

uint32_t shipment_colour(const Shipment& sh) {
  if (sh.held) return palette::kHeld;
  if (!sh.declared && sh.phase != Phase::Diverted && sh.phase != Phase::Left) return palette::kUndeclared;
  if (sh.phase == Phase::Diverted) return palette::kDiverted;
  switch (sh.channel) {
    case Channel::Green: return palette::kGreen;
    case Channel::Yellow: return palette::kYellow;
    case Channel::Red: return palette::kRed;
    default: return palette::kNotYetScanned;
  }
}

namespace {

constexpr float kPi = 3.14159265f;

struct Ctx {
  const Core& core;
  const WorldLayout& layout;
  const SceneOptions& opt;
  DrawList& out;
  size_t site;
  const SiteSpec& spec;
  const SiteState& s;
  const SiteRoads& roads;
  ShipmentVector<uint8_t> drawn;  // per shipment: already drawn this frame
  std::vector<glm::vec2> way_a, way_b, path;  // scratch for routes (no allocation per truck)

  SimTime display() const { return opt.motion ? std::max(opt.display_ms, core.state().now_ms) : core.state().now_ms; }

  float progress(SimTime since, double expected_s) const {
    if (expected_s <= 0) return 1;
    const SimTime t = display();
    return std::clamp(static_cast<float>((t - since) / (expected_s * 1000.0)), 0.0f, 1.0f);
  }
  glm::vec3 w(glm::vec2 local, float h = 0) const { return layout.world(site, local, h); }
  bool lane_reversed(size_t l) const { return s.lanes[l].direction != spec.lanes[l].direction; }
  void put(MeshKind k, glm::vec2 local, float yaw, uint32_t colour, PickTarget pick, uint32_t flags = 0) {
    const bool selected = opt.selected.kind == pick.kind && opt.selected.site == pick.site &&
                          opt.selected.index == pick.index && pick.kind != PickKind::None;
    if (selected) flags |= engine::kInstanceHighlight;
    engine::InstanceId id = pick.kind == PickKind::None ? engine::kNoPickId : out.add_pick(pick);
    out.of(k).push_back(Instance::at(w(local), yaw, colour, id, flags));
  }
};

std::vector<glm::vec3> ribbon_points(const Ctx& c, const std::vector<glm::vec2>& pts, float h) {
  std::vector<glm::vec3> out;
  for (glm::vec2 p : pts) out.push_back(c.w(p, h));
  return out;
}

// [SECTION] furniture -------------------------------------------------------------------

void lanes(Ctx& c) {
  for (size_t l = 0; l < c.spec.lanes.size(); ++l) {
    const LaneSpec& lane = c.spec.lanes[l];
    const LaneState& st = c.s.lanes[l];
    uint32_t colour = st.direction == Direction::Export ? palette::kLaneExport : palette::kLaneImport;
    if (lane.kind == LaneKind::Unmanned || st.reserved_unmanned) colour = palette::kLaneUnmanned;
    if (c.lane_reversed(l)) colour = palette::kLaneReversed;
    if (!st.open || st.barrier_failed) colour = palette::kLaneClosed;
    c.out.ribbons.push_back({ribbon_points(c, lane.polyline, 0.05f), 3.4f, colour, false});
    // Direction arrows every 40 m, pointing the way traffic goes now.
    const bool rev = c.lane_reversed(l);
    const int arrows = std::max(1, static_cast<int>(lane.length_m / 40));
    if (st.open && !st.barrier_failed)
      for (int a = 0; a < arrows; ++a) {
        Placement p = WorldLayout::along(lane.polyline, (a + 0.5f) / arrows, rev);
        const glm::vec2 f(std::cos(p.yaw_rad), std::sin(p.yaw_rad)), side(-f.y, f.x);
        std::vector<glm::vec2> chevron = {p.local - f * 1.6f + side * 1.2f, p.local + f * 0.6f, p.local - f * 1.6f - side * 1.2f};
        c.out.ribbons.push_back({ribbon_points(c, chevron, 0.1f), 0.45f, palette::kArrow, false});
      }
    // The barrier at the lane's entry, and the lane signal before it on the ground: a green
    // arrow the way traffic goes, an orange one on a reversed tidal lane, a red cross when closed.
    Placement entry = WorldLayout::along(lane.polyline, 0, rev);
    const bool down = !st.open || st.barrier_failed;
    {
      const glm::vec2 f(std::cos(entry.yaw_rad), std::sin(entry.yaw_rad)), side(-f.y, f.x);
      const glm::vec2 at = entry.local - f * 9.0f;
      if (down) {
        c.out.ribbons.push_back({ribbon_points(c, {at - f * 2.2f - side * 1.6f, at + f * 2.2f + side * 1.6f}, 0.3f), 1.0f, palette::kSignalStop, false});
        c.out.ribbons.push_back({ribbon_points(c, {at - f * 2.2f + side * 1.6f, at + f * 2.2f - side * 1.6f}, 0.3f), 1.0f, palette::kSignalStop, false});
      } else {
        const uint32_t sc = rev ? palette::kLaneReversed : palette::kSignalGo;
        c.out.ribbons.push_back({ribbon_points(c, {at - f * 3.0f, at + f * 1.0f}, 0.3f), 1.0f, sc, false});
        c.out.ribbons.push_back({ribbon_points(c, {at + f * 0.2f + side * 1.7f, at + f * 3.0f, at + f * 0.2f - side * 1.7f}, 0.3f), 1.0f, sc, false});
      }
    }
    c.put(MeshKind::Barrier, entry.local, entry.yaw_rad, down ? palette::kFailed : palette::kEquipmentIdle,
          {PickKind::Lane, static_cast<uint8_t>(c.site), static_cast<uint32_t>(l), 0});
    if (c.opt.lane_labels) {
      // The label says the signal too, in its colour: the way traffic goes (towards China
      // is to the right in the standard views), or X.
      const bool towards_china = (st.direction == Direction::Export);
      std::string text = lane.id + (down ? " X" : towards_china ? " >>" : " <<");
      uint32_t label_colour = down ? palette::kLabelAlert : rev ? palette::kLaneReversed : palette::kSignalGo;
      if (!st.open) text += ui::tr(" closed");
      else if (st.barrier_failed) text += ui::tr(" barrier failed");
      else if (c.lane_reversed(l)) text += ui::tr(" reversed");
      else if (st.reserved_unmanned) text += ui::tr(" unmanned");
      // Staggered along the lanes' stretch inside the site (x 395..530, before the border) so
      // that neighbouring lanes' labels do not cover each other; the engine declutters the rest.
      const float want_x = 395.0f + 45.0f * static_cast<float>(l % 4);
      Placement at = WorldLayout::along(lane.polyline, 0, false);
      for (int k = 1; k <= 64; ++k) {
        const Placement p = WorldLayout::along(lane.polyline, k / 64.0f, false);
        if (std::abs(p.local.x - want_x) < std::abs(at.local.x - want_x)) at = p;
      }
      c.out.labels.push_back({c.w(at.local, 5), text, label_colour, static_cast<uint8_t>(down ? 0 : 2)});
    }
  }
}

void checkpoints(Ctx& c) {
  for (size_t k = 0; k < c.spec.checkpoints.size(); ++k) {
    const CheckpointSpec& cp = c.spec.checkpoints[k];
    const CheckpointState& st = c.s.checkpoints[k];
    const MeshKind mesh = cp.kind == CheckpointKind::Scanner ? MeshKind::ScannerPortal : MeshKind::Booth;
    int failed = 0;
    for (size_t srv = 0; srv < cp.positions.size() && srv < st.servers.size(); ++srv) {
      const CheckpointServer& server = st.servers[srv];
      failed += server.failed ? 1 : 0;
      uint32_t colour = server.failed ? palette::kFailed
                        : server.shipment != kNone ? palette::kEquipmentBusy : palette::kEquipmentIdle;
      c.put(mesh, cp.positions[srv] + glm::vec2(6, 0), 0, colour,
            {PickKind::Checkpoint, static_cast<uint8_t>(c.site), static_cast<uint32_t>(k), static_cast<uint16_t>(srv)},
            server.failed ? engine::kInstanceHighlight : 0u);
      // Gate-in and the booths stand under a canopy, one section per server.
      if (cp.kind == CheckpointKind::GateIn || cp.kind == CheckpointKind::Booth)
        c.out.of(MeshKind::Canopy).push_back(Instance::at(c.w(cp.positions[srv] + glm::vec2(2, 0)), 0, palette::kCanopy, engine::kNoPickId));
    }
    // In an overview only checkpoints with a queue or a fault are named.
    if (c.opt.labels && (c.opt.lane_labels || failed || st.queue.size() >= 5)) {
      glm::vec2 top = cp.positions.front();
      for (glm::vec2 p : cp.positions) top = p.y > top.y ? p : top;
      std::string text = ui::tr_data(cp.id);
      if (!st.queue.empty()) text += ui::trf("  queue %zu", st.queue.size());
      if (failed) text += ui::trf("  %d failed", failed);
      c.out.labels.push_back({c.w(top + glm::vec2(0, 6), 9), text, failed ? palette::kLabelAlert : palette::kLabel, static_cast<uint8_t>(failed ? 0 : 1)});
    }
  }
}

// The roads that join the stations (site_roads.h): a trunk from the holding yard through
// gate-in and the scanners to the lanes, a loop off it to each station that stands aside, and
// a spur to each yard. Drawn under the lanes.
void roads(Ctx& c) {
  for (const RoadRibbon& r : c.roads.ribbons()) c.out.ribbons.push_back({ribbon_points(c, r.points, r.height_m), r.width_m, palette::kRoad, false});
}

void yards_and_border(Ctx& c) {
  for (const YardSpec& y : c.spec.yards) {
    std::vector<glm::vec2> rect = {y.min, {y.max.x, y.min.y}, y.max, {y.min.x, y.max.y}};
    c.out.ribbons.push_back({ribbon_points(c, rect, 0.06f), 0.8f, palette::kYardOutline, true});
    if (c.opt.lane_labels) c.out.labels.push_back({c.w({(y.min.x + y.max.x) / 2, y.min.y - 6}, 3), ui::tr_data(y.id), palette::kLabel, 3});
  }
  c.out.ribbons.push_back({ribbon_points(c, c.spec.border_line, 0.12f), 2.0f, palette::kBorder, false});
  if (c.opt.labels && c.spec.border_line.size() >= 2) {
    c.out.labels.push_back({c.w(c.spec.border_line.front(), 6), ui::trf("marker %s", c.spec.markers.c_str()), palette::kLabelAlert, 1});
    c.out.labels.push_back({c.w({c.spec.border_line.front().x + 60, c.spec.border_line.back().y - 10}, 20), ui::tr_data(c.spec.name), palette::kLabel, 3});
  }
}

// [SECTION] vehicles ----------------------------------------------------------------------

// Where the field puts a vehicle at the moment drawn: opt.field_delay_ms behind it, between
// its last two reports (so it moves smoothly at the reporting rate), else at the last.
struct FieldPlace {
  glm::vec2 local;
  float yaw;
  bool stale;
  int64_t age_ms;
  bool moving;
};

float lerp_angle(float a, float b, float f) {
  float d = std::remainder(b - a, 2 * kPi);
  return a + d * f;
}

FieldPlace field_place(const Ctx& c, const FieldTrack& t) {
  const SimTime shown = c.display();
  const SimTime at = shown - c.opt.field_delay_ms;
  FieldPlace p{t.position, t.heading_rad, shown - t.at_ms > kFieldStaleAfterMs, shown - t.at_ms, false};
  if (c.opt.field_delay_ms > 0 && t.previous_ms >= 0 && t.at_ms > t.previous_ms && at < t.at_ms) {
    const float f = std::clamp(static_cast<float>(at - t.previous_ms) / static_cast<float>(t.at_ms - t.previous_ms), 0.0f, 1.0f);
    p.local = t.previous + (t.position - t.previous) * f;
    p.yaw = lerp_angle(t.previous_heading_rad, t.heading_rad, f);
    p.moving = c.opt.motion && f > 0 && f < 1;
  }
  return p;
}

// Places a reported vehicle where the field puts it: v's position, heading, stale flag and
// report age; counts it as moving when it is between two reports.
FieldPlace follow_field(Ctx& c, const FieldTrack& t, DrawnVehicle& v) {
  const FieldPlace f = field_place(c, t);
  v.local = f.local;
  v.yaw_rad = f.yaw;
  v.from_field = true;
  v.stale = f.stale;
  v.report_age_ms = f.age_ms;
  if (f.moving) c.out.moving_vehicles++;
  return f;
}

void record(Ctx& c, DrawnVehicle v) {
  v.site = static_cast<uint8_t>(c.site);
  v.world = c.w(v.local);
  c.out.vehicles.push_back(std::move(v));
}

// A truck (shipment idx): where the field reports it when it has a report, else at the
// process's place (local, yaw). Marks it drawn; a truck off plan gets a line to that place.
void truck(Ctx& c, ShipmentIndex idx, glm::vec2 local, float yaw, uint32_t flags = 0, const MeshKind* mesh = nullptr) {
  if (c.drawn.contains(idx)) c.drawn[idx] = 1;
  const Shipment& sh = c.s.shipments[idx];
  DrawnVehicle v{DrawnVehicle::Kind::Truck};
  v.index = idx.value;
  v.id = sh.id.value;
  v.plate = sh.plate;
  v.container = sh.container;
  v.colour = shipment_colour(sh);
  v.local = local;
  v.yaw_rad = yaw;
  if (sh.field.reported()) {
    flags = follow_field(c, sh.field, v).stale ? engine::kInstanceDim : 0u;
    local = v.local;
    yaw = v.yaw_rad;
    v.off_plan_m = sh.field.off_plan_m;
    if (sh.field.off_plan_m > 0) {
      const ExpectedPlace place = expected_place(c.spec, c.s, sh);
      if (place.known()) c.out.ribbons.push_back({ribbon_points(c, {local, place.anchor}, 0.3f), 0.5f, palette::kOffPlan, false});
      if (c.opt.labels && sh.field.off_plan_alerted)
        c.out.labels.push_back({c.w(local, 6), ui::trf("%s off plan: %s", to_string(sh.id).c_str(), place.what().c_str()), palette::kLabelAlert, 0});
    }
  }
  c.put(mesh ? *mesh : sh.reefer ? MeshKind::Reefer : MeshKind::Truck, local, yaw, v.colour,
        PickTarget::of_shipment(static_cast<uint8_t>(c.site), idx), flags);
  record(c, std::move(v));
}

glm::vec2 lane_entry(const Ctx& c, size_t l, float* yaw) {
  Placement p = WorldLayout::along(c.spec.lanes[l].polyline, 0, c.lane_reversed(l));
  *yaw = p.yaw_rad;
  return p.local;
}

// Where the trucks of a direction wait for a lane when none is usable.
glm::vec2 staging(const Ctx& c, Direction d) { return d == Direction::Export ? glm::vec2(330, 40) : glm::vec2(820, -40); }

// Columns of a queue as the scene lays it out: long queues (a harvest-season backlog) spread
// wider so they stay near the gate.
int queue_columns(size_t n) { return std::clamp(static_cast<int>(std::ceil(std::sqrt(n / 3.0))), 8, 40); }

// The head spot of a checkpoint's queue (where a truck leaves it for a server).
glm::vec2 checkpoint_queue_head(const Ctx& c, size_t k) {
  const StationRoads& st = c.roads.station(k);
  return st.head - st.dir * 20.0f;
}

// The head spot of a lane's queue.
glm::vec2 lane_queue_head(const Ctx& c, size_t l) {
  float yaw = 0;
  const glm::vec2 entry = lane_entry(c, l, &yaw);
  return WorldLayout::queue_spot(entry, {std::cos(yaw), std::sin(yaw)}, 0, queue_columns(c.s.lanes[l].queue.size()));
}

// [SECTION] motion ------------------------------------------------------------------------
// A truck whose process place changed drives from its last place to the new one along the
// site's roads (site_roads.h) at the site's truck speed, from the moment of the change: a
// function of the state and the moment drawn only, so a replay or a seek shows the same.
// The place it left is read from its phase history: the last phase change before the
// current one's moment (changes at the same moment are passed through).

constexpr float kLongestRouteM = 3000;  // no route in a site is longer: older changes are not looked at

// The server of checkpoint k a truck left at time t: the one whose truck now began its
// service at t (the next in the queue takes the server in the same step); else the middle one.
glm::vec2 server_left_at(const Ctx& c, size_t k, SimTime t) {
  const CheckpointSpec& cp = c.spec.checkpoints[k];
  const auto& servers = c.s.checkpoints[k].servers;
  for (size_t srv = 0; srv < servers.size() && srv < cp.positions.size(); ++srv) {
    const ShipmentIndex other = servers[srv].shipment;
    if (other == kNone) continue;
    const auto& h = c.s.shipments[other].history;
    if (!h.empty() && h.back().phase == Phase::AtCheckpoint && h.back().where == k && h.back().time_ms == t) return cp.positions[srv];
  }
  return cp.positions[cp.positions.size() / 2];
}

glm::vec2 yard_edge_centre(const YardSpec& y) {
  const float near = std::abs(y.min.y) < std::abs(y.max.y) ? y.min.y : y.max.y;
  return {(y.min.x + y.max.x) / 2, near};
}

enum class Arrival { None, FromWest, FromPartnerSide, Way };

// The way out (to the trunk, site_roads.h) of the place a truck was at before history entry
// `last` (and the entries at the same moment before it), into c.way_a.
Arrival origin_way(Ctx& c, const Shipment& sh, size_t last) {
  const auto& h = sh.history;
  const SimTime t = h[last].time_ms;
  size_t i = last;
  while (i > 0 && h[i - 1].time_ms == t) --i;
  c.way_a.clear();
  if (i == 0) return sh.direction == Direction::Export ? Arrival::FromWest : Arrival::FromPartnerSide;
  const PhaseChange& pc = h[i - 1];
  switch (pc.phase) {
    case Phase::Declared:
      return sh.direction == Direction::Export ? Arrival::FromWest : Arrival::FromPartnerSide;
    case Phase::QueuedCheckpoint:
      if (pc.where >= c.spec.checkpoints.size()) return Arrival::None;
      c.roads.way_of_spot(checkpoint_queue_head(c, pc.where), c.way_a);
      return Arrival::Way;
    case Phase::AtCheckpoint:
      if (pc.where >= c.spec.checkpoints.size()) return Arrival::None;
      c.roads.way_out_of_server(pc.where, server_left_at(c, pc.where, t), c.way_a);
      return Arrival::Way;
    case Phase::WaitingPartnerData:
      if (c.spec.checkpoints.empty()) return Arrival::None;
      c.roads.way_of_spot(checkpoint_queue_head(c, 0), c.way_a);
      return Arrival::Way;
    case Phase::QueuedLane:
      c.roads.way_of_spot(sh.lane < c.spec.lanes.size() ? lane_queue_head(c, sh.lane) : staging(c, sh.direction), c.way_a);
      return Arrival::Way;
    case Phase::OnLane:
      if (pc.where >= c.spec.lanes.size()) return Arrival::None;
      c.roads.way_of_spot(WorldLayout::along(c.spec.lanes[pc.where].polyline, 1, c.lane_reversed(pc.where)).local, c.way_a);
      return Arrival::Way;
    case Phase::QueuedYardSlot: {
      const int y = c.spec.yard_index(YardKind::Transfer);
      if (y < 0) return Arrival::None;
      c.roads.way_of_spot(yard_edge_centre(c.spec.yards[y]), c.way_a);
      return Arrival::Way;
    }
    case Phase::Transferring:
    case Phase::InYard: {
      if (pc.where >= c.spec.yards.size()) return Arrival::None;
      const YardSpec& y = c.spec.yards[pc.where];
      c.roads.way_of_spot(sh.yard == pc.where && sh.slot != kNone16 ? WorldLayout::yard_slot(y, sh.slot) : yard_edge_centre(y), c.way_a);
      return Arrival::Way;
    }
    case Phase::OnGuideVehicle:
      c.roads.way_of_spot(c.spec.fleet.depot + glm::vec2(5.0f * pc.where, 0), c.way_a);
      return Arrival::Way;
    case Phase::Diverted: {
      const int y = c.spec.yard_index(YardKind::Parking);
      if (y < 0) return Arrival::None;
      c.roads.way_of_spot(yard_edge_centre(c.spec.yards[y]), c.way_a);
      return Arrival::Way;
    }
    default:
      return Arrival::None;
  }
}

enum class Dest { Spot, Server, Outside };

// The route into c.path from where a truck was before history entry `last` to `to` (a spot
// off the roads, a server of checkpoint k, or a point outside the site); false when it came
// from nowhere in the site.
bool route_to(Ctx& c, const Shipment& sh, size_t last, glm::vec2 to, Dest dest, size_t k = 0) {
  c.path.clear();
  const Arrival from = origin_way(c, sh, last);
  if (from == Arrival::None) return false;
  if (from == Arrival::FromPartnerSide) {  // along the lanes from the partner's side
    const glm::vec2 at = dest == Dest::Server ? checkpoint_queue_head(c, k) : to;
    c.path.push_back(at + glm::vec2(150, 0));
    c.path.push_back(at);
  } else {
    const glm::vec2 first_stop = dest == Dest::Server ? checkpoint_queue_head(c, k) : to;
    if (from == Arrival::FromWest) c.way_a.assign(1, glm::vec2(std::min(first_stop.x, SiteRoads::kWestX) - SiteRoads::kOutsideM, SiteRoads::kTrunkY));
    if (glm::length(c.way_a.front() - first_stop) < 1.0f) {
      c.path.push_back(first_stop);  // from this very place (a queue's head to its server)
    } else {
      c.way_b.clear();
      if (dest == Dest::Outside) c.way_b.push_back(to);
      else c.roads.way_of_spot(first_stop, c.way_b);
      SiteRoads::join(c.way_a, c.way_b, c.path);
    }
  }
  if (dest == Dest::Server) c.roads.way_from_queue_to_server(k, c.path.back(), to, c.path);
  return true;
}

// Where a truck is on its way to `to` at the moment drawn; nullopt when it is there (or is
// placed by the field, or nothing moves: stale data).
std::optional<Placement> on_the_way(Ctx& c, ShipmentIndex idx, glm::vec2 to, Dest dest, size_t k = 0) {
  const Shipment& sh = c.s.shipments[idx];
  if (!c.opt.motion || sh.field.reported() || sh.history.empty()) return std::nullopt;
  const double speed = std::max(0.1, c.spec.timing.truck_speed_mps);
  const double driven_m = (c.display() - sh.history.back().time_ms) / 1000.0 * speed;
  if (driven_m >= kLongestRouteM || driven_m < 0) return std::nullopt;
  if (!route_to(c, sh, sh.history.size() - 1, to, dest, k)) return std::nullopt;
  if (driven_m >= polyline_length(c.path)) return std::nullopt;
  Placement p;
  p.local = point_along(c.path, static_cast<float>(driven_m), &p.yaw_rad);
  c.out.moving_vehicles++;
  return p;
}

void shipments(Ctx& c) {
  const double handover_s = c.spec.timing.handover.mean();
  // A queue of trucks facing dir from head; each truck that has just joined it drives there.
  auto draw_queue = [&](const std::deque<ShipmentIndex>& q, glm::vec2 head, glm::vec2 dir) {
    const int columns = queue_columns(q.size());
    for (size_t i = 0; i < q.size(); ++i) {
      // A container queued for inspection while it waits in its transfer-yard slot is in the
      // slot: drawn there below, not a second time here.
      if (c.s.shipments[q[i]].yard != kNone16) continue;
      const glm::vec2 spot = WorldLayout::queue_spot(head, dir, i, columns);
      if (auto p = on_the_way(c, q[i], spot, Dest::Spot)) truck(c, q[i], p->local, p->yaw_rad);
      else truck(c, q[i], spot, std::atan2(dir.y, dir.x), c.opt.motion ? 0u : engine::kInstanceDim);
    }
  };
  for (size_t k = 0; k < c.spec.checkpoints.size(); ++k) {
    const CheckpointSpec& cp = c.spec.checkpoints[k];
    const StationRoads& st = c.roads.station(k);
    draw_queue(c.s.checkpoints[k].queue, st.head, st.dir);
    for (size_t srv = 0; srv < c.s.checkpoints[k].servers.size() && srv < cp.positions.size(); ++srv) {
      const ShipmentIndex idx = c.s.checkpoints[k].servers[srv].shipment;
      if (idx == kNone) continue;
      if (auto p = on_the_way(c, idx, cp.positions[srv], Dest::Server, k)) truck(c, idx, p->local, p->yaw_rad);
      else truck(c, idx, cp.positions[srv], 0);
    }
  }
  for (size_t l = 0; l < c.spec.lanes.size(); ++l) {
    float yaw = 0;
    glm::vec2 entry = lane_entry(c, l, &yaw);
    draw_queue(c.s.lanes[l].queue, entry, {std::cos(yaw), std::sin(yaw)});
    const ShipmentIndex idx = c.s.lanes[l].on_lane;
    if (idx == kNone) continue;
    // Crossing: from the head of the lane's queue (or, when it went straight onto the lane,
    // from its last place) along the lane, over the hand-over and the drive.
    const LaneSpec& lane = c.spec.lanes[l];
    const Shipment& sh = c.s.shipments[idx];
    const bool rev = c.lane_reversed(l);
    c.path.clear();
    const glm::vec2 head = lane_queue_head(c, l);
    const auto& h = sh.history;
    const bool straight_on = c.opt.motion && h.size() >= 2 && h[h.size() - 2].phase == Phase::QueuedLane &&
                             h[h.size() - 2].time_ms == h.back().time_ms;
    if (!straight_on || !route_to(c, sh, h.size() - 2, head, Dest::Spot)) c.path.assign(1, head);
    if (rev) for (auto it = lane.polyline.rbegin(); it != lane.polyline.rend(); ++it) c.path.push_back(*it);
    else c.path.insert(c.path.end(), lane.polyline.begin(), lane.polyline.end());
    const float len = polyline_length(c.path);
    const double expected_s = handover_s + len / c.spec.timing.truck_speed_mps;
    const float t = c.progress(c.s.lanes[l].busy_since_ms, expected_s);
    Placement p;
    p.local = point_along(c.path, t * len, &p.yaw_rad);
    if (c.opt.motion && t > 0 && t < 1 && !sh.field.reported()) c.out.moving_vehicles++;
    truck(c, idx, p.local, p.yaw_rad, c.opt.motion ? 0u : engine::kInstanceDim);
  }
  for (int d = 0; d < 2; ++d) draw_queue(c.s.lane_waiting[d], staging(c, static_cast<Direction>(d)), {d == 0 ? 1.0f : -1.0f, 0});
  // Containers in yard slots: transfer, inspection bays, the holding area.
  for (size_t y = 0; y < c.spec.yards.size(); ++y)
    for (size_t slot = 0; slot < c.s.yards[y].slot.size(); ++slot) {
      const ShipmentIndex idx = c.s.yards[y].slot[slot];
      if (idx == kNone) continue;
      const Shipment& sh = c.s.shipments[idx];
      if (sh.phase == Phase::AtCheckpoint || sh.phase == Phase::OnGuideVehicle) continue;  // drawn where it is
      const MeshKind mesh = c.spec.yards[y].kind == YardKind::Transfer ? MeshKind::Reefer : MeshKind::Truck;
      const glm::vec2 at = WorldLayout::yard_slot(c.spec.yards[y], slot);
      if (auto p = on_the_way(c, idx, at, Dest::Spot)) truck(c, idx, p->local, p->yaw_rad, 0, &mesh);
      else truck(c, idx, at, kPi / 2, 0, &mesh);
    }
  // Import containers waiting on the partner side, at the far end of the unmanned lanes.
  for (size_t l = 0; l < c.spec.lanes.size(); ++l) {
    if (c.spec.lanes[l].kind != LaneKind::Unmanned || c.s.lanes[l].direction != Direction::Import) continue;
    float yaw = 0;
    glm::vec2 entry = lane_entry(c, l, &yaw);
    draw_queue(c.s.import_partner_waiting, entry, {std::cos(yaw), std::sin(yaw)});
    break;
  }
  // Trucks the process places nowhere in the site (declared, crossed, done, diverted) but
  // the field still reports: drawn where reported while the report is recent. Trucks that
  // have just left their last place in the site drive out of it: an export truck on from
  // its lane's far end, an import one released and a diverted one west off the trunk.
  const SimTime shown = c.display();
  for (ShipmentIndex idx : c.s.shipments.indices()) {
    if (c.drawn[idx]) continue;
    const Shipment& sh = c.s.shipments[idx];
    if (sh.field.reported()) {
      if (sh.phase == Phase::OnGuideVehicle || shown - sh.field.at_ms > kUndeclaredForgetMs) continue;
      truck(c, idx, sh.field.position, sh.field.heading_rad);
      continue;
    }
    const bool leaving = sh.phase == Phase::AwaitingReceipt || sh.phase == Phase::Cleared || sh.phase == Phase::Left;
    if (!leaving || !c.opt.motion || sh.history.size() < 2) continue;
    const PhaseChange& last = sh.history.back();
    const double driven_m = (shown - last.time_ms) / 1000.0 * c.spec.timing.truck_speed_mps;
    if (driven_m < 0 || driven_m >= kLongestRouteM) continue;
    const PhaseChange& before = sh.history[sh.history.size() - 2];
    std::optional<Placement> p;
    if (sh.direction == Direction::Export && before.phase == Phase::OnLane && before.where < c.spec.lanes.size()) {
      const Placement end = WorldLayout::along(c.spec.lanes[before.where].polyline, 1, c.lane_reversed(before.where));
      const glm::vec2 f(std::cos(end.yaw_rad), std::sin(end.yaw_rad));
      c.path.assign({end.local, end.local + f * 150.0f});
      if (driven_m < 150) {
        p = Placement{};
        p->local = point_along(c.path, static_cast<float>(driven_m), &p->yaw_rad);
        c.out.moving_vehicles++;
      }
    } else if (sh.phase != Phase::AwaitingReceipt && before.phase != Phase::OnGuideVehicle) {
      const glm::vec2 out(SiteRoads::kWestX - SiteRoads::kOutsideM, SiteRoads::kTrunkY);
      p = on_the_way(c, idx, out, Dest::Outside);
    }
    if (p) truck(c, idx, p->local, p->yaw_rad);
  }
}

void undeclared_vehicles(Ctx& c) {
  for (uint32_t i = 0; i < c.s.undeclared.size(); ++i) {
    const FieldVehicle& fv = c.s.undeclared[i];
    DrawnVehicle v{DrawnVehicle::Kind::Undeclared};
    v.index = i;
    v.id = fv.id.value;
    v.plate = fv.plate;
    v.container = fv.container;
    v.name = fv.name;
    v.colour = palette::kUndeclared;
    const bool stale = follow_field(c, fv.track, v).stale;
    c.put(MeshKind::Truck, v.local, v.yaw_rad, v.colour, {PickKind::FieldVehicle, static_cast<uint8_t>(c.site), i, 0},
          stale ? engine::kInstanceDim : engine::kInstanceHighlight);
    if (c.opt.labels) c.out.labels.push_back({c.w(v.local, 6), ui::trf("undeclared %s", fv.name.c_str()), palette::kLabelAlert, 0});
    record(c, std::move(v));
  }
}

// Where a guide vehicle waits off its lanes: at the depot (home) or on the partner's side at
// the far end of the unmanned import lane, side by side.
glm::vec2 guide_home(const Ctx& c, size_t v) { return c.spec.fleet.depot + glm::vec2(static_cast<float>(v) * 5.0f, 0); }
glm::vec2 guide_away(const Ctx& c, size_t v) {
  for (size_t l = 0; l < c.spec.lanes.size(); ++l)
    if (c.spec.lanes[l].kind == LaneKind::Unmanned && c.spec.lanes[l].direction == Direction::Import)
      return WorldLayout::along(c.spec.lanes[l].polyline, 0, false).local + glm::vec2(0, static_cast<float>(v) * 5.0f);
  return guide_home(c, v);
}

// The points of a polyline from distance d0 to d1 along it (reversed when asked), appended.
void polyline_part(const std::vector<glm::vec2>& line, bool reversed, float d0, float d1, std::vector<glm::vec2>& out) {
  const size_t n = line.size();
  auto at = [&](size_t i) { return reversed ? line[n - 1 - i] : line[i]; };
  float walked = 0;
  out.push_back(point_along(reversed ? std::vector<glm::vec2>(line.rbegin(), line.rend()) : line, d0, nullptr));
  for (size_t i = 1; i < n; ++i) {
    walked += glm::length(at(i) - at(i - 1));
    if (walked > d0 && walked < d1) out.push_back(at(i));
  }
  out.push_back(point_along(reversed ? std::vector<glm::vec2>(line.rbegin(), line.rend()) : line, d1, nullptr));
}

void guide_vehicles(Ctx& c) {
  const FleetSpec& fleet = c.spec.fleet;
  for (size_t v = 0; v < c.s.fleet.size(); ++v) {
    const GuideVehicle& g = c.s.fleet[v];
    glm::vec2 at = g.at_home ? guide_home(c, v) : guide_away(c, v);
    float yaw = 0;
    if (g.lane != kNone16 && g.segment >= 0) {
      // Block section by block section along the lane; onto it from where the vehicle waits
      // (first section) and off it to where it will wait (last section): no jumps.
      const LaneSpec& lane = c.spec.lanes[g.lane];
      const bool rev = c.lane_reversed(g.lane);
      const float len = polyline_length(lane.polyline), segs = static_cast<float>(std::max(1, lane.segments));
      c.path.clear();
      if (g.segment == 0) c.path.push_back(g.at_home ? guide_home(c, v) : guide_away(c, v));
      polyline_part(lane.polyline, rev, len * g.segment / segs, len * (g.segment + 1) / segs, c.path);
      if (g.segment + 1 >= lane.segments) c.path.push_back(g.at_home ? guide_away(c, v) : guide_home(c, v));
      const float path_m = polyline_length(c.path);
      const float within = g.phase == GuidePhase::Travelling && !g.failed ? c.progress(g.phase_since_ms, path_m / fleet.speed_mps) : 1.0f;
      if (c.opt.motion && within > 0 && within < 1 && !g.field.reported()) c.out.moving_vehicles++;
      at = point_along(c.path, within * path_m, &yaw);
    }
    const uint32_t colour = g.failed ? palette::kFailed : palette::kGuideVehicle;
    uint32_t flags = g.failed ? engine::kInstanceHighlight : (g.phase == GuidePhase::Idle ? engine::kInstanceDim : 0u);
    if (!c.opt.motion) flags |= engine::kInstanceDim;
    DrawnVehicle dv{DrawnVehicle::Kind::GuideVehicle};
    dv.index = static_cast<uint32_t>(v);
    dv.id = static_cast<uint32_t>(v);
    dv.colour = colour;
    dv.local = at;
    dv.yaw_rad = yaw;
    if (g.field.reported()) {  // the field's word wins over the process's placement
      if (follow_field(c, g.field, dv).stale) flags |= engine::kInstanceDim;
      at = dv.local;
      yaw = dv.yaw_rad;
    }
    record(c, std::move(dv));
    c.put(MeshKind::GuideVehicle, at, yaw, colour, {PickKind::GuideVehicle, static_cast<uint8_t>(c.site), static_cast<uint32_t>(v), 0}, flags);
    if (g.cargo != kNone) {  // the container rides on top
      const Shipment& sh = c.s.shipments[g.cargo];
      c.out.of(MeshKind::Reefer).push_back(Instance::at(c.w(at, 1.6f), yaw, shipment_colour(sh), engine::kNoPickId));
    }
    if (g.failed && c.opt.labels) c.out.labels.push_back({c.w(at, 6), ui::trf("guide vehicle %zu failed", v + 1), palette::kLabelAlert, 0});
  }
}

}  // namespace

void build_scene(const Core& core, const WorldLayout& layout, const SceneOptions& opt, DrawList& out) {
  out.clear();
  for (size_t i = 0; i < core.sites().size(); ++i) {
    if (!opt.show_site.empty() && (i >= opt.show_site.size() || !opt.show_site[i])) continue;
    const SiteRoads site_roads(core.sites()[i]);
    Ctx c{core, layout, opt, out, i, core.sites()[i], core.state().sites[i], site_roads, {}, {}, {}, {}};
    c.drawn = ShipmentVector<uint8_t>(c.s.shipments.size(), 0);
    roads(c);
    yards_and_border(c);
    lanes(c);
    checkpoints(c);
    shipments(c);
    undeclared_vehicles(c);
    guide_vehicles(c);
  }
  std::stable_sort(out.labels.begin(), out.labels.end(), [](const Label& a, const Label& b) { return a.priority < b.priority; });
}

}  // namespace controlroom
