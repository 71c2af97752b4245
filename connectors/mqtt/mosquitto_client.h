// The twin's broker connection on libmosquitto (the C library mosquitto_sub itself uses),
// with the same interface and behaviour as MqttClient (Paho): connect with back-off,
// resubscribe after every (re)connect, persistent session (clean_session = false, fixed
// client id), QoS 1 publishes with a bounded number in flight, a last will, user/password,
// TLS. Why a second client: on one message per position, Paho C's receive thread alone
// took about 73 % of what mosquitto_sub receives from the same broker, below the twin's
// goal of 80 % (docs/mqtt.md, Speed); libmosquitto reads as mosquitto_sub does. TwinLink
// uses this one; the field publisher and the event stream keep MqttClient.
// It must not decode, queue or interpret payloads: that is TwinLink's.
//
// One thread of ours runs everything of the library (connect, CONNACK and SUBACK waits,
// reads, writes, keep-alive): only that thread calls connect and loop, so there is never
// more than one connect in flight. Other threads only publish (mosquitto_publish, which
// the library makes safe from another thread: it queues and wakes the loop). Messages
// are handed to the callback on that thread, in the order the broker sent them.
//
// Supports: MQTT 3.1.1 over plain TCP or TLS (ssl://: broker verified against the CA and
// its host name, optional client certificate), QoS 0 and 1, a retained last will,
// user/password, TCP_NODELAY. Does not support: MQTT 5 properties, QoS 2, websockets.
// Changes: 2026-11-30 first version (issue 12, Speed).
#pragma once
#include "connectors/mqtt/mqtt_client.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace connectors {

class MosquittoClient {
 public:
  using Delivery = MqttClient::Delivery;
  using MessageHandler = MqttClient::MessageHandler;
  using LogHandler = MqttClient::LogHandler;

  MosquittoClient(MqttClientOptions options, MessageHandler on_message, LogHandler log);
  ~MosquittoClient();
  MosquittoClient(const MosquittoClient&) = delete;
  MosquittoClient& operator=(const MosquittoClient&) = delete;

  void start();   // starts the network thread; returns at once
  void stop();    // waits up to 1 s for QoS 1 acks, disconnects and joins; safe to call twice

  bool connected() const { return connected_.load(); }
  bool wait_connected(std::chrono::milliseconds timeout);
  bool wait_delivered(std::chrono::milliseconds timeout);
  // As MqttClient::publish: waits up to `wait` while max_inflight are not done (QoS 1
  // PUBACKed, QoS 0 written), then Busy. While disconnected QoS 1 messages are kept and
  // sent after the reconnect (up to max_offline_buffer); QoS 0 ones fail.
  PublishStatus publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                        std::chrono::milliseconds wait);

  MqttClientStats stats() const;

 private:
  enum class Attempt : uint8_t { Connected, Failed, Stopped };
  void run();                             // the network thread
  Attempt connect_once(std::string& why);
  bool serve(std::string& why);           // reads and writes until the connection ends (false) or stop (true)
  void shut_down();                       // stop: acks, DISCONNECT
  bool pump(int timeout_ms, std::string& why);  // one mosquitto_loop and the reads behind it
  void forget_qos0();                     // QoS 0 publishes the library dropped with the connection
  void note_connect_failure(const std::string& why, std::chrono::milliseconds retry_in);
  void log(const std::string& line) { if (log_) log_(line); }
  // Library callbacks (the network thread).
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_subscribe(mosquitto*, void* self, int mid, int count, const int* granted);

  MqttClientOptions options_;
  MessageHandler on_message_;
  LogHandler log_;
  std::string host_;
  int port_ = 0;
  // Several brokers (broker.alternates): the one tried next, the one last connected, moves.
  std::vector<std::string> uris_;
  size_t current_ = 0, last_connected_ = 0;  // network thread
  std::atomic<uint64_t> switches_{0};
  std::string uri() const { return uris_[current_]; }  // network thread
  mosquitto* mosq_ = nullptr;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;            // connection state, stop, acks
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  int waiters_ = 0;                       // threads waiting on cv_ (under mu_)
  std::atomic<int64_t> inflight_{0};
  std::atomic<uint64_t> connects_{0}, connect_failures_{0}, losses_{0}, messages_in_{0}, published_{0}, delivered_{0},
      publish_failures_{0};
  // QoS 0 publishes not yet written (their mids), so that on_publish tells them from QoS 1
  // and a connection loss that drops them frees their place in the window (under qos0_mu_).
  std::mutex qos0_mu_;
  std::unordered_set<int> qos0_mids_;
  // Network thread only: the connect and subscribe handshake, and the last loss.
  int connack_ = -1;                      // CONNACK code; -1 none yet
  std::unordered_set<int> suback_waiting_;
  std::vector<int> refused_mids_;         // SUBACKs that refused their filter
  bool disconnected_ = false;             // on_disconnect since the last connect
  int disconnect_rc_ = 0;
  uint64_t read_ = 0;                     // messages and acks read, to tell a read from an empty one
  std::string topic_, payload_;           // reused for each message (no allocation per message)
  uint64_t failures_since_connect_ = 0, failures_of_kind_ = 0;
  std::string failure_kind_;
};

}  // namespace connectors
