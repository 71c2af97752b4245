// What the twin knows of one VDA 5050 vehicle, as the inspector panel shows it and --stats
// writes it (docs/vda5050.md "For the inspector"): a plain, copyable snapshot that
// FleetDispatch fills from the vehicle's own messages. It must stay free of MQTT, JSON and
// the engine, so that the window's panels can include it.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace connectors::vda5050 {

struct VehicleView {
  std::string manufacturer, serial_number, site;
  uint16_t slot = 0;
  std::string connection = "UNKNOWN";   // ONLINE / OFFLINE / CONNECTIONBROKEN / UNKNOWN (never heard)
  bool available = true;                // what the core was last told
  std::string unavailable_why;
  bool has_state = false;
  std::string order_id;                 // the vehicle's (state.orderId)
  int64_t order_update_id = 0;
  std::string last_node_id;
  int64_t last_node_sequence_id = 0;
  int nodes_to_go = 0, edges_to_go = 0; // state.nodeStates / edgeStates
  int nodes_done = 0, edges_done = 0;   // of the twin's current order, reached
  bool driving = false, paused = false;
  double battery_charge = -1;           // percent; -1 not reported
  bool charging = false;
  std::string operating_mode;
  std::string e_stop = "NONE";
  bool field_violation = false;
  std::vector<std::pair<std::string, std::string>> errors;  // (level, type: description)
  int64_t last_header_id = -1;
  int64_t header_restarts = 0;          // headerId went back: a new series (a restart)
  int64_t states = 0, visualizations = 0;
  std::string twin_order_id;            // the twin's current order for it ("" none)
  int64_t twin_order_update_id = -1;
  int64_t orders_resent = 0;            // its order sent again after it came back without it
};

// The view of the vehicle in a site's fleet slot (site: index in the twin's sites), or
// nothing when no VDA 5050 vehicle is mapped there. Safe to call from any thread.
using VehicleLookup = std::function<std::optional<VehicleView>(uint8_t site, uint16_t slot)>;

}  // namespace connectors::vda5050
