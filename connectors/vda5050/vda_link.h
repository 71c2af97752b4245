// The twin's VDA 5050 connection (docs/vda5050.md): its own MQTT client (client id
// "<twin's>-vda5050", libmosquitto) subscribed to every vehicle's state, visualization and
// connection topics of the sites that have a "vda5050" section. What the vehicles send goes
// through FleetDispatch (validated, mapped) and then the same path as every field message:
// FieldClock (UTC -> run time) and the bounded IngestQueue the sequencer drains. What the
// core decides (after_apply, core thread) becomes orders and instant actions that a worker
// thread publishes (QoS 1), so the core's thread never calls the client library and never
// waits on the queue. It must not apply, sequence or record events.
#pragma once
#include "connectors/mqtt/field_clock.h"
#include "connectors/mqtt/ingest_queue.h"
#include "connectors/mqtt/mosquitto_client.h"
#include "connectors/vda5050/fleet_dispatch.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace connectors::vda5050 {

struct LinkOptions {
  BrokerConfig broker;                       // client_id: the twin's + "-vda5050"
  FieldClockOptions time;                    // the twin's session epoch and bounds
  std::function<int64_t()> wall_utc_ms;      // the twin's wall clock (empty: the system clock)
  size_t max_waiting = 65536;                // orders and field messages waiting for the worker
};

struct LinkStats {
  uint64_t published = 0, publish_failures = 0, dropped = 0;  // dropped: the worker's queue was full
  uint64_t time_refused = 0;                 // field messages FieldClock refused (ahead / too old)
};

class Link {
 public:
  Link(FleetDispatch& dispatch, IngestQueue& queue, LinkOptions options, MqttClient::LogHandler log);
  ~Link();
  void start();
  void stop();
  bool wait_connected(std::chrono::milliseconds t) { return client_.wait_connected(t); }

  // Core thread: an applied event and its decisions (FrameLoop::set_after_apply). Never waits.
  void observe(const twin::Event& e, const twin::Decisions& decisions);
  // What the client calls for each message; public so tests can inject raw messages.
  void on_message(const std::string& topic, const std::string& payload, bool retained);

  LinkStats stats() const;
  nlohmann::json status_json() const;  // the dispatch's, with the link's counters
  int64_t wall_utc_ms() const;

 private:
  void push_field(std::vector<FieldMessage>& emitted);  // MQTT or worker thread: stamp and queue
  void work();

  FleetDispatch& dispatch_;
  IngestQueue& queue_;
  LinkOptions options_;
  MqttClient::LogHandler log_;
  FieldClock clock_;
  MosquittoClient client_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<OutMessage> out_;
  std::deque<FieldMessage> field_;
  std::vector<std::string> logs_;
  bool stopping_ = false;
  LinkStats stats_;
  std::thread worker_;
};

}  // namespace connectors::vda5050
