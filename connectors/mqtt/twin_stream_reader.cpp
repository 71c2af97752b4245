// A field simulator's view of the twin's event stream. See twin_stream_reader.h.
#include "connectors/mqtt/twin_stream_reader.h"

#include "connectors/codec/stream_batch.h"

#include <thread>

namespace connectors {

TwinStreamReader::TwinStreamReader(TwinStreamReaderOptions options, MqttClient::LogHandler log)
    : queue_(options.queue_capacity) {
  StreamFollowerOptions fo;
  fo.broker = options.broker;
  fo.clean_session = true;  // never an old run's stream queued for this client id
  // The follower's own advice on a gap names gatetwin --follow's --catch-up, which a
  // simulator does not have: next() says what a gap means here instead.
  auto filtered = [log = std::move(log)](const std::string& line) {
    if (log && line.find("catch-up") == std::string::npos) log(line);
  };
  follower_ = std::make_unique<StreamFollower>(fo, queue_, CatchUpFunction{}, filtered);
}

TwinStreamReader::~TwinStreamReader() { stop(); }

void TwinStreamReader::start() { follower_->start(); }

void TwinStreamReader::stop() { follower_->stop(); }

Status TwinStreamReader::wait_for_twin(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const StreamFollowerStats s = follower_->stats();
    if (s.primary_status == "up") {
      if (s.head_seq > 0 && s.applied_seq == 0 && s.pending == 0 && queue_.stats().size == 0)
        return "the twin has already folded " + std::to_string(s.head_seq) +
               " events, which a closed loop cannot catch up: start gatesim --closed-loop before the twin folds "
               "anything (restart the twin)";
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= until) {
      return "no live twin heard on " + std::string(s.client.connects ? "the broker" : "the broker (not connected)") +
             " within " + std::to_string(timeout.count() / 1000) + " s: its stream head (" + stream_head_topic() +
             ") is " + (s.primary_status.empty() ? "not there" : "\"" + s.primary_status + "\"") +
             "; start gatetwin on this broker first";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::optional<std::string> TwinStreamReader::failure() const {
  const StreamFollowerStats s = follower_->stats();
  if (s.primary_changed) return "the twin restarted with a new run (" + s.last_error + "); restart gatesim with it";
  const bool gap = s.pending > 0 || s.head_seq > s.applied_seq;
  if (gap && !s.last_error.empty())
    return "the twin's stream misses seq " + std::to_string(s.applied_seq + 1) +
           " and a closed loop cannot catch up (it must hear the stream from the twin's first event, and the broker "
           "must not drop it)";
  if (!gap && (s.primary_status == "stopped" || s.primary_status == "offline"))
    return "the twin is " + s.primary_status + " (its stream head says so)";
  return std::nullopt;
}

StreamReadResult TwinStreamReader::next(std::chrono::milliseconds wait) {
  if (ready_.empty()) {
    drained_.clear();
    queue_.drain(drained_, 1024, std::chrono::duration_cast<std::chrono::microseconds>(wait));
    for (FieldMessage& m : drained_) ready_.push_back(std::move(m));
  }
  if (ready_.empty()) {
    if (auto why = failure()) return StreamReadFailure{*why};
    return StreamReadTimeout{};
  }
  FieldMessage m = std::move(ready_.front());
  ready_.pop_front();
  return twin::Event{m.source_seq, m.time_ms, m.site, std::move(m.body)};
}

}  // namespace connectors
