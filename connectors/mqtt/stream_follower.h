// A follower's side of the control room's event stream (docs/control-room.md): it
// subscribes to the primary's stream and head (and nothing else), and hands the core's
// queue every event strictly in twin-seq order, from seq 1, each exactly once, so that
// the follower's core folds what the primary folded. Out-of-order batches are held
// (bounded); a gap the stream does not fill within gap_wait (a late join, a broker that
// dropped messages while we were away) is filled by the catch-up function (the primary's
// recording, tools/gatetwin/follow/recording_catch_up.h), then the stream goes on; what
// arrived meanwhile and was already applied is dropped. It must not sequence field
// messages, apply events, or publish anything.
//
// Threads: the MQTT client's thread decodes and holds batches; a worker thread orders,
// catches up and pushes into the IngestQueue (which may make it wait: back-pressure).
// The events it pushes carry source "stream" and source_seq = the twin seq, so the
// follower's Sequencer hands them on with the same seqs.
//
// Trust (docs/control-room.md "A signed stream"): given the primary's public key
// (verifier), every batch and head must carry the primary's seal, else it is refused
// (counted as forged, logged) before it can change anything; events read from the
// recording are held until the stream's running hash over them equals one the primary
// signed (a batch's or a head's), so an edited recording is refused, never applied.
#pragma once
#include "connectors/mqtt/ingest_queue.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/stream_seal.h"
#include "connectors/codec/stream_batch.h"
#include "twin/event.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace connectors {

// Reads the primary's events of `session` (<= 0: the newest session) from from_seq on,
// in seq order, into sink (false from sink: stop). Returns how many it gave, or an error
// message a person can act on (empty: fine).
struct CatchUpResult {
  uint64_t events = 0;
  std::string error;
};
using CatchUpSink = std::function<bool(twin::Event&&)>;
using CatchUpFunction = std::function<CatchUpResult(int64_t session, uint64_t from_seq, const CatchUpSink& sink)>;

struct StreamFollowerOptions {
  BrokerConfig broker;                 // its own connection and client id
  bool clean_session = false;          // true: the broker keeps nothing for us between
                                       // connections (gatesim --closed-loop: no old run's stream)
  size_t max_pending = 262144;         // events held out of order
  int64_t gap_wait_ms = 500;           // a gap waits this long for the stream before catch-up
  int64_t catch_up_retry_ms = 250;     // then retries this often while the gap stays
  // The primary's pinned public key (--stream-key PUB). Null: seals are cut off unchecked.
  std::shared_ptr<const StreamVerifier> verifier;
  size_t max_catch_up_held = 1 << 20;  // events read from the recording awaiting a signed hash
  // Fail-over (docs/control-room.md): the first seq to hand on (a standby that was the
  // primary goes on after what it applied) and the run it continues (0: the first heard).
  uint64_t first_seq = 1;
  uint64_t stream_id = 0;
  uint32_t epoch = 0;                  // the newest epoch already known (older ones are refused)
  // Called on the worker thread with each event's origin just before the event is handed
  // on (a standby books what the primary sequenced). May be empty.
  std::function<void(uint64_t seq, const EventOrigin& origin)> on_origin;
};

struct StreamFollowerStats {
  uint64_t batches = 0;                // stream messages received
  uint64_t rejected = 0;               // payloads that did not decode (logged)
  uint64_t from_stream = 0;            // events pushed from the stream
  uint64_t already_applied = 0;        // stream events dropped: applied before (catch-up, duplicates)
  uint64_t overflow = 0;               // stream events dropped: the hold was full (caught up later)
  uint64_t gaps = 0;                   // gaps seen
  uint64_t catch_ups = 0;              // catch-up reads that gave events
  uint64_t caught_up_events = 0;       // events pushed from the recording
  uint64_t catch_up_errors = 0;
  uint64_t forged = 0;                 // batches and heads refused: no seal, or one that does not hold
  uint64_t catch_up_refused = 0;       // catch-up reads refused: the recording differs from the signed stream
  double catch_up_ms_total = 0;        // time spent reading the recording and pushing
  uint64_t applied_seq = 0;            // the last seq handed on
  uint64_t head_seq = 0;               // the primary's last published seq, as it last said
  uint64_t stream_id = 0;
  int64_t session = 0;                 // the primary's recording session
  std::string primary_status;          // up / stopped / offline (from the head), or "" if not heard
  bool primary_changed = false;        // a new primary run: this follower must restart
  uint32_t epoch = 0;                  // the newest epoch of the run heard (who sequences it)
  std::string primary;                 // the sequencing twin's client id, as its head says
  uint64_t epoch_from = 0;             // the first seq of that epoch
  int64_t epoch_since_utc_ms = 0;      // when that epoch began (Unix ms)
  uint64_t failovers = 0;              // take-overs seen (a newer epoch of the same run)
  uint64_t stale_epoch = 0;            // batches and heads of an older epoch refused
  int64_t silent_ms = -1;              // since the primary was last heard (a batch, or an "up" head); -1: never
  size_t pending = 0;
  std::string last_error;
  MqttClientStats client;
};

class StreamFollower {
 public:
  // catch_up may be empty: a gap is then held and reported (the state stays exact, frozen).
  StreamFollower(StreamFollowerOptions options, IngestQueue& out, CatchUpFunction catch_up, MqttClient::LogHandler log);
  ~StreamFollower();  // stop()
  StreamFollower(const StreamFollower&) = delete;
  StreamFollower& operator=(const StreamFollower&) = delete;

  void start();
  void stop();
  bool connected() const { return client_.connected(); }
  StreamFollowerStats stats() const;

  // What the client calls for each message; public so tests can inject raw messages.
  void on_message(const std::string& topic, const std::string& payload);

 private:
  void run();
  void on_head(const std::string& payload, const StreamChainHash& chain);
  // mu_ held; false: another primary run, or an older epoch (counted).
  bool adopt(uint64_t stream_id, int64_t session, uint32_t epoch, uint64_t from = 0, const std::string& primary = {},
             int64_t since_utc_ms = 0);
  void push(twin::Event&& e);                        // worker thread, mu_ not held
  void catch_up(int64_t now_ms);                     // worker thread, mu_ not held
  void log(const std::string& line) { if (log_) log_(line); }

  StreamFollowerOptions options_;
  IngestQueue& out_;
  CatchUpFunction catch_up_;
  MqttClient::LogHandler log_;
  MqttClient client_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  // A message's seal checked (or cut off without a key); false: refused, counted, logged.
  bool open_sealed(const std::string& topic, const std::string& payload, OpenedPayload& out);  // mu_ not held
  void note_checkpoint(uint64_t seq, const StreamChainHash& chain);                       // mu_ held
  void advance_chain(const twin::Event& e);                                                // worker thread

  struct Pending {
    twin::Event event;
    EventOrigin origin;
  };
  std::map<uint64_t, Pending> pending_;              // seq -> event, out of order or not yet pushed
  int64_t heard_ms_ = -1;                            // steady ms since t0_ when the primary was last heard
  std::map<uint64_t, StreamChainHash> checkpoints_;  // seq -> the running hash the primary signed after it
  StreamChainHash applied_chain_{};                  // worker thread: the hash after next_ - 1
  uint64_t next_ = 1;                                // the seq pushed next (worker writes under mu_)
  int64_t gap_since_ms_ = -1;
  int64_t next_catch_up_ms_ = 0;
  bool stop_ = false;
  bool started_ = false;
  bool gap_logged_ = false;
  StreamFollowerStats stats_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

}  // namespace connectors
