// The built-in simulator: arrivals as a non-homogeneous Poisson process per site and
// direction (hourly profile from the site file), and process outcomes drawn from the
// site file's distributions. See simulator.h for what it must not do.
#include "twin/simulator.h"

#include <cassert>
#include <climits>
#include <cstdio>

namespace twin {

Simulator::Simulator(const std::vector<SiteSpec>& sites, SimOptions options)
    : sites_(sites), options_(std::move(options)), rng_(options_.seed) {
  options_.vehicles_per_day.resize(sites_.size(), 0.0);
  for (uint8_t s = 0; s < sites_.size(); ++s)
    for (Direction d : {Direction::Export, Direction::Import}) {
      SimTime t = next_arrival_after(s, d, options_.start_ms);
      if (t != INT64_MAX) push(t, NextArrival{s, d});
    }
  if (options_.tick_ms > 0) push(options_.start_ms + options_.tick_ms, Tick{});
}

void Simulator::push(SimTime t, Item item) { queue_.push(Pending{t, order_++, std::move(item)}); }

void Simulator::inject(SimTime time_ms, uint8_t site, EventBody body) { emit(time_ms, site, std::move(body)); }

SimTime Simulator::next_time() {
  // Internal timers are resolved here so that the returned time is a real event's.
  while (!queue_.empty()) {
    const Pending& top = queue_.top();
    if (std::holds_alternative<Event>(top.item)) return top.time_ms;
    Pending p = top;
    queue_.pop();
    if (auto* a = std::get_if<NextArrival>(&p.item)) {
      generate_shipment(*a, p.time_ms);
      SimTime t = next_arrival_after(a->site, a->direction, p.time_ms);
      if (t != INT64_MAX) push(t, *a);
    } else {
      push(p.time_ms + options_.tick_ms, Tick{});
      emit(p.time_ms, 0, ClockTick{});
    }
  }
  return INT64_MAX;
}

Event Simulator::next() {
  SimTime t = next_time();
  assert(t != INT64_MAX);
  (void)t;
  Pending p = queue_.top();
  queue_.pop();
  Event e = std::get<Event>(std::move(p.item));
  e.seq = ++seq_;
  return e;
}

// Exact sampling of a piecewise-constant Poisson process: one unit-exponential draw is
// spent across the hours at each hour's rate.
SimTime Simulator::next_arrival_after(uint8_t s, Direction d, SimTime t) {
  const ArrivalProfile& a = sites_[s].arrivals;
  const double share = d == Direction::Export ? a.export_share : 1.0 - a.export_share;
  double weight_sum = 0;
  for (double w : a.hourly_weight) weight_sum += w;
  const double per_day = options_.vehicles_per_day[s] * share;
  if (per_day <= 0 || weight_sum <= 0) return INT64_MAX;
  double remaining = rng_.exponential(1.0);
  double now = static_cast<double>(t);
  for (int guard = 0; guard < 24 * 400; ++guard) {
    const int h = hour_of_day(static_cast<SimTime>(now));
    const double rate_per_ms = per_day * a.hourly_weight[h] / weight_sum / static_cast<double>(kHour);
    const double hour_end = static_cast<double>((static_cast<SimTime>(now) / kHour + 1) * kHour);
    if (rate_per_ms > 0 && now + remaining / rate_per_ms <= hour_end) {
      SimTime next = static_cast<SimTime>(now + remaining / rate_per_ms);
      return next > t ? next : t + 1;
    }
    if (rate_per_ms > 0) remaining -= rate_per_ms * (hour_end - now);
    now = hour_end;
  }
  return INT64_MAX;
}

void Simulator::generate_shipment(const NextArrival& a, SimTime t) {
  const SiteSpec& spec = sites_[a.site];
  const ShipmentId id = next_shipment_++;
  const auto& mix = a.direction == Direction::Export ? spec.arrivals.export_goods_mix : spec.arrivals.import_goods_mix;
  const uint16_t goods = static_cast<uint16_t>(rng_.pick(mix));
  const bool reefer = goods < spec.goods.size() && rng_.chance(spec.goods[goods].reefer_share);
  char plate[24], container[16];
  std::snprintf(plate, sizeof plate, a.direction == Direction::Export ? "12C-%05u" : "GXA-%05u", id % 100000);
  std::snprintf(container, sizeof container, "GTWU%07u", id % 10000000);
  const bool own_missing = rng_.chance(spec.rates.own_declaration_missing);
  const bool partner_missing = rng_.chance(spec.rates.partner_declaration_missing);
  const bool mismatch = rng_.chance(spec.rates.partner_declaration_mismatch);
  const bool eligible = rng_.chance(spec.rates.unmanned_eligible);
  if (!own_missing) {
    emit(t, a.site, DeclarationFiled{id, a.direction, goods, reefer, eligible, plate, container});
    if (!partner_missing) {
      PartnerDeclarationReceived p{id, goods, plate, container};
      if (mismatch) p.container = std::string("GTWX") + (container + 4);  // the partner has another container
      emit(t + seconds(spec.partner_delay_s), a.site, std::move(p));
    }
  }
  emit(t + seconds(spec.declaration_lead_s), a.site, VehicleArrived{a.direction, plate, container});
}

void Simulator::observe(const Decisions& decisions) {
  for (const Decision& d : decisions) {
    const SiteSpec& spec = sites_[d.site];
    const SimTime t = d.time_ms;
    switch (d.kind) {
      case DecisionKind::ServiceStarted: {
        const CheckpointSpec& cp = spec.checkpoints[d.resource];
        StepCompleted done{d.shipment, cp.kind};
        const SimTime dur = sampled(cp.service);
        if (cp.kind == CheckpointKind::Scanner) {
          const FlowRates& r = spec.rates;
          size_t ch = rng_.pick({r.green, r.yellow, r.red});
          done.channel = static_cast<Channel>(1 + ch);
        } else if (cp.kind == CheckpointKind::Quarantine) {
          done.passed = !rng_.chance(spec.rates.quarantine_fail);
        } else if (cp.kind == CheckpointKind::Inspection) {
          done.passed = !rng_.chance(spec.rates.inspection_fail);
        }
        emit(t + dur, d.site, done);
        break;
      }
      case DecisionKind::HandoverStarted: {
        const double travel_s = spec.lanes[d.resource].length_m / spec.timing.truck_speed_mps;
        emit(t + sampled(spec.timing.handover) + seconds(travel_s), d.site, HandoverCompleted{d.shipment});
        break;
      }
      case DecisionKind::TransferStarted:
        emit(t + sampled(spec.timing.transfer), d.site, TransferCompleted{d.shipment});
        break;
      case DecisionKind::AwaitingPartner:
        emit(t + sampled(spec.timing.partner_confirm), d.site, PartnerReceiptConfirmed{d.shipment});
        break;
      case DecisionKind::Diverted:
        emit(t + sampled(spec.timing.divert_exit), d.site, VehicleLeft{d.shipment});
        break;
      case DecisionKind::GuideVehicleLoad:
      case DecisionKind::GuideVehicleUnload:
        emit(t + sampled(spec.fleet.load), d.site, GuideVehicleStepCompleted{d.resource});
        break;
      case DecisionKind::SegmentGranted: {
        const LaneSpec& lane = spec.lanes[d.unit];
        const double seg_s = lane.length_m / lane.segments / spec.fleet.speed_mps;
        emit(t + seconds(seg_s), d.site, GuideVehicleStepCompleted{d.resource});
        break;
      }
      default: break;
    }
  }
}

}  // namespace twin
