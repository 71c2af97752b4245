// Vehicles move without jumps (issue 14, "trucks and guide vehicles move along those roads
// between stations"): both shipped sites at the 2030 load, seed 7, folded live from 10:00 in
// steps of 2 s of field time (x60 at 30 frames a second) with a frame built after each step.
// Every truck whose process place changes drives from where it was drawn to its new place:
// never more than the site's truck speed allows per frame (plus 3 m), on the site's roads
// (site_roads.h), never through a booth; guide vehicles likewise at their fleet's speed. At
// 250 ms frames: trucks move up their queues, trucks given a lane after waiting in the
// staging area drive there, trucks sent back from a closed lane drive from their spot in its
// queue, and a queue that grows past 192 trucks moves nobody, all at their speed. A seek (a core folded to the same moment in one
// go, as the replay does) draws every vehicle where the live one does. Pure CPU: the scene
// builder, no renderer; no sleeps.
#include "seeded_morning.h"
#include "controlroom/scene/scene_builder.h"
#include "controlroom/scene/site_roads.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

using namespace controlroom;

namespace {

constexpr twin::SimTime kStepMs = 2000;  // field time per frame: x60 at 30 fps

struct Field {
  std::vector<twin::SiteSpec> specs;
  twin::Core core;
  twin::Simulator sim;
  static std::vector<twin::SiteSpec> load() {
    auto loaded = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
    REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
    return std::get<std::vector<twin::SiteSpec>>(loaded);
  }
  static twin::SimOptions options(const std::vector<twin::SiteSpec>& sites) {
    twin::SimOptions opt;
    opt.seed = 7;
    for (const auto& s : sites) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
    return opt;
  }
  Field() : specs(load()), core(specs), sim(core.sites(), options(specs)) {}
  twin::SimTime t = 0;  // field time folded to (the core's clock is its last event's)
  void run_to(twin::SimTime to) { twin::run_until(core, sim, t = to); }
  void step() { run_to(t + kStepMs); }
};

using Key = std::tuple<int, int, uint32_t>;  // site, kind (0 truck, 1 guide vehicle), index

std::map<Key, DrawnVehicle> drawn(const twin::Core& core, const WorldLayout& layout, twin::SimTime display, bool motion) {
  SceneOptions o;
  o.display_ms = display;
  o.motion = motion;
  o.labels = false;
  DrawList dl;
  build_scene(core, layout, o, dl);
  std::map<Key, DrawnVehicle> out;
  for (const DrawnVehicle& v : dl.vehicles)
    if (v.kind != DrawnVehicle::Kind::Undeclared && !v.from_field)
      out[{v.site, v.kind == DrawnVehicle::Kind::Truck ? 0 : 1, v.index}] = v;
  return out;
}

float polyline_distance(const std::vector<glm::vec2>& line, glm::vec2 p) {
  float best = 1e9f;
  for (size_t i = 1; i < line.size(); ++i) {
    const glm::vec2 a = line[i - 1], d = line[i] - a;
    const float len2 = glm::dot(d, d);
    const float t = len2 > 0 ? std::clamp(glm::dot(p - a, d) / len2, 0.0f, 1.0f) : 0.0f;
    best = std::min(best, glm::length(a + d * t - p));
  }
  return best;
}

// On the site's roads: a road ribbon (within its half width and 1.5 m), a lane (3 m of its
// centre line), a yard's rectangle (2 m), a checkpoint's queue area; or beyond the far end of the manned lanes, on the
// partner's side (a truck that has crossed drives on out of view there; no road is drawn).
bool on_roads(const twin::SiteSpec& spec, const SiteRoads& roads, glm::vec2 p) {
  float lanes_end = -1e9f;
  for (const twin::LaneSpec& l : spec.lanes)
    if (l.kind == twin::LaneKind::Manned)
      for (glm::vec2 q : l.polyline) lanes_end = std::max(lanes_end, q.x);
  if (p.x > lanes_end && std::abs(p.y) < 20) return true;
  // A checkpoint's queue area (the queue's first rows stand on the ground by the loop, 8
  // columns 4.5 m apart): within 25 m of the middle of its first row.
  for (size_t k = 0; k < spec.checkpoints.size(); ++k) {
    const StationRoads& st = roads.station(k);
    if (glm::length(p - (st.head - st.dir * 20.0f)) <= 25.0f) return true;
  }
  for (const RoadRibbon& r : roads.ribbons())
    if (polyline_distance(r.points, p) <= r.width_m / 2 + 1.5f) return true;
  for (const twin::LaneSpec& l : spec.lanes)
    if (polyline_distance(l.polyline, p) <= 3.0f) return true;
  for (const twin::YardSpec& y : spec.yards)
    if (p.x >= y.min.x - 2 && p.x <= y.max.x + 2 && p.y >= y.min.y - 2 && p.y <= y.max.y + 2) return true;
  return false;
}

// Inside a booth (the mesh stands 6 m ahead of each server of a booth-type checkpoint: 3 m
// along x, 2.6 m across). Scanner portals are drive-through arches, canopies roofs.
bool in_booth(const twin::SiteSpec& spec, glm::vec2 p) {
  for (const twin::CheckpointSpec& cp : spec.checkpoints) {
    if (cp.kind == twin::CheckpointKind::Scanner) continue;
    for (glm::vec2 s : cp.positions)
      if (std::abs(p.x - (s.x + 6)) < 1.5f && std::abs(p.y - s.y) < 1.3f) return true;
  }
  return false;
}

size_t history_size(const twin::Core& core, const Key& k) {
  const auto& [site, kind, index] = k;
  if (kind != 0) return 0;
  const auto& s = core.state().sites[site];
  const twin::ShipmentIndex i{index};
  return s.shipments.contains(i) ? s.shipments[i].history.size() : 0;
}

// Where each queued truck stands in a queue the scene draws: (queue, index); the queue is
// numbered per site (checkpoints, lanes, the two staging areas, the partner side's).
std::map<Key, std::pair<int, size_t>> queue_places(const twin::Core& core) {
  std::map<Key, std::pair<int, size_t>> out;
  for (size_t site = 0; site < core.state().sites.size(); ++site) {
    const auto& s = core.state().sites[site];
    int q = 0;
    auto add = [&](const std::deque<twin::ShipmentIndex>& queue) {
      for (size_t i = 0; i < queue.size(); ++i) out[{static_cast<int>(site), 0, queue[i].value}] = {q, i};
      ++q;
    };
    for (const auto& cp : s.checkpoints) add(cp.queue);
    for (const auto& l : s.lanes) add(l.queue);
    add(s.lane_waiting[0]);
    add(s.lane_waiting[1]);
    add(s.import_partner_waiting);
  }
  return out;
}

// A seek (the same events folded to the same moment in one go): every vehicle is drawn where
// the live twin draws it, now and 700 ms on; returns how many were compared.
size_t same_as_seek(const Field& live, const Field& seek, const WorldLayout& layout) {
  REQUIRE(seek.core.state().last_seq == live.core.state().last_seq);
  size_t compared = 0;
  for (twin::SimTime ahead : {0, 700}) {
    const auto a = drawn(live.core, layout, live.t + ahead, true), b = drawn(seek.core, layout, live.t + ahead, true);
    REQUIRE(a.size() == b.size());
    for (const auto& [k, v] : a) {
      const auto it = b.find(k);
      REQUIRE(it != b.end());
      CHECK(glm::length(it->second.local - v.local) < 1e-4f);
      compared++;
    }
  }
  return compared;
}

// Checks that truck `index`, drawn at `was` and, step_ms later (at frame `frame`), at `now`,
// moved no more than its speed allows (plus 0.5 m); note says why it was checked. Returns
// whether it held.
bool check_truck_step(const twin::SiteSpec& spec, uint32_t index, int frame, const DrawnVehicle& was, const DrawnVehicle& now,
                      twin::SimTime step_ms, const std::string& note) {
  INFO("truck " << index << " at frame " << frame << ": from (" << was.local.x << ", " << was.local.y << ") to (" << now.local.x << ", "
       << now.local.y << ")" << note);
  const bool ok = glm::length(now.local - was.local) <= static_cast<float>(spec.timing.truck_speed_mps) * step_ms / 1000.0f + 0.5f;
  CHECK(ok);
  return ok;
}

// A supervisor's order to close (or open) lane l.
twin::OperatorCommand lane_order(uint16_t l, bool close) {
  twin::OperatorCommand cmd;
  cmd.actor = "tester";
  cmd.role = twin::Role::Supervisor;
  cmd.reason = "scene motion test";
  cmd.command.kind = close ? twin::CommandKind::CloseLane : twin::CommandKind::OpenLane;
  cmd.command.lane = l;
  return cmd;
}

// A supervisor closes the lanes 1 s after the field's time and opens them again closed_ms after it.
void close_lanes(Field& f, uint8_t site, const std::vector<uint16_t>& lanes, twin::SimTime closed_ms) {
  for (const bool close : {true, false})
    for (uint16_t l : lanes) f.sim.inject(f.t + (close ? 1000 : closed_ms), site, lane_order(l, close));
}

// Runs `frames` frames of step_ms of field time each and shows every vehicle drawn in two
// frames in a row to visit(frame, key, now, was, place_before, place_now, same_phase): its
// drawing now and in the frame before, its queue place (queue_places) before and now (null
// when it had none), and whether its history kept its length (no change of phase); then
// after_frame(frame).
template <class Visit, class AfterFrame>
void fine_frames(Field& f, const WorldLayout& layout, int frames, twin::SimTime step_ms, Visit visit, AfterFrame after_frame) {
  auto before = drawn(f.core, layout, f.t, true);
  auto places_before = queue_places(f.core);
  for (int frame = 0; frame < frames; ++frame) {
    std::map<Key, size_t> hist_before;
    for (const auto& [k, v] : before) hist_before[k] = history_size(f.core, k);
    f.run_to(f.t + step_ms);
    const auto now_drawn = drawn(f.core, layout, f.t, true);
    const auto places = queue_places(f.core);
    for (const auto& [k, v] : now_drawn) {
      const auto was = before.find(k);
      if (was == before.end()) continue;
      const auto p0 = places_before.find(k);
      const auto p1 = places.find(k);
      visit(frame, k, v, was->second, p0 == places_before.end() ? nullptr : &p0->second, p1 == places.end() ? nullptr : &p1->second,
            history_size(f.core, k) == hist_before[k]);
    }
    after_frame(frame);
    before = now_drawn;
    places_before = places;
  }
}

}  // namespace

TEST_CASE("trucks move up their queues at their speed, guide vehicles drive at theirs: frame by frame at 250 ms",
          "[app][scene][motion]") {
  // Folded in steps of 250 ms of field time with a frame after each: a truck whose place in
  // its queue moves up (the trucks ahead left) slides there at its speed, spot by spot; no
  // truck or guide vehicle moves more than its speed allows in 250 ms (plus 0.5 m).
  constexpr twin::SimTime kFineMs = 250;
  Field f;
  f.run_to(10 * twin::kHour);
  const WorldLayout layout(f.core.sites().size());
  size_t moves_up = 0, checked = 0, too_far = 0, guide_checked = 0;
  fine_frames(f, layout, 240, kFineMs, [&](int frame, const Key& k, const DrawnVehicle& v, const DrawnVehicle& was,
                                           const std::pair<int, size_t>* p0, const std::pair<int, size_t>* p1, bool same_phase) {
    const auto& [site, kind, index] = k;
    const twin::SiteSpec& spec = f.core.sites()[site];
    const float speed = kind == 0 ? static_cast<float>(spec.timing.truck_speed_mps) : static_cast<float>(spec.fleet.speed_mps);
    const float step = glm::length(v.local - was.local), bound = speed * kFineMs / 1000.0f + 0.5f;
    const bool moved_up = kind == 0 && p0 && p1 && p0->first == p1->first && p1->second < p0->second && same_phase;
    moves_up += moved_up ? 1 : 0;
    if (kind == 0 && !moved_up && !(p0 && p1 && *p0 == *p1)) return;
    // Trucks: those that stayed in their queue (moving up it or not); guide vehicles: all.
    (kind == 0 ? checked : guide_checked)++;
    INFO((kind == 0 ? "truck " : "guide vehicle ") << index << " of " << spec.id << " at frame " << frame << ": from (" << was.local.x
         << ", " << was.local.y << ") to (" << v.local.x << ", " << v.local.y << ")" << (moved_up ? ", moved up its queue" : ""));
    too_far += step <= bound ? 0 : 1;
    CHECK(step <= bound);
  }, [](int) {});
  std::printf("scene motion at 250 ms: %zu queued truck-frames checked (%zu moves up a queue), %zu guide vehicle-frames, %zu too far\n",
              checked, moves_up, guide_checked, too_far);
  CHECK(moves_up > 20);  // queues moved up: the check is not vacuous
}

TEST_CASE("trucks that waited in the staging area for a lane drive from there to the lane they are given",
          "[app][scene][motion]") {
  // A supervisor closes every export truck lane of m1088 at 10:00 for 4 minutes: the export
  // trucks that reach the lanes wait in the staging area; when the lanes reopen, each is given
  // a lane (no change of phase) and drives there from its place in the staging area: frame by
  // frame at 250 ms, never more than its speed allows (plus 0.5 m), like every truck queued at
  // the site (on its way to its queue too: out of the server it really used).
  constexpr twin::SimTime kFineMs = 250, kClosedMs = 4 * twin::kMinute;
  Field f;
  f.run_to(10 * twin::kHour);
  const uint8_t site = 0;
  const twin::SiteSpec& spec = f.core.sites()[site];
  std::vector<uint16_t> closed;
  for (uint16_t l = 0; l < spec.lanes.size(); ++l)
    if (spec.lanes[l].kind == twin::LaneKind::Manned && f.core.state().sites[site].lanes[l].direction == twin::Direction::Export) closed.push_back(l);
  REQUIRE_FALSE(closed.empty());
  close_lanes(f, site, closed, kClosedMs);
  f.run_to(f.t + kClosedMs - 2000);
  REQUIRE(!f.core.state().sites[site].lane_waiting[0].empty());  // trucks wait for a lane
  const WorldLayout layout(f.core.sites().size());
  // queue_places' number for lane_waiting[0]: after the checkpoints' and the lanes' queues.
  const int staging = static_cast<int>(spec.checkpoints.size() + spec.lanes.size());
  size_t assigned = 0, checked = 0, too_far = 0, seek_compared = 0;
  fine_frames(f, layout, 240, kFineMs, [&](int frame, const Key& k, const DrawnVehicle& v, const DrawnVehicle& was,
                                           const std::pair<int, size_t>* p0, const std::pair<int, size_t>* p1, bool same_phase) {
    const auto& [s, kind, index] = k;
    if (kind != 0 || s != site || !p0 || !p1) return;
    if (!same_phase) return;  // changes of phase: the test above
    const bool given_lane = p0->first == staging && p1->first != staging;
    assigned += given_lane ? 1 : 0;
    ++checked;
    too_far += check_truck_step(spec, index, frame, was, v, kFineMs, given_lane ? ", given a lane" : "") ? 0 : 1;
  }, [&](int frame) {
    if (frame != 16) return;  // 2 s after the lanes reopened: a seek draws the trucks given a lane where the live twin does
    Field seek;
    seek.run_to(10 * twin::kHour);
    close_lanes(seek, site, closed, kClosedMs);
    seek.run_to(f.t);
    seek_compared += same_as_seek(f, seek, layout);
  });
  CHECK(seek_compared > 0);
  std::printf("scene motion: lanes reopened: %zu trucks given a lane from the staging area, %zu queued truck-frames checked, %zu too far\n",
              assigned, checked, too_far);
  CHECK(assigned >= 2);
}

TEST_CASE("trucks sent back from lanes that can no longer take them drive from their place there",
          "[app][scene][motion]") {
  // At the 2030 load, once trucks queue on a site's manned lanes of one direction, a
  // supervisor closes the lane with the longest queue (its trucks are given the other lanes
  // at once), then 20 s later every other lane of that direction (their trucks go back to the
  // staging area). No change of phase: each truck drives from its spot in the lane's queue to
  // its new place, frame by frame at 250 ms, never more than its speed allows (plus 0.5 m);
  // a seek draws them where the live twin does.
  constexpr twin::SimTime kFineMs = 250;
  Field f;
  f.run_to(10 * twin::kHour);
  // A site and direction with trucks queued on its lanes (the busiest within the hour).
  uint8_t site = 0;
  std::vector<uint16_t> lanes;  // that direction's manned lanes, the longest queue first
  for (int tries = 0; tries < 120 && lanes.empty(); ++tries) {
    for (uint8_t s = 0; s < f.core.sites().size() && lanes.empty(); ++s)
      for (const twin::Direction d : {twin::Direction::Export, twin::Direction::Import}) {
        const auto& st = f.core.state().sites[s];
        std::vector<uint16_t> of_d;
        size_t queued = 0;
        for (uint16_t l = 0; l < st.lanes.size(); ++l)
          if (f.core.sites()[s].lanes[l].kind == twin::LaneKind::Manned && st.lanes[l].direction == d && st.lanes[l].open) {
            of_d.push_back(l);
            queued += st.lanes[l].queue.size();
          }
        if (of_d.size() < 2 || queued < 3) continue;
        std::stable_sort(of_d.begin(), of_d.end(), [&](uint16_t a, uint16_t b) { return st.lanes[a].queue.size() > st.lanes[b].queue.size(); });
        site = s;
        lanes = of_d;
        break;
      }
    if (lanes.empty()) f.run_to(f.t + 30 * twin::kSecond);
  }
  REQUIRE_FALSE(lanes.empty());
  const twin::SiteSpec& spec = f.core.sites()[site];
  const twin::SimTime start = f.t;
  std::vector<std::pair<twin::SimTime, twin::OperatorCommand>> commands{{start + 1000, lane_order(lanes[0], true)}};
  for (size_t i = 1; i < lanes.size(); ++i) commands.push_back({start + 21000, lane_order(lanes[i], true)});
  for (const auto& [at, cmd] : commands) f.sim.inject(at, site, cmd);
  const WorldLayout layout(f.core.sites().size());
  const int first_lane = static_cast<int>(spec.checkpoints.size()), staging = first_lane + static_cast<int>(spec.lanes.size());
  const auto is_lane_queue = [&](int q) { return q >= first_lane && q < staging; };
  size_t to_lane = 0, to_staging = 0, checked = 0, too_far = 0, seek_compared = 0;
  fine_frames(f, layout, 160, kFineMs, [&](int frame, const Key& k, const DrawnVehicle& v, const DrawnVehicle& was,
                                           const std::pair<int, size_t>* p0, const std::pair<int, size_t>* p1, bool same_phase) {
    const auto& [s, kind, index] = k;
    if (kind != 0 || s != site || !p0 || !p1 || !same_phase) return;
    const bool sent_back = is_lane_queue(p0->first) && p1->first != p0->first;
    to_lane += sent_back && is_lane_queue(p1->first) ? 1 : 0;
    to_staging += sent_back && !is_lane_queue(p1->first) ? 1 : 0;
    ++checked;
    too_far += check_truck_step(spec, index, frame, was, v, kFineMs, sent_back ? ", sent back from its lane" : "") ? 0 : 1;
  }, [&](int frame) {
    if (frame != 90) return;  // 1.5 s after every lane closed: a seek draws them where the live twin does
    Field seek;
    seek.run_to(start);
    for (const auto& [at, cmd] : commands) seek.sim.inject(at, site, cmd);
    seek.run_to(f.t);
    seek_compared += same_as_seek(f, seek, layout);
  });
  std::printf("scene motion: lanes closed at %s: %zu trucks sent to another lane, %zu back to the staging area, %zu truck-frames checked, %zu too far\n",
              spec.id.c_str(), to_lane, to_staging, checked, too_far);
  CHECK(to_lane >= 1);
  CHECK(to_staging >= 1);
  CHECK(seek_compared > 0);
}

TEST_CASE("a queue that grows past 192 trucks leaves every truck where it stands", "[app][scene][motion]") {
  // 400 export trucks arrive at m1119's gate-in within 40 s of 10:00: its queue grows from a
  // few to hundreds, into the wider rows behind the first 192 spots. Frame by frame at 250 ms,
  // no truck that kept its place in the queue (or moved up it) moves more than its speed
  // allows (plus 0.5 m): the queue's growth moves nobody.
  constexpr twin::SimTime kFineMs = 250;
  constexpr int kTrucks = 400;
  Field f;
  const uint8_t site = static_cast<uint8_t>(f.core.sites().size() - 1);
  const twin::SiteSpec& spec = f.core.sites()[site];
  REQUIRE(spec.id == "m1119");
  const uint16_t goods = static_cast<uint16_t>(std::max(0, spec.goods_index("fruit")));
  for (int i = 0; i < kTrucks; ++i) {
    const twin::ShipmentId id{static_cast<uint32_t>(6000000 + i)};
    const std::string plate = "QT-" + std::to_string(i), container = "QTRU" + std::to_string(2000000 + i);
    const twin::SimTime t = 10 * twin::kHour + i * 100;
    f.sim.inject(t - 20 * twin::kMinute, site, twin::DeclarationFiled{id, twin::Direction::Export, goods, true, true, plate, container});
    f.sim.inject(t - 20 * twin::kMinute, site, twin::PartnerDeclarationReceived{id, goods, plate, container});
    f.sim.inject(t, site, twin::VehicleArrived{twin::Direction::Export, plate, container});
  }
  f.run_to(10 * twin::kHour - 2000);
  const WorldLayout layout(f.core.sites().size());
  size_t checked = 0, beyond_192 = 0, too_far = 0, longest = 0;
  fine_frames(f, layout, 240, kFineMs, [&](int frame, const Key& k, const DrawnVehicle& v, const DrawnVehicle& was,
                                           const std::pair<int, size_t>* p0, const std::pair<int, size_t>* p1, bool same_phase) {
    const auto& [s, kind, index] = k;
    if (kind != 0 || s != site || !p0 || !p1 || p0->first != p1->first || p1->second > p0->second || !same_phase) return;
    ++checked;
    beyond_192 += p1->second >= 192 ? 1 : 0;
    too_far += check_truck_step(spec, index, frame, was, v, kFineMs,
                                ", at spot " + std::to_string(p1->second) + " (was " + std::to_string(p0->second) + ") of queue " + std::to_string(p1->first))
                   ? 0 : 1;
  }, [&](int) {
    for (const auto& cp : f.core.state().sites[site].checkpoints) longest = std::max(longest, cp.queue.size());
  });
  std::printf("scene motion: a queue grew to %zu trucks: %zu truck-frames checked (%zu beyond spot 192), %zu too far\n", longest,
              checked, beyond_192, too_far);
  CHECK(longest > 300);
  CHECK(beyond_192 > 1000);
}

TEST_CASE("a vehicle whose process place changes drives there along the roads: bounded steps, never through a booth",
          "[app][scene][motion]") {
  Field f;
  f.run_to(10 * twin::kHour);
  const WorldLayout layout(f.core.sites().size());
  std::vector<SiteRoads> roads;
  for (const auto& spec : f.core.sites()) roads.emplace_back(spec);

  std::map<Key, DrawnVehicle> before = drawn(f.core, layout, f.t, true);
  size_t changes = 0, drives = 0, samples = 0, off_road = 0, in_booths = 0, jumps = 0, from_slots = 0, guide_moves = 0;
  std::set<Key> driving;  // changed place and not yet arrived
  std::map<Key, glm::vec2> from;  // where each drive began
  for (int frame = 0; frame < 90; ++frame) {
    std::map<Key, size_t> hist_before;
    for (const auto& [k, v] : before) hist_before[k] = history_size(f.core, k);
    f.step();
    const twin::SimTime now = f.t;  // drawn at the field's time, as the live window does between events
    const auto now_drawn = drawn(f.core, layout, now, true);
    const auto placed = drawn(f.core, layout, now, false);  // where the process has each vehicle
    for (const auto& [k, v] : now_drawn) {
      const auto& [site, kind, index] = k;
      const twin::SiteSpec& spec = f.core.sites()[site];
      const auto was = before.find(k);
      if (was == before.end()) continue;  // came into the site (or into view) this frame
      const bool changed = kind == 0 && history_size(f.core, k) != hist_before[k];
      if (changed) {
        ++changes;
        // Setting off from a yard slot it no longer holds (counted: the case is exercised).
        const auto& sh = f.core.state().sites[site].shipments[twin::ShipmentIndex{index}];
        if (sh.left_yard != twin::kNone16 && sh.yard != sh.left_yard) {
          const twin::YardSpec& y = spec.yards[sh.left_yard];
          const glm::vec2 p = was->second.local;
          from_slots += p.x >= y.min.x && p.x <= y.max.x && p.y >= y.min.y && p.y <= y.max.y ? 1 : 0;
        }
        driving.insert(k);
        from[k] = was->second.local;
      }
      const float speed = kind == 0 ? static_cast<float>(spec.timing.truck_speed_mps) : static_cast<float>(spec.fleet.speed_mps);
      const float step = glm::length(v.local - was->second.local);
      // Where the process has it; a truck driving out of the site has no place there any more.
      const auto place = placed.find(k);
      const bool moving = place == placed.end() || glm::length(v.local - place->second.local) > 0.01f;
      if (kind == 1 && step > 0.01f) ++guide_moves;
      // The steps of a drive, from the last frame at its old place to the first at its new one.
      if (kind == 1 || driving.count(k)) {
        INFO((kind == 0 ? "truck " : "guide vehicle ") << index << " of " << spec.id << " at frame " << frame << ": from ("
             << was->second.local.x << ", " << was->second.local.y << ") to (" << v.local.x << ", " << v.local.y << ")");
        // Guide vehicles too: from where they wait onto the lane and off it at their speed.
        const float bound = speed * kStepMs / 1000.0f + 3.0f;
        // A container that left a yard slot (moved from a transfer slot to an inspection bay,
        // a diverted truck leaving the holding area) drives from that slot, like any other.
        const bool ok = step <= bound;
        jumps += ok ? 0 : 1;
        CHECK(ok);
      }
      if (kind == 0 && driving.count(k) && moving) {
        // On its way: sampled every 250 ms of the coming frame, each sample on the roads (or
        // within 25 m of where it set off or of its new place: the way into a queue's row or a
        // yard's slot), never in a booth.
        ++drives;
        for (int j = 0; j < 8; ++j) {
          const auto sub = j == 0 ? now_drawn : drawn(f.core, layout, now + j * 250, true);
          const auto it = sub.find(k);
          if (it == sub.end()) continue;
          const glm::vec2 p = it->second.local;
          ++samples;
          const bool near_ends = glm::length(p - from[k]) <= 25.0f || (place != placed.end() && glm::length(p - place->second.local) <= 25.0f);
          INFO("truck " << index << " of " << spec.id << " at (" << p.x << ", " << p.y << ")");
          const bool road = near_ends || on_roads(spec, roads[site], p), booth = in_booth(spec, p);
          off_road += road ? 0 : 1;
          in_booths += booth ? 1 : 0;
          CHECK(road);
          CHECK_FALSE(booth);
        }
      }
      if (!moving) driving.erase(k);
    }
    before = now_drawn;
  }
  std::printf("scene motion: 90 frames, %zu place changes, %zu truck-frames driving (%zu samples: %zu off the roads, %zu in a booth), "
              "%zu jumps, %zu drives from a yard slot left, guide vehicles moved %zu times\n", changes, drives, samples,
              off_road, in_booths, jumps, from_slots, guide_moves);
  CHECK(changes > 50);  // the morning is busy: the test is not vacuous
  CHECK(drives > 50);
  CHECK(guide_moves > 10);
  CHECK(from_slots >= 1);  // containers left yard slots the state no longer holds them in
}

TEST_CASE("a seek draws every vehicle where the live twin does at the same moment", "[app][scene][motion][replay]") {
  Field live;
  live.run_to(10 * twin::kHour);
  const WorldLayout layout(live.core.sites().size());
  for (int frame = 0; frame < 30; ++frame) {  // live: a frame after each step
    live.step();
    (void)drawn(live.core, layout, live.t, true);
  }
  Field seek;  // the replay's seek: the same events folded to the same moment in one go
  seek.run_to(live.t);
  REQUIRE(seek.core.state().last_seq == live.core.state().last_seq);
  size_t compared = 0, moving = 0;
  for (twin::SimTime ahead : {0, 700, 1900}) {
    const twin::SimTime t = live.t + ahead;
    const auto a = drawn(live.core, layout, t, true), b = drawn(seek.core, layout, t, true);
    const auto still = drawn(live.core, layout, t, false);
    REQUIRE(a.size() == b.size());
    for (const auto& [k, v] : a) {
      const auto it = b.find(k);
      INFO("vehicle " << std::get<2>(k) << " of site " << std::get<0>(k) << " (kind " << std::get<1>(k) << ") " << ahead << " ms ahead");
      REQUIRE(it != b.end());
      CHECK(glm::length(it->second.local - v.local) < 1e-4f);
      CHECK(std::abs(it->second.yaw_rad - v.yaw_rad) < 1e-4f);
      ++compared;
      const auto place = still.find(k);
      moving += place == still.end() || glm::length(place->second.local - v.local) > 0.01f ? 1 : 0;
    }
  }
  std::printf("scene motion: seek against live: %zu vehicle positions compared, %zu of them on their way\n", compared, moving);
  CHECK(moving > 5);  // vehicles on their way were compared, not only parked ones
}
