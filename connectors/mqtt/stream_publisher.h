// The primary twin's side of the control room's event stream (docs/control-room.md):
// every event the core applied, with its twin seq, goes out in order on
// gatetwin/v1/twin/stream (QoS 1, batches in the stream_batch codec), and a retained head
// (stream id, recording session, last seq published) on gatetwin/v1/twin/stream_head
// each second; the last will marks the head "offline". append() runs on the core's thread
// and never waits: it encodes into a bounded outbox (BoundedOutbox) whose publishing
// thread hands the events to its own MQTT connection. A full outbox drops the oldest
// events and counts them; followers then see a gap and catch up from the recording. It
// must not apply events or read anything from the broker.
//
// Supports: MQTT 3.1.1 through MqttClient (tcp://, ssl://). Does not support: a follower
// asking for a replay over MQTT (catch-up is from the primary's recording file).
#pragma once
#include "connectors/mqtt/bounded_outbox.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/stream_seal.h"
#include "twin/event.h"

#include <chrono>
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
};

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
  bool append(const twin::Event& e);

  uint64_t stream_id() const { return stream_id_; }
  StreamPublisherStats stats() const;

 private:
  struct Encoded {
    uint64_t seq;
    std::vector<uint8_t> bytes;  // the binary event
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
  // Publishing thread only.
  std::chrono::steady_clock::time_point next_head_{};
  size_t batch_bytes_ = 0;
  Outbox outbox_;  // last, so that its thread ends before the rest goes
};

}  // namespace connectors
