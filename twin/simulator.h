// The built-in simulator: a seeded source of events outside the fold. It generates
// arrivals and declarations from the site files' profiles, and answers the core's
// decisions with completion events after sampled process times. Its events are what a
// run records; replaying them needs no simulator. It never touches the core's state.
#pragma once
#include "twin/decision.h"
#include "twin/event.h"
#include "twin/rng.h"
#include "twin/site.h"

#include <cstdint>
#include <queue>
#include <variant>
#include <vector>

namespace twin {

struct SimOptions {
  uint64_t seed = 7;
  std::vector<double> vehicles_per_day;  // per site, both directions together
  SimTime tick_ms = kMinute;             // clock tick period (queue sampling)
  SimTime start_ms = 0;
};

class Simulator {
 public:
  Simulator(const std::vector<SiteSpec>& sites, SimOptions options);

  // The time of the next event, or INT64_MAX when nothing is pending.
  SimTime next_time();
  // The next event, with its sequence number assigned. Call only when next_time() is finite.
  Event next();
  // Schedules what follows from the core's decisions.
  void observe(const Decisions& decisions);
  // Schedules an event from outside (a scenario's incident, a trainee's command).
  void inject(SimTime time_ms, uint8_t site, EventBody body);

  uint64_t events_emitted() const { return seq_; }

 private:
  struct NextArrival { uint8_t site; Direction direction; };
  struct Tick {};
  using Item = std::variant<Event, NextArrival, Tick>;
  struct Pending {
    SimTime time_ms;
    uint64_t order;
    Item item;
    bool operator>(const Pending& o) const { return time_ms != o.time_ms ? time_ms > o.time_ms : order > o.order; }
  };

  void push(SimTime t, Item item);
  void emit(SimTime t, uint8_t site, EventBody body) { push(t, Event{0, t, site, std::move(body)}); }
  SimTime next_arrival_after(uint8_t site, Direction d, SimTime t);
  void generate_shipment(const NextArrival& a, SimTime t);
  SimTime sampled(const Distribution& d) { return seconds(rng_.sample(d)); }

  const std::vector<SiteSpec>& sites_;
  SimOptions options_;
  Rng rng_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
  uint64_t order_ = 0;
  uint64_t seq_ = 0;
  uint32_t next_shipment_ = 1;
};

}  // namespace twin
