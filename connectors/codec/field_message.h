// A message from the field, decoded and validated but not yet sequenced: who sent it
// (source, its own sequence number and session, the broker account of its topic), when
// (run time, or a UTC stamp the link maps to run time through the session epoch), and the
// twin event body. Plain data passed from the MQTT thread to the core's thread; no
// behaviour here.
#pragma once
#include "twin/event.h"

#include <cstdint>
#include <string>
#include <utility>

namespace connectors {

// How the twin treats a message: Ordered messages (declarations, process events, clock
// ticks; QoS 1) are applied in per-source sequence order and never dropped. Telemetry
// (positions; QoS 0) is latest-wins per entity and may be superseded. Commands (QoS 1)
// are applied as they arrive, outside any source's series: each is named by the id its
// sender chose (command_id), and a command whose id was seen before is answered again,
// not applied again (CommandDesk).
enum class MessageClass : uint8_t { Ordered = 0, Telemetry = 1, Command = 2 };

struct FieldMessage {
  FieldMessage() = default;
  // The fields every message has; the rest (session, account, UTC stamp) as set after.
  FieldMessage(std::string source_, uint64_t source_seq_, twin::SimTime time_ms_, uint8_t site_, twin::EventBody body_,
               MessageClass cls_ = MessageClass::Ordered, std::string topic_ = {})
      : source(std::move(source_)), source_seq(source_seq_), time_ms(time_ms_), site(site_), body(std::move(body_)), cls(cls_),
        topic(std::move(topic_)) {}

  std::string source;         // "src": who numbered it (a gatesim run, a GNSS gateway, a console)
  uint64_t source_seq = 0;    // "seq": the source's own counter, from 1
  twin::SimTime time_ms = 0;  // "t_ms": when it happened, run time (for a UTC stamp: set by the link)
  uint8_t site = 0;           // index of the site in the twin's world
  twin::EventBody body;
  MessageClass cls = MessageClass::Ordered;
  std::string topic;          // for logs
  std::string session;        // "session": the source's run; a new one is a restart ("" when not sent)
  std::string account;        // the broker account named by the topic's last level ("" for an unbound topic)
  bool utc = false;           // stamped with "utc_ms" / "time": utc_ms holds it, time_ms is not yet set
  int64_t utc_ms = 0;         // Unix epoch ms of a UTC stamp
  std::string command_id;     // a command's "id" (its sender's name for it; "seq-<seq>" when it sent none)
  int64_t command_at_utc_ms = -1;  // a command's "at" / "at_utc_ms" (UTC): the link sets its at_ms from it
};

}  // namespace connectors
