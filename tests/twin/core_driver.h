// Test helper: drives a twin::Core by hand, one event at a time, playing the field.
// Tests send the events a real site would send and look at the state after each.
#pragma once
#include "twin/core.h"
#include "connectors/files/site_file.h"

#include <string>
#include <vector>

namespace testing {

// The shipped site file, loaded or the test fails.
twin::SiteSpec shipped_site(const std::string& id);

// A shipment as a test names it: by number (d.ship(1)) or by the id the core has
// (d.ship(sh.id)). Tests only; the core takes twin::ShipmentId.
struct ShipmentNo {
  twin::ShipmentId id;
  ShipmentNo(uint32_t n) : id(n) {}
  ShipmentNo(twin::ShipmentId i) : id(i) {}
  operator twin::ShipmentId() const { return id; }
};

struct CoreDriver {
  explicit CoreDriver(std::vector<twin::SiteSpec> sites) : core(std::move(sites)) {}
  twin::Core core;
  uint64_t seq = 0;
  twin::SimTime now = 0;
  twin::Decisions last;        // decisions of the last event
  twin::Decisions all;         // every decision so far

  // Folds one event dt_ms after the previous one; returns its decisions.
  const twin::Decisions& send(twin::EventBody body, twin::SimTime dt_ms = 1000, uint8_t site = 0);
  const twin::Shipment& ship(ShipmentNo id, uint8_t site = 0) const;
  const twin::SiteState& site(uint8_t i = 0) const { return core.state().sites[i]; }
  int lane(const std::string& id, uint8_t site = 0) const { return core.sites()[site].lane_index(id); }
  int checkpoint(twin::CheckpointKind k, uint8_t site = 0) const { return core.sites()[site].checkpoint_index(k); }

  // Declaration + matching partner data + arrival.
  void declare_and_arrive(ShipmentNo id, twin::Direction d, const std::string& goods, bool reefer = false,
                          bool unmanned_eligible = true);
  // Sends a step completion for a shipment now being served.
  const twin::Decisions& complete(ShipmentNo id, twin::CheckpointKind k, twin::Channel ch = twin::Channel::None,
                                  bool passed = true);
  // Answers transfer / guide-vehicle decisions until none are pending (plays the fleet).
  void run_fleet(int max_steps = 10000);
  twin::OperatorCommand command(twin::CommandKind kind, twin::Role role = twin::Role::Operator,
                                std::string reason = "test");
  bool decided(twin::DecisionKind k, ShipmentNo id = twin::ShipmentId{}) const;  // in `last`
  std::vector<twin::Phase> phases(ShipmentNo id) const;
};

std::string container_of(ShipmentNo id);

}  // namespace testing
