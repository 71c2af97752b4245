// The primary twin's side of the control room's event stream (docs/control-room.md):
// every event the core applied, with its twin seq, goes out in order on
// gatetwin/v1/twin/stream (QoS 1, batches in the stream_batch codec), and a retained head
// (stream id, recording session, last seq published) on gatetwin/v1/twin/stream_head
// each second; the last will marks the head "offline". The head also says the run's epoch
// (who sequences it: 1 for the twin that started it, one more at each take-over), the
// first seq of that epoch and the sequencing twin's client id. The publisher listens to
// the head topic too (docs/control-room.md "Fail-over", fencing): a head of this run with
// a newer epoch (or the same epoch from a twin whose id sorts first) fences it: nothing
// more goes out and fenced() says so, for the twin to stop sequencing. Its lease: it pings
// itself through the broker (gatetwin/v1/twin/lease/<client id>, QoS 1) with each head,
// and may sequence (may_sequence) and publish only while its own ping came back within
// `lease` (2.5 s): cut off, it stops within the lease, before a standby takes over (3 s).
// The broker hands a client its messages in order, so after a cut a newer epoch's head,
// published meanwhile, reaches it before its own next ping does: it is fenced, never
// renewed. append() runs on the core's thread
// and never waits: it encodes into a bounded outbox (BoundedOutbox) whose publishing
// thread hands the events to its own MQTT connection. A full outbox drops the oldest
// events and counts them; followers then see a gap and catch up from the recording. It
// must not apply events, or read anything from the broker but the head topic.
//
// Supports: MQTT 3.1.1 through MqttClient (tcp://, ssl://). Does not support: a follower
// asking for a replay over MQTT (catch-up is from the primary's recording file).
#pragma once
#include "connectors/mqtt/bounded_outbox.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/stream_seal.h"
#include "connectors/codec/stream_batch.h"
#include "twin/event.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace connectors {

struct StreamPublisherOptions {
  BrokerConfig broker;                       // its own connection: give it its own client id
  int64_t session = 0;                       // the primary's recording session (0: none)
  size_t outbox_capacity = 262144;           // events encoded, not yet handed to the client
  size_t max_batch_events = 512;             // per MQTT message
  int max_inflight = 256;                    // batches awaiting PUBACK
  std::chrono::milliseconds head_interval{1000};
  // Seals every batch and head with the primary's key (--stream-key; stream_seal.h).
  // Null: unsigned, as before (followers without --stream-key take it, pinned ones refuse it).
  std::shared_ptr<const StreamSigner> signer;
  // Fail-over (docs/control-room.md): a new run (stream_id 0: a random id, epoch 1, seq 1
  // on), or a run taken over (its id, the next epoch, the seq after the last applied, the
  // running hash after it).
  uint64_t stream_id = 0;
  uint32_t epoch = 1;
  uint64_t first_seq = 1;
  StreamChainHash chain_start{};
  std::string primary;                        // who sequences: its client id, said in the head
  int64_t since_utc_ms = 0;                   // when this epoch began (Unix ms), said in the head
  std::chrono::milliseconds lease{2500};       // its own ping must have come back within this long
  std::chrono::milliseconds lease_ping{200};   // how often it pings while the lease does not hold
};

// A head of the run on the wire, as parsed (stream_head_json / parse_stream_head).
struct StreamHead {
  std::string status;        // up | stopped | offline
  uint64_t stream_id = 0;
  int64_t session = 0;
  uint64_t seq = 0;
  bool has_seq = false;      // up / stopped name the session and the last seq; the will does not
  uint32_t epoch = 1;        // heads of version 1 builds have none: 1
  uint64_t from = 1;         // the first seq of this epoch
  std::string primary;       // the sequencing twin's client id ("" when not said)
  int64_t since_utc_ms = 0;  // when this epoch began
};
// Parses a head's JSON; nullopt when it is not one.
std::optional<StreamHead> parse_stream_head(const std::string& json);
// Whether a head of epoch (b_epoch, b_primary) outranks (a_epoch, a_primary): a newer epoch,
// or the same epoch from a twin whose id sorts first (two standbys that took over at once).
bool head_outranks(uint32_t b_epoch, const std::string& b_primary, uint32_t a_epoch, const std::string& a_primary);

struct StreamPublisherStats {
  uint64_t appended = 0;          // events taken by append()
  uint64_t dropped = 0;           // lost from a full outbox (followers catch up from the recording)
  uint64_t encode_failures = 0;
  uint64_t seq_breaks = 0;        // an event whose seq is not the previous one's + 1: the
                                  // core was fed out of order, followers may diverge (a bug)
  uint64_t published_events = 0;  // handed to the client
  uint64_t published_batches = 0;
  uint64_t publish_failures = 0;  // batches the client refused (its offline buffer full)
  uint64_t last_seq = 0;          // the last seq handed to the client
  size_t outbox = 0;
  uint64_t stream_id = 0;
  uint32_t epoch = 1;
  bool fenced = false;            // a newer epoch of this run was heard: nothing more goes out
  std::string fenced_by;          // "epoch E by ID from seq N"
  uint64_t fenced_from = 0;       // the first seq of the epoch that fenced it
  uint64_t lease_waits = 0;       // times it held back because its lease did not hold (cut off, or starting)
  uint64_t stale_dropped = 0;     // events not published because it was fenced
  MqttClientStats client;
};

class StreamPublisher {
 public:
  StreamPublisher(StreamPublisherOptions options, MqttClient::LogHandler log);
  ~StreamPublisher();  // stop()
  StreamPublisher(const StreamPublisher&) = delete;
  StreamPublisher& operator=(const StreamPublisher&) = delete;

  void start();
  // Publishes what is queued (up to drain_timeout), marks the head "stopped", disconnects.
  void stop(std::chrono::milliseconds drain_timeout = std::chrono::milliseconds(3000));

  // Core thread, after the core applied e. Never waits. False when the event could not
  // be encoded (counted).
  bool append(const twin::Event& e, const EventOrigin& origin = {});

  uint64_t stream_id() const { return stream_id_; }
  uint32_t epoch() const { return options_.epoch; }
  // A newer epoch of this run was heard: stop sequencing (any thread).
  bool fenced() const { return fenced_.load(); }
  // Connected, not fenced, and (after a reconnect) a head of this run heard or the grace
  // passed: the twin may sequence and apply (any thread).
  bool may_sequence() const;
  // Stops without the "stopped" head (a fenced twin must not overwrite the new primary's).
  void abandon();
  StreamPublisherStats stats() const;

 private:
  struct Encoded {
    uint64_t seq;
    std::vector<uint8_t> bytes;  // the binary event
    EventOrigin origin;
    StreamChainHash chain{};     // the stream's running hash after it (signed streams only)
  };
  using Outbox = BoundedOutbox<Encoded>;
  // The publishing thread, once per round: the round's events (consecutive seqs) as one
  // batch, waiting while the client's window is full, then the head when it is due.
  void publish_round(Outbox::Round& round);
  // Publishing thread, outbox lock held: consecutive seqs only, within the batch limits.
  bool joins(const std::vector<Encoded>& batch, const Encoded& next);
  std::string head_json(const char* status) const;  // mu_ held
  std::string sealed(const std::string& topic, const std::string& payload, const StreamChainHash& chain) const;
  void on_head(const std::string& payload);  // the client's thread
  std::string lease_topic() const;
  // Publishing thread: waits (bounded by abandoning) until the lease holds; false when fenced or abandoning.
  bool wait_lease(Outbox::Round& round);

  StreamPublisherOptions options_;
  MqttClient::LogHandler log_;
  const uint64_t stream_id_;
  MqttClient client_;
  mutable std::mutex mu_;  // guards what follows
  bool started_ = false, stopped_ = false;
  StreamPublisherStats stats_;  // all but dropped and outbox (the outbox's own)
  uint64_t last_appended_seq_ = 0;
  StreamChainHash chain_{};       // after last_appended_seq_ (core thread, under mu_)
  StreamChainHash last_chain_{};  // after stats_.last_seq: what the head says
  std::atomic<bool> fenced_{false};
  std::atomic<int64_t> lease_heard_ms_{-1};    // steady ms when its own ping last came back
  uint64_t pings_ = 0;                         // publishing thread: pings sent
  std::chrono::steady_clock::time_point next_ping_{};
  void ping();                                 // publishing thread
  // Publishing thread only.
  std::chrono::steady_clock::time_point next_head_{};
  size_t batch_bytes_ = 0;
  Outbox outbox_;  // last, so that its thread ends before the rest goes
};

}  // namespace connectors
