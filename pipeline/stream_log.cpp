// The primary's EventLog: recording, then stream. See stream_log.h.
#include "pipeline/stream_log.h"

#include "pipeline/sequencer.h"

namespace pipeline {

bool StreamLog::append(const twin::Event& e, const twin::Decisions& d) {
  // Recorded first: a follower that finds a gap in the stream reads it from the recording.
  const bool recorded = next_ ? next_->append(e, d) : true;
  const bool streamed = publisher_.append(e);
  return recorded && streamed;
}

}  // namespace pipeline

namespace pipeline {

bool EventLog::append_sequenced(const SequencedEvent& e, const twin::Decisions& d) { return append(e.event, d); }

connectors::EventOrigin origin_of(const SequencedEvent& e) {
  connectors::EventOrigin o;
  o.cls = static_cast<uint8_t>(e.cls);
  o.source_seq = e.source_seq;
  o.source = e.source;
  o.session = e.session;
  o.account = e.account;
  o.command_id = e.command_id;
  return o;
}

bool StreamLog::append_sequenced(const SequencedEvent& e, const twin::Decisions& d) {
  const bool recorded = next_ ? next_->append_sequenced(e, d) : true;
  const bool streamed = publisher_.append(e.event, origin_of(e));
  return recorded && streamed;
}

}  // namespace pipeline
