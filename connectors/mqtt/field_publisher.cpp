// Publishes a source's events. See field_publisher.h.
#include "connectors/mqtt/field_publisher.h"

namespace connectors {

namespace {
MqttClientOptions publisher_options(const FieldPublisherOptions& o) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = false;
  c.max_inflight = o.max_inflight;
  return c;
}
}  // namespace

FieldPublisher::FieldPublisher(const std::vector<twin::SiteSpec>& sites, FieldPublisherOptions options, MqttClient::LogHandler log)
    : sites_(sites), options_(std::move(options)), client_(publisher_options(options_), nullptr, std::move(log)) {}

bool FieldPublisher::start(std::chrono::milliseconds timeout) {
  client_.start();
  return client_.wait_connected(timeout);
}

PublishStatus FieldPublisher::publish(const twin::Event& e, uint64_t source_seq) {
  return publish(encode_event(e, options_.source, source_seq, sites_));
}

PublishStatus FieldPublisher::publish(const EncodedMessage& m) {
  if (options_.partner_signer && partner_topic_site(m.topic))
    return client_.publish(m.topic, options_.partner_signer->seal(m.topic, m.payload), m.qos, m.retain, options_.publish_wait);
  return client_.publish(m.topic, m.payload, m.qos, m.retain, options_.publish_wait);
}

bool FieldPublisher::finish(std::chrono::milliseconds timeout) {
  bool ok = client_.wait_delivered(timeout);
  client_.stop();
  return ok;
}

}  // namespace connectors
