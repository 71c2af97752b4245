// The primary's EventLog (event_log.h): each applied event goes to the next log (the
// recording, if any) and then to the StreamPublisher, so that followers fold the same
// events in the same order. It never waits: both behind it are bounded queues. It must
// not change or reorder events.
#pragma once
#include "pipeline/event_log.h"

#include "connectors/mqtt/stream_publisher.h"

namespace pipeline {

struct SequencedEvent;
// The origin of a sequenced event, as the stream carries it.
connectors::EventOrigin origin_of(const SequencedEvent& e);

class StreamLog : public EventLog {
 public:
  // next may be null (the primary does not record).
  StreamLog(connectors::StreamPublisher& publisher, EventLog* next) : publisher_(publisher), next_(next) {}
  bool append(const twin::Event& e, const twin::Decisions& d) override;
  bool append_sequenced(const SequencedEvent& e, const twin::Decisions& d) override;

 private:
  connectors::StreamPublisher& publisher_;
  EventLog* next_;
};

}  // namespace pipeline
