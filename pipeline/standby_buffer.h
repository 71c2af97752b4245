// A standby's copy of the field's inputs (docs/control-room.md "Fail-over"): every
// ordered input (declarations, process events; QoS 1) and every command the standby's own
// link takes is held here, keyed by its source and seq (commands by account, source and
// id), until the primary's stream shows it sequenced (each stream event carries its
// origin), or sequenced a later seq of the same source run (the primary's sequencer never
// goes back). At take-over it primes the standby's sequencer with where each source
// stands in the primary's order and hands over what the primary had not sequenced, each
// input once, in one deterministic order: the field's inputs by event time, ties by source
// name, each source in seq order; then the commands, by time, then name. Positions (telemetry, QoS 0) are not held: the
// next report of the vehicle supersedes one lost in the gap. Bounded: past max_held the
// oldest input is dropped and counted (that input is then lost if the primary dies).
// It must not apply events or talk to MQTT.
#pragma once
#include "connectors/codec/field_message.h"
#include "connectors/codec/stream_batch.h"
#include "pipeline/sequencer.h"

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace pipeline {

struct StandbyBufferStats {
  uint64_t taken = 0;             // inputs held (ordered and commands)
  uint64_t sequenced = 0;         // held inputs the primary's stream showed sequenced (dropped)
  uint64_t stale_on_arrival = 0;  // inputs the primary had sequenced before the standby got them
  uint64_t telemetry = 0;         // positions not held
  uint64_t overflow = 0;          // dropped to stay within max_held
  uint64_t handed_over = 0;       // given to the sequencer at take-over
  size_t held = 0;
};

class StandbyBuffer {
 public:
  explicit StandbyBuffer(size_t max_held = 262144) : max_held_(max_held < 1 ? 1 : max_held) {}

  // An input of the standby's own link.
  void take(connectors::FieldMessage m);
  // The origin of an event the primary sequenced (from its stream), in stream order.
  void sequenced(const connectors::EventOrigin& o);
  // Take-over: primes `sequencer` (Sequencer::resume_source) with each source the primary
  // sequenced and returns the held inputs it had not, in the order to sequence them; the
  // buffer is empty afterwards.
  std::vector<connectors::FieldMessage> take_over(Sequencer& sequencer);
  // The next seq the primary expects of a source it sequenced (0: none seen).
  uint64_t primary_next(const std::string& source) const;
  StandbyBufferStats stats() const;

 private:
  struct Source {
    bool known = false;           // the primary sequenced something of it
    uint64_t next = 1;            // the primary's next seq of the source's run `session`
    std::string session, account;
    std::map<std::pair<std::string, uint64_t>, connectors::FieldMessage> held;  // (session, seq)
  };
  static std::string command_key(const std::string& account, const std::string& source, const std::string& id);
  void prune(Source& s);
  void drop_oldest();
  void remember_command(const std::string& key);

  size_t max_held_;
  std::map<std::string, Source> sources_;
  std::map<std::string, connectors::FieldMessage> commands_;  // key -> command
  std::unordered_set<std::string> commands_done_;             // sequenced by the primary (bounded)
  std::deque<std::string> done_order_;
  size_t held_ = 0;
  StandbyBufferStats stats_;
};

}  // namespace pipeline
