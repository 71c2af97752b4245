// The core's fold: routes each event to the part of the core that owns it, then lets the
// scheduler re-plan the site in the same step. Checks the ordering contract in every
// build (twin/contract.h); counts, never crashes on, events that refer to unknown things.
#include "twin/core.h"

#include "twin/contract.h"
#include "twin/core_context.h"

#include <type_traits>

namespace twin {

using namespace detail;

Core::Core(std::vector<SiteSpec> sites, SimTime retain_done_ms) : sites_(std::move(sites)), retain_done_ms_(retain_done_ms) {
  for (SiteSpec& spec : sites_) derive(spec);
  world_.sites.resize(sites_.size());
  for (size_t i = 0; i < sites_.size(); ++i) {
    const SiteSpec& spec = sites_[i];
    SiteState& s = world_.sites[i];
    s.checkpoints.resize(spec.checkpoints.size());
    for (size_t k = 0; k < spec.checkpoints.size(); ++k) s.checkpoints[k].servers.resize(spec.checkpoints[k].servers);
    s.queue_alerted.assign(spec.checkpoints.size(), 0);
    s.lanes.resize(spec.lanes.size());
    for (size_t l = 0; l < spec.lanes.size(); ++l) {
      s.lanes[l].direction = spec.lanes[l].direction;
      s.lanes[l].segment.assign(spec.lanes[l].segments, kNone16);
    }
    s.yards.resize(spec.yards.size());
    for (size_t y = 0; y < spec.yards.size(); ++y) s.yards[y].slot.assign(spec.yards[y].slots, kNone);
    s.fleet.resize(spec.fleet.guide_vehicles);
  }
}

void Core::apply(const Event& e, Decisions& out) {
  contract::Scope scope(*this, &e);
  TWIN_REQUIRE(e.seq > world_.last_seq || world_.last_seq == 0,
               "events must arrive in seq order: event seq " + std::to_string(e.seq) + " after seq " +
                   std::to_string(world_.last_seq) + " (" + last_kind_ + ")");
  TWIN_REQUIRE(e.time_ms >= world_.now_ms,
               "events must arrive in time order: event seq " + std::to_string(e.seq) + " at " + std::to_string(e.time_ms) +
                   " ms after seq " + std::to_string(world_.last_seq) + " (" + last_kind_ + ") at " +
                   std::to_string(world_.now_ms) + " ms");
  world_.last_seq = e.seq;
  last_kind_ = event_name(e.body);
  world_.now_ms = e.time_ms;
  // Orders for later that the clock has now reached go first, in (due time, seq) order.
  while (!world_.scheduled.empty() && world_.scheduled.front().at_ms <= world_.now_ms) {
    const CommandOrder due = std::move(world_.scheduled.front());
    world_.scheduled.erase(world_.scheduled.begin());
    if (due.site >= sites_.size()) continue;
    Ctx cd{sites_[due.site], world_.sites[due.site], world_, out, due.site, e.seq};
    carry_out_due(cd, due);
    schedule(cd);
  }
  if (e.site >= sites_.size()) {
    world_.ignored_by_reason["event for an unknown site"]++;
    return;
  }
  Ctx c{sites_[e.site], world_.sites[e.site], world_, out, e.site, e.seq};
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, ClockTick>) {
          for (uint8_t i = 0; i < sites_.size(); ++i) {
            Ctx ci{sites_[i], world_.sites[i], world_, out, i, e.seq};
            on_tick(ci);
            if (retain_done_ms_ >= 0 && ci.s.counters.ticks % kRetireEveryTicks == 0)
              retire_shipments(ci, world_.now_ms - retain_done_ms_);
          }
        } else if constexpr (std::is_same_v<T, DeclarationFiled>) on_declaration(c, body);
        else if constexpr (std::is_same_v<T, PartnerDeclarationReceived>) on_partner_declaration(c, body);
        else if constexpr (std::is_same_v<T, VehicleArrived>) on_vehicle_arrived(c, body);
        else if constexpr (std::is_same_v<T, StepCompleted>) on_step_completed(c, body);
        else if constexpr (std::is_same_v<T, HandoverCompleted>) on_handover_completed(c, body);
        else if constexpr (std::is_same_v<T, PartnerReceiptConfirmed>) on_receipt_confirmed(c, body);
        else if constexpr (std::is_same_v<T, TransferCompleted>) on_transfer_completed(c, body);
        else if constexpr (std::is_same_v<T, VehicleLeft>) on_vehicle_left(c, body);
        else if constexpr (std::is_same_v<T, GuideVehicleStepCompleted>) on_guide_step_completed(c, body);
        else if constexpr (std::is_same_v<T, EquipmentStatus>) {
          if (!equipment_valid(c, body.equipment)) return c.ignore("equipment: unknown equipment");
          set_equipment(c, body.equipment, body.ok);
        } else if constexpr (std::is_same_v<T, PartnerLinkStatus>) {
          if (world_.partner_link_up == body.up) return;
          world_.partner_link_up = body.up;
          if (!body.up) {
            c.s.counters.alerts++;
            c.decide(DecisionKind::Alert, {}, 0, 0, 0, "link to partner customs down");
          }
          for (uint8_t i = 0; i < sites_.size(); ++i) {
            Ctx ci{sites_[i], world_.sites[i], world_, out, i, e.seq};
            on_partner_link(ci, body.up);
            schedule(ci);
          }
        } else if constexpr (std::is_same_v<T, ReeferPower>) {
          if (body.yard >= c.s.yards.size()) return c.ignore("reefer power: unknown yard");
          if (c.s.yards[body.yard].power_on == body.on) return;
          c.s.yards[body.yard].power_on = body.on;
          if (!body.on) {
            c.s.counters.alerts++;
            c.decide(DecisionKind::Alert, {}, body.yard, 0, 0, "reefer power lost in " + sites_[e.site].yards[body.yard].id);
          }
        } else if constexpr (std::is_same_v<T, PositionReport>) {
          on_position(c, body);
        } else if constexpr (std::is_same_v<T, OperatorCommand>) on_command(c, body);
      },
      e.body);
  schedule(c);
}

}  // namespace twin
