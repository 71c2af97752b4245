// gatesim's guide vehicles as VDA 5050 vehicles (gatesim --guide-protocol vda5050,
// docs/gatesim.md, docs/vda5050.md): one MQTT connection that hears the twin's orders to
// every vehicle of the site files' "vda5050" sections and, when the simulator finishes a
// guide vehicle's activity, publishes that vehicle's `state` showing the progress on the
// twin's order that the activity is: the load's `pick` finished (after driving to the
// order's pick node), the granted block section's end node reached, the `drop` finished.
// The state is stamped epoch + the event's run time, so the twin folds the step at the
// simulator's time. It plays vehicles that obey the twin's orders; it does not decide
// anything and never reads the twin's code paths (it reads the orders on the wire).
#pragma once
#include "connectors/mqtt/mosquitto_client.h"
#include "twin/site.h"
#include "twin/state.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace connectors::vda5050 {

class SimFleet {
 public:
  SimFleet(std::vector<twin::SiteSpec> sites, BrokerConfig broker, int64_t epoch_utc_ms, MqttClient::LogHandler log);
  ~SimFleet();
  // Connects and subscribes to the order topics; false when not within `wait`.
  bool start(std::chrono::milliseconds wait);
  void stop();

  // Publishes the state that finishes the activity `phase` of fleet slot `slot` at `site`
  // (the simulator's core before the step: Loading, Travelling or Unloading), at run time
  // time_ms. Waits up to `wait` for the twin's order that makes it possible. Empty when
  // published; else why not (no vehicle for the slot, no such order in time, ...).
  std::optional<std::string> step(uint8_t site, uint16_t slot, twin::GuidePhase phase, int64_t time_ms,
                                   std::chrono::milliseconds wait);

  uint64_t states_published() const { return states_; }

 private:
  struct Vehicle {
    std::string manufacturer, serial, map_id, iface;
    uint8_t site = 0;
    uint16_t slot = 0;
    std::string order_id;
    int64_t update_id = -1;
    std::map<int64_t, nlohmann::json> nodes, edges;  // by sequenceId, base and horizon
    int64_t last_seq = 0;
    std::string last_node;
    double x = 0, y = 0;
    bool have_pose = false;
    std::map<std::string, std::string> actions;      // actionId -> status
    int64_t header = 0;
  };
  void on_message(const std::string& topic, const std::string& payload);
  Vehicle* find(uint8_t site, uint16_t slot);

  const std::vector<twin::SiteSpec> sites_;
  const int64_t epoch_;
  MqttClient::LogHandler log_;
  std::unique_ptr<MosquittoClient> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Vehicle> vehicles_;
  uint64_t states_ = 0;
};

}  // namespace connectors::vda5050
