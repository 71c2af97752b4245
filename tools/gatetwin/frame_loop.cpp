// The twin's frame. See frame_loop.h.
#include "frame_loop.h"

FrameLoop::FrameLoop(twin::Core& core, connectors::IngestQueue& queue, connectors::Sequencer& sequencer,
                     connectors::TwinLink* link, EventLog* log, FrameLoopOptions options)
    : core_(core), queue_(queue), sequencer_(sequencer), link_(link), log_(log), options_(options) {}

size_t FrameLoop::drain_inputs(int64_t now_ms) {
  inbox_.clear();
  const auto wait = ready_.empty() ? options_.input_wait : std::chrono::microseconds(0);
  size_t n = queue_.drain(inbox_, options_.max_messages_per_frame, wait);
  stats_.drained += n;
  for (auto& m : inbox_) {
    if (!partner_watch_) {
      sequencer_.accept(std::move(m), now_ms, ready_);
      continue;
    }
    if (auto down = partner_watch_->before(m)) sequencer_.accept(std::move(*down), now_ms, ready_);
    auto back = partner_watch_->after(m);
    sequencer_.accept(std::move(m), now_ms, ready_);
    if (back) sequencer_.accept(std::move(*back), now_ms, ready_);
  }
  sequencer_.poll(now_ms, ready_);
  return ready_.size();
}

size_t FrameLoop::apply_to_core() {
  decisions_.clear();
  size_t n = 0;
  for (const connectors::SequencedEvent& e : ready_) {
    one_.clear();
    core_.apply(e.event, one_);
    // Recorded with its decisions before anything of this frame is published.
    if (log_ && !log_->append(e.event, one_)) stats_.log_failures++;
    if (after_apply_) after_apply_(e, one_);
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
  if (!link_) return 0;
  link_->publish_decisions(decisions_);
  link_->flush_outbox();
  return decisions_.size();
}

size_t FrameLoop::run_frame(int64_t now_ms) {
  stats_.frames++;
  drain_inputs(now_ms);
  size_t n = apply_to_core();
  publish_decisions();
  return n;
}
