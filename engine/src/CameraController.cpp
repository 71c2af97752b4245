// CameraController: pointer drags and wheel to orbit, pan, zoom. No device access.
#include <engine/CameraController.h>

#include <cmath>

namespace engine {

void CameraController::update(Camera& cam, const PointerInput& in, glm::vec2 viewport_px) {
  glm::vec2 d = has_last_ ? in.cursor_px - last_ : glm::vec2(0.0f);
  last_ = in.cursor_px;
  has_last_ = true;
  if (in.left) {
    // Dragging right turns the scene right (camera yaw decreases), dragging down tilts up.
    cam.orbit(-d.x * orbit_deg_per_px, d.y * orbit_deg_per_px);
  } else if (in.right || in.middle) {
    // Metres per pixel at the target's distance, so the ground under the cursor follows it.
    float m_per_px = 2.0f * cam.pose().distance_m *
                     std::tan(glm::radians(cam.fovYDeg()) * 0.5f) / viewport_px.y;
    cam.pan(-d.x * m_per_px, d.y * m_per_px);
  }
  if (in.wheel != 0.0f) cam.zoom(std::pow(zoom_per_notch, in.wheel));
}

}  // namespace engine
