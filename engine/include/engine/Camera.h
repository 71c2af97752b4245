// Camera: an orbit camera around a target point on or above the ground (Y up, metres),
// with the projection and unprojection maths the renderer and picking use, limits on
// pitch and distance, and named preset poses the app can store. Pure maths: it must not
// touch Vulkan or any window.
#pragma once

#include <glm/glm.hpp>

#include <map>
#include <optional>
#include <string>

namespace engine {

// Everything needed to restore a view. Angles in degrees.
struct CameraPose {
  glm::vec3 target{0.0f};
  float yaw_deg = 45.0f;     // around +Y, 0 looks along -Z from +Z
  float pitch_deg = 35.0f;   // above the horizon
  float distance_m = 60.0f;  // eye to target
  bool operator==(const CameraPose&) const = default;
};

struct CameraLimits {
  float pitch_min_deg = 5.0f;  // never at or below the ground plane's horizon
  float pitch_max_deg = 89.0f;  // never straight down (view matrix would degenerate)
  float distance_min_m = 2.0f;
  float distance_max_m = 3000.0f;
};

struct Ray {
  glm::vec3 origin;
  glm::vec3 dir;  // normalised
};

class Camera {
 public:
  Camera() = default;
  explicit Camera(const CameraPose& pose) { setPose(pose); }

  // [SECTION] pose and movement
  const CameraPose& pose() const { return pose_; }
  void setPose(const CameraPose& p);  // clamps to the limits
  const CameraLimits& limits() const { return limits_; }
  void setLimits(const CameraLimits& l);
  void orbit(float dyaw_deg, float dpitch_deg);
  // Moves the target on its own horizontal plane: right_m along the view's right,
  // forward_m along the view direction projected on the ground.
  void pan(float right_m, float forward_m);
  // Multiplies the distance by factor (< 1 zooms in), clamped to the limits.
  void zoom(float factor);

  // [SECTION] lens
  float fovYDeg() const { return fov_y_deg_; }
  void setFovYDeg(float f) { fov_y_deg_ = f; }
  float nearM() const { return near_m_; }
  float farM() const { return far_m_; }
  void setClip(float near_m, float far_m) { near_m_ = near_m; far_m_ = far_m; }

  // [SECTION] matrices: right-handed view, Vulkan clip space (y down, depth 0..1).
  glm::vec3 eye() const;
  glm::vec3 forward() const;  // unit vector from eye to target
  glm::mat4 view() const;
  glm::mat4 projection(float aspect) const;
  glm::mat4 viewProj(glm::vec2 viewport_px) const;

  // World point -> pixel (x right, y down, origin top-left) and depth 0..1. nullopt when
  // the point is behind the eye.
  std::optional<glm::vec3> project(glm::vec3 world, glm::vec2 viewport_px) const;
  // Pixel and depth 0..1 -> world point.
  glm::vec3 unproject(glm::vec3 pixel_depth, glm::vec2 viewport_px) const;
  // The ray from the eye through a pixel's centre coordinates.
  Ray rayThrough(glm::vec2 pixel, glm::vec2 viewport_px) const;
  // Where that ray meets the plane y = ground_y; nullopt when it does not go down to it.
  std::optional<glm::vec3> groundPoint(glm::vec2 pixel, glm::vec2 viewport_px,
                                       float ground_y = 0.0f) const;

  // [SECTION] presets: named poses the app can store and restore.
  void savePreset(const std::string& name) { presets_[name] = pose_; }
  void setPreset(const std::string& name, const CameraPose& p) { presets_[name] = p; }
  bool applyPreset(const std::string& name);  // false when no such preset
  const std::map<std::string, CameraPose>& presets() const { return presets_; }
  // Presets as JSON text ({"name": {"target":[x,y,z],"yaw_deg":..,...}}) and back.
  std::string presetsToJson() const;
  bool presetsFromJson(const std::string& text);  // false (and no change) on bad input

 private:
  void clamp();
  CameraPose pose_{};
  CameraLimits limits_{};
  float fov_y_deg_ = 45.0f;
  float near_m_ = 0.5f;
  float far_m_ = 5000.0f;
  std::map<std::string, CameraPose> presets_;
};

}  // namespace engine
