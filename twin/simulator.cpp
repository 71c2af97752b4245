// The built-in simulator: arrivals as a non-homogeneous Poisson process per site and
// direction (hourly profile from the site file), and process outcomes drawn from the
// site file's distributions. See simulator.h for what it must not do.
#include "twin/simulator.h"
#include "twin/contract.h"
#include "twin/identifiers.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace twin {

Simulator::Simulator(const std::vector<SiteSpec>& sites, SimOptions options)
    : sites_(sites),
      options_(std::move(options)),
      rng_(options_.seed),
      arrival_rng_(options_.seed ^ 0xA77A1A55C0FFEE11ull),
      step_rng_(0),
      next_shipment_(options_.first_shipment) {
  options_.vehicles_per_day.resize(sites_.size(), 0.0);
  for (uint8_t s = 0; s < sites_.size(); ++s)
    for (Direction d : {Direction::Export, Direction::Import}) {
      SimTime t = next_arrival_after(s, d, options_.start_ms);
      if (t != INT64_MAX) push(t, NextArrival{s, d});
    }
  if (options_.tick_ms > 0) push(options_.start_ms + options_.tick_ms, Tick{});
}

uint32_t Simulator::take_slot() {
  if (free_slots_.empty()) {
    items_.emplace_back();
    return static_cast<uint32_t>(items_.size() - 1);
  }
  const uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  return slot;
}

void Simulator::push(SimTime t, Item item) {
  const uint32_t slot = take_slot();
  items_[slot] = std::move(item);
  heap_push(Pending{t, order_++, slot});
}

void Simulator::emit(SimTime t, uint8_t site, EventBody body) {
  const uint32_t slot = take_slot();
  Event& e = items_[slot].emplace<Event>();
  e.time_ms = t;
  e.site = site;
  e.body = std::move(body);
  heap_push(Pending{t, order_++, slot});
}

void Simulator::heap_push(const Pending& p) {
  size_t i = queue_.size();
  queue_.push_back(p);
  while (i > 0) {  // sift up
    const size_t parent = (i - 1) / 4;
    if (!(queue_[parent] > p)) break;
    queue_[i] = queue_[parent];
    i = parent;
  }
  queue_[i] = p;
}

Simulator::Pending Simulator::pop() {
  const Pending p = queue_.front();
  const Pending last = queue_.back();
  queue_.pop_back();
  const size_t n = queue_.size();
  if (n > 0) {  // sift the last entry down from the root
    size_t i = 0;
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t least = first;
      for (size_t k = first + 1; k < first + 4 && k < n; ++k)
        if (queue_[least] > queue_[k]) least = k;
      if (!(last > queue_[least])) break;
      queue_[i] = queue_[least];
      i = least;
    }
    queue_[i] = last;
  }
  free_slots_.push_back(p.slot);
  return p;
}

void Simulator::inject(SimTime time_ms, uint8_t site, EventBody body) { emit(time_ms, site, std::move(body)); }

SimTime Simulator::next_time() {
  // Internal timers are resolved here so that the returned time is a real event's.
  while (!queue_.empty()) {
    const Pending& top = queue_.front();
    if (const Event* e = std::get_if<Event>(&items_[top.slot])) {
      if (!options_.partner_data_follows_link) return top.time_ms;
      if (const auto* link = std::get_if<PartnerLinkStatus>(&e->body)) {
        if (!link->up) link_up_ = false;
        if (link->up && !link_up_) {  // back: the data held over the drop arrives first, then the link event
          link_up_ = true;
          const Pending back = pop();
          Item item = std::move(items_[back.slot]);
          for (Event& held : partner_backlog_) emit(back.time_ms, held.site, std::move(held.body));
          partner_backlog_.clear();
          push(back.time_ms, std::move(item));
          continue;
        }
      } else if (!link_up_ && std::holds_alternative<PartnerDeclarationReceived>(e->body)) {
        const Pending held = pop();  // the link is down: it arrives when the link is back
        partner_backlog_.push_back(std::get<Event>(std::move(items_[held.slot])));
        continue;
      }
      return top.time_ms;
    }
    const Pending p = pop();
    if (const auto* next = std::get_if<NextArrival>(&items_[p.slot])) {
      const NextArrival a = *next;  // copied: the pushes below may reuse the slot
      generate_shipment(a, p.time_ms);
      SimTime t = next_arrival_after(a.site, a.direction, p.time_ms);
      if (t != INT64_MAX) push(t, a);
    } else {
      push(p.time_ms + options_.tick_ms, Tick{});
      emit(p.time_ms, 0, ClockTick{});
    }
  }
  return INT64_MAX;
}

Event Simulator::next() {
  SimTime t = next_time();
  TWIN_REQUIRE(t != INT64_MAX, "Simulator::next() with nothing pending (simulator seed " + std::to_string(options_.seed) + ")");
  const Pending p = pop();
  Event e = std::get<Event>(std::move(items_[p.slot]));
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
  Rng& rng = options_.common_random_numbers ? arrival_rng_ : rng_;
  double remaining = rng.exponential(1.0);
  double now = static_cast<double>(t);
  // A scenario's surge windows cut the hours further; without them this is the plain profile.
  const bool varied = has_arrival_windows(s);
  const auto& mix = d == Direction::Export ? a.export_goods_mix : a.import_goods_mix;
  double mix_sum = 0;
  for (double m : mix) mix_sum += m;
  for (int guard = 0; guard < 24 * 400; ++guard) {
    const int h = hour_of_day(static_cast<SimTime>(now));
    double rate_per_ms = per_day * a.hourly_weight[h] / weight_sum / static_cast<double>(kHour);
    double hour_end = static_cast<double>((static_cast<SimTime>(now) / kHour + 1) * kHour);
    if (varied && mix_sum > 0) {
      double factor = 0;  // the direction's rate scales by its goods mix weighted by multiplier
      for (size_t g = 0; g < mix.size(); ++g) factor += mix[g] * goods_multiplier(s, g, static_cast<SimTime>(now));
      rate_per_ms *= factor / mix_sum;
      hour_end = std::min(hour_end, next_window_edge(s, now));
    }
    if (rate_per_ms > 0 && now + remaining / rate_per_ms <= hour_end) {
      SimTime next = static_cast<SimTime>(now + remaining / rate_per_ms);
      return next > t ? next : t + 1;
    }
    if (rate_per_ms > 0) remaining -= rate_per_ms * (hour_end - now);
    now = hour_end;
  }
  return INT64_MAX;
}

// [SECTION] scenario overrides --------------------------------------------------------
// The windows are in gate time; the arrival process runs declaration_lead_s ahead of the
// gate (a declaration is generated that long before its vehicle arrives), hence the lead.

static SimTime lead_ms(const SiteSpec& spec) { return seconds(spec.declaration_lead_s); }

bool Simulator::has_arrival_windows(uint8_t site) const {
  for (const ArrivalWindow& w : options_.overrides.arrivals)
    if (w.site == site) return true;
  return false;
}

double Simulator::goods_multiplier(uint8_t site, size_t goods, SimTime t) const {
  const SimTime gate = t + lead_ms(sites_[site]);
  double m = 1;
  for (const ArrivalWindow& w : options_.overrides.arrivals)
    if (w.site == site && (w.goods < 0 || static_cast<size_t>(w.goods) == goods) && gate >= w.from_ms && gate < w.to_ms)
      m *= w.multiplier;
  return m;
}

double Simulator::next_window_edge(uint8_t site, double t) const {
  const double lead = static_cast<double>(lead_ms(sites_[site]));
  double edge = INT64_MAX;
  for (const ArrivalWindow& w : options_.overrides.arrivals) {
    if (w.site != site) continue;
    for (SimTime e : {w.from_ms, w.to_ms})
      if (static_cast<double>(e) - lead > t) edge = std::min(edge, static_cast<double>(e) - lead);
  }
  return edge;
}

double Simulator::mismatch_rate(uint8_t site, SimTime t) const {
  const SimTime gate = t + lead_ms(sites_[site]);
  double rate = sites_[site].rates.partner_declaration_mismatch;
  for (const MismatchWindow& w : options_.overrides.mismatch)
    if (w.site == site && gate >= w.from_ms && gate < w.to_ms) rate = w.rate;
  return rate;
}

// splitmix64 finaliser: spreads a key over the seed space.
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Rng& Simulator::stream_for(const Decision& d) {
  if (!options_.common_random_numbers) return rng_;
  uint64_t key = mix64(options_.seed ^ 0x5CE7A210D15EA5E5ull);
  key = mix64(key ^ (static_cast<uint64_t>(d.site) << 56) ^ d.shipment.value);
  key = mix64(key ^ (static_cast<uint64_t>(d.kind) << 32) ^ d.resource);
  step_rng_ = Rng(key);
  return step_rng_;
}

void Simulator::generate_shipment(const NextArrival& a, SimTime t) {
  const SiteSpec& spec = sites_[a.site];
  const ShipmentId id = next_shipment_;
  next_shipment_ = ShipmentId{id.value + 1};
  const auto& mix = a.direction == Direction::Export ? spec.arrivals.export_goods_mix : spec.arrivals.import_goods_mix;
  Rng& rng = options_.common_random_numbers ? arrival_rng_ : rng_;
  uint16_t goods = 0;
  if (has_arrival_windows(a.site)) {  // a surge shifts the mix towards its goods class
    std::vector<double> weighted(mix);
    for (size_t g = 0; g < weighted.size(); ++g) weighted[g] *= goods_multiplier(a.site, g, t);
    goods = static_cast<uint16_t>(rng.pick(weighted));
  } else {
    goods = static_cast<uint16_t>(rng.pick(mix));
  }
  const bool reefer = goods < spec.goods.size() && rng.chance(spec.goods[goods].reefer_share);
  // "12C-%05u" / "GXA-%05u" of id % 100000, written without snprintf (once per vehicle).
  char plate[10];
  std::memcpy(plate, a.direction == Direction::Export ? "12C-" : "GXA-", 4);
  for (uint32_t n = id.value % 100000, i = 9; i-- > 4; n /= 10) plate[i] = static_cast<char>('0' + n % 10);
  plate[9] = '\0';
  const std::string container = make_container_number("GTW", 'U', id.value % 1000000);  // valid ISO 6346
  const bool own_missing = rng.chance(spec.rates.own_declaration_missing);
  const bool partner_missing = rng.chance(spec.rates.partner_declaration_missing);
  const bool mismatch = rng.chance(options_.overrides.mismatch.empty() ? spec.rates.partner_declaration_mismatch
                                                                        : mismatch_rate(a.site, t));
  const bool eligible = rng.chance(spec.rates.unmanned_eligible);
  if (!own_missing) {
    emit(t, a.site, DeclarationFiled{id, a.direction, goods, reefer, eligible, plate, container});
    if (!partner_missing) {
      PartnerDeclarationReceived p{id, goods, plate, container};
      if (mismatch) p.container = make_container_number("GTX", 'U', id.value % 1000000);  // the partner has another container
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
        Rng& rng = stream_for(d);
        const CheckpointSpec& cp = spec.checkpoints[d.resource];
        StepCompleted done{d.shipment, cp.kind};
        const SimTime dur = sampled(rng, cp.service);
        if (cp.kind == CheckpointKind::Scanner) {
          const FlowRates& r = spec.rates;
          size_t ch = rng.pick({r.green, r.yellow, r.red});
          done.channel = static_cast<Channel>(1 + ch);
        } else if (cp.kind == CheckpointKind::Quarantine) {
          done.passed = !rng.chance(spec.rates.quarantine_fail);
        } else if (cp.kind == CheckpointKind::Inspection) {
          done.passed = !rng.chance(spec.rates.inspection_fail);
        }
        emit(t + dur, d.site, done);
        break;
      }
      case DecisionKind::HandoverStarted: {
        const double travel_s = spec.lanes[d.resource].length_m / spec.timing.truck_speed_mps;
        emit(t + sampled(stream_for(d), spec.timing.handover) + seconds(travel_s), d.site, HandoverCompleted{d.shipment});
        break;
      }
      case DecisionKind::TransferStarted:
        emit(t + sampled(stream_for(d), spec.timing.transfer), d.site, TransferCompleted{d.shipment});
        break;
      case DecisionKind::AwaitingPartner:
        emit(t + sampled(stream_for(d), spec.timing.partner_confirm), d.site, PartnerReceiptConfirmed{d.shipment});
        break;
      case DecisionKind::Diverted:
        emit(t + sampled(stream_for(d), spec.timing.divert_exit), d.site, VehicleLeft{d.shipment});
        break;
      case DecisionKind::GuideVehicleLoad:
      case DecisionKind::GuideVehicleUnload:
        emit(t + sampled(stream_for(d), spec.fleet.load), d.site, GuideVehicleStepCompleted{d.resource});
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
