// Starting gatesim's VDA 5050 fleet. See vda_fleet_cmd.h.
#include "vda_fleet_cmd.h"

#include "connectors/codec/utc_time.h"
#include "connectors/mqtt/broker_config.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <variant>

VdaFleetStart start_vda_fleet(const SimArgs& args, const twin::Core& core) {
  VdaFleetStart r;
  const int64_t epoch = args.epoch_utc_ms ? *args.epoch_utc_ms
                                          : connectors::gate_midnight_utc_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch()).count());
  size_t vehicles = 0;
  for (const auto& s : core.sites()) vehicles += s.vda5050.vehicles.size();
  if (vehicles == 0) {
    std::fprintf(stderr, "gatesim: --guide-protocol vda5050: no site file lists VDA 5050 vehicles (a \"vda5050\" section)\n");
    r.exit_code = 2;
    return r;
  }
  auto cfg = connectors::make_broker_config(args.broker, args.client_id + "-vda5050", args.mqtt_config, connectors::mqtt_environment());
  if (auto* err = std::get_if<connectors::BrokerConfigError>(&cfg)) {
    std::fprintf(stderr, "gatesim: %s\n", err->message().c_str());
    r.exit_code = 2;
    return r;
  }
  auto fleet = std::make_unique<connectors::vda5050::SimFleet>(core.sites(), std::get<connectors::BrokerConfig>(cfg), epoch,
                                                              [](const std::string& line) { std::fprintf(stderr, "gatesim: %s\n", line.c_str()); });
  if (!fleet->start(std::chrono::seconds(10))) {
    std::fprintf(stderr, "gatesim: no connection to %s within 10 s for the VDA 5050 vehicles\n", args.broker.c_str());
    r.exit_code = 4;
    return r;
  }
  std::fprintf(stderr, "gatesim: %zu guide vehicles report over VDA 5050 (epoch %s)\n", vehicles,
               connectors::format_rfc3339_ms(epoch, connectors::kGateUtcOffsetMinutes).c_str());
  r.fleet = std::move(fleet);
  return r;
}
