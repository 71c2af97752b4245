// The one-line-per-event trace. See trace.h; docs/core.md describes the format.
#include "twin/trace.h"

#include <cstdio>
#include <type_traits>

namespace twin {

static std::string clock(SimTime t) {
  char buf[32];
  const long long day = t / kDay, ms = t % kDay;
  std::snprintf(buf, sizeof buf, "d%lld %02lld:%02lld:%02lld.%03lld", day, ms / kHour, (ms / kMinute) % 60,
                (ms / kSecond) % 60, ms % 1000);
  return buf;
}

static std::string body_detail(const EventBody& body) {
  return std::visit(
      [](const auto& b) -> std::string {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, DeclarationFiled>)
          return "shipment=" + to_string(b.shipment) + " " + to_string(b.direction) + " goods=" + std::to_string(b.goods) +
                 " plate=" + b.plate + " container=" + b.container;
        else if constexpr (std::is_same_v<T, PartnerDeclarationReceived>)
          return "shipment=" + to_string(b.shipment) + " container=" + b.container;
        else if constexpr (std::is_same_v<T, VehicleArrived>)
          return std::string(to_string(b.direction)) + " plate=" + b.plate + " container=" + b.container;
        else if constexpr (std::is_same_v<T, StepCompleted>)
          return "shipment=" + to_string(b.shipment) + " " + to_string(b.checkpoint) + " channel=" + to_string(b.channel) +
                 (b.passed ? "" : " failed");
        else if constexpr (std::is_same_v<T, HandoverCompleted> || std::is_same_v<T, PartnerReceiptConfirmed> ||
                           std::is_same_v<T, TransferCompleted> || std::is_same_v<T, VehicleLeft>)
          return "shipment=" + to_string(b.shipment);
        else if constexpr (std::is_same_v<T, GuideVehicleStepCompleted>)
          return "vehicle=" + std::to_string(b.vehicle);
        else if constexpr (std::is_same_v<T, EquipmentStatus>)
          return std::string(to_string(b.equipment.kind)) + "=" + std::to_string(b.equipment.index) + "." +
                 std::to_string(b.equipment.server) + (b.ok ? " ok" : " failed");
        else if constexpr (std::is_same_v<T, PartnerLinkStatus>)
          return b.up ? "up" : "down";
        else if constexpr (std::is_same_v<T, ReeferPower>)
          return "yard=" + std::to_string(b.yard) + (b.on ? " on" : " off");
        else if constexpr (std::is_same_v<T, PositionReport>)
          return "id=" + std::to_string(b.id);
        else if constexpr (std::is_same_v<T, OperatorCommand>)
          return std::string(to_string(b.command.kind)) + " by " + b.actor + " (" + to_string(b.role) + ")";
        else
          return "";
      },
      body);
}

std::string trace_line(const Event& e, const Decisions& decisions, const std::vector<SiteSpec>& sites) {
  std::string line = std::to_string(e.seq) + " " + clock(e.time_ms) + " " +
                     (e.site < sites.size() ? sites[e.site].id : std::string("?")) + " " + event_name(e.body);
  std::string detail = body_detail(e.body);
  if (!detail.empty()) line += " " + detail;
  for (const Decision& d : decisions) {
    line += " | ";
    line += to_string(d.kind);
    if (d.shipment != ShipmentId{}) line += " shipment=" + to_string(d.shipment);
    line += " r=" + std::to_string(d.resource) + "." + std::to_string(d.unit);
    if (d.value) line += " v=" + std::to_string(d.value);
    if (!d.text.empty()) line += " \"" + d.text + "\"";
  }
  return line;
}

}  // namespace twin
