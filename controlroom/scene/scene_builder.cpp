// The scene from state. See scene_builder.h. Sections: furniture (lanes, checkpoints,
// yards, border), vehicles (shipments by phase), guide vehicles.
#include "controlroom/scene/scene_builder.h"

#include <initializer_list>
#include <span>

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
  float exit_m = 0, exit_nominal_m = 0;       // the last route's way out of a server: its length, and the longest
  float approach_m = 0, approach_nominal_m = 0;  // its way from a queue's head to a server: likewise
  std::vector<float> longest_exit, longest_approach;  // per checkpoint, this frame (< 0: not yet known)
  std::vector<glm::vec2> approach_head;                // the queue's head longest_approach was found from

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

// A ribbon through site points pts at height h (its storage reused from earlier frames).
void ribbon(Ctx& c, std::span<const glm::vec2> pts, float h, float width_m, uint32_t colour, bool closed = false) {
  Ribbon& r = c.out.add_ribbon(width_m, colour, closed);
  for (glm::vec2 p : pts) r.points.push_back(c.w(p, h));
}
void ribbon(Ctx& c, std::initializer_list<glm::vec2> pts, float h, float width_m, uint32_t colour, bool closed = false) {
  ribbon(c, std::span<const glm::vec2>(pts.begin(), pts.size()), h, width_m, colour, closed);
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
    ribbon(c, lane.polyline, 0.05f, 3.4f, colour);
    // Direction arrows every 40 m, pointing the way traffic goes now.
    const bool rev = c.lane_reversed(l);
    const int arrows = std::max(1, static_cast<int>(lane.length_m / 40));
    if (st.open && !st.barrier_failed)
      for (int a = 0; a < arrows; ++a) {
        Placement p = WorldLayout::along(lane.polyline, (a + 0.5f) / arrows, rev);
        const glm::vec2 f(std::cos(p.yaw_rad), std::sin(p.yaw_rad)), side(-f.y, f.x);
        ribbon(c, {p.local - f * 1.6f + side * 1.2f, p.local + f * 0.6f, p.local - f * 1.6f - side * 1.2f}, 0.1f, 0.45f, palette::kArrow);
      }
    // The barrier at the lane's entry, and the lane signal before it on the ground: a green
    // arrow the way traffic goes, an orange one on a reversed tidal lane, a red cross when closed.
    Placement entry = WorldLayout::along(lane.polyline, 0, rev);
    const bool down = !st.open || st.barrier_failed;
    {
      const glm::vec2 f(std::cos(entry.yaw_rad), std::sin(entry.yaw_rad)), side(-f.y, f.x);
      const glm::vec2 at = entry.local - f * 9.0f;
      if (down) {
        ribbon(c, {at - f * 2.2f - side * 1.6f, at + f * 2.2f + side * 1.6f}, 0.3f, 1.0f, palette::kSignalStop);
        ribbon(c, {at - f * 2.2f + side * 1.6f, at + f * 2.2f - side * 1.6f}, 0.3f, 1.0f, palette::kSignalStop);
      } else {
        const uint32_t sc = rev ? palette::kLaneReversed : palette::kSignalGo;
        ribbon(c, {at - f * 3.0f, at + f * 1.0f}, 0.3f, 1.0f, sc);
        ribbon(c, {at + f * 0.2f + side * 1.7f, at + f * 3.0f, at + f * 0.2f - side * 1.7f}, 0.3f, 1.0f, sc);
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
  for (const RoadRibbon& r : c.roads.ribbons()) ribbon(c, r.points, r.height_m, r.width_m, palette::kRoad);
}

void yards_and_border(Ctx& c) {
  for (const YardSpec& y : c.spec.yards) {
    ribbon(c, {y.min, {y.max.x, y.min.y}, y.max, {y.min.x, y.max.y}}, 0.06f, 0.8f, palette::kYardOutline, true);
    if (c.opt.lane_labels) c.out.labels.push_back({c.w({(y.min.x + y.max.x) / 2, y.min.y - 6}, 3), ui::tr_data(y.id), palette::kLabel, 3});
  }
  ribbon(c, c.spec.border_line, 0.12f, 2.0f, palette::kBorder);
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
  // Built in place in the draw list (a frame draws thousands of trucks), site and world set
  // as record() does.
  DrawnVehicle& v = c.out.vehicles.emplace_back();
  v.kind = DrawnVehicle::Kind::Truck;
  v.index = idx.value;
  v.id = sh.id.value;
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
      if (place.known()) ribbon(c, {local, place.anchor}, 0.3f, 0.5f, palette::kOffPlan);
      if (c.opt.labels && sh.field.off_plan_alerted)
        c.out.labels.push_back({c.w(local, 6), ui::trf("%s off plan: %s", to_string(sh.id).c_str(), place.what().c_str()), palette::kLabelAlert, 0});
    }
  }
  c.put(mesh ? *mesh : sh.reefer ? MeshKind::Reefer : MeshKind::Truck, local, yaw, v.colour,
        PickTarget::of_shipment(static_cast<uint8_t>(c.site), idx), flags);
  v.site = static_cast<uint8_t>(c.site);
  v.world = c.w(v.local);
}

glm::vec2 lane_entry(const Ctx& c, size_t l, float* yaw) {
  Placement p = WorldLayout::along(c.spec.lanes[l].polyline, 0, c.lane_reversed(l));
  *yaw = p.yaw_rad;
  return p.local;
}

// Where the trucks of a direction wait for a lane when none is usable.
glm::vec2 staging(const Ctx& c, Direction d) { return d == Direction::Export ? glm::vec2(330, 40) : glm::vec2(820, -40); }
glm::vec2 staging_dir(Direction d) { return d == Direction::Export ? glm::vec2(1, 0) : glm::vec2(-1, 0); }
glm::vec2 staging_spot(const Ctx& c, Direction d, size_t n) { return WorldLayout::queue_spot(staging(c, d), staging_dir(d), n); }

// The first spot of a checkpoint's queue (where a truck leaves it for a server).
glm::vec2 checkpoint_queue_head(const Ctx& c, size_t k) {
  const StationRoads& st = c.roads.station(k);
  return WorldLayout::queue_spot(st.head, st.dir, 0);
}

// Spot n of a lane's queue; its first spot.
glm::vec2 lane_queue_spot(const Ctx& c, size_t l, size_t n) {
  float yaw = 0;
  const glm::vec2 entry = lane_entry(c, l, &yaw);
  return WorldLayout::queue_spot(entry, {std::cos(yaw), std::sin(yaw)}, n);
}
glm::vec2 lane_queue_head(const Ctx& c, size_t l) { return lane_queue_spot(c, l, 0); }

// Where a truck stood before its last move between the lanes' queues and the staging area
// (Shipment::moved_ms): its spot in a lane's queue or in the staging area.
glm::vec2 moved_from(const Ctx& c, const Shipment& sh) {
  return sh.moved_from_lane < c.spec.lanes.size() ? lane_queue_spot(c, sh.moved_from_lane, sh.moved_from_spot)
                                                  : staging_spot(c, sh.direction, sh.moved_from_spot);
}

// A crossing: from the head of the lane's queue along the lane; appended to path.
void lane_path(const Ctx& c, size_t l, std::vector<glm::vec2>& path) {
  const auto& line = c.spec.lanes[l].polyline;
  if (c.lane_reversed(l)) path.insert(path.end(), line.rbegin(), line.rend());
  else path.insert(path.end(), line.begin(), line.end());
}
double crossing_s(const Ctx& c, float path_m) { return c.spec.timing.handover.mean() + path_m / c.spec.timing.truck_speed_mps; }

// [SECTION] motion ------------------------------------------------------------------------
// A truck whose process place changed drives from its last place to the new one along the
// site's roads (site_roads.h) at the site's truck speed, from the moment of the change, or
// from when its drive to the last place ended if that is later (a truck served before it
// reached the queue drives on into the queue's head, then to the server): a function of the
// state and the moment drawn only, so a replay or a seek shows the same. The places it left
// are read from its phase history (changes at the same moment are passed through).

// A place a truck stands at, as the routes need it.
struct Place {
  enum class Kind : uint8_t { None, Spot, QueueSpot, Server, Lane, FromWest, FromPartnerSide, OutWest, OutEast } kind = Kind::None;
  glm::vec2 at{0};
  size_t k = 0;  // checkpoint (QueueSpot, Server) or lane (Lane)
};

// The server of checkpoint k a truck served from t_began left at t_left (the state keeps a
// truck's server only while it is served): the idle one whose last service began at t_began,
// else one whose truck began its service at t_left (the next in the queue takes the server in
// the same step), else the first one taken after t_left; else the middle one.
glm::vec2 server_left_at(const Ctx& c, size_t k, SimTime t_began, SimTime t_left) {
  const CheckpointSpec& cp = c.spec.checkpoints[k];
  const auto& servers = c.s.checkpoints[k].servers;
  const size_t n = std::min(servers.size(), cp.positions.size());
  for (size_t srv = 0; srv < n; ++srv)
    if (servers[srv].shipment == kNone && servers[srv].busy_since_ms == t_began) return cp.positions[srv];
  size_t best = n;
  for (size_t srv = 0; srv < n; ++srv)
    if (servers[srv].shipment != kNone && servers[srv].busy_since_ms >= t_left &&
        (best == n || servers[srv].busy_since_ms < servers[best].busy_since_ms))
      best = srv;
  return cp.positions[best < n ? best : cp.positions.size() / 2];
}

glm::vec2 yard_gate(const YardSpec& y) {
  const float near = std::abs(y.min.y) < std::abs(y.max.y) ? y.min.y : y.max.y;
  return {(y.min.x + y.max.x) / 2, near};
}

// The first history entry at the same moment as entry i.
size_t group_start(const std::vector<PhaseChange>& h, size_t i) {
  while (i > 0 && h[i - 1].time_ms == h[i].time_ms) --i;
  return i;
}

// Where the truck was while history entry j held (left at t_left). A yard slot: the one it
// holds, else the one it last left (the state keeps both), else the yard's gate.
Place place_of_entry(const Ctx& c, const Shipment& sh, size_t j, SimTime t_left) {
  using K = Place::Kind;
  const auto& h = sh.history;
  const PhaseChange& pc = h[j];
  auto slot_or_gate = [&](int y) -> Place {
    if (y < 0 || static_cast<size_t>(y) >= c.spec.yards.size()) return {};
    const YardSpec& yard = c.spec.yards[y];
    if (sh.yard == y && sh.slot != kNone16) return {K::Spot, WorldLayout::yard_slot(yard, sh.slot)};
    if (sh.left_yard == y && sh.left_slot != kNone16) return {K::Spot, WorldLayout::yard_slot(yard, sh.left_slot)};  // the slot it left
    return {K::Spot, yard_gate(yard)};
  };
  switch (pc.phase) {
    case Phase::Declared: return {sh.direction == Direction::Export ? K::FromWest : K::FromPartnerSide};
    case Phase::QueuedCheckpoint:
      if (pc.where >= c.spec.checkpoints.size()) return {};
      // Queued from a transfer-yard slot it still holds (a container brought in or waiting
      // there for inspection): it waited in the slot.
      // (An import brought by a guide vehicle keeps its transfer slot through the checks.)
      if (const size_t g = group_start(h, j);
          (sh.unmanned && sh.direction == Direction::Import && sh.crossed) ||
          (g > 0 && (h[g - 1].phase == Phase::InYard || h[g - 1].phase == Phase::Transferring || h[g - 1].phase == Phase::OnGuideVehicle)))
        return slot_or_gate(c.spec.yard_index(YardKind::Transfer));
      return {K::QueueSpot, checkpoint_queue_head(c, pc.where), pc.where};
    case Phase::AtCheckpoint:
      if (pc.where >= c.spec.checkpoints.size()) return {};
      // The server it used, while the state keeps it (its last two services), else inferred.
      for (int s = 0; s < 2; ++s)
        if (sh.served_cp[s] == pc.where && sh.served_server[s] < c.spec.checkpoints[pc.where].positions.size())
          return {K::Server, c.spec.checkpoints[pc.where].positions[sh.served_server[s]], pc.where};
      return {K::Server, server_left_at(c, pc.where, pc.time_ms, t_left), pc.where};
    case Phase::WaitingPartnerData:
      if (c.spec.checkpoints.empty()) return {};
      return {K::QueueSpot, checkpoint_queue_head(c, 0), 0};
    case Phase::QueuedLane: return {K::Spot, sh.lane < c.spec.lanes.size() ? lane_queue_head(c, sh.lane) : staging(c, sh.direction)};
    case Phase::OnLane:
      if (pc.where >= c.spec.lanes.size()) return {};
      return {K::Lane, WorldLayout::along(c.spec.lanes[pc.where].polyline, 1, c.lane_reversed(pc.where)).local, pc.where};
    case Phase::QueuedYardSlot: return slot_or_gate(c.spec.yard_index(YardKind::Transfer));
    case Phase::Transferring:
    case Phase::InYard: return slot_or_gate(pc.where);
    case Phase::OnGuideVehicle: return {K::Spot, c.spec.fleet.depot + glm::vec2(5.0f * pc.where, 0)};
    case Phase::Diverted: return slot_or_gate(c.spec.yard_index(YardKind::Parking));
    default: return {};
  }
}

// Where the truck was before history entry i (and the entries at its moment).
Place place_before(const Ctx& c, const Shipment& sh, size_t i) {
  const size_t g = group_start(sh.history, i);
  if (g == 0) return {sh.direction == Direction::Export ? Place::Kind::FromWest : Place::Kind::FromPartnerSide};
  return place_of_entry(c, sh, g - 1, sh.history[i].time_ms);
}

// A place's way to the trunk (from the place), into way.
void way_of(const Ctx& c, const Place& p, std::vector<glm::vec2>& way) {
  using K = Place::Kind;
  way.clear();
  switch (p.kind) {
    case K::Server: c.roads.way_out_of_server(p.k, p.at, way); break;
    case K::QueueSpot: c.roads.way_of_queue_spot(p.k, p.at, way); break;
    case K::OutWest:
    case K::OutEast: way.push_back(p.at); break;
    default: c.roads.way_of_spot(p.at, way); break;
  }
}

// The route from one place to another, into c.path; false when there is none.
bool route(Ctx& c, const Place& from, const Place& to) {
  using K = Place::Kind;
  c.path.clear();
  c.exit_m = c.exit_nominal_m = c.approach_m = c.approach_nominal_m = 0;
  if (from.kind == K::None || to.kind == K::None) return false;
  const Place stop = to.kind == K::Server ? Place{K::QueueSpot, checkpoint_queue_head(c, to.k), to.k} : to;
  // To a server: from the queue's head, timed as the longest way from there to a server (the
  // drives after it must not change when the state stops telling which server it was).
  auto approach = [&](glm::vec2 head) {
    const float before = polyline_length(c.path);
    c.roads.way_from_queue_to_server(to.k, head, to.at, c.path);
    c.approach_m = polyline_length(c.path) - before;
    float& longest = c.longest_approach[to.k];
    if (longest < 0 || c.approach_head[to.k] != head) {
      longest = 0;
      c.approach_head[to.k] = head;
      for (glm::vec2 server : c.spec.checkpoints[to.k].positions) {
        c.way_b.clear();
        c.roads.way_from_queue_to_server(to.k, head, server, c.way_b);
        longest = std::max(longest, polyline_length(c.way_b));
      }
    }
    c.approach_nominal_m = longest;
  };
  if (from.kind == K::QueueSpot && to.kind == K::Server && from.k == to.k) {
    approach(from.at);
    return true;
  }
  if (to.kind == K::OutEast || from.kind == K::FromPartnerSide) {  // along the lanes, beyond the trunk
    c.path.push_back(from.kind == K::FromPartnerSide ? stop.at + glm::vec2(150, 0) : from.at);
    c.path.push_back(stop.at);
  } else {
    if (from.kind == K::FromWest) c.way_a.assign(1, glm::vec2(std::min(stop.at.x, SiteRoads::kWestX) - SiteRoads::kOutsideM, SiteRoads::kTrunkY));
    else way_of(c, from, c.way_a);
    if (from.kind == K::Server) {  // which server it left the state may stop telling: see leg()
      c.exit_m = polyline_length(c.way_a);
      const auto& servers = c.spec.checkpoints[from.k].positions;
      float& longest = c.longest_exit[from.k];
      if (longest < 0) {  // timed as the longest way out: never faster than the truck's speed
        longest = 0;
        for (glm::vec2 server : servers) {
          c.way_b.clear();
          c.roads.way_out_of_server(from.k, server, c.way_b);
          longest = std::max(longest, polyline_length(c.way_b));
        }
      }
      c.exit_nominal_m = longest;
    }
    if (glm::length(c.way_a.front() - stop.at) < 1.0f) {
      c.path.push_back(stop.at);
    } else {
      way_of(c, stop, c.way_b);
      c.roads.join(c.way_a, c.way_b, c.path);
    }
  }
  if (to.kind == K::Server) approach(c.path.back());
  return true;
}

// One drive: its path in c.path; a drive onto a lane ends with the crossing (from the head of
// the lane's queue, over the hand-over and the drive, as the process times it). A drive out of
// a server is timed as if from the station's server farthest from the trunk: the state tells
// which server a truck left only until another truck takes it, and the drive's timing must not
// change then.
struct Leg {
  float drive_m = 0, total_m = 0;      // along the path: the drive, the whole (crossing included)
  float exit_m = 0, exit_nominal_m = 0, approach_m = 0, approach_nominal_m = 0;
  double drive_s = 0, total_s = 0;

  // The distance along the path after e seconds at speed v.
  double at(double e, double v) const {
    if (e >= drive_s) return drive_m + (total_m - drive_m) * (e - drive_s) / std::max(1e-9, total_s - drive_s);
    const double dn = e * v, nominal = drive_s * v;
    if (dn < exit_nominal_m) return dn * exit_m / std::max(1e-6f, exit_nominal_m);
    if (dn < nominal - approach_nominal_m) return dn - exit_nominal_m + exit_m;
    return drive_m - approach_m + (dn - (nominal - approach_nominal_m)) * approach_m / std::max(1e-6f, approach_nominal_m);
  }
};

bool leg(Ctx& c, const Place& from, const Place& to, Leg& out) {
  using K = Place::Kind;
  if (to.kind == K::None || to.kind == K::FromWest || to.kind == K::FromPartnerSide) return false;
  const double v = std::max(0.1, c.spec.timing.truck_speed_mps);
  if (!route(c, from, to.kind == K::Lane ? Place{K::Spot, lane_queue_head(c, to.k)} : to)) return false;
  out.drive_m = polyline_length(c.path);
  out.exit_m = c.exit_m;
  out.exit_nominal_m = c.exit_nominal_m;
  out.approach_m = c.approach_m;
  out.approach_nominal_m = c.approach_nominal_m;
  out.drive_s = (out.drive_m - out.exit_m + out.exit_nominal_m - out.approach_m + out.approach_nominal_m) / v;
  if (to.kind == K::Lane) lane_path(c, to.k, c.path);
  out.total_m = polyline_length(c.path);
  out.total_s = out.drive_s + (to.kind == K::Lane ? crossing_s(c, out.total_m - out.drive_m) : 0.0);
  return true;
}

constexpr SimTime kDriveWindowMs = 5 * kMinute;  // changes older than this are driven already
constexpr int kMaxLegs = 6;                        // drives that can still be under way, chained

// Where a truck is on its way to `to` at the moment drawn; nullopt when it is there (or is
// placed by the field, or nothing moves: stale data). *arrives: when it got or gets there.
// The drives of its recent changes are chained: each begins at its change or when the one
// before it ended, if later.
std::optional<Placement> on_the_way(Ctx& c, ShipmentIndex idx, const Place& to, SimTime* arrives = nullptr) {
  using K = Place::Kind;
  const Shipment& sh = c.s.shipments[idx];
  if (!c.opt.motion || sh.field.reported() || sh.history.empty()) return std::nullopt;
  const auto& h = sh.history;
  const size_t last = h.size() - 1;
  const SimTime shown = c.display();
  // A lane given to it while it waited in the staging area, or sent back there from a lane
  // that could no longer take it (no change of phase): a drive of its own, from where it
  // stood, at that moment.
  const bool moved = h[last].phase == Phase::QueuedLane && sh.moved_ms > h[last].time_ms;
  const SimTime latest = moved ? sh.moved_ms : h[last].time_ms;
  if (arrives) *arrives = latest;
  if (shown - latest >= kDriveWindowMs) return std::nullopt;
  // The changes within the window before the last one (fixed by the state: the same chain
  // from frame to frame until the next change).
  size_t groups[kMaxLegs];  // newest first
  int n = 0;
  for (size_t g = group_start(h, last);; g = group_start(h, g - 1)) {
    groups[n++] = g;
    if (n == kMaxLegs || g == 0 || latest - h[g - 1].time_ms >= kDriveWindowMs) break;
  }
  const Place arrival{sh.direction == Direction::Export ? K::FromWest : K::FromPartnerSide};
  SimTime end = 0;
  std::optional<Placement> p;
  // One drive, from `begin` or when the last one ended if later; p when it is under way.
  auto drive = [&](const Place& from, const Place& dest, SimTime begin) {
    begin = std::max(begin, end);
    Leg lg;
    if (!leg(c, from, dest, lg)) {
      end = begin;
      return false;
    }
    end = begin + static_cast<SimTime>(lg.total_s * 1000);
    if (shown >= end) return false;
    p.emplace();
    p->local = point_along(c.path, static_cast<float>(lg.at((shown - begin) / 1000.0, std::max(0.1, c.spec.timing.truck_speed_mps))), &p->yaw_rad);
    return true;
  };
  for (int i = n - 1; i >= 0; --i) {
    const size_t g = groups[i];
    const Place dest = i == 0 ? to : place_of_entry(c, sh, groups[i - 1] - 1, h[groups[i - 1]].time_ms);
    const Place from = g == 0 ? arrival : place_of_entry(c, sh, g - 1, h[g].time_ms);
    if (i == 0 && moved) {  // to where it stood, then from there to where it was moved
      const Place stood{K::Spot, moved_from(c, sh)};
      if (drive(from, stood, h[g].time_ms) || drive(stood, dest, sh.moved_ms)) break;
      continue;
    }
    if (drive(from, dest, h[g].time_ms)) break;
  }
  if (p) c.out.moving_vehicles++;
  if (arrives) *arrives = end;
  return p;
}

constexpr SimTime kMoveUpWindowMs = kMinute;  // moves up a queue older than this are driven already
constexpr int kMaxMovesUp = 16;                 // moves up that can still be under way, chained

// A queued truck's recent moves up its queue (the trucks ahead that left), newest first: when
// each came and the index it had before; walked back from its index now through the queue's
// log (state.h, QueueLeaves), so fixed by the state. Stops at its joining the queue.
int moves_up(const QueueLeaves& log, size_t i, SimTime joined, SimTime shown, SimTime* at, uint32_t* from) {
  int n = 0;
  size_t idx = i;
  for (auto it = log.recent.rbegin(); it != log.recent.rend() && n < kMaxMovesUp; ++it) {
    if (shown - it->at_ms >= kMoveUpWindowMs || it->at_ms < joined) break;
    if (it->pos > idx) continue;  // one behind it left
    if (idx + 1 >= it->size_before) break;  // it was not in the queue yet
    at[n] = it->at_ms;
    from[n++] = static_cast<uint32_t>(++idx);
  }
  return n;
}

// A harvest backlog is thousands of queued trucks whose records (twin::Shipment, several
// cache lines each) a frame reads once, in queue order, and the rasteriser's threads evict
// between frames: the reads of a truck a few places ahead are started early, so that the
// memory's latency overlaps the work on the trucks before it.
constexpr size_t kPrefetchAhead = 8;
void prefetch_queued(const Shipment& sh) {
  // The parts draw_queue() and truck() read: ids and flags, phase to channel, the field's
  // report, the queue and staging times.
  __builtin_prefetch(&sh.id);
  __builtin_prefetch(&sh.phase);
  __builtin_prefetch(&sh.field);
  __builtin_prefetch(&sh.queued_since_ms);
  __builtin_prefetch(&sh.moved_ms);
}

void shipments(Ctx& c) {
  using K = Place::Kind;
  const SimTime shown = c.display();
  const double speed = std::max(0.1, c.spec.timing.truck_speed_mps);
  // A queue of trucks facing dir from head; each truck that has just joined it drives to the
  // spot it joined at, then up the queue spot by spot as the trucks ahead leave (each move
  // begins when the truck ahead left, or when its last move ended if later).
  auto draw_queue = [&](const std::deque<ShipmentIndex>& q, const QueueLeaves& log, glm::vec2 head, glm::vec2 dir, int station) {
    const float facing = std::atan2(dir.y, dir.x);
    const bool quiet = log.recent.empty() || shown - log.recent.back().at_ms >= kMoveUpWindowMs;
    // A straight move from spot a to spot b; a move up from spot a to the one ahead.
    const auto move_ms = [&](size_t a, size_t b) {
      return static_cast<SimTime>(glm::length(WorldLayout::queue_spot(head, dir, a) - WorldLayout::queue_spot(head, dir, b)) / speed * 1000.0);
    };
    const auto step_ms = [&](size_t a) { return static_cast<SimTime>(WorldLayout::queue_step_m(a) / speed * 1000.0); };
    const SimTime row_ms = static_cast<SimTime>(WorldLayout::queue_longest_step_m() / speed * 1000.0) + 1;
    SimTime at[kMaxMovesUp];
    uint32_t from[kMaxMovesUp];
    for (size_t i = 0; i < q.size(); ++i) {
      if (i + kPrefetchAhead < q.size()) prefetch_queued(c.s.shipments[q[i + kPrefetchAhead]]);
      // A container queued for inspection while it waits in its transfer-yard slot is in the
      // slot: drawn there below, not a second time here.
      const Shipment& sh = c.s.shipments[q[i]];
      if (sh.yard != kNone16) continue;
      const glm::vec2 spot = WorldLayout::queue_spot(head, dir, i);
      const SimTime joined_ms = std::max(sh.queued_since_ms, sh.moved_ms);  // joined this queue
      const int n = quiet || !c.opt.motion || sh.field.reported() ? 0 : moves_up(log, i, joined_ms, shown, at, from);
      // It drove to the spot it joined at (the state keeps it), then moved up: the moves older
      // than the window in one (driven already, unless it arrived late), then each recent one.
      const size_t first = n ? from[n - 1] : i, joined_at = std::max<size_t>(first, sh.joined_at_spot);
      // A truck's last change is when it joined its queue: most have been there a while (and
      // their history need not be read; a harvest backlog is thousands of trucks).
      const bool recent = shown - joined_ms < kDriveWindowMs;
      SimTime end = 0, begin = 0;
      size_t leg_from = i, leg_to = i;  // the move under way, if any
      if (recent) {
        const glm::vec2 joined = WorldLayout::queue_spot(head, dir, joined_at);
        const Place to = station >= 0 ? Place{K::QueueSpot, joined, static_cast<size_t>(station)} : Place{K::Spot, joined};
        if (auto p = on_the_way(c, q[i], to, &end)) {
          truck(c, q[i], p->local, p->yaw_rad);
          continue;
        }
        // The moves older than the window, in one, once it got there (no geometry when it
        // surely got there and no recent move waits on it: a straight move is no longer than
        // the spots it passes, each no longer than a row).
        if (joined_at != first && (n > 0 || shown - end < static_cast<SimTime>(joined_at - first) * row_ms)) {
          begin = end;
          end = begin + move_ms(joined_at, first);
          if (shown < end) leg_from = joined_at, leg_to = first;
        }
      }
      for (int m = n - 1; m >= 0 && leg_from == leg_to; --m) {  // each recent move: no geometry unless under way
        begin = std::max(at[m], end);
        end = begin + step_ms(from[m]);
        if (shown < end) leg_from = from[m], leg_to = from[m] - 1;
      }
      if (leg_from != leg_to) {
        const glm::vec2 a = WorldLayout::queue_spot(head, dir, leg_from), b = WorldLayout::queue_spot(head, dir, leg_to);
        const float f = static_cast<float>(shown - begin) / static_cast<float>(std::max<SimTime>(1, end - begin));
        c.out.moving_vehicles++;
        truck(c, q[i], a + (b - a) * std::clamp(f, 0.0f, 1.0f), facing);
      } else {
        truck(c, q[i], spot, facing, c.opt.motion ? 0u : engine::kInstanceDim);
      }
    }
  };
  for (size_t k = 0; k < c.spec.checkpoints.size(); ++k) {
    const CheckpointSpec& cp = c.spec.checkpoints[k];
    const StationRoads& st = c.roads.station(k);
    draw_queue(c.s.checkpoints[k].queue, c.s.checkpoints[k].left, st.head, st.dir, static_cast<int>(k));
    for (size_t srv = 0; srv < c.s.checkpoints[k].servers.size() && srv < cp.positions.size(); ++srv) {
      const ShipmentIndex idx = c.s.checkpoints[k].servers[srv].shipment;
      if (idx == kNone) continue;
      if (auto p = on_the_way(c, idx, {K::Server, cp.positions[srv], k})) truck(c, idx, p->local, p->yaw_rad);
      else truck(c, idx, cp.positions[srv], 0);
    }
  }
  for (size_t l = 0; l < c.spec.lanes.size(); ++l) {
    float yaw = 0;
    glm::vec2 entry = lane_entry(c, l, &yaw);
    draw_queue(c.s.lanes[l].queue, c.s.lanes[l].left, entry, {std::cos(yaw), std::sin(yaw)}, -1);
    const ShipmentIndex idx = c.s.lanes[l].on_lane;
    if (idx == kNone) continue;
    // Crossing: from the head of the lane's queue along the lane, over the hand-over and the
    // drive (a truck that went straight onto the lane drives from its last place first); at the
    // far end until the process has it across.
    const LaneSpec& lane = c.spec.lanes[l];
    const Placement end = WorldLayout::along(lane.polyline, 1, c.lane_reversed(l));
    Placement p = end;
    if (auto on = on_the_way(c, idx, {K::Lane, end.local, l})) p = *on;
    else if (!c.opt.motion || c.s.shipments[idx].field.reported() || c.s.shipments[idx].history.empty()) {
      // Nothing moves (stale data): where the crossing had got to.
      c.path.assign(1, lane_queue_head(c, l));
      lane_path(c, l, c.path);
      const float len = polyline_length(c.path);
      p.local = point_along(c.path, c.progress(c.s.lanes[l].busy_since_ms, crossing_s(c, len)) * len, &p.yaw_rad);
    }
    truck(c, idx, p.local, p.yaw_rad, c.opt.motion ? 0u : engine::kInstanceDim);
  }
  for (int d = 0; d < 2; ++d) draw_queue(c.s.lane_waiting[d], c.s.lane_waiting_left[d], staging(c, static_cast<Direction>(d)), staging_dir(static_cast<Direction>(d)), -1);
  // Containers in yard slots: transfer, inspection bays, the holding area.
  for (size_t y = 0; y < c.spec.yards.size(); ++y)
    for (size_t slot = 0; slot < c.s.yards[y].slot.size(); ++slot) {
      const ShipmentIndex idx = c.s.yards[y].slot[slot];
      if (idx == kNone) continue;
      const Shipment& sh = c.s.shipments[idx];
      if (sh.phase == Phase::AtCheckpoint || sh.phase == Phase::OnGuideVehicle) continue;  // drawn where it is
      const MeshKind mesh = c.spec.yards[y].kind == YardKind::Transfer ? MeshKind::Reefer : MeshKind::Truck;
      const glm::vec2 at = WorldLayout::yard_slot(c.spec.yards[y], slot);
      if (auto p = on_the_way(c, idx, {K::Spot, at})) truck(c, idx, p->local, p->yaw_rad, 0, &mesh);
      else truck(c, idx, at, kPi / 2, 0, &mesh);
    }
  // Import containers waiting on the partner side, at the far end of the unmanned lanes.
  for (size_t l = 0; l < c.spec.lanes.size(); ++l) {
    if (c.spec.lanes[l].kind != LaneKind::Unmanned || c.s.lanes[l].direction != Direction::Import) continue;
    float yaw = 0;
    glm::vec2 entry = lane_entry(c, l, &yaw);
    draw_queue(c.s.import_partner_waiting, c.s.import_partner_left, entry, {std::cos(yaw), std::sin(yaw)}, -1);
    break;
  }
  // Trucks the process places nowhere in the site (declared, crossed, done, diverted) but
  // the field still reports: drawn where reported while the report is recent. Trucks that
  // have just left their last place in the site drive out of it: an export truck on from
  // its lane's far end, an import one released and a diverted one west off the trunk.
  for (ShipmentIndex idx : c.s.shipments.indices()) {
    // Most are long gone: their phase, report and done time are all that is read (early).
    if (const ShipmentIndex ahead{idx.value + static_cast<uint32_t>(kPrefetchAhead)}; c.s.shipments.contains(ahead)) {
      __builtin_prefetch(&c.s.shipments[ahead].phase);
      __builtin_prefetch(&c.s.shipments[ahead].field);
      __builtin_prefetch(&c.s.shipments[ahead].done_ms);
    }
    if (c.drawn[idx]) continue;
    const Shipment& sh = c.s.shipments[idx];
    if (sh.field.reported()) {
      if (sh.phase == Phase::OnGuideVehicle || shown - sh.field.at_ms > kUndeclaredForgetMs) continue;
      truck(c, idx, sh.field.position, sh.field.heading_rad);
      continue;
    }
    const bool gone = sh.phase == Phase::AwaitingReceipt || sh.phase == Phase::Cleared || sh.phase == Phase::Left;
    if (!gone || !c.opt.motion) continue;
    // Long gone (most of the day's retained shipments): its history need not be read.
    const SimTime gone_at = sh.phase == Phase::Cleared ? sh.done_ms : sh.phase == Phase::AwaitingReceipt ? sh.handed_over_ms : -1;
    if (gone_at >= 0 && shown - gone_at >= kDriveWindowMs) continue;
    if (sh.history.size() < 2) continue;
    if (shown - sh.history.back().time_ms >= kDriveWindowMs) continue;
    const Place from = place_before(c, sh, sh.history.size() - 1);
    Place to;
    if (from.kind == K::Lane && sh.direction == Direction::Export) {
      const Placement end = WorldLayout::along(c.spec.lanes[from.k].polyline, 1, c.lane_reversed(from.k));
      to = {K::OutEast, end.local + glm::vec2(std::cos(end.yaw_rad), std::sin(end.yaw_rad)) * 150.0f};
    } else if (from.kind != K::None && sh.phase != Phase::AwaitingReceipt && sh.history[sh.history.size() - 2].phase != Phase::OnGuideVehicle) {
      to = {K::OutWest, {SiteRoads::kWestX - SiteRoads::kOutsideM, SiteRoads::kTrunkY}};
    } else {
      continue;
    }
    if (auto p = on_the_way(c, idx, to)) truck(c, idx, p->local, p->yaw_rad);
  }
}

void undeclared_vehicles(Ctx& c) {
  for (uint32_t i = 0; i < c.s.undeclared.size(); ++i) {
    const FieldVehicle& fv = c.s.undeclared[i];
    DrawnVehicle v{DrawnVehicle::Kind::Undeclared};
    v.index = i;
    v.id = fv.id.value;
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

// A guide vehicle's trip (state.h, GuideTrip) as the scene drives it: from where the vehicle
// waited onto the lane (approach_m), along the lane the way it went (lane_m), off it to where it
// waits after; the path in c.path.
struct TripDrive {
  float approach_m = 0, lane_m = 0, total_m = 0;
};
TripDrive trip_path(Ctx& c, size_t v, const GuideTrip& t) {
  const LaneSpec& lane = c.spec.lanes[t.lane];
  const bool rev = (t.from_home ? Direction::Export : Direction::Import) != lane.direction;
  c.path.clear();
  c.path.push_back(t.from_home ? guide_home(c, v) : guide_away(c, v));
  if (rev) c.path.insert(c.path.end(), lane.polyline.rbegin(), lane.polyline.rend());
  else c.path.insert(c.path.end(), lane.polyline.begin(), lane.polyline.end());
  c.path.push_back(t.from_home ? guide_away(c, v) : guide_home(c, v));
  TripDrive d;
  d.approach_m = glm::length(c.path[1] - c.path[0]);
  d.lane_m = polyline_length(lane.polyline);
  d.total_m = polyline_length(c.path);
  return d;
}

// When the vehicle, driving trip t from `begin` at speed v, gets to where it waits after it
// (t has ended): never before the process has it at the lane's far end, then the way off.
SimTime trip_arrival(const TripDrive& d, const GuideTrip& t, SimTime begin, double v) {
  return std::max(begin + static_cast<SimTime>(d.total_m / v * 1000.0), t.end_ms + static_cast<SimTime>((d.total_m - d.approach_m - d.lane_m) / v * 1000.0));
}

void guide_vehicles(Ctx& c) {
  const FleetSpec& fleet = c.spec.fleet;
  const SimTime shown = c.display();
  const double v_mps = std::max(0.1, static_cast<double>(fleet.speed_mps));
  for (size_t v = 0; v < c.s.fleet.size(); ++v) {
    const GuideVehicle& g = c.s.fleet[v];
    glm::vec2 at = g.at_home ? guide_home(c, v) : guide_away(c, v);
    float yaw = 0;
    // Its trip (the current or last one) at its speed: from where it waited (once its last
    // trip's drive has got there), onto the lane, section by section but never ahead of the
    // process's section, and off to where it waits after; no jumps.
    const GuideTrip* trip = g.trip.lane < c.spec.lanes.size() && g.trip.start_ms >= 0 ? &g.trip : nullptr;
    if (trip && c.opt.motion) {
      SimTime begin = trip->start_ms;
      const GuideTrip& last = g.last_trip;
      if (last.lane < c.spec.lanes.size() && last.start_ms >= 0 && last.end_ms >= 0) {
        const TripDrive d = trip_path(c, v, last);
        const SimTime last_arrival = trip_arrival(d, last, last.start_ms, v_mps);
        if (shown < last_arrival) trip = &last, begin = last.start_ms;  // still on its way there
        else begin = std::max(begin, last_arrival);
      }
      const TripDrive d = trip_path(c, v, *trip);
      // Where the process has it along the path.
      float process_m = d.total_m;
      if (trip->end_ms >= 0) {
        process_m = d.approach_m + d.lane_m + static_cast<float>(std::max<SimTime>(0, shown - trip->end_ms) / 1000.0 * v_mps);
      } else if (g.lane == trip->lane && g.segment >= 0) {
        const float segs = static_cast<float>(std::max(1, c.spec.lanes[g.lane].segments)), section = d.lane_m / segs;
        const float within = g.phase == GuidePhase::Travelling && !g.failed ? c.progress(g.phase_since_ms, section / v_mps) : 1.0f;
        process_m = d.approach_m + section * (static_cast<float>(g.segment) + within);
      }
      const float driven = static_cast<float>(std::max<SimTime>(0, shown - begin) / 1000.0 * v_mps);
      const float along = std::clamp(std::min(driven, process_m), 0.0f, d.total_m);
      const bool on_its_way = along > 0 && along < d.total_m;
      if (on_its_way && !g.field.reported()) c.out.moving_vehicles++;
      at = point_along(c.path, along, &yaw);
      if (!on_its_way) yaw = 0;  // waiting: lined up side by side
    } else if (trip && g.lane != kNone16 && g.segment >= 0) {  // nothing moves (stale data): where the process has it
      const TripDrive d = trip_path(c, v, *trip);
      const float section = d.lane_m / static_cast<float>(std::max(1, c.spec.lanes[g.lane].segments));
      at = point_along(c.path, d.approach_m + section * static_cast<float>(g.segment + 1), &yaw);
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
    std::optional<SiteRoads> built;
    const bool kept = opt.roads && i < opt.roads->size() && &(*opt.roads)[i].spec() == &core.sites()[i];  // of this core
    const SiteRoads& site_roads = kept ? (*opt.roads)[i] : built.emplace(core.sites()[i]);
    Ctx c{core, layout, opt, out, i, core.sites()[i], core.state().sites[i], site_roads, {}, {}, {}, {}};
    c.drawn = ShipmentVector<uint8_t>(c.s.shipments.size(), 0);
    c.longest_exit.assign(c.spec.checkpoints.size(), -1.0f);
    c.longest_approach.assign(c.spec.checkpoints.size(), -1.0f);
    c.approach_head.assign(c.spec.checkpoints.size(), glm::vec2(0));
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
