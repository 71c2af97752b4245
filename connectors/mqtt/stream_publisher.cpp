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
  return c;
}

}  // namespace

StreamPublisher::StreamPublisher(StreamPublisherOptions options, MqttClient::LogHandler log)
    : options_(std::move(options)),
      log_(std::move(log)),
      stream_id_(new_stream_id()),
      // It subscribes to nothing; a message can only come from an old session under this
      // client id (say a follower's once named so), and is ignored.
      client_(client_options(options_, stream_id_), [](const std::string&, const std::string&, int) {}, log_) {
  stats_.stream_id = stream_id_;
}

StreamPublisher::~StreamPublisher() { stop(std::chrono::milliseconds(0)); }

void StreamPublisher::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  client_.start();
  thread_ = std::thread([this] { run(); });
}

void StreamPublisher::stop(std::chrono::milliseconds drain_timeout) {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stop_) return;
    stop_ = true;
    drain_until_ = std::chrono::steady_clock::now() + drain_timeout;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  client_.stop();
}

bool StreamPublisher::append(const twin::Event& e) {
  std::vector<uint8_t> bytes;
  if (encode_event(e, bytes)) {
    std::lock_guard lock(mu_);
    stats_.encode_failures++;
    return false;
  }
  {
    std::lock_guard lock(mu_);
    stats_.appended++;
    if (last_appended_seq_ != 0 && e.seq != last_appended_seq_ + 1) {
      if (stats_.seq_breaks++ == 0 && log_)
        log_("stream: the core applied seq " + std::to_string(e.seq) + " after " + std::to_string(last_appended_seq_) +
             "; followers fold in seq order and may no longer match this twin (a bug in what feeds the core)");
    }
    last_appended_seq_ = e.seq;
    if (outbox_.size() >= options_.outbox_capacity) {
      outbox_.pop_front();
      stats_.dropped++;
    }
    outbox_.emplace_back(e.seq, std::move(bytes));
  }
  wake_.notify_one();
  return true;
}

std::string StreamPublisher::head_json(const char* status) const {
  // mu_ held by the caller.
  return std::string(R"({"v":1,"status":")") + status + R"(","stream":")" + hash_hex(stream_id_) + R"(","session":)" +
         std::to_string(options_.session) + R"(,"seq":)" + std::to_string(stats_.last_seq) + "}";
}

void StreamPublisher::run() {
  using clock = std::chrono::steady_clock;
  auto next_head = clock::now();
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> batch;
  for (;;) {
    batch.clear();
    std::string head;
    {
      std::unique_lock lock(mu_);
      wake_.wait_until(lock, next_head, [&] { return stop_ || !outbox_.empty(); });
      if (stop_ && (outbox_.empty() || clock::now() >= drain_until_)) break;
      // Consecutive seqs only, within the batch limits.
      size_t bytes = 24;
      while (!outbox_.empty() && batch.size() < options_.max_batch_events &&
             bytes + outbox_.front().second.size() + 2 <= kStreamBatchMaxBytes &&
             (batch.empty() || outbox_.front().first == batch.back().first + 1)) {
        bytes += outbox_.front().second.size() + 2;
        batch.push_back(std::move(outbox_.front()));
        outbox_.pop_front();
      }
      if (clock::now() >= next_head) {
        head = head_json("up");
        next_head = clock::now() + options_.head_interval;
      }
    }
    if (!batch.empty()) {
      std::string payload = stream_batch_header(stream_id_, options_.session, static_cast<uint16_t>(batch.size()));
      for (const auto& [seq, ev] : batch) append_stream_event(payload, ev);
      for (;;) {
        PublishStatus s = client_.publish(stream_topic(), payload, 1, false, std::chrono::milliseconds(200));
        std::lock_guard lock(mu_);
        if (s == PublishStatus::Ok) {
          stats_.published_events += batch.size();
          stats_.published_batches++;
          stats_.last_seq = batch.back().first;
          break;
        }
        if (s == PublishStatus::Failed) {
          stats_.publish_failures++;
          break;
        }
        if (s == PublishStatus::Stopped || (stop_ && clock::now() >= drain_until_)) break;
        // Busy: the broker is slow or away; wait for room, in order.
      }
    }
    if (!head.empty()) client_.publish(stream_head_topic(), head, 1, true, std::chrono::milliseconds(0));
  }
  std::string last;
  {
    std::lock_guard lock(mu_);
    last = head_json("stopped");
  }
  client_.publish(stream_head_topic(), last, 1, true, std::chrono::milliseconds(200));
  client_.wait_delivered(std::chrono::milliseconds(1000));
}

StreamPublisherStats StreamPublisher::stats() const {
  StreamPublisherStats s;
  {
    std::lock_guard lock(mu_);
    s = stats_;
    s.outbox = outbox_.size();
  }
  s.client = client_.stats();
  return s;
}

}  // namespace connectors
