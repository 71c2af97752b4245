// The twin's frame. See frame_loop.h.
#include "pipeline/frame_loop.h"

namespace pipeline {

FrameLoop::FrameLoop(twin::Core& core, InputSource& source, Sequencer& sequencer, DecisionSink* sink, EventLog* log,
                     FrameLoopOptions options)
    : core_(core), source_(source), sequencer_(sequencer), sink_(sink), log_(log), options_(options) {}

FrameLoop::FrameLoop(twin::Core& core, connectors::IngestQueue& queue, Sequencer& sequencer, connectors::TwinLink* link,
                     EventLog* log, FrameLoopOptions options)
    : core_(core),
      own_source_(std::make_unique<QueueSource>(queue)),
      own_sink_(link ? std::make_unique<LinkSink>(*link) : nullptr),
      source_(*own_source_),
      sequencer_(sequencer),
      sink_(own_sink_.get()),
      log_(log),
      options_(options) {}

size_t FrameLoop::drain_inputs(int64_t now_ms) {
  inbox_.clear();
  const auto wait = ready_.empty() ? options_.input_wait : std::chrono::microseconds(0);
  size_t n = source_.drain(inbox_, options_.max_messages_per_frame, wait);
  stats_.drained += n;
  const size_t first_new = ready_.size();
  for (auto& m : inbox_) sequencer_.accept(std::move(m), now_ms, ready_);
  sequencer_.poll(now_ms, ready_);
  if (partner_watch_) watch_partner(first_new);
  return ready_.size();
}

// The partner watch reads events in the order the core will apply them (after the
// sequencer), not in arrival order: MQTT orders only per topic, and at high replay
// speeds partner messages can arrive late on the wire by minutes of event time, which
// would look like a silent partner. What it says goes in right after the event that
// revealed it, at that event's time (not the sequencer's clock, which may already stand
// at a later event of this frame), with the next twin seqs.
void FrameLoop::watch_partner(size_t first_new) {
  std::vector<pipeline::SequencedEvent> released(std::make_move_iterator(ready_.begin() + first_new),
                                                   std::make_move_iterator(ready_.end()));
  ready_.resize(first_new);
  if (released.empty()) return;
  const uint64_t first_seq = released.front().event.seq;
  std::vector<pipeline::SequencedEvent> said;
  for (auto& e : released) {
    const connectors::FieldMessage m{e.source, e.source_seq, e.event.time_ms, e.event.site, e.event.body, e.cls, {}};
    auto down = partner_watch_->before(m);
    auto back = partner_watch_->after(m);
    ready_.push_back(std::move(e));
    said.clear();
    if (down) sequencer_.insert(std::move(*down), said);
    if (back) sequencer_.insert(std::move(*back), said);
    for (auto& s : said) ready_.push_back(std::move(s));
  }
  // The watch's events took the sequencer's next seqs but go in mid-frame: renumber this
  // frame's events in the order they will be applied (the range is contiguous), so seqs
  // still strictly increase for the core, the recording and the stream.
  uint64_t seq = first_seq;
  for (size_t i = first_new; i < ready_.size(); ++i) ready_[i].event.seq = seq++;
}

size_t FrameLoop::apply_to_core() {
  decisions_.clear();
  size_t n = 0;
  for (const pipeline::SequencedEvent& e : ready_) {
    one_.clear();
    core_.apply(e.event, one_);
    // Recorded with its decisions before anything of this frame is published.
    if (log_ && !log_->append_sequenced(e, one_)) stats_.log_failures++;
    if (after_apply_) after_apply_(e, one_);
    if (sink_ && !e.command_id.empty()) sink_->command_applied(e.event.seq, e.account, e.source, e.command_id);
    decisions_.insert(decisions_.end(), std::make_move_iterator(one_.begin()), std::make_move_iterator(one_.end()));
    ++n;
    if (e.cls == connectors::MessageClass::Telemetry) stats_.applied_telemetry++;
  }
  ready_.clear();
  stats_.applied += n;
  stats_.decisions += decisions_.size();
  return n;
}

size_t FrameLoop::publish_decisions() {
  if (!sink_) return 0;
  sink_->publish(decisions_);
  return decisions_.size();
}

size_t FrameLoop::run_frame(int64_t now_ms) {
  stats_.frames++;
  drain_inputs(now_ms);
  size_t n = apply_to_core();
  publish_decisions();
  return n;
}

}  // namespace pipeline
