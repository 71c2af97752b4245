// The twin's frame: drain inputs -> apply to core -> (core decides) -> publish
// decisions -> [windowed app: build draw list -> render]. Each arrow is one function,
// so the windowed app calls the same three and then draws from core().state(). The
// frame owns no thread and reads no clock: the caller passes the wall time in ms (used
// only for the sequencer's gap wait). It must not block on the network: inputs come from
// an InputSource (the live twin's: the bounded MQTT queue), decisions leave through a
// DecisionSink (the live twin's: TwinLink's bounded outbox); see frame_ports.h.
#pragma once
#include "pipeline/event_log.h"
#include "pipeline/frame_ports.h"

#include "connectors/mqtt/ingest_queue.h"
#include "pipeline/partner_watch.h"
#include "pipeline/sequencer.h"
#include "connectors/mqtt/twin_link.h"
#include "twin/core.h"

#include <chrono>
#include <functional>
#include <memory>
#include <cstdint>
#include <vector>

namespace pipeline {

struct FrameLoopOptions {
  size_t max_messages_per_frame = 65536;     // drained from the queue per frame
  std::chrono::microseconds input_wait{0};   // headless: wait this long for a first message
};

struct FrameLoopStats {
  uint64_t frames = 0;
  uint64_t drained = 0;           // messages taken from the queue
  uint64_t applied = 0;           // events folded into the core
  uint64_t applied_telemetry = 0;
  uint64_t decisions = 0;
  uint64_t log_failures = 0;      // events the EventLog could not write
};

class FrameLoop {
 public:
  // The ports: sink may be null (nothing published); log may be null (nothing recorded).
  FrameLoop(twin::Core& core, InputSource& source, Sequencer& sequencer, DecisionSink* sink, EventLog* log,
            FrameLoopOptions options = {});
  // The live twin's ports: the MQTT ingest queue and TwinLink (null: nothing published).
  FrameLoop(twin::Core& core, connectors::IngestQueue& queue, Sequencer& sequencer, connectors::TwinLink* link,
            EventLog* log, FrameLoopOptions options = {});

  // 1. Input source -> sequencer -> events ready for the core, in the twin's seq order.
  size_t drain_inputs(int64_t now_ms);
  // 2. Ready events -> core.apply (the core decides inside apply) -> decisions().
  size_t apply_to_core();
  // 3. This frame's decisions -> the decision sink (live: TwinLink's outbox -> broker).
  size_t publish_decisions();
  // All three, in order. Returns the number of events applied.
  size_t run_frame(int64_t now_ms);

  const twin::Core& core() const { return core_; }
  const twin::Decisions& decisions() const { return decisions_; }   // this frame's
  const FrameLoopStats& stats() const { return stats_; }
  // Called with each applied event and its decisions (tests, benchmarks, panels).
  using AfterApply = std::function<void(const SequencedEvent&, const twin::Decisions&)>;
  void set_after_apply(AfterApply f) { after_apply_ = std::move(f); }
  const AfterApply& after_apply() const { return after_apply_; }  // to chain another after it
  // Watches the partner-customs feed in what arrives (null: not watched); its events go
  // through the sequencer like any input, so they are applied and recorded in order.
  void set_partner_watch(PartnerWatch* w) { partner_watch_ = w; }

 private:
  void watch_partner(size_t first_new);
  twin::Core& core_;
  std::unique_ptr<QueueSource> own_source_;  // the live ports, when made from queue and link
  std::unique_ptr<LinkSink> own_sink_;
  InputSource& source_;
  Sequencer& sequencer_;
  DecisionSink* sink_;
  EventLog* log_;
  FrameLoopOptions options_;
  std::vector<connectors::FieldMessage> inbox_;      // reused: no allocation per idle frame
  std::vector<SequencedEvent> ready_;
  twin::Decisions decisions_, one_;
  AfterApply after_apply_;
  PartnerWatch* partner_watch_ = nullptr;
  FrameLoopStats stats_;
};

}  // namespace pipeline
