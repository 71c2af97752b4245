// UiMap: where the control room's controls and trucks were on screen in the last frame,
// written to a file for tests (and tools) that drive the window with real input events
// (GATETWIN_UI_MAP=FILE, docs/gatetwin.md). Off unless a file is named; then the panels
// note each control as they draw it (its rectangle, whether it is enabled and why not),
// and the app writes the file whole after each frame (a rename: a reader never sees half
// a file). It must not change what is drawn or decide anything.
#pragma once
#include "controlroom/scene/draw_list.h"

#include <engine/Camera.h>

#include <glm/vec2.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace controlroom {

struct UiMapItem {
  std::string id;            // the control's label as shown ("Close", "Hold vehicle", "reason")
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // window pixels
  bool enabled = true;
  std::string why;           // why it is disabled ("" when enabled)
  bool visible = true;       // not scrolled or clipped out of its panel
};

// What the app adds about itself: who is logged in and what the inspector shows.
struct UiMapState {
  uint64_t frame = 0;
  std::string user, role;
  int selected_site = -1;
  uint32_t selected_shipment = 0;   // 0: no shipment selected
  bool confirm_open = false;        // a command waits for a supervisor's confirmation
  uint64_t picks = 0;               // clicks on the 3D view picked so far
  std::string last_pick;            // what the last one hit ("kind 1 index 42", "nothing")
  std::string reason;               // what the reason box holds
  std::string panel_site;           // the site the panels work on ("panels for")
  std::string view;                 // the view shown (m1119, both, wall...)
  std::string lang;                 // "en" or "vi"
  bool banner = false;              // a stale or broker-lost banner is shown
  float free[4] = {};               // the 3D view the panels leave free: x, y, w, h
  std::string hovered_window;       // the ImGui window under the pointer ("" none)
  std::string active_item;          // what has the keyboard or the mouse ("" nothing; ImGui's id)
};

namespace ui_map {

// Starts a frame's notes (on: a file is named; off: every call below does nothing).
void begin_frame(bool on);
bool on();
// Notes ImGui's last item (the control just drawn) under id.
void item(const std::string& id, bool enabled = true, const std::string& why = {});
// Notes a drawn thing that is no ImGui item (the wall's REPLAY marker, its tiles) under id.
void rect(const std::string& id, float x0, float y0, float x1, float y1);
// Writes the frame's notes, the state, every truck and guide vehicle drawn (its pixel, from the camera)
// to path; false when the file cannot be written.
bool write(const std::string& path, const UiMapState& state, const DrawList& list, const engine::Camera& camera,
           glm::vec2 viewport_px);

}  // namespace ui_map
}  // namespace controlroom
