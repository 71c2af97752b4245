// UiMap. See ui_map.h. Writes a small JSON file; must stay cheap when off (one bool).
#include "controlroom/ui/ui_map.h"

#include <imgui.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace controlroom::ui_map {

namespace {
bool g_on = false;
std::vector<UiMapItem> g_items;   // this frame's controls; at most kMaxItems
constexpr size_t kMaxItems = 512;
constexpr size_t kMaxTrucks = 400;
}  // namespace

void begin_frame(bool on) {
  g_on = on;
  g_items.clear();
}

bool on() { return g_on; }

void rect(const std::string& id, float x0, float y0, float x1, float y1) {
  if (!g_on || g_items.size() >= kMaxItems) return;
  g_items.push_back({id, x0, y0, x1, y1, true, {}, true});
}

void item(const std::string& id, bool enabled, const std::string& why) {
  if (!g_on || g_items.size() >= kMaxItems) return;
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  g_items.push_back({id, a.x, a.y, b.x, b.y, enabled, why, ImGui::IsItemVisible()});
}

bool write(const std::string& path, const UiMapState& state, const DrawList& list, const engine::Camera& camera,
           glm::vec2 viewport_px) {
  nlohmann::json j;
  j["frame"] = state.frame;
  j["user"] = state.user;
  j["role"] = state.role;
  j["selected"] = {{"site", state.selected_site}, {"shipment", state.selected_shipment}};
  j["confirm_open"] = state.confirm_open;
  j["picks"] = state.picks;
  j["last_pick"] = state.last_pick;
  j["reason"] = state.reason;
  j["panel_site"] = state.panel_site;
  j["view"] = state.view;
  j["lang"] = state.lang;
  j["banner"] = state.banner;
  j["hovered_window"] = state.hovered_window;
  j["active_item"] = state.active_item;
  j["free"] = {{"x", state.free[0]}, {"y", state.free[1]}, {"w", state.free[2]}, {"h", state.free[3]}};
  j["width"] = viewport_px.x;
  j["height"] = viewport_px.y;
  nlohmann::json items = nlohmann::json::array();
  for (const UiMapItem& i : g_items)
    items.push_back({{"id", i.id}, {"x0", i.x0}, {"y0", i.y0}, {"x1", i.x1}, {"y1", i.y1}, {"enabled", i.enabled}, {"why", i.why},
                     {"visible", i.visible}});
  j["items"] = std::move(items);
  // The vehicles of one kind drawn on screen, at their pixel `lift` metres above the road
  // (trucks: the middle of the cab and box; guide vehicles: to click one and inspect it).
  auto drawn = [&](DrawnVehicle::Kind kind, float lift, const char* id_key, bool by_index) {
    nlohmann::json out = nlohmann::json::array();
    for (const DrawnVehicle& v : list.vehicles) {
      if (v.kind != kind || out.size() >= kMaxTrucks) continue;
      auto p = camera.project(v.world + glm::vec3(0, lift, 0), viewport_px);
      if (!p || p->x < 0 || p->y < 0 || p->x >= viewport_px.x || p->y >= viewport_px.y) continue;
      out.push_back({{"site", v.site}, {id_key, by_index ? nlohmann::json(v.index) : nlohmann::json(v.id)}, {"x", p->x}, {"y", p->y}});
    }
    return out;
  };
  j["trucks"] = drawn(DrawnVehicle::Kind::Truck, 1.5f, "shipment", false);
  j["guides"] = drawn(DrawnVehicle::Kind::GuideVehicle, 1.0f, "vehicle", true);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump() << "\n";
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace controlroom::ui_map
