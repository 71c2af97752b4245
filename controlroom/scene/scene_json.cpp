// The frame as JSON. See scene_json.h.
#include "controlroom/scene/scene_json.h"

#include "twin/geo.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace controlroom {

namespace {

const char* kind_name(DrawnVehicle::Kind k) {
  switch (k) {
    case DrawnVehicle::Kind::Truck: return "truck";
    case DrawnVehicle::Kind::GuideVehicle: return "guide_vehicle";
    case DrawnVehicle::Kind::Undeclared: return "undeclared";
  }
  return "?";
}

std::string colour_hex(uint32_t rgba) {  // engine::rgba8 packs r in the low byte
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", rgba & 0xFF, (rgba >> 8) & 0xFF, (rgba >> 16) & 0xFF);
  return buf;
}

}  // namespace

DrawnNames drawn_names(const twin::Core& core, const DrawnVehicle& v) {
  if (v.site >= core.state().sites.size()) return {};
  const twin::SiteState& s = core.state().sites[v.site];
  if (v.kind == DrawnVehicle::Kind::Truck) {
    if (!s.shipments.contains(v.shipment())) return {};
    const twin::Shipment& sh = s.shipments[v.shipment()];
    if (sh.id != v.shipment_id()) return {};  // retired since, its index taken by another
    return {sh.plate, sh.container, {}};
  }
  if (v.kind == DrawnVehicle::Kind::Undeclared && v.index < s.undeclared.size()) {
    const twin::FieldVehicle& fv = s.undeclared[v.index];
    if (fv.id.value != v.id) return {};
    return {fv.plate, fv.container, fv.name};
  }
  return {};
}

std::string scene_json(const twin::Core& core, const DrawList& list) {
  using nlohmann::json;
  json j;
  j["now_ms"] = core.state().now_ms;
  json& sites = j["sites"] = json::array();
  for (const twin::SiteSpec& s : core.sites()) {
    json site{{"id", s.id}};
    if (s.geo) site["geo"] = {{"lat", s.geo->lat_deg}, {"lon", s.geo->lon_deg}, {"x_bearing_deg", s.geo->x_bearing_deg},
                              {"survey", s.geo->surveyed ? "surveyed" : "schematic"}};
    else site["geo"] = nullptr;
    sites.push_back(std::move(site));
  }
  json& vehicles = j["vehicles"] = json::array();
  for (const DrawnVehicle& v : list.vehicles) {
    const twin::SiteSpec* spec = v.site < core.sites().size() ? &core.sites()[v.site] : nullptr;
    json o{{"kind", kind_name(v.kind)},
           {"site", spec ? spec->id : std::to_string(v.site)},
           {"x", v.local.x},
           {"y", v.local.y},
           {"world", {v.world.x, v.world.y, v.world.z}},
           {"heading_rad", v.yaw_rad},
           {"colour", colour_hex(v.colour)},
           {"from_field", v.from_field},
           {"stale", v.stale},
           {"report_age_ms", v.report_age_ms}};
    if (v.kind == DrawnVehicle::Kind::GuideVehicle) o["vehicle"] = v.id;
    else if (v.kind == DrawnVehicle::Kind::Truck) o["shipment"] = v.id;
    const DrawnNames names = drawn_names(core, v);
    if (!names.plate.empty()) o["plate"] = names.plate;
    if (!names.container.empty()) o["container"] = names.container;
    if (!names.name.empty()) o["name"] = names.name;
    if (v.off_plan_m > 0) o["off_plan_m"] = v.off_plan_m;
    if (spec && spec->geo) {
      const twin::LatLon ll = twin::wgs84_from_site(*spec->geo, glm::dvec2(v.local));
      o["lat"] = ll.lat_deg;
      o["lon"] = ll.lon_deg;
    }
    vehicles.push_back(std::move(o));
  }
  return j.dump(1);
}

}  // namespace controlroom
