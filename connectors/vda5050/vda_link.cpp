// The twin's VDA 5050 connection. See vda_link.h.
#include "connectors/vda5050/vda_link.h"

#include <pthread.h>

#include <chrono>

namespace connectors::vda5050 {

namespace {

MqttClientOptions client_options(const LinkOptions& o, const FleetDispatch& d) {
  MqttClientOptions c;
  c.broker = o.broker;
  c.clean_session = false;
  c.subscriptions = d.subscriptions();
  return c;
}

}  // namespace

Link::Link(FleetDispatch& dispatch, IngestQueue& queue, LinkOptions options, MqttClient::LogHandler log)
    : dispatch_(dispatch),
      queue_(queue),
      options_(std::move(options)),
      log_(std::move(log)),
      clock_(options_.time),
      client_(client_options(options_, dispatch_),
              [this](const std::string& t, const std::string& p, const MqttClient::Delivery& how) { on_message(t, p, how.retained); },
              log_) {}

Link::~Link() { stop(); }

void Link::start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  worker_ = std::thread([this] { work(); });
  client_.start();
}

void Link::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  client_.stop();
}

int64_t Link::wall_utc_ms() const {
  if (options_.wall_utc_ms) return options_.wall_utc_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Link::push_field(std::vector<FieldMessage>& emitted) {
  const int64_t wall = wall_utc_ms();
  for (FieldMessage& m : emitted) {
    if (auto err = clock_.stamp(m, wall)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.time_refused;
      }
      if (log_) log_("vda5050: refused " + m.topic + ": " + err->message());
      continue;
    }
    queue_.push(std::move(m));  // may wait while the queue is full: the broker queues for us meanwhile
  }
}

void Link::on_message(const std::string& topic, const std::string& payload, bool retained) {
  thread_local bool named = false;  // the client's network thread, as top -H and perf show it
  if (!named) named = pthread_setname_np(pthread_self(), "vda5050-link") == 0 || true;
  std::vector<FieldMessage> emitted;
  std::vector<std::string> log;
  std::vector<OutMessage> out;
  // The time bounds first (the same FieldClock as every field message): a message outside
  // them is refused whole, before it changes the vehicle's book.
  dispatch_.receive(topic, payload, retained, emitted, log, &out, &clock_, wall_utc_ms());
  if (log_)
    for (const std::string& l : log) log_(l);
  push_field(emitted);
  if (out.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (OutMessage& m : out) {
      if (out_.size() >= options_.max_waiting) { ++stats_.dropped; continue; }
      out_.push_back(std::move(m));
    }
  }
  cv_.notify_one();
}

void Link::observe(const twin::Event& e, const twin::Decisions& decisions) {
  std::vector<OutMessage> out;
  std::vector<FieldMessage> emitted;
  std::vector<std::string> log;
  dispatch_.observe(e, decisions, wall_utc_ms(), out, emitted, log);
  if (out.empty() && emitted.empty() && log.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (OutMessage& m : out) {
      if (out_.size() >= options_.max_waiting) { ++stats_.dropped; continue; }
      out_.push_back(std::move(m));
    }
    for (FieldMessage& m : emitted) field_.push_back(std::move(m));
    for (std::string& l : log) logs_.push_back(std::move(l));
  }
  cv_.notify_one();
}

void Link::work() {
  pthread_setname_np(pthread_self(), "vda5050-out");
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !out_.empty() || !field_.empty() || !logs_.empty(); });
    std::deque<OutMessage> out;
    std::deque<FieldMessage> field;
    std::vector<std::string> logs;
    out.swap(out_);
    field.swap(field_);
    logs.swap(logs_);
    const bool stopping = stopping_;
    lock.unlock();
    if (log_)
      for (const std::string& l : logs) log_(l);
    std::vector<FieldMessage> emitted(std::make_move_iterator(field.begin()), std::make_move_iterator(field.end()));
    push_field(emitted);
    uint64_t ok = 0, failed = 0;
    for (const OutMessage& m : out) {
      // An order waits (up to 2 s) for the client's window: orders must not be lost.
      const PublishStatus st = client_.publish(m.topic, m.payload, 1, false, std::chrono::milliseconds(2000));
      (st == PublishStatus::Ok ? ok : failed)++;
      if (st != PublishStatus::Ok && log_) log_("vda5050: could not publish " + m.topic + " (" + to_string(st) + ")");
    }
    lock.lock();
    stats_.published += ok;
    stats_.publish_failures += failed;
    if (stopping && out_.empty() && field_.empty()) return;
  }
}

LinkStats Link::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

nlohmann::json Link::status_json() const {
  nlohmann::json j = dispatch_.status_json();
  const LinkStats s = stats();
  j["published"] = s.published;
  j["publish_failures"] = s.publish_failures;
  j["dropped"] = s.dropped;
  j["time_refused"] = s.time_refused;
  j["connected"] = client_.connected();
  return j;
}

}  // namespace connectors::vda5050
