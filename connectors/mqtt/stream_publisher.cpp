// The primary's event stream. See stream_publisher.h.
#include "connectors/mqtt/stream_publisher.h"
#include "connectors/codec/kpi_json.h"  // hash_hex

#include "connectors/codec/event_binary.h"
#include "connectors/codec/stream_batch.h"

#include <cstdio>
#include <random>

namespace connectors {

namespace {

uint64_t new_stream_id() {
  std::random_device rd;
  uint64_t id = 0;
  while (id == 0) id = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return id;
}

MqttClientOptions client_options(const StreamPublisherOptions& o, uint64_t stream_id) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = false;  // batches not acknowledged when the connection drops are sent again after it
  c.max_inflight = o.max_inflight;
  c.will_topic = stream_head_topic();
  c.will_payload = R"({"v":1,"status":"offline","stream":")" + hash_hex(stream_id) + R"("})";
  if (o.signer) c.will_payload = o.signer->seal(stream_head_topic(), c.will_payload, StreamChainHash{});
  return c;
}

}  // namespace

StreamPublisher::StreamPublisher(StreamPublisherOptions options, MqttClient::LogHandler log)
    : options_(std::move(options)),
      log_(std::move(log)),
      stream_id_(new_stream_id()),
      // It subscribes to nothing; a message can only come from an old session under this
      // client id (say a follower's once named so), and is ignored.
      client_(client_options(options_, stream_id_), [](const std::string&, const std::string&, const MqttClient::Delivery&) {}, log_),
      outbox_(BoundedOutboxOptions{options_.outbox_capacity, options_.max_batch_events, 0},
              [this](Outbox::Round& round) { publish_round(round); },
              [this](const std::vector<Encoded>& batch, const Encoded& next) { return joins(batch, next); }) {
  stats_.stream_id = stream_id_;
}

StreamPublisher::~StreamPublisher() { stop(std::chrono::milliseconds(0)); }

void StreamPublisher::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  client_.start();
  outbox_.start();  // its first round publishes the head at once
}

void StreamPublisher::stop(std::chrono::milliseconds drain_timeout) {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
  }
  outbox_.stop(drain_timeout);  // what is queued goes out first, up to drain_timeout
  std::string last;
  {
    std::lock_guard lock(mu_);
    last = sealed(stream_head_topic(), head_json("stopped"), last_chain_);
  }
  client_.publish(stream_head_topic(), last, 1, true, std::chrono::milliseconds(200));
  client_.wait_delivered(std::chrono::milliseconds(1000));
  client_.stop();
}

bool StreamPublisher::append(const twin::Event& e) {
  std::vector<uint8_t> bytes;
  if (encode_event(e, bytes)) {
    std::lock_guard lock(mu_);
    stats_.encode_failures++;
    return false;
  }
  StreamChainHash chain{};
  {
    std::lock_guard lock(mu_);
    if (options_.signer) chain = chain_ = stream_chain_next(chain_, bytes);
    stats_.appended++;
    if (last_appended_seq_ != 0 && e.seq != last_appended_seq_ + 1) {
      if (stats_.seq_breaks++ == 0 && log_)
        log_("stream: the core applied seq " + std::to_string(e.seq) + " after " + std::to_string(last_appended_seq_) +
             "; followers fold in seq order and may no longer match this twin (a bug in what feeds the core)");
    }
    last_appended_seq_ = e.seq;
  }
  outbox_.push(Encoded{e.seq, std::move(bytes), chain});  // a full outbox drops the oldest (counted)
  return true;
}

std::string StreamPublisher::sealed(const std::string& topic, const std::string& payload, const StreamChainHash& chain) const {
  return options_.signer ? options_.signer->seal(topic, payload, chain) : payload;
}

std::string StreamPublisher::head_json(const char* status) const {
  // mu_ held by the caller.
  return std::string(R"({"v":1,"status":")") + status + R"(","stream":")" + hash_hex(stream_id_) + R"(","session":)" +
         std::to_string(options_.session) + R"(,"seq":)" + std::to_string(stats_.last_seq) + "}";
}

bool StreamPublisher::joins(const std::vector<Encoded>& batch, const Encoded& next) {
  if (batch.size() == 1) batch_bytes_ = 24 + batch.front().bytes.size() + 2;  // a new batch
  if (next.seq != batch.back().seq + 1 || batch_bytes_ + next.bytes.size() + 2 > kStreamBatchMaxBytes) return false;
  batch_bytes_ += next.bytes.size() + 2;
  return true;
}

void StreamPublisher::publish_round(Outbox::Round& round) {
  using clock = std::chrono::steady_clock;
  std::string head;
  if (clock::now() >= next_head_) {
    std::lock_guard lock(mu_);
    head = sealed(stream_head_topic(), head_json("up"), last_chain_);
    next_head_ = clock::now() + options_.head_interval;
  }
  round.wake_at(next_head_);
  const std::vector<Encoded>& batch = round.items();
  if (!batch.empty()) {
    std::string payload = stream_batch_header(stream_id_, options_.session, static_cast<uint16_t>(batch.size()));
    for (const Encoded& e : batch) append_stream_event(payload, e.bytes);
    payload = sealed(stream_topic(), payload, batch.back().chain);
    for (;;) {
      PublishStatus s = client_.publish(stream_topic(), payload, 1, false, std::chrono::milliseconds(200));
      if (s == PublishStatus::Ok) {
        {
          std::lock_guard lock(mu_);
          stats_.published_events += batch.size();
          stats_.published_batches++;
          stats_.last_seq = batch.back().seq;
          last_chain_ = batch.back().chain;
        }
        round.published(batch.size());
        break;
      }
      if (s == PublishStatus::Failed) {
        {
          std::lock_guard lock(mu_);
          stats_.publish_failures++;
        }
        round.failed(batch.size());
        break;
      }
      // Stopped, or stopping past the drain time: the batch stays in the outbox, counted.
      if (s == PublishStatus::Stopped || round.abandoning()) break;
      // Busy: the broker is slow or away; wait for room, in order.
    }
  }
  if (!head.empty()) client_.publish(stream_head_topic(), head, 1, true, std::chrono::milliseconds(0));
}

StreamPublisherStats StreamPublisher::stats() const {
  StreamPublisherStats s;
  {
    std::lock_guard lock(mu_);
    s = stats_;
  }
  const BoundedOutboxStats o = outbox_.stats();
  s.dropped = o.dropped;
  s.outbox = o.waiting;  // as before: not counting the batch the publishing thread holds
  s.client = client_.stats();
  return s;
}

}  // namespace connectors
