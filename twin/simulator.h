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
#include <variant>
#include <vector>

namespace twin {

// A scenario's changes to the simulator's inputs over time (twin/scenario.h makes them).
// Windows are [from_ms, to_ms) in gate time: they apply to vehicles that arrive at the
// gate (export) or the border (import) inside the window.
struct ArrivalWindow {          // arrivals of one goods class (or all) multiplied
  uint8_t site = 0;
  int goods = -1;               // goods class index; -1: every class
  SimTime from_ms = 0, to_ms = 0;
  double multiplier = 1;        // overlapping windows multiply
};
struct MismatchWindow {         // share of partner declarations that disagree, replaced
  uint8_t site = 0;
  SimTime from_ms = 0, to_ms = 0;
  double rate = 0;              // the last window that covers a time wins
};
struct SimOverrides {
  std::vector<ArrivalWindow> arrivals;
  std::vector<MismatchWindow> mismatch;
  bool empty() const { return arrivals.empty() && mismatch.empty(); }
};

struct SimOptions {
  uint64_t seed = 7;
  std::vector<double> vehicles_per_day;  // per site, both directions together
  SimTime tick_ms = kMinute;             // clock tick period (queue sampling)
  SimTime start_ms = 0;
  SimOverrides overrides;                // none by default: the plain profile of the site files
  // Common random numbers: arrivals draw from their own stream, and every process time
  // or outcome from a stream keyed by (site, shipment, step), so that a run with an
  // operator's commands meets the same vehicles and the same process times as one
  // without (scenario scores compare the two). Off by default: the one shared stream.
  bool common_random_numbers = false;
  // The partner's declarations travel over the link: while a PartnerLinkStatus{false}
  // that this simulator emitted is in force, they wait and arrive when it comes back.
  // Off by default (partner data arrives regardless); scenarios turn it on.
  bool partner_data_follows_link = false;
  // The first shipment id it generates. A fork of a live recording starts after the ids
  // already in the replayed state (tools/gatetwin/replay/fork_run.cpp) so they never collide.
  ShipmentId first_shipment{1};
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
  uint64_t seed() const { return options_.seed; }

 private:
  struct NextArrival { uint8_t site; Direction direction; };
  struct Tick {};
  using Item = std::variant<Event, NextArrival, Tick>;
  // The heap orders small keys; the items stay put in items_[slot] (a slot is reused once
  // its item is taken), so sifting moves 24 bytes, never an Event. (time_ms, order) is
  // unique, so the order things come out in is the one a heap of whole items gave.
  struct Pending {
    SimTime time_ms;
    uint64_t order;
    uint32_t slot;
    bool operator>(const Pending& o) const { return time_ms != o.time_ms ? time_ms > o.time_ms : order > o.order; }
  };

  void push(SimTime t, Item item);
  // Removes the earliest pending entry and frees its slot: take the item out of
  // items_[slot] before the next push, which may reuse the slot.
  Pending pop();
  // Schedules an event: built in its slot, the body moved once.
  void emit(SimTime t, uint8_t site, EventBody body);
  // A slot of items_ for a new pending item: a freed one, else a new one.
  uint32_t take_slot();
  SimTime next_arrival_after(uint8_t site, Direction d, SimTime t);
  void generate_shipment(const NextArrival& a, SimTime t);
  static SimTime sampled(Rng& r, const Distribution& d) { return seconds(r.sample(d)); }
  // Scenario overrides (SimOptions::overrides); t is the arrival process's time.
  bool has_arrival_windows(uint8_t site) const;
  double goods_multiplier(uint8_t site, size_t goods, SimTime t) const;
  double next_window_edge(uint8_t site, double t) const;
  double mismatch_rate(uint8_t site, SimTime t) const;
  // The stream a decision's draws come from (rng_ unless common_random_numbers).
  Rng& stream_for(const Decision& d);

  const std::vector<SiteSpec>& sites_;
  SimOptions options_;
  Rng rng_;
  Rng arrival_rng_;   // arrivals and declarations, with common_random_numbers
  Rng step_rng_;      // re-seeded per decision, with common_random_numbers
  bool link_up_ = true;                 // the partner link as the simulator last saw it
  std::vector<Event> partner_backlog_;  // partner data held while the link is down
  // A 4-ary min-heap on (time_ms, order): half the levels of a binary heap, and a node's
  // children share a cache line. Unique keys: the same order out as any other heap.
  std::vector<Pending> queue_;
  void heap_push(const Pending& p);
  std::vector<Item> items_;          // pending items, by Pending::slot
  std::vector<uint32_t> free_slots_; // slots of items_ taken out, to reuse
  uint64_t order_ = 0;
  uint64_t seq_ = 0;
  ShipmentId next_shipment_{1};
};

}  // namespace twin
