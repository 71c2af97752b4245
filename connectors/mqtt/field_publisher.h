// The field's side of MQTT for a simulated or replayed source: encodes twin events as
// field messages (docs/mqtt.md) numbered with the source's own seq and publishes them,
// QoS 1 for ordered messages and QoS 0 for positions, waiting whenever the in-flight
// window is full (so "as fast as the broker takes" never overruns memory). Used by
// gatesim --broker, the tests and gatebench. It must not run a core or read decisions.
//
// Supports: partner messages signed with the partner's key (partner_seal.h), one source per publisher, persistent session, reconnect with back-off
// (publishes made while disconnected are buffered, bounded, and sent after reconnect).
#pragma once
#include "connectors/codec/event_json.h"
#include "connectors/mqtt/mqtt_client.h"
#include "connectors/mqtt/partner_seal.h"
#include "twin/event.h"
#include "twin/site.h"

#include <chrono>
#include <deque>
#include <string>
#include <vector>

namespace connectors {

struct FieldPublisherOptions {
  BrokerConfig broker;
  std::string source = "gatesim";   // "src" in every payload
  int max_inflight = 1024;
  std::chrono::milliseconds publish_wait{30000};  // longest wait for room before giving up
  // Set: the partner customs' messages go out signed by this key (partner_seal.h), as the
  // partner sends them (gatesim --partner-key).
  std::shared_ptr<const PartnerSigner> partner_signer;
  // Several brokers (docs/control-room.md "Two brokers"): after moving to another broker it
  // publishes its last replay_window QoS 1 messages again (a broker that died may have
  // taken some before its subscribers had them; the twin drops what it has: stale), and it
  // moves only switch_delay after losing its broker, so the twins are subscribed there first.
  size_t replay_window = 4096;
  std::chrono::milliseconds switch_delay{1000};
};

class FieldPublisher {
 public:
  FieldPublisher(const std::vector<twin::SiteSpec>& sites, FieldPublisherOptions options, MqttClient::LogHandler log);

  // Connects; false if no connection within timeout (the client keeps retrying).
  bool start(std::chrono::milliseconds timeout);
  // Publishes e as message number source_seq of this source; waits while the window is full.
  PublishStatus publish(const twin::Event& e, uint64_t source_seq);
  PublishStatus publish(const EncodedMessage& m);
  // Waits until every QoS 1 message is PUBACKed; then disconnects.
  bool finish(std::chrono::milliseconds timeout);

  MqttClientStats stats() const { return client_.stats(); }
  uint64_t replayed() const { return replayed_; }  // messages published again after a broker move
  const std::string& source() const { return options_.source; }

 private:
  const std::vector<twin::SiteSpec>& sites_;
  PublishStatus send(const EncodedMessage& m);
  void replay_if_moved();
  FieldPublisherOptions options_;
  MqttClient client_;
  std::deque<EncodedMessage> window_;  // the last QoS 1 messages, as sent
  uint64_t switches_seen_ = 0, replayed_ = 0;
};

}  // namespace connectors
