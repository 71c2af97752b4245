// Publishes a source's events. See field_publisher.h.
#include "connectors/mqtt/field_publisher.h"

namespace connectors {

namespace {
MqttClientOptions publisher_options(const FieldPublisherOptions& o) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = false;
  c.max_inflight = o.max_inflight;
  c.switch_delay = o.switch_delay;
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
  replay_if_moved();
  EncodedMessage out = m;
  if (options_.partner_signer && partner_topic_site(m.topic)) out.payload = options_.partner_signer->seal(m.topic, m.payload);
  const PublishStatus s = send(out);
  if (s == PublishStatus::Ok && out.qos > 0 && options_.replay_window > 0 && !options_.broker.alternates.empty()) {
    window_.push_back(std::move(out));
    if (window_.size() > options_.replay_window) window_.pop_front();
  }
  return s;
}

PublishStatus FieldPublisher::send(const EncodedMessage& m) {
  return client_.publish(m.topic, m.payload, m.qos, m.retain, options_.publish_wait);
}

void FieldPublisher::replay_if_moved() {
  const uint64_t switches = client_.stats().broker_switches;
  if (switches == switches_seen_) return;
  switches_seen_ = switches;
  for (const EncodedMessage& m : window_)
    if (send(m) == PublishStatus::Ok) replayed_++;
}

bool FieldPublisher::finish(std::chrono::milliseconds timeout) {
  // A move to another broker while the last messages are acknowledged sends the window again.
  const auto until = std::chrono::steady_clock::now() + timeout;
  bool ok = false;
  for (;;) {
    replay_if_moved();
    ok = client_.wait_delivered(std::chrono::milliseconds(200));
    if (ok && client_.stats().broker_switches == switches_seen_) break;
    if (std::chrono::steady_clock::now() >= until) break;
  }
  client_.stop();
  return ok;
}

}  // namespace connectors
