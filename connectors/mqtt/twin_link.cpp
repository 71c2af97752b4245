// The twin's MQTT link. See twin_link.h.
#include "connectors/mqtt/twin_link.h"

#include <malloc.h>  // malloc_trim (glibc)

namespace connectors {

namespace {

MqttClientOptions client_options(const std::vector<twin::SiteSpec>& sites, const TwinLinkOptions& o) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = false;
  c.max_inflight = o.max_inflight;
  if (o.console_only) return c;
  for (const auto& s : sites)
    for (auto& f : site_subscriptions(s.id)) c.subscriptions.push_back(f);
  c.will_topic = health_topic();
  c.will_payload = R"({"v":1,"src":"twin","status":"offline"})";
  return c;
}

}  // namespace

TwinLink::TwinLink(std::vector<twin::SiteSpec> sites, TwinLinkOptions options, MqttClient::LogHandler log)
    : sites_(std::move(sites)),
      options_(std::move(options)),
      log_(std::move(log)),
      queue_(options_.queue_capacity),
      client_(client_options(sites_, options_), [this](const std::string& t, const std::string& p, int) { on_message(t, p); },
              log_) {}

TwinLink::~TwinLink() { stop(); }

void TwinLink::start() {
  client_.start();
  std::lock_guard lock(outbox_mu_);
  if (!publisher_.joinable() && !publisher_stop_) publisher_ = std::thread([this] { run_publisher(); });
}

void TwinLink::stop() {
  queue_.close();  // a producer waiting for room must not hold up the client's shutdown
  {
    std::lock_guard lock(outbox_mu_);
    publisher_stop_ = true;
  }
  outbox_cv_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  client_.stop();
}

void TwinLink::on_message(const std::string& topic, const std::string& payload) {
  received_++;
  DecodeManyResult r = decode_messages(topic, payload, sites_);
  if (auto* e = std::get_if<DecodeError>(&r)) {
    reject(topic, *e);
    return;
  }
  DecodedMessages& d = std::get<DecodedMessages>(r);
  // A batch's positions are counted one by one: each is accepted or rejected on its own.
  if (d.batch) batch_positions_ += d.messages.size() + d.rejected_items.size();
  for (const DecodeError& e : d.rejected_items) reject(topic, e);
  for (FieldMessage& m : d.messages)
    if (queue_.push(std::move(m))) accepted_++;
}

void TwinLink::reject(const std::string& topic, const DecodeError& e) {
  uint64_t nth = ++rejected_[static_cast<size_t>(e.reason)];
  rejected_total_++;
  log_reject(topic, e, nth);
}

void TwinLink::log_reject(const std::string& topic, const DecodeError& e, uint64_t nth) {
  // The first 10 of each reason, then the 100th, 1000th, 10000th...: a flood of bad
  // messages must not flood the log.
  bool power_of_ten = false;
  for (uint64_t p = 100; p && p <= nth; p *= 10) power_of_ten |= p == nth;
  if (!log_ || (nth > 10 && !power_of_ten)) return;
  std::string t = topic.size() > 120 ? topic.substr(0, 120) + "..." : topic;
  log_("mqtt: rejected a message on " + t + ": " + e.message() + " (" + std::to_string(nth) + " so far for this reason)");
}

void TwinLink::publish_decisions(const twin::Decisions& decisions) {
  if (!options_.publish_decisions || options_.console_only || decisions.empty()) return;
  bool wake;
  {
    std::lock_guard lock(outbox_mu_);
    for (const twin::Decision& d : decisions) {
      if (outbox_.size() >= options_.outbox_capacity) {
        outbox_.pop_front();
        outbox_dropped_++;
      }
      outbox_.push_back(encode_decision(d, ++decision_seq_, sites_));
    }
    const size_t waiting = outbox_.size() + in_hand_;
    if (waiting > outbox_high_water_) outbox_high_water_ = waiting;
    if (waiting > backlog_since_trim_) backlog_since_trim_ = waiting;
    wake = publisher_waiting_;
  }
  if (wake) outbox_cv_.notify_one();  // no wake-up per frame while the thread is busy
}

void TwinLink::flush_outbox() { outbox_cv_.notify_one(); }

void TwinLink::publish_health(const std::string& json) {
  if (options_.console_only) return;
  bool wake;
  {
    std::lock_guard lock(outbox_mu_);
    health_ = json;
    has_health_ = true;
    wake = publisher_waiting_;
  }
  if (wake) outbox_cv_.notify_one();
}

PublishStatus TwinLink::hand_over(const EncodedMessage& m) {
  for (;;) {
    PublishStatus st = client_.publish(m.topic, m.payload, m.qos, m.retain, std::chrono::milliseconds(50));
    if (st != PublishStatus::Busy) return st;
    std::lock_guard stop_lock(outbox_mu_);  // window full: wait again, in order, unless stopping
    if (publisher_stop_) return st;
  }
}

// The publishing thread: takes the health, the waiting commands and up to a batch of
// decisions from the outbox, hands them to the client in that order, waiting (here, not
// on the core's thread) while the client's in-flight window is full.
void TwinLink::run_publisher() {
  constexpr size_t kBatch = 1024;
  std::vector<EncodedMessage> batch, commands;
  batch.reserve(kBatch);
  std::string health;
  std::unique_lock lock(outbox_mu_);
  while (!publisher_stop_) {
    if (outbox_.empty() && commands_.empty() && !has_health_) {
      if (backlog_since_trim_ >= kTrimAfter) {
        // A backlog has drained (a run faster than real time, a broker that was away):
        // give its memory back to the system, which glibc does not do by itself for
        // many small blocks freed out of order. Once per backlog, never per message.
        backlog_since_trim_ = 0;
        lock.unlock();
        malloc_trim(0);
        lock.lock();
        continue;
      }
      publisher_waiting_ = true;
      outbox_cv_.wait(lock, [&] { return publisher_stop_ || has_health_ || !outbox_.empty() || !commands_.empty(); });
      publisher_waiting_ = false;
      continue;
    }
    const bool send_health = has_health_;
    if (send_health) health.swap(health_);
    has_health_ = false;
    commands.assign(std::make_move_iterator(commands_.begin()), std::make_move_iterator(commands_.end()));
    commands_.clear();
    batch.clear();
    while (!outbox_.empty() && batch.size() < kBatch) {
      batch.push_back(std::move(outbox_.front()));
      outbox_.pop_front();
    }
    in_hand_ = batch.size();
    lock.unlock();
    if (send_health) client_.publish(health_topic(), health, 0, true, std::chrono::milliseconds(0));
    for (const EncodedMessage& c : commands) {
      const PublishStatus st = hand_over(c);
      std::lock_guard count_lock(outbox_mu_);
      (st == PublishStatus::Ok ? commands_published_ : commands_refused_)++;
    }
    size_t i = 0;
    while (i < batch.size()) {
      const PublishStatus st = hand_over(batch[i]);
      if (st == PublishStatus::Busy || st == PublishStatus::Stopped) break;
      std::lock_guard count_lock(outbox_mu_);
      if (st == PublishStatus::Ok) decisions_published_++;
      else outbox_dropped_++;  // Failed: the client's offline buffer is full
      in_hand_--;
      ++i;
    }
    lock.lock();
    if (i < batch.size()) {  // stopping: what was not handed over stays in the outbox, counted
      for (size_t k = batch.size(); k-- > i;) outbox_.push_front(std::move(batch[k]));
      in_hand_ = 0;
      if (!publisher_stop_) {  // the client stopped under us: wait for stop()
        publisher_waiting_ = true;
        outbox_cv_.wait(lock, [&] { return publisher_stop_; });
        publisher_waiting_ = false;
      }
    }
  }
}

bool TwinLink::publish_event(const twin::Event& e, const std::string& source, uint64_t source_seq) {
  EncodedMessage m = encode_event(e, source, source_seq, sites_);
  bool wake;
  {
    std::lock_guard lock(outbox_mu_);
    if (commands_.size() >= kMaxCommandsWaiting) {
      commands_refused_++;
      return false;
    }
    commands_.push_back(std::move(m));
    wake = publisher_waiting_;
  }
  if (wake) outbox_cv_.notify_one();
  return true;
}

TwinLinkStats TwinLink::stats() const {
  TwinLinkStats s;
  s.received = received_;
  s.batch_positions = batch_positions_;
  s.accepted = accepted_;
  for (size_t i = 0; i < s.rejected.size(); ++i) s.rejected[i] = rejected_[i];
  s.rejected_total = rejected_total_;
  {
    std::lock_guard lock(outbox_mu_);
    s.decisions_published = decisions_published_;
    s.outbox_dropped = outbox_dropped_;
    s.outbox = outbox_.size() + in_hand_;
    s.outbox_high_water = outbox_high_water_;
    s.commands_published = commands_published_;
    s.commands_refused = commands_refused_;
  }
  s.queue = queue_.stats();
  s.client = client_.stats();
  return s;
}

}  // namespace connectors
