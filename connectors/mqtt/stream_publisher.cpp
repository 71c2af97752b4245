// The primary's event stream. See stream_publisher.h.
#include "connectors/mqtt/stream_publisher.h"
#include "connectors/codec/kpi_json.h"  // hash_hex

#include "connectors/codec/event_binary.h"
#include "connectors/codec/stream_batch.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

namespace connectors {

namespace {

uint64_t new_stream_id() {
  std::random_device rd;
  uint64_t id = 0;
  while (id == 0) id = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return id;
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

MqttClientOptions client_options(const StreamPublisherOptions& o, uint64_t stream_id) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = false;  // batches not acknowledged when the connection drops are sent again after it
  c.max_inflight = o.max_inflight;
  // Fencing: a newer epoch of this run; the lease: its own pings.
  c.subscriptions = {stream_head_topic(), "gatetwin/v1/twin/lease/" + o.broker.client_id};
  c.will_topic = stream_head_topic();
  nlohmann::json w = {{"v", 1}, {"status", "offline"}, {"stream", hash_hex(stream_id)}, {"epoch", o.epoch}, {"primary", o.primary}};
  c.will_payload = w.dump();
  if (o.signer) c.will_payload = o.signer->seal(stream_head_topic(), c.will_payload, StreamChainHash{});
  return c;
}

}  // namespace

std::optional<StreamHead> parse_stream_head(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.value("status", nlohmann::json()).is_string() || !j.value("stream", nlohmann::json()).is_string())
    return std::nullopt;
  StreamHead h;
  h.status = j["status"];
  h.stream_id = std::strtoull(j["stream"].get<std::string>().c_str(), nullptr, 16);
  if (j.contains("session") && j["session"].is_number_integer() && j.contains("seq") && j["seq"].is_number_unsigned()) {
    h.session = j["session"].get<int64_t>();
    h.seq = j["seq"].get<uint64_t>();
    h.has_seq = true;
  }
  if (j.contains("epoch") && j["epoch"].is_number_unsigned() && j["epoch"].get<uint64_t>() >= 1 && j["epoch"].get<uint64_t>() <= UINT32_MAX)
    h.epoch = static_cast<uint32_t>(j["epoch"].get<uint64_t>());
  if (j.contains("from") && j["from"].is_number_unsigned()) h.from = j["from"].get<uint64_t>();
  if (j.contains("primary") && j["primary"].is_string()) h.primary = j["primary"].get<std::string>().substr(0, 256);
  if (j.contains("since") && j["since"].is_number_integer()) h.since_utc_ms = j["since"].get<int64_t>();
  return h;
}

bool head_outranks(uint32_t b_epoch, const std::string& b_primary, uint32_t a_epoch, const std::string& a_primary) {
  if (b_epoch != a_epoch) return b_epoch > a_epoch;
  return !b_primary.empty() && !a_primary.empty() && b_primary < a_primary;
}

StreamPublisher::StreamPublisher(StreamPublisherOptions options, MqttClient::LogHandler log)
    : options_(std::move(options)),
      log_(std::move(log)),
      stream_id_(options_.stream_id ? options_.stream_id : new_stream_id()),
      // It subscribes to the head only (fencing); anything else can only come from an old
      // session under this client id (say a follower's once named so), and is ignored.
      client_(client_options(options_, stream_id_),
              [this](const std::string& t, const std::string& p, const MqttClient::Delivery&) {
                if (t == stream_head_topic()) on_head(p);
                else if (t == lease_topic() && p == std::to_string(stream_id_)) lease_heard_ms_ = steady_ms();
              },
              log_),
      outbox_(BoundedOutboxOptions{options_.outbox_capacity, options_.max_batch_events, 0},
              [this](Outbox::Round& round) { publish_round(round); },
              [this](const std::vector<Encoded>& batch, const Encoded& next) { return joins(batch, next); }) {
  stats_.stream_id = stream_id_;
  stats_.epoch = options_.epoch;
  chain_ = last_chain_ = options_.chain_start;
  if (options_.first_seq > 1) last_appended_seq_ = stats_.last_seq = options_.first_seq - 1;
}

void StreamPublisher::on_head(const std::string& sealed_payload) {
  // The seal is not checked here: who may publish a head is the broker's ACL (the twin
  // role); a forged newer head could only stop this twin sequencing (docs/control-room.md).
  const std::optional<StreamHead> h = parse_stream_head(strip_stream_seal(sealed_payload).payload);
  if (!h || h->stream_id != stream_id_) return;  // another run's (an old retained head): not ours to judge
  const bool mine = h->epoch == options_.epoch && h->primary == options_.primary;
  if (mine || !head_outranks(h->epoch, h->primary, options_.epoch, options_.primary)) return;
  if (h->status == "offline" && h->epoch == options_.epoch) return;  // a same-epoch rival's will: it is gone
  if (fenced_.exchange(true)) return;
  std::string by = "epoch " + std::to_string(h->epoch) + " by " + (h->primary.empty() ? std::string("another twin") : h->primary) +
                   " from seq " + std::to_string(h->from);
  {
    std::lock_guard lock(mu_);
    stats_.fenced = true;
    stats_.fenced_by = by;
    stats_.fenced_from = h->from;
  }
  if (log_)
    log_("stream: fenced: this run is sequenced by " + by + " (this twin had epoch " + std::to_string(options_.epoch) +
         "); it publishes nothing more and stops sequencing");
}

std::string StreamPublisher::lease_topic() const { return "gatetwin/v1/twin/lease/" + options_.broker.client_id; }

bool StreamPublisher::may_sequence() const {
  if (fenced_ || !client_.connected()) return false;
  const int64_t heard = lease_heard_ms_.load();
  return heard >= 0 && steady_ms() - heard <= options_.lease.count();
}

void StreamPublisher::ping() {
  // The stream id as payload: a ping of an earlier run under this client id renews nothing.
  client_.publish(lease_topic(), std::to_string(stream_id_), 1, false, std::chrono::milliseconds(0));
  pings_++;
}

bool StreamPublisher::wait_lease(Outbox::Round& round) {
  bool counted = false;
  for (;;) {
    if (fenced_ || round.abandoning()) return false;
    if (may_sequence()) return true;
    if (!counted) {
      counted = true;
      std::lock_guard lock(mu_);
      stats_.lease_waits++;
    }
    const auto now = std::chrono::steady_clock::now();
    if (client_.connected() && now >= next_ping_) {
      ping();
      next_ping_ = now + options_.lease_ping;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void StreamPublisher::abandon() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
  }
  outbox_.stop(std::chrono::milliseconds(0));
  client_.stop();
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
  if (fenced_) {  // the new primary's head stays
    client_.stop();
    return;
  }
  std::string last;
  {
    std::lock_guard lock(mu_);
    last = sealed(stream_head_topic(), head_json("stopped"), last_chain_);
  }
  client_.publish(stream_head_topic(), last, 1, true, std::chrono::milliseconds(200));
  client_.wait_delivered(std::chrono::milliseconds(1000));
  client_.stop();
}

bool StreamPublisher::append(const twin::Event& e, const EventOrigin& origin) {
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
  outbox_.push(Encoded{e.seq, std::move(bytes), origin, chain});  // a full outbox drops the oldest (counted)
  return true;
}

std::string StreamPublisher::sealed(const std::string& topic, const std::string& payload, const StreamChainHash& chain) const {
  return options_.signer ? options_.signer->seal(topic, payload, chain) : payload;
}

std::string StreamPublisher::head_json(const char* status) const {
  // mu_ held by the caller.
  nlohmann::json j = {{"v", 1},
                      {"status", status},
                      {"stream", hash_hex(stream_id_)},
                      {"session", options_.session},
                      {"seq", stats_.last_seq},
                      {"epoch", options_.epoch},
                      {"from", options_.first_seq},
                      {"primary", options_.primary},
                      {"since", options_.since_utc_ms}};
  return j.dump();
}

static size_t origin_bytes(const EventOrigin& o) {
  auto t = [](const std::string& s) { return 1 + std::min<size_t>(s.size(), 255); };
  return 9 + t(o.source) + t(o.session) + t(o.account) + t(o.command_id);
}

bool StreamPublisher::joins(const std::vector<Encoded>& batch, const Encoded& next) {
  if (batch.size() == 1) batch_bytes_ = 28 + batch.front().bytes.size() + 2 + origin_bytes(batch.front().origin);  // a new batch
  const size_t more = next.bytes.size() + 2 + origin_bytes(next.origin);
  if (next.seq != batch.back().seq + 1 || batch_bytes_ + more > kStreamBatchMaxBytes - 128) return false;  // 128: the seal
  batch_bytes_ += more;
  return true;
}

void StreamPublisher::publish_round(Outbox::Round& round) {
  using clock = std::chrono::steady_clock;
  if (!wait_lease(round)) {
    if (fenced_ && !round.items().empty()) {  // never published: the new primary's epoch sequences these seqs
      {
        std::lock_guard lock(mu_);
        stats_.stale_dropped += round.items().size();
      }
      round.failed(round.items().size());
    }
    return;
  }
  std::string head;
  if (clock::now() >= next_head_) {
    std::lock_guard lock(mu_);
    head = sealed(stream_head_topic(), head_json("up"), last_chain_);
    next_head_ = clock::now() + options_.head_interval;
  }
  round.wake_at(next_head_);
  const std::vector<Encoded>& batch = round.items();
  if (!batch.empty()) {
    std::string payload = stream_batch_header(stream_id_, options_.session, static_cast<uint16_t>(batch.size()), options_.epoch);
    for (const Encoded& e : batch) append_stream_event(payload, e.bytes, e.origin);
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
      if (fenced_) {
        {
          std::lock_guard lock(mu_);
          stats_.stale_dropped += batch.size();
        }
        round.failed(batch.size());
        return;
      }
      // Busy: the broker is slow or away; wait for room, in order.
    }
  }
  if (!head.empty() && !fenced_) {
    client_.publish(stream_head_topic(), head, 1, true, std::chrono::milliseconds(0));
    ping();  // renews the lease (what the broker holds for this client comes before it)
    next_ping_ = clock::now() + options_.lease_ping;
  }
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
