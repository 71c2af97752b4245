// The twin's broker connection on libmosquitto. See mosquitto_client.h for what it
// supports and why it exists.
//
// [SECTION] set-up and teardown
// [SECTION] the network thread: connect, subscribe, serve, shut down
// [SECTION] library callbacks
// [SECTION] publishing and stats
#include "connectors/mqtt/mosquitto_client.h"

#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace connectors {

namespace {

// The text of a library return code (MOSQ_ERR_ERRNO: the system's errno).
std::string error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

// host and port of tcp://host:port or ssl://host:port (make_broker_config checked it).
void split_uri(const std::string& uri, std::string& host, int& port) {
  const size_t scheme = uri.find("://");
  std::string hostport = scheme == std::string::npos ? uri : uri.substr(scheme + 3);
  const size_t colon = hostport.rfind(':');
  host = colon == std::string::npos ? hostport : hostport.substr(0, colon);
  port = colon == std::string::npos ? 1883 : std::atoi(hostport.c_str() + colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
}

// After one mosquitto_loop has read a message, read on without select() while messages
// keep coming (the socket is non-blocking: an empty read returns at once). The library
// reads one packet per select(); this saves the select on a busy stream. Bounded, so
// that queued publishes are written and the keep-alive checked at least this often.
constexpr int kReadBurst = 256;

}  // namespace

// [SECTION] set-up and teardown

MosquittoClient::MosquittoClient(MqttClientOptions options, MessageHandler on_message, LogHandler log)
    : options_(std::move(options)), on_message_(std::move(on_message)), log_(std::move(log)) {
  static std::once_flag init;
  std::call_once(init, [] { mosquitto_lib_init(); });
  uris_ = options_.broker.uris();
  split_uri(uris_.front(), host_, port_);
  mosq_ = mosquitto_new(options_.broker.client_id.c_str(), options_.clean_session, this);
  if (!mosq_) return;  // out of memory or an empty id with clean_session false: every connect fails
  mosquitto_threaded_set(mosq_, true);  // publishes from other threads queue and wake our loop
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);  // QoS 0 gets nothing back: Nagle would hold small publishes
  mosquitto_max_inflight_messages_set(mosq_, static_cast<unsigned>(std::max(1, options_.max_inflight)));
  if (!options_.broker.user.empty())
    mosquitto_username_pw_set(mosq_, options_.broker.user.c_str(), options_.broker.password.c_str());
  if (!options_.will_topic.empty())
    mosquitto_will_set(mosq_, options_.will_topic.c_str(), static_cast<int>(options_.will_payload.size()),
                       options_.will_payload.data(), 0, true);
  if (options_.broker.tls()) {
    // The broker must present a certificate signed by ca_file for the host we dialled
    // (the library checks the host name unless told it is insecure, which we never do).
    const auto& b = options_.broker;
    int rc = mosquitto_tls_set(mosq_, b.ca_file.c_str(), nullptr, b.cert_file.empty() ? nullptr : b.cert_file.c_str(),
                               b.key_file.empty() ? nullptr : b.key_file.c_str(), nullptr);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_opts_set(mosq_, 1 /* SSL_VERIFY_PEER */, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      // Never fall back to plain TCP: without TLS set up, no connect is attempted.
      log("mqtt: TLS set-up for " + b.uri + " failed: " + error_text(rc));
      mosquitto_destroy(mosq_);
      mosq_ = nullptr;
      return;
    }
  }
  mosquitto_connect_callback_set(mosq_, &MosquittoClient::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MosquittoClient::on_disconnect);
  mosquitto_message_callback_set(mosq_, &MosquittoClient::on_message);
  mosquitto_publish_callback_set(mosq_, &MosquittoClient::on_publish);
  mosquitto_subscribe_callback_set(mosq_, &MosquittoClient::on_subscribe);
}

MosquittoClient::~MosquittoClient() {
  stop();
  if (mosq_) mosquitto_destroy(mosq_);
}

void MosquittoClient::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void MosquittoClient::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  connected_ = false;
  cv_.notify_all();
}

// [SECTION] the network thread: connect, subscribe, serve, shut down

void MosquittoClient::run() {
  auto backoff = options_.backoff_min;
  while (!stopping_) {
    std::string why;
    const Attempt a = connect_once(why);
    if (a == Attempt::Stopped) break;
    if (a == Attempt::Connected) {
      const uint64_t failed = failures_since_connect_;
      failures_since_connect_ = failures_of_kind_ = 0;
      failure_kind_.clear();
      backoff = options_.backoff_min;
      // Said before it is known: whoever waits for the connection finds the line logged.
      const uint64_t n = connects_ + 1;
      if (n > 1 && current_ != last_connected_) {
        switches_++;
        log("mqtt: moved to the broker " + uri() + " as " + options_.broker.client_id + " (broker switch " +
            std::to_string(switches_.load()) + ")");
      }
      last_connected_ = current_;
      if (n == 1) log("mqtt: connected to " + uri() + " as " + options_.broker.client_id);
      else
        log("mqtt: reconnected to " + uri() + " (connect " + std::to_string(n) + ", after " +
            std::to_string(failed) + " failed attempts), resubscribed");
      {
        std::lock_guard lock(mu_);
        connected_ = true;
        connects_++;
      }
      cv_.notify_all();
      const bool stopped = serve(why);
      if (stopped) {
        shut_down();
        break;
      }
      {
        std::lock_guard lock(mu_);
        connected_ = false;
      }
      cv_.notify_all();
      losses_++;
      log("mqtt: connection to " + uri() + " lost" + (why.empty() ? "" : ": " + why) + "; reconnecting");
      continue;  // at once; back-off only after a failed connect
    }
    note_connect_failure(why, backoff);
    auto wait = backoff;
    if (uris_.size() > 1) {  // the next broker of the list
      current_ = (current_ + 1) % uris_.size();
      if (current_ != last_connected_) wait = std::max(wait, options_.switch_delay);
      backoff = options_.backoff_min;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [&] { return stopping_.load(); });
    backoff = std::min(options_.backoff_max, backoff * 2);
  }
  std::lock_guard lock(mu_);
  connected_ = false;
}

bool MosquittoClient::pump(int timeout_ms, std::string& why) {
  uint64_t seen = read_;
  int rc = mosquitto_loop(mosq_, timeout_ms, 1);
  for (int i = 0; rc == MOSQ_ERR_SUCCESS && i < kReadBurst && read_ != seen; ++i) {
    seen = read_;
    rc = mosquitto_loop_read(mosq_, 1);
  }
  if (rc == MOSQ_ERR_SUCCESS && !disconnected_) return true;
  why = disconnected_ && disconnect_rc_ != 0 ? error_text(disconnect_rc_) : error_text(rc);
  return false;
}

void MosquittoClient::forget_qos0() {
  size_t n;
  {
    std::lock_guard lock(qos0_mu_);
    n = qos0_mids_.size();
    qos0_mids_.clear();
  }
  if (!n) return;
  publish_failures_ += n;
  {
    std::lock_guard lock(mu_);
    inflight_ -= static_cast<int64_t>(n);
  }
  cv_.notify_all();
}

// One connect: TCP (and TLS), CONNACK within connect_timeout_s, then every subscription
// SUBACKed. A subscription the broker refuses is logged and not retried (a reconnect
// would not change the ACL); the SUBACKs are waited for as long as the connection holds.
MosquittoClient::Attempt MosquittoClient::connect_once(std::string& why) {
  if (!mosq_) {
    why = "the client could not be set up (see the log above)";
    return Attempt::Failed;
  }
  forget_qos0();  // a new connect drops the packets the last connection had not written
  connack_ = -1;
  disconnected_ = false;
  disconnect_rc_ = 0;
  suback_waiting_.clear();
  split_uri(uri(), host_, port_);
  int rc = mosquitto_connect(mosq_, host_.c_str(), port_, options_.keep_alive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    why = error_text(rc);
    return Attempt::Failed;
  }
  auto give_up = [&](Attempt a) {
    mosquitto_disconnect(mosq_);
    std::string ignored;
    for (int i = 0; i < 20 && pump(5, ignored); ++i) {
    }
    return a;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.connect_timeout_s);
  while (connack_ < 0) {
    if (!pump(50, why)) {
      if (connack_ > 0) why = mosquitto_connack_string(connack_);  // refused: the broker's answer, not the library's
      return Attempt::Failed;
    }
    if (connack_ >= 0) break;
    if (stopping_) return give_up(Attempt::Stopped);
    if (std::chrono::steady_clock::now() > deadline) {
      why = "no answer (CONNACK) from the broker within " + std::to_string(options_.connect_timeout_s) + " s";
      return give_up(Attempt::Failed);
    }
  }
  if (connack_ != 0) {
    why = mosquitto_connack_string(connack_);
    return give_up(Attempt::Failed);
  }
  std::vector<std::pair<int, std::string>> mids;
  for (const std::string& filter : options_.subscriptions) {
    int mid = 0;
    rc = mosquitto_subscribe(mosq_, &mid, filter.c_str(), 1);
    if (rc != MOSQ_ERR_SUCCESS) {
      why = "subscribe to " + filter + ": " + error_text(rc);
      if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST) return Attempt::Failed;
      log("mqtt: " + why + " (not retried)");
      continue;
    }
    suback_waiting_.insert(mid);
    mids.emplace_back(mid, filter);
  }
  while (!suback_waiting_.empty()) {
    if (!pump(50, why)) {
      why = "connection lost while subscribing: " + why;
      return Attempt::Failed;
    }
    if (stopping_) return give_up(Attempt::Stopped);
  }
  for (int refused : refused_mids_)
    for (const auto& [mid, filter] : mids)
      if (mid == refused) log("mqtt: subscribe to " + filter + " refused by the broker (not retried)");
  refused_mids_.clear();
  return Attempt::Connected;
}

// Reads and writes until the connection ends (false, why says how) or stop() (true).
bool MosquittoClient::serve(std::string& why) {
  while (!stopping_)
    if (!pump(100, why)) return false;
  return true;
}

// Stopping while connected: QoS 1 publishes get up to 1 s for their PUBACKs, then a
// DISCONNECT (the broker then drops the will: a clean stop is not "offline" by accident).
void MosquittoClient::shut_down() {
  std::string why;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (inflight_ > 0 && std::chrono::steady_clock::now() < deadline)
    if (!pump(10, why)) return;
  mosquitto_disconnect(mosq_);
  for (int i = 0; i < 100 && pump(10, why); ++i) {
  }
}

void MosquittoClient::note_connect_failure(const std::string& why, std::chrono::milliseconds retry_in) {
  // As MqttClient: the first three of each kind, then the 4th, 8th, 16th...
  connect_failures_++;
  ++failures_since_connect_;
  if (why != failure_kind_) {
    failure_kind_ = why;
    failures_of_kind_ = 0;
  }
  const uint64_t k = ++failures_of_kind_;
  if (k <= 3 || (k & (k - 1)) == 0)
    log("mqtt: cannot connect to " + uri() + ": " + why + " (failure " + std::to_string(failures_since_connect_) +
        " since the last connect, " + std::to_string(k) + " of this kind; retrying in " + std::to_string(retry_in.count()) +
        " ms)");
}

// [SECTION] library callbacks (all on the network thread, inside mosquitto_loop)

void MosquittoClient::on_connect(mosquitto*, void* self, int rc) {
  auto* c = static_cast<MosquittoClient*>(self);
  c->read_++;
  c->connack_ = rc;
}

void MosquittoClient::on_disconnect(mosquitto*, void* self, int rc) {
  auto* c = static_cast<MosquittoClient*>(self);
  c->disconnected_ = true;
  c->disconnect_rc_ = rc;
}

void MosquittoClient::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* c = static_cast<MosquittoClient*>(self);
  c->read_++;
  c->messages_in_++;
  if (!c->on_message_) return;
  c->topic_.assign(m->topic ? m->topic : "");
  c->payload_.assign(static_cast<const char*>(m->payload), m->payload ? static_cast<size_t>(m->payloadlen) : 0);
  c->on_message_(c->topic_, c->payload_, Delivery{m->qos, m->retain});
}

void MosquittoClient::on_publish(mosquitto*, void* self, int mid) {
  auto* c = static_cast<MosquittoClient*>(self);
  c->read_++;
  {
    std::lock_guard lock(c->qos0_mu_);
    c->qos0_mids_.erase(mid);
  }
  c->delivered_++;
  bool wake;
  {
    std::lock_guard lock(c->mu_);
    c->inflight_--;
    wake = c->waiters_ > 0;
  }
  if (wake) c->cv_.notify_all();  // a wake-up per message costs more than the message
}

void MosquittoClient::on_subscribe(mosquitto*, void* self, int mid, int count, const int* granted) {
  auto* c = static_cast<MosquittoClient*>(self);
  c->read_++;
  c->suback_waiting_.erase(mid);
  for (int i = 0; i < count; ++i)
    if (granted[i] == 0x80) c->refused_mids_.push_back(mid);
}

// [SECTION] publishing and stats

bool MosquittoClient::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return connected_.load() || stopping_.load(); }) && connected_;
}

bool MosquittoClient::wait_delivered(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  ++waiters_;
  const bool ok = cv_.wait_for(lock, timeout, [&] { return inflight_ <= 0 || stopping_.load(); }) && inflight_ <= 0;
  --waiters_;
  return ok;
}

PublishStatus MosquittoClient::publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                                       std::chrono::milliseconds wait) {
  if (stopping_ || !mosq_) return stopping_ ? PublishStatus::Stopped : PublishStatus::Failed;
  {
    std::unique_lock lock(mu_);
    if (inflight_ >= options_.max_inflight) {
      ++waiters_;
      const bool room = cv_.wait_for(lock, wait, [&] { return inflight_ < options_.max_inflight || stopping_.load(); });
      --waiters_;
      if (!room) return PublishStatus::Busy;
    }
    if (stopping_) return PublishStatus::Stopped;
    if (!connected_ && inflight_ >= options_.max_offline_buffer) {
      publish_failures_++;
      return PublishStatus::Failed;
    }
    inflight_++;
  }
  int rc;
  if (qos == 0) {
    // Under qos0_mu_ until the mid is noted, so that on_publish (which takes it) finds it.
    std::lock_guard lock(qos0_mu_);
    int mid = 0;
    rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 0, retain);
    if (rc == MOSQ_ERR_SUCCESS) qos0_mids_.insert(mid);
  } else {
    rc = mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, retain);
  }
  // QoS 1 while disconnected: libmosquitto 2.0 keeps the message (and sends it after the
  // reconnect, then on_publish) but answers "no connection": for us that is Ok, held.
  if (rc == MOSQ_ERR_SUCCESS || (qos > 0 && rc == MOSQ_ERR_NO_CONN)) {
    published_++;
    return PublishStatus::Ok;
  }
  {
    std::lock_guard lock(mu_);
    inflight_--;
  }
  cv_.notify_all();
  const uint64_t n = ++publish_failures_;
  if (n == 1 || n % 1000 == 0)
    log("mqtt: publish to " + topic + " failed: " + error_text(rc) + " (" + std::to_string(n) + " failures so far)");
  return PublishStatus::Failed;
}

MqttClientStats MosquittoClient::stats() const {
  MqttClientStats s;
  s.connects = connects_;
  s.connect_failures = connect_failures_;
  s.connection_losses = losses_;
  s.messages_in = messages_in_;
  s.published = published_;
  s.delivered = delivered_;
  s.publish_failures = publish_failures_;
  s.inflight = inflight_;
  s.broker_switches = switches_;
  return s;
}

}  // namespace connectors
