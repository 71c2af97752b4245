// Camera: orbit pose, limits, projection/unprojection, presets. Pure maths, no Vulkan.
#include <engine/Camera.h>

#include <glm/gtc/matrix_transform.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace engine {

void Camera::clamp() {
  pose_.pitch_deg = std::clamp(pose_.pitch_deg, limits_.pitch_min_deg, limits_.pitch_max_deg);
  pose_.distance_m = std::clamp(pose_.distance_m, limits_.distance_min_m, limits_.distance_max_m);
  pose_.yaw_deg = std::fmod(pose_.yaw_deg, 360.0f);
  if (pose_.yaw_deg < 0.0f) pose_.yaw_deg += 360.0f;
}

void Camera::setPose(const CameraPose& p) {
  pose_ = p;
  clamp();
}

void Camera::setLimits(const CameraLimits& l) {
  limits_ = l;
  clamp();
}

void Camera::orbit(float dyaw_deg, float dpitch_deg) {
  pose_.yaw_deg += dyaw_deg;
  pose_.pitch_deg += dpitch_deg;
  clamp();
}

void Camera::pan(float right_m, float forward_m) {
  float yaw = glm::radians(pose_.yaw_deg);
  // Horizontal forward (eye -> target projected on the ground) and right.
  glm::vec3 fwd(-std::sin(yaw), 0.0f, -std::cos(yaw));
  glm::vec3 right(std::cos(yaw), 0.0f, -std::sin(yaw));
  pose_.target += right * right_m + fwd * forward_m;
}

void Camera::zoom(float factor) {
  pose_.distance_m *= factor;
  clamp();
}

glm::vec3 Camera::eye() const {
  float yaw = glm::radians(pose_.yaw_deg);
  float pitch = glm::radians(pose_.pitch_deg);
  glm::vec3 back(std::cos(pitch) * std::sin(yaw), std::sin(pitch), std::cos(pitch) * std::cos(yaw));
  return pose_.target + back * pose_.distance_m;
}

glm::vec3 Camera::forward() const { return glm::normalize(pose_.target - eye()); }

glm::mat4 Camera::view() const { return glm::lookAt(eye(), pose_.target, glm::vec3(0, 1, 0)); }

glm::mat4 Camera::projection(float aspect) const {
  // Right-handed, depth 0..1, then flip y for Vulkan's clip space (y points down).
  float f = 1.0f / std::tan(glm::radians(fov_y_deg_) * 0.5f);
  glm::mat4 p(0.0f);
  p[0][0] = f / aspect;
  p[1][1] = -f;
  p[2][2] = far_m_ / (near_m_ - far_m_);
  p[2][3] = -1.0f;
  p[3][2] = near_m_ * far_m_ / (near_m_ - far_m_);
  return p;
}

glm::mat4 Camera::viewProj(glm::vec2 viewport_px) const {
  return projection(viewport_px.x / viewport_px.y) * view();
}

std::optional<glm::vec3> Camera::project(glm::vec3 world, glm::vec2 viewport_px) const {
  glm::vec4 clip = viewProj(viewport_px) * glm::vec4(world, 1.0f);
  if (clip.w <= 0.0f) return std::nullopt;
  glm::vec3 ndc = glm::vec3(clip) / clip.w;
  return glm::vec3((ndc.x * 0.5f + 0.5f) * viewport_px.x, (ndc.y * 0.5f + 0.5f) * viewport_px.y,
                   ndc.z);
}

glm::vec3 Camera::unproject(glm::vec3 pixel_depth, glm::vec2 viewport_px) const {
  glm::vec4 ndc(pixel_depth.x / viewport_px.x * 2.0f - 1.0f,
                pixel_depth.y / viewport_px.y * 2.0f - 1.0f, pixel_depth.z, 1.0f);
  glm::vec4 w = glm::inverse(viewProj(viewport_px)) * ndc;
  return glm::vec3(w) / w.w;
}

Ray Camera::rayThrough(glm::vec2 pixel, glm::vec2 viewport_px) const {
  glm::vec3 a = unproject(glm::vec3(pixel, 0.0f), viewport_px);
  glm::vec3 b = unproject(glm::vec3(pixel, 1.0f), viewport_px);
  return {a, glm::normalize(b - a)};
}

std::optional<glm::vec3> Camera::groundPoint(glm::vec2 pixel, glm::vec2 viewport_px,
                                             float ground_y) const {
  Ray r = rayThrough(pixel, viewport_px);
  if (std::abs(r.dir.y) < 1e-6f) return std::nullopt;
  float t = (ground_y - r.origin.y) / r.dir.y;
  if (t <= 0.0f) return std::nullopt;
  return r.origin + r.dir * t;
}

bool Camera::applyPreset(const std::string& name) {
  auto it = presets_.find(name);
  if (it == presets_.end()) return false;
  setPose(it->second);
  return true;
}

std::string Camera::presetsToJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, p] : presets_)
    j[name] = {{"target", {p.target.x, p.target.y, p.target.z}},
               {"yaw_deg", p.yaw_deg},
               {"pitch_deg", p.pitch_deg},
               {"distance_m", p.distance_m}};
  return j.dump(2);
}

bool Camera::presetsFromJson(const std::string& text) {
  std::map<std::string, CameraPose> out;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (!j.is_object()) return false;
    for (const auto& [name, v] : j.items()) {
      CameraPose p;
      const auto& t = v.at("target");
      if (!t.is_array() || t.size() != 3) return false;
      p.target = {t[0].get<float>(), t[1].get<float>(), t[2].get<float>()};
      p.yaw_deg = v.at("yaw_deg").get<float>();
      p.pitch_deg = v.at("pitch_deg").get<float>();
      p.distance_m = v.at("distance_m").get<float>();
      out[name] = p;
    }
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  presets_ = std::move(out);
  return true;
}

}  // namespace engine
