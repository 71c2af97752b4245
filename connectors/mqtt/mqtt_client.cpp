// The broker connection and its supervisor. See mqtt_client.h for what it supports.
//
// Why our own reconnect loop instead of Paho's automatic reconnect: Paho retries in
// whole seconds and does not retry a first connect that failed; ours backs off from
// 100 ms, covers the first connect, and resubscribes on every connect in one place.
#include "connectors/mqtt/mqtt_client.h"

#include <mqtt/async_client.h>

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>

namespace connectors {

namespace {

// Paho C 1.3 leaves Nagle's algorithm on and has no option for it. A QoS 0 stream gets
// nothing back from the broker, so the kernel delays its ACKs and Nagle holds each small
// publish for up to 40 ms. After each connect we therefore set TCP_NODELAY on this
// process's TCP sockets whose peer is the broker's port (Linux: /proc/self/fd).
// Returns how many sockets were set.
int set_nodelay_to_port(int port) {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);
    if (!end || *end || fd < 0) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    int peer_port = peer.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port)
                    : peer.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port)
                                                 : -1;
    int one = 1;
    if (peer_port == port && setsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0) ++n;
  }
  closedir(d);
  return n;
}

int port_of(const std::string& uri) {
  size_t colon = uri.rfind(':');
  return colon == std::string::npos ? -1 : std::atoi(uri.c_str() + colon + 1);
}

}  // namespace

const char* to_string(PublishStatus s) {
  static const char* n[] = {"ok", "busy", "stopped", "failed"};
  return n[static_cast<int>(s) & 3];
}

// Counts PUBACKs (QoS 1) and failures; wakes publishers waiting for room.
class MqttClient::Listener : public mqtt::iaction_listener {
 public:
  Listener(MqttClient& c, bool qos1) : c_(c), qos1_(qos1) {}
  void on_success(const mqtt::token&) override { done(true); }
  void on_failure(const mqtt::token&) override { done(false); }

 private:
  void done(bool ok) {
    (ok ? c_.delivered_ : c_.publish_failures_)++;
    bool wake;
    {
      std::lock_guard lock(c_.mu_);
      c_.inflight_--;
      wake = c_.waiters_ > 0;
    }
    // Only when someone waits for room or for delivery: a wake-up per message costs more
    // than the message.
    if (wake) c_.cv_.notify_all();
  }
  MqttClient& c_;
  bool qos1_;
};

MqttClient::MqttClient(MqttClientOptions options, MessageHandler on_message, LogHandler log)
    : options_(std::move(options)), on_message_(std::move(on_message)), log_(std::move(log)) {
  mqtt::create_options create(MQTTVERSION_3_1_1);
  create.set_send_while_disconnected(true, true);
  create.set_max_buffered_messages(options_.max_offline_buffer);
  create.set_delete_oldest_messages(false);
  // No client-side file persistence: in-flight QoS 1 messages are kept in memory and
  // resent after a reconnect; the broker's persistence covers a broker restart.
  qos1_listener_ = std::make_unique<Listener>(*this, true);
  qos0_listener_ = std::make_unique<Listener>(*this, false);
  const std::vector<std::string> uris = options_.broker.uris();
  for (size_t i = 0; i < uris.size(); ++i) {
    clients_.push_back(std::make_unique<mqtt::async_client>(uris[i], options_.broker.client_id, create, nullptr));
    mqtt::async_client& c = *clients_.back();
    c.set_message_callback([this](mqtt::const_message_ptr m) {
      messages_in_++;
      if (on_message_) on_message_(m->get_topic(), m->get_payload_str(), Delivery{m->get_qos(), m->is_retained()});
    });
    c.set_connection_lost_handler([this, i, uri = uris[i]](const std::string& cause) {
      if (i != current_.load()) return;  // a broker left behind
      losses_++;
      {
        std::lock_guard lock(mu_);
        connected_ = false;
      }
      cv_.notify_all();
      this->log("mqtt: connection to " + uri + " lost" + (cause.empty() ? "" : ": " + cause) + "; reconnecting");
    });
  }
}

std::string MqttClient::current_uri() const {
  const size_t i = current_.load();
  return i == 0 ? options_.broker.uri : options_.broker.alternates[i - 1];
}

MqttClient::~MqttClient() {
  stop();
  // Destroying the library's client fails its pending publishes, which calls our
  // listeners: it must go while they (declared after it) still exist.
  clients_.clear();
}

void MqttClient::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  supervisor_ = std::thread([this] { supervise(); });
}

void MqttClient::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  // The supervisor returns once no connect of ours is in flight in the library (or, at
  // worst, after the library's own connect timeout has passed).
  if (supervisor_.joinable()) supervisor_.join();
  try {
    // Our own count of unacknowledged QoS 1 publishes is waited for first (bounded); the
    // library's disconnect timeout is then 0, as its own wait did not end early.
    if (client().is_connected()) {
      std::unique_lock lock(mu_);
      ++waiters_;
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return inflight_ <= 0; });
      --waiters_;
      lock.unlock();
      client().disconnect(0)->wait_for(std::chrono::seconds(1));
    }
  } catch (const mqtt::exception&) {
  }
  connected_ = false;
}

// One connect, waited for to its end. The rule that makes reconnecting safe with Paho C
// 1.3 (MQTTAsync_connect) and C++ 1.2 (async_client::connect): never call connect()
// while a connect of this client is queued or in progress in the library. A second
// connect frees and replaces the TLS options, user name, password and will that the
// library's threads are still reading for the first one, points the pending connect's
// completion at the new token (which the C++ library frees at once when the library
// refuses the command with -18), and, if the client is connected, is silently dropped so
// that its token never completes. So the token of each connect is waited for until the
// library completes it (success, refusal, or its own connect timeout); there is no
// shorter timeout of ours after which we would try again.
MqttClient::Attempt MqttClient::connect_once(std::string& why) {
  if (client().is_connected()) return subscribe_all(why);  // connected without our knowing: just resubscribe
  mqtt::connect_options opts;
  // The version must be set here, not only in the create options: a connect with
  // MQTTVERSION_DEFAULT (Paho C++'s default) makes Paho C fall back from 3.1.1 to 3.1 on
  // its own, and when an established 3.1.1 connection is lost it queues such a "more to
  // try" connect itself (trace: "Connect failed, more to try"), carrying the callbacks of
  // our previous connect. Ours then meets it at the head of the queue (-18), or it runs
  // while ours is in progress and takes over our connect's completion, so that our
  // token never completes: the "sometimes never comes back" of docs/mqtt.md.
  opts.set_mqtt_version(MQTTVERSION_3_1_1);
  opts.set_clean_session(options_.clean_session);
  opts.set_keep_alive_interval(options_.keep_alive_s);
  opts.set_connect_timeout(options_.connect_timeout_s);
  opts.set_automatic_reconnect(false);
  opts.set_max_inflight(options_.max_inflight);
  if (!options_.broker.user.empty()) {
    opts.set_user_name(options_.broker.user);
    opts.set_password(options_.broker.password);
  }
  if (!options_.will_topic.empty()) opts.set_will_message(mqtt::message(options_.will_topic, options_.will_payload, 0, true));
  if (options_.broker.tls()) {
    // The broker must present a certificate signed by ca_file for the host we dialled;
    // nothing is sent to a broker that fails this (docs/security.md).
    // No ssl_options::set_error_handler: Paho C++ 1.2 gives the C library the address of
    // the copy of the options inside async_client::connect's by-value parameter as the
    // handler's context, and the library calls it during the TLS handshake, after that
    // copy is gone. Without a handler Paho C writes OpenSSL's reason to stderr; the
    // connect token's failure (logged below) says that the TLS connect failed.
    mqtt::ssl_options ssl;
    ssl.set_trust_store(options_.broker.ca_file);
    ssl.set_enable_server_cert_auth(true);
    ssl.set_verify(true);
    if (!options_.broker.cert_file.empty()) {
      ssl.set_key_store(options_.broker.cert_file);
      ssl.set_private_key(options_.broker.key_file);
    }
    opts.set_ssl(std::move(ssl));
  }
  mqtt::token_ptr tok;
  try {
    tok = client().connect(opts);
  } catch (const mqtt::exception& e) {
    why = e.what();
    // -18: a connect or disconnect of this client is still at the head of the library's
    // command queue (seen right after a connection loss: the library's own internal
    // disconnect). It goes on its own; we wait and try again.
    return e.get_return_code() == MQTTASYNC_COMMAND_IGNORED ? Attempt::Busy : Attempt::Failed;
  }
  const auto started = std::chrono::steady_clock::now();
  const auto library_timeout = std::chrono::seconds(options_.connect_timeout_s);
  auto next_stall_log = started + library_timeout + std::chrono::seconds(10);
  for (;;) {
    try {
      if (tok->wait_for(std::chrono::milliseconds(100))) break;
    } catch (const mqtt::exception& e) {
      why = e.what();
      return Attempt::Failed;
    }
    const auto now = std::chrono::steady_clock::now();
    if (client().is_connected()) break;  // connected, whatever the token says
    // Stopping: wait out the library's own connect timeout, so that nothing of this
    // connect is in flight when the client is destroyed.
    if (stopping_ && now - started > library_timeout + std::chrono::seconds(1)) return Attempt::Stopped;
    if (now >= next_stall_log) {
      // Not seen in testing; logged so that a library that loses a connect is visible.
      log("mqtt: connect to " + current_uri() + " not completed by the client library after " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - started).count()) +
          " s (its timeout is " + std::to_string(options_.connect_timeout_s) + " s); still waiting for it");
      next_stall_log = now + std::chrono::seconds(30);
    }
  }
  set_nodelay_to_port(port_of(current_uri()));
  return subscribe_all(why);
}

// Subscribes to every filter and waits for each SUBACK. After a reconnect the subscribe
// is queued behind the publishes buffered while disconnected, so it may take a while; it
// is waited for as long as the connection holds. A subscription the broker refuses is
// logged and not retried (a reconnect would not change the ACL).
MqttClient::Attempt MqttClient::subscribe_all(std::string& why) {
  for (const std::string& filter : options_.subscriptions) {
    mqtt::token_ptr tok;
    try {
      tok = client().subscribe(filter, 1);
    } catch (const mqtt::exception& e) {
      why = std::string("subscribe to ") + filter + ": " + e.what();
      if (!client().is_connected()) return Attempt::Failed;
      log("mqtt: " + why + " (not retried)");
      continue;
    }
    for (;;) {
      try {
        if (tok->wait_for(std::chrono::milliseconds(100))) break;
      } catch (const mqtt::exception& e) {
        why = std::string("subscribe to ") + filter + ": " + e.what();
        if (!client().is_connected()) return Attempt::Failed;
        log("mqtt: " + why + " (refused by the broker? not retried)");
        break;
      }
      if (!client().is_connected()) {
        why = "connection lost while subscribing to " + filter;
        return Attempt::Failed;
      }
      if (stopping_) return Attempt::Stopped;
    }
  }
  return Attempt::Connected;
}

// Every failure is counted; a line is logged for the first three of each kind (the same
// reason in a row) after a successful connect, then at the 4th, 8th, 16th... of that kind,
// so a broker that stays away does not flood the log and a new reason is always shown.
void MqttClient::note_connect_failure(const std::string& why, std::chrono::milliseconds retry_in) {
  connect_failures_++;
  ++failures_since_connect_;
  if (why != failure_kind_) {
    failure_kind_ = why;
    failures_of_kind_ = 0;
  }
  const uint64_t k = ++failures_of_kind_;
  if (k <= 3 || (k & (k - 1)) == 0)
    log("mqtt: cannot connect to " + current_uri() + ": " + why + " (failure " + std::to_string(failures_since_connect_) +
        " since the last connect, " + std::to_string(k) + " of this kind; retrying in " + std::to_string(retry_in.count()) +
        " ms)");
}

void MqttClient::supervise() {
  auto backoff = options_.backoff_min;
  int silent_polls = 0;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (connected_) {
      // Woken by a connection loss or stop. A guard besides: every 250 ms it asks the
      // library whether it is still connected, and two "no" in a row (so that a loss the
      // library is about to report is not counted twice) count as a loss even without
      // the connection-lost callback, so that the supervisor can never wait on a dead
      // connection (not seen in testing). Asked without holding mu_: the library calls
      // our handlers with its own mutex held.
      cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping_ || !connected_; });
      if (stopping_ || !connected_) {
        silent_polls = 0;
        continue;
      }
      lock.unlock();
      const bool still = client().is_connected();
      lock.lock();
      silent_polls = still ? 0 : silent_polls + 1;
      if (silent_polls >= 2 && connected_ && !stopping_) {
        silent_polls = 0;
        connected_ = false;
        losses_++;
        cv_.notify_all();
        log("mqtt: connection to " + current_uri() +
            " closed by the client library without a connection-lost notice; reconnecting");
      }
      continue;
    }
    lock.unlock();
    std::string why;
    const Attempt a = connect_once(why);
    lock.lock();
    if (a == Attempt::Stopped) break;
    if (a == Attempt::Connected) {
      connected_ = true;
      connects_++;
      const bool moved = connects_ > 1 && current_.load() != last_connected_;
      last_connected_ = current_.load();
      if (moved) {
        switches_++;
        // What the broker left behind had not acknowledged stays with its library client
        // (sent again if it comes back); it no longer holds this client's window. A field
        // publisher sends its last messages again here (FieldPublisher's replay window).
        const int64_t abandoned = inflight_.exchange(0);
        log("mqtt: moved to the broker " + current_uri() + " as " + options_.broker.client_id + " (broker switch " +
            std::to_string(switches_.load()) + "; " + std::to_string(abandoned) + " publishes left with the broker before)");
      }
      backoff = options_.backoff_min;
      const uint64_t failed = failures_since_connect_;
      failures_since_connect_ = failures_of_kind_ = 0;
      failure_kind_.clear();
      cv_.notify_all();
      if (connects_ == 1) log("mqtt: connected to " + current_uri() + " as " + options_.broker.client_id);
      else
        log("mqtt: reconnected to " + current_uri() + " (connect " + std::to_string(connects_.load()) +
            ", after " + std::to_string(failed) + " failed attempts), resubscribed");
      continue;
    }
    lock.unlock();
    note_connect_failure(a == Attempt::Busy ? why + " (a connect or disconnect is still queued in the client library)" : why,
                         backoff);
    lock.lock();
    auto wait = backoff;
    if (clients_.size() > 1 && a != Attempt::Busy) {  // the next broker of the list
      current_ = (current_.load() + 1) % clients_.size();
      if (current_.load() != last_connected_) wait = std::max(wait, options_.switch_delay);
      backoff = options_.backoff_min;  // each broker is tried promptly in turn
    }
    cv_.wait_for(lock, wait, [&] { return stopping_.load(); });
    backoff = std::min(options_.backoff_max, backoff * 2);
  }
}

bool MqttClient::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return connected_.load() || stopping_.load(); }) && connected_;
}

bool MqttClient::wait_delivered(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  ++waiters_;
  bool ok = cv_.wait_for(lock, timeout, [&] { return inflight_ <= 0 || stopping_.load(); }) && inflight_ <= 0;
  --waiters_;
  return ok;
}

PublishStatus MqttClient::publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                                  std::chrono::milliseconds wait) {
  if (stopping_) return PublishStatus::Stopped;
  // QoS 0 counts too (until written to the socket): the client library's command queue
  // slows down badly when it grows, so it is kept short for both.
  {
    std::unique_lock lock(mu_);
    if (inflight_ >= options_.max_inflight) {
      ++waiters_;
      bool room = cv_.wait_for(lock, wait, [&] { return inflight_ < options_.max_inflight || stopping_.load(); });
      --waiters_;
      if (!room) return PublishStatus::Busy;
    }
    if (stopping_) return PublishStatus::Stopped;
    inflight_++;
  }
  try {
    auto msg = mqtt::make_message(topic, payload, qos, retain);
    client().publish(msg, nullptr, qos > 0 ? *qos1_listener_ : *qos0_listener_);
    published_++;
    return PublishStatus::Ok;
  } catch (const mqtt::exception& e) {
    {
      std::lock_guard lock(mu_);
      inflight_--;
    }
    publish_failures_++;
    if (publish_failures_ == 1 || publish_failures_ % 1000 == 0)
      log(std::string("mqtt: publish to ") + topic + " failed: " + e.what() + " (" + std::to_string(publish_failures_.load()) +
          " failures so far)");
    return PublishStatus::Failed;
  }
}

MqttClientStats MqttClient::stats() const {
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
