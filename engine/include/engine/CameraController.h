// CameraController: turns pointer input (drags and wheel) into camera moves: left drag
// orbits, right or middle drag pans so the ground follows the cursor, the wheel zooms.
// Pure logic over a Camera; it must not read devices itself (the Window does) nor decide
// whether the UI owns the pointer (ask Renderer::uiWantsPointer()).
#pragma once

#include <engine/Camera.h>

#include <glm/glm.hpp>

namespace engine {

struct PointerInput {
  glm::vec2 cursor_px{0.0f};
  bool left = false, right = false, middle = false;
  float wheel = 0.0f;  // notches since the last update, positive away from the user
};

class CameraController {
 public:
  float orbit_deg_per_px = 0.3f;
  float zoom_per_notch = 0.88f;  // distance factor per wheel notch towards the target

  void update(Camera& cam, const PointerInput& in, glm::vec2 viewport_px);
  // Forget the last cursor position (e.g. after the UI had the pointer).
  void reset() { has_last_ = false; }

 private:
  glm::vec2 last_{0.0f};
  bool has_last_ = false;
};

}  // namespace engine
