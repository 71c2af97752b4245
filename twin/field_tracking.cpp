// The field's word on where vehicles are, folded into the state: position reports move a
// truck's or guide vehicle's FieldTrack; a truck away from where the process expects it
// for long enough raises a plan/reality alert; a vehicle the core does not know appears
// as an undeclared vehicle with an alert; field events that contradict the core are
// counted by reason and alerted (diverge). Part of the fold: deterministic, no clock but
// the event's. Must not move a shipment through the clearance flow: the process stays the
// core's (clearance_flow.cpp).
#include "twin/core_context.h"
#include "twin/expected_place.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace twin::detail {

namespace {

void move_track(FieldTrack& t, const PositionReport& e, SimTime now) {
  if (t.reported()) {
    t.previous = t.position;
    t.previous_heading_rad = t.heading_rad;
    t.previous_ms = t.at_ms;
  }
  t.position = e.position;
  t.heading_rad = e.heading_rad;
  t.at_ms = now;
}

std::string metres(float m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f m", static_cast<double>(m));
  return buf;
}

std::string truck_name(const Shipment& sh) {
  std::string n = "truck " + to_string(sh.id);
  if (!sh.plate.empty()) n += " (" + sh.plate + ")";
  return n;
}

// The plan/reality check of one truck at its latest report.
void check_plan(Ctx& c, ShipmentIndex idx) {
  Shipment& sh = c.ship(idx);
  FieldTrack& t = sh.field;
  const ExpectedPlace place = expected_place(c.spec, c.s, sh);
  const float beyond = place.known() ? distance_to(c.spec, place, t.position) - place.tolerance_m : 0.0f;
  if (!(beyond > 0)) {  // within (or nowhere expected): the episode, if any, is over
    t.off_plan_m = 0;
    t.off_plan_since_ms = -1;
    t.off_plan_alerted = false;
    return;
  }
  t.off_plan_m = beyond + place.tolerance_m;
  if (t.off_plan_since_ms < 0) t.off_plan_since_ms = c.now();
  if (t.off_plan_alerted || c.now() - t.off_plan_since_ms < kOffPlanAfterMs) return;
  t.off_plan_alerted = true;
  c.s.counters.alerts++;
  c.s.counters.off_plan_alerts++;
  c.decide(DecisionKind::Alert, sh.id, place.index, 0, static_cast<int64_t>(t.off_plan_m),
           truck_name(sh) + " is reported in " + place_name(c.spec, t.position) + ", " + metres(t.off_plan_m) +
               " from where the process has it (" + place.what() + ")");
}

// The shipment id a truck's report names it by (if has_id): PositionReport::id holds a
// shipment id for trucks and a fleet index for guide vehicles.
ShipmentId truck_id(const PositionReport& e) { return ShipmentId{e.id}; }

FieldVehicle* find_undeclared(Ctx& c, const PositionReport& e) {
  for (FieldVehicle& v : c.s.undeclared) {
    if (e.has_id && v.has_id && v.id == truck_id(e)) return &v;
    if (!e.plate.empty() && v.plate == e.plate) return &v;
    if (!e.container.empty() && v.container == e.container) return &v;
  }
  return nullptr;
}

void sight_undeclared(Ctx& c, const PositionReport& e) {
  if (FieldVehicle* v = find_undeclared(c, e)) {
    if (v->plate.empty()) v->plate = e.plate;
    if (v->container.empty()) v->container = e.container;
    move_track(v->track, e, c.now());
    return;
  }
  if (c.s.undeclared.size() >= kMaxUndeclaredPerSite) return c.ignore("position: too many undeclared vehicles");
  FieldVehicle v;
  v.plate = e.plate;
  v.container = e.container;
  v.has_id = e.has_id;
  v.id = truck_id(e);
  v.name = !e.plate.empty() ? e.plate : !e.container.empty() ? e.container : "#" + to_string(v.id);
  v.first_seen_ms = c.now();
  move_track(v.track, e, c.now());
  c.s.counters.alerts++;
  c.s.counters.undeclared_sighted++;
  c.decide(DecisionKind::Alert, {}, 0, 0, 0,
           "undeclared vehicle " + v.name + " on " + place_name(c.spec, e.position) + ": no declaration or arrival for it");
  c.s.undeclared.push_back(std::move(v));
}

// The shipment a truck report names: by id; else by container, then plate. kNone when
// none; `conflict` when the container and the plate name two different shipments.
ShipmentIndex find_truck(const Ctx& c, const PositionReport& e, bool* conflict) {
  *conflict = false;
  if (e.has_id) {
    auto it = c.s.by_id.find(truck_id(e));
    return it == c.s.by_id.end() ? kNone : it->second;
  }
  ShipmentIndex by_container = kNone, by_plate = kNone;
  if (!e.container.empty())
    if (auto it = c.s.by_field_name.find("C:" + e.container); it != c.s.by_field_name.end()) by_container = it->second;
  if (!e.plate.empty())
    if (auto it = c.s.by_field_name.find("P:" + e.plate); it != c.s.by_field_name.end()) by_plate = it->second;
  if (by_container != kNone && by_plate != kNone && by_container != by_plate) *conflict = true;
  return by_container != kNone ? by_container : by_plate;
}

}  // namespace

void on_position(Ctx& c, const PositionReport& e) {
  if (e.entity == EntityKind::GuideVehicle) {
    if (e.id >= c.s.fleet.size()) return c.ignore("position: unknown guide vehicle");
    move_track(c.s.fleet[e.id].field, e, c.now());
    return;
  }
  bool conflict = false;
  const ShipmentIndex idx = find_truck(c, e, &conflict);
  if (conflict)
    return diverge(c, "position: plate and container name different trucks",
                   "a position names plate " + e.plate + " and container " + e.container +
                       ", which the twin has as two different trucks");
  if (idx == kNone) return sight_undeclared(c, e);
  move_track(c.ship(idx).field, e, c.now());
  check_plan(c, idx);
}

void index_field_names(Ctx& c, ShipmentIndex idx) {
  const Shipment& sh = c.ship(idx);
  // Both keys built in one string, no temporary per key (twice per vehicle, #16).
  std::string key;
  if (!sh.plate.empty()) c.s.by_field_name[key.assign("P:").append(sh.plate)] = idx;
  if (!sh.container.empty()) c.s.by_field_name[key.assign("C:").append(sh.container)] = idx;
}

void adopt_undeclared(Ctx& c, ShipmentIndex idx) {
  Shipment& sh = c.ship(idx);
  for (size_t i = 0; i < c.s.undeclared.size(); ++i) {
    const FieldVehicle& v = c.s.undeclared[i];
    if ((!v.plate.empty() && v.plate == sh.plate) || (!v.container.empty() && v.container == sh.container) ||
        (v.has_id && v.id == sh.id)) {
      if (!sh.field.reported() || v.track.at_ms > sh.field.at_ms) sh.field = v.track;
      c.s.undeclared.erase(c.s.undeclared.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void forget_quiet_undeclared(Ctx& c) {
  std::erase_if(c.s.undeclared, [&](const FieldVehicle& v) { return c.now() - v.track.at_ms > kUndeclaredForgetMs; });
}

std::string where_core_has(const Ctx& c, const Shipment& sh) {
  const ExpectedPlace place = expected_place(c.spec, c.s, sh);
  if (place.known()) return place.what();
  switch (sh.phase) {
    case Phase::Declared: return "declared, not arrived";
    case Phase::AtPartnerYard: return "at the partner yard";
    case Phase::OnGuideVehicle: return "on a guide vehicle";
    case Phase::AwaitingReceipt: return "crossed, awaiting the partner's receipt";
    case Phase::Diverted: return "diverted, leaving";
    case Phase::Cleared: return "cleared";
    case Phase::Left: return "gone";
    default: return to_string(sh.phase);
  }
}

void diverge(Ctx& c, const std::string& reason, const std::string& said) {
  c.ignore(reason);
  c.s.counters.divergences++;
  const int64_t n = ++c.s.divergence_by_reason[reason];
  // Alerted the 1st, 10th, 100th... time for each reason at a site: a field that keeps
  // contradicting the twin is one problem, not a flood.
  int64_t p = 1;
  while (p < n && p <= INT64_MAX / 10) p *= 10;
  if (p != n) return;
  c.s.counters.alerts++;
  c.decide(DecisionKind::Alert, {}, 0, 0, n,
           "field and twin disagree: " + said + (n > 1 ? " (" + std::to_string(n) + " times so far)" : ""));
}

}  // namespace twin::detail
