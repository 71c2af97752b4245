// The twin's sequencer: turns decoded field messages into core events. Each released
// message gets the twin's own strictly increasing seq, and a time that never goes back
// (a message older than the core's clock is applied at the clock). Ordered messages of
// one source are released in that source's seq order: MQTT orders only per topic, so
// out-of-order ones are held (bounded) until the gap fills, or until the gap has waited
// gap_wait (then it is skipped and counted). Stale messages (a seq already released or
// skipped) are ignored; duplicates change nothing. Telemetry is latest-wins per entity.
// The clock is an input (now_ms), so the sequencer is deterministic for given inputs.
// It must not apply events or know about MQTT.
#pragma once
#include "connectors/codec/field_message.h"
#include "twin/event.h"

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace pipeline {

using connectors::FieldMessage;
using connectors::MessageClass;

struct SequencerLimits {
  size_t max_held = 65536;       // out-of-order ordered messages held, all sources together
  size_t max_sources = 1024;
  size_t max_entities = 200000;  // telemetry entities remembered for the stale check
  int64_t gap_wait_ms = 2000;    // how long a missing seq is waited for
};

struct SequencedEvent {
  twin::Event event;
  std::string source;
  uint64_t source_seq = 0;
  MessageClass cls = MessageClass::Ordered;
};

struct SequencerStats {
  uint64_t released = 0;          // events handed to the core
  uint64_t released_telemetry = 0;
  uint64_t stale = 0;             // seq at or below what was released or skipped for its source
  uint64_t duplicate = 0;         // seq already held
  uint64_t stale_telemetry = 0;   // older than the entity's last applied position
  uint64_t too_many_sources = 0;
  uint64_t gaps_skipped = 0;      // times a gap was given up on
  uint64_t seqs_skipped = 0;      // how many seqs those gaps covered
  uint64_t time_clamped = 0;      // released at the core's clock because their time was older
  size_t held = 0;
  size_t held_high_water = 0;
  size_t sources = 0;
};

class Sequencer {
 public:
  explicit Sequencer(SequencerLimits limits = {});

  // Takes one message; appends what is now ready, in order.
  void accept(FieldMessage m, int64_t now_ms, std::vector<SequencedEvent>& ready);
  // Gives up on gaps that have waited past gap_wait; appends what that releases.
  void poll(int64_t now_ms, std::vector<SequencedEvent>& ready);
  // The twin's own event, said about an event already released and put in right after
  // it (the partner watch): it takes the next twin seq and keeps m.time_ms, which the
  // caller takes from that event. Not held, not ordered, and it does not move the clock:
  // events released before it in the same frame may carry later times, and stamping it
  // with those would put a time that goes back in front of the core.
  void insert(FieldMessage m, std::vector<SequencedEvent>& ready);

  SequencerStats stats() const {
    SequencerStats s = stats_;
    s.held = held_;
    return s;
  }
  uint64_t last_seq() const { return next_twin_seq_ - 1; }
  // The next seq a source is expected to send (1 for an unknown source).
  uint64_t expected(const std::string& source) const;

 private:
  struct Source {
    uint64_t next = 1;                         // the seq released next
    std::map<uint64_t, FieldMessage> held;     // out of order, waiting for `next`
    int64_t gap_since_ms = -1;                 // when the current gap was first seen
  };
  void emit(FieldMessage&& m, twin::SimTime time_ms, std::vector<SequencedEvent>& ready);  // next twin seq
  void release(FieldMessage&& m, std::vector<SequencedEvent>& ready);                       // at the clock
  void flush(Source& s, int64_t now_ms, std::vector<SequencedEvent>& ready);
  void skip_gap(Source& s, int64_t now_ms, std::vector<SequencedEvent>& ready);

  SequencerLimits limits_;
  std::unordered_map<std::string, Source> sources_;
  std::unordered_map<uint64_t, std::pair<std::string, uint64_t>> telemetry_last_;  // entity -> (source, seq)
  uint64_t next_twin_seq_ = 1;
  twin::SimTime clock_ms_ = 0;
  size_t held_ = 0;
  SequencerStats stats_;
};

}  // namespace pipeline
