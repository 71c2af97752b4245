// A field simulator's view of the twin's event stream (gatesim --closed-loop,
// docs/gatesim.md): a StreamFollower with no catch-up, on its own clean-session
// connection, whose events (twin seq and time) are read one at a time. It says when no
// twin is there, when the stream has a gap it cannot fill (it started after the twin had
// folded events, or the broker lost some), and when the twin stopped or restarted. It
// must not publish, apply events or run a core.
#pragma once
#include "connectors/result.h"
#include "connectors/mqtt/ingest_queue.h"
#include "connectors/mqtt/stream_follower.h"
#include "twin/event.h"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace connectors {

struct TwinStreamReaderOptions {
  BrokerConfig broker;            // its own client id (gatesim: gatesim-<source>-loop)
  size_t queue_capacity = 65536;
};

// What next() gave: an event, nothing within the wait, or the end of the stream for us.
struct StreamReadTimeout {};
struct StreamReadFailure {
  std::string message;            // what happened and what to do
};
using StreamReadResult = std::variant<twin::Event, StreamReadTimeout, StreamReadFailure>;

class TwinStreamReader {
 public:
  TwinStreamReader(TwinStreamReaderOptions options, MqttClient::LogHandler log);
  ~TwinStreamReader();  // stop()

  void start();
  // Waits until a live twin's head ("up") is heard. A failure when none is heard within
  // timeout, or when that twin has already folded events (then this reader, which has no
  // recording to catch up from, could never fold them).
  Status wait_for_twin(std::chrono::milliseconds timeout);
  // The twin's next applied event, waiting up to `wait`.
  StreamReadResult next(std::chrono::milliseconds wait);
  void stop();
  StreamFollowerStats stats() const { return follower_->stats(); }

 private:
  std::optional<std::string> failure() const;  // the stream cannot go on for us

  IngestQueue queue_;
  std::unique_ptr<StreamFollower> follower_;
  std::deque<FieldMessage> ready_;
  std::vector<FieldMessage> drained_;
};

}  // namespace connectors
