// Watches the partner-customs feed (partner declarations and receipts) in the field
// messages as they arrive, and turns a silent feed into the core's own vocabulary: when
// no partner message has come for silence_ms of event time while other messages keep
// coming, it emits PartnerLinkStatus{up = false} (the partner data is stale: the core
// holds vehicles that lack it instead of diverting them on a guess); when partner
// messages have flowed again for resume_ms (the backlog first), it emits {up = true}.
// Its events enter the sequencer as the source "twin-partner-watch", so they get the
// twin's seqs and are recorded like any input. Deterministic for a given arrival order;
// it reads no clock. It must not apply events or talk to MQTT. A PartnerLinkStatus sent
// by the field itself takes precedence: the watch stands down until partner data flows.
//
// Supports: one partner feed for all sites (the core's partner link is world-wide).
#pragma once
#include "connectors/codec/field_message.h"

#include <cstdint>
#include <optional>
#include <string>

namespace pipeline {

using connectors::FieldMessage;
using connectors::MessageClass;

struct PartnerWatchOptions {
  int64_t silence_ms = 10 * 60 * 1000;  // 0: off. 2027-2030 loads: the longest normal gap measured is 5.2 min
  int64_t resume_ms = 60 * 1000;        // partner data flowing this long before the link counts as back
};

struct PartnerWatchStats {
  uint64_t marked_stale = 0;   // PartnerLinkStatus{false} emitted
  uint64_t marked_fresh = 0;   // PartnerLinkStatus{true} emitted
  bool stale = false;
};

class PartnerWatch {
 public:
  static constexpr const char* kSource = "twin-partner-watch";
  explicit PartnerWatch(PartnerWatchOptions o = {}) : o_(o) {}

  // Called for each arriving message, before it goes to the sequencer. Returns the
  // message to hand to the sequencer first (link down), or after it (link back), if any.
  std::optional<FieldMessage> before(const FieldMessage& m);
  std::optional<FieldMessage> after(const FieldMessage& m);

  PartnerWatchStats stats() const { return {down_, up_, stale_}; }

 private:
  FieldMessage make(twin::SimTime t, uint8_t site, bool up);
  PartnerWatchOptions o_;
  bool started_ = false, stale_ = false;
  twin::SimTime last_partner_ms_ = 0;
  twin::SimTime resumed_at_ms_ = -1;  // first partner message after the feed went stale
  uint64_t seq_ = 0, down_ = 0, up_ = 0;
};

}  // namespace pipeline
