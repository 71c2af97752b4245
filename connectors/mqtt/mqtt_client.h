// One connection to an MQTT broker, kept up by a supervisor thread: connect with
// back-off, resubscribe after every (re)connect, persistent session (clean_session =
// false, fixed client id), QoS 1 publishes with a bounded number in flight. Messages are
// handed to a callback on the client library's thread. It must not decode, queue or
// interpret payloads: that is TwinLink's (twin side) and FieldPublisher's (field side).
//
// Reconnecting (docs/mqtt.md): the supervisor thread is the only caller of connect(); it
// has at most one connect in flight and waits for the library to complete it (success,
// refusal or the library's own connect timeout) before anything else; "command ignored"
// (-18) is waited out; every failure is counted and logged with its reason (rate-limited
// per reason, reset by each successful connect); while connected it also polls the
// library's own connected state, as a guard against a loss it did not report.
//
// Supports: MQTT 3.1.1 over plain TCP or TLS (ssl://: broker verified against the CA,
// optional client certificate; Paho C++ 1.2 async client on paho-mqtt3as), QoS 0 and 1,
// a last will, user/password. Does not support: MQTT 5 properties, QoS 2.
#pragma once
#include "connectors/mqtt/broker_config.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mqtt { class async_client; }

namespace connectors {

struct MqttClientOptions {
  BrokerConfig broker;
  bool clean_session = false;
  int keep_alive_s = 10;
  int connect_timeout_s = 3;
  std::vector<std::string> subscriptions;   // topic filters, subscribed at QoS 1
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5000};
  int max_inflight = 1024;                  // publishes not yet done: QoS 1 awaiting PUBACK, QoS 0 unwritten
  int max_offline_buffer = 100000;          // publishes held while disconnected
  std::string will_topic;                   // empty: no will
  std::string will_payload;
  // With several brokers (broker.alternates): after a failed connect the next one is tried;
  // moving to another broker waits at least this long (a field publisher waits, so that
  // the twins it feeds are subscribed there first: docs/control-room.md "Two brokers").
  std::chrono::milliseconds switch_delay{0};
};

enum class PublishStatus : uint8_t { Ok = 0, Busy, Stopped, Failed };
const char* to_string(PublishStatus s);

struct MqttClientStats {
  uint64_t connects = 0;            // successful connects, the first included
  uint64_t connect_failures = 0;
  uint64_t connection_losses = 0;
  uint64_t messages_in = 0;
  uint64_t published = 0;           // accepted by the client library
  uint64_t delivered = 0;           // QoS 1 PUBACKed, QoS 0 written
  uint64_t publish_failures = 0;
  int64_t inflight = 0;
  uint64_t broker_switches = 0;     // connected to another broker of the list than the last time
};

class MqttClient {
 public:
  // How a message came: its QoS, and whether the broker kept it (the retain flag: a
  // message stored before this client subscribed, delivered on subscribing).
  struct Delivery {
    int qos = 0;
    bool retained = false;
  };
  using MessageHandler = std::function<void(const std::string& topic, const std::string& payload, const Delivery& how)>;
  using LogHandler = std::function<void(const std::string& line)>;

  MqttClient(MqttClientOptions options, MessageHandler on_message, LogHandler log);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  void start();   // starts the supervisor; returns at once
  void stop();    // disconnects (sending nothing more) and joins; safe to call twice

  bool connected() const { return connected_.load(); }
  bool wait_connected(std::chrono::milliseconds timeout);
  // Waits until no publish is in flight (QoS 1 PUBACKed, QoS 0 written), up to timeout.
  bool wait_delivered(std::chrono::milliseconds timeout);

  // Publishes one message. While max_inflight messages are not done (QoS 1: PUBACKed,
  // QoS 0: written) it waits
  // up to `wait` (0: returns Busy at once): that is the back-pressure of "as fast as the
  // broker takes". While disconnected, messages are buffered (up to max_offline_buffer)
  // and sent after the reconnect.
  PublishStatus publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                        std::chrono::milliseconds wait);

  MqttClientStats stats() const;
  // The broker this client uses now (or tries next).
  std::string current_uri() const;

 private:
  mqtt::async_client& client() const { return *clients_[current_.load()]; }
  class Listener;
  enum class Attempt : uint8_t { Connected, Failed, Busy, Stopped };
  void supervise();
  Attempt connect_once(std::string& why);
  Attempt subscribe_all(std::string& why);
  void note_connect_failure(const std::string& why, std::chrono::milliseconds retry_in);
  void log(const std::string& line) { if (log_) log_(line); }

  MqttClientOptions options_;
  MessageHandler on_message_;
  LogHandler log_;
  // One library client per broker of the list (the library binds a client to one URI);
  // current_ is the one in use. A client left behind keeps what it had buffered.
  std::vector<std::unique_ptr<mqtt::async_client>> clients_;
  std::atomic<size_t> current_{0};
  size_t last_connected_ = 0;         // supervisor only
  std::atomic<uint64_t> switches_{0};
  std::unique_ptr<Listener> qos1_listener_, qos0_listener_;
  std::thread supervisor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;        // connection state changes, stop, PUBACKs
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::atomic<uint64_t> connects_{0}, connect_failures_{0}, losses_{0}, messages_in_{0}, published_{0}, delivered_{0},
      publish_failures_{0};
  std::atomic<int64_t> inflight_{0};
  int waiters_ = 0;                   // threads waiting on cv_ for room or delivery (under mu_)
  // Connect failures since the last successful connect, and of the current kind (the
  // same reason in a row): only the supervisor thread touches these.
  uint64_t failures_since_connect_ = 0, failures_of_kind_ = 0;
  std::string failure_kind_;
};

}  // namespace connectors
