// The frame loop's two ports to the outside world, as interfaces: where its inputs come
// from (InputSource) and where its decisions go (DecisionSink). The live twin plugs in
// the MQTT ingest queue and TwinLink (QueueSource, LinkSink below); a test plugs in a
// vector and a list, and drives the loop with its own clock values, with no thread and
// no broker. The clock is not a port: run_frame(now_ms) takes the time as an argument.
// It must not hold state of the loop's own.
#pragma once
#include "connectors/codec/field_message.h"
#include "connectors/mqtt/ingest_queue.h"
#include "connectors/mqtt/twin_link.h"
#include "twin/decision.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace pipeline {

class InputSource {
 public:
  virtual ~InputSource() = default;
  // Appends up to max messages to out; may wait up to `wait` for the first one. Returns
  // the number appended.
  virtual size_t drain(std::vector<connectors::FieldMessage>& out, size_t max, std::chrono::microseconds wait) = 0;
};

class DecisionSink {
 public:
  virtual ~DecisionSink() = default;
  // One frame's decisions, in the order the core made them. Must not block on a network.
  virtual void publish(const twin::Decisions& decisions) = 0;
  // A command was applied as event twin_seq (before its frame's publish): its answer
  // (the CommandAccepted / CommandRefused decision whose value is twin_seq) answers the
  // sender's command_id.
  virtual void command_applied(uint64_t twin_seq, const std::string& account, const std::string& source,
                               const std::string& command_id) {
    (void)twin_seq, (void)account, (void)source, (void)command_id;
  }
};

// The MQTT ingest queue as a source (the live twin).
class QueueSource final : public InputSource {
 public:
  explicit QueueSource(connectors::IngestQueue& queue) : queue_(queue) {}
  size_t drain(std::vector<connectors::FieldMessage>& out, size_t max, std::chrono::microseconds wait) override {
    return queue_.drain(out, max, wait);
  }

 private:
  connectors::IngestQueue& queue_;
};

// TwinLink's bounded outbox as the sink (the live twin): decisions are queued for the
// publishing thread, never sent from the frame.
class LinkSink final : public DecisionSink {
 public:
  explicit LinkSink(connectors::TwinLink& link) : link_(link) {}
  void publish(const twin::Decisions& decisions) override {
    link_.publish_decisions(decisions);
    link_.flush_outbox();
  }
  void command_applied(uint64_t twin_seq, const std::string& account, const std::string& source,
                       const std::string& command_id) override {
    link_.command_applied(twin_seq, account, source, command_id);
  }

 private:
  connectors::TwinLink& link_;
};

}  // namespace pipeline
