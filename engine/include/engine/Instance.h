// Instance: the per-instance record the app hands the renderer, laid out exactly as the
// GPU reads it (64 bytes): a 3x4 row-major transform, an RGBA8 colour, state flags and a
// pick id (an InstanceId). Helpers build one from position/yaw/scale. It must not hold
// anything else.
#pragma once

#include <engine/Ids.h>

#include <glm/glm.hpp>

#include <cstddef>
#include <cstdint>

namespace engine {

// Packs 0..1 floats to RGBA8 (R in the lowest byte).
constexpr uint32_t rgba8(float r, float g, float b, float a = 1.0f) {
  auto c = [](float v) { return static_cast<uint32_t>((v < 0 ? 0 : v > 1 ? 1 : v) * 255.0f + 0.5f); };
  return c(r) | (c(g) << 8) | (c(b) << 16) | (c(a) << 24);
}

enum InstanceFlags : uint32_t {
  kInstanceHighlight = 1u << 0,  // drawn tinted towards amber (selection, alarms)
  kInstanceDim = 1u << 1,        // drawn greyed (idle, offline)
  kInstanceHidden = 1u << 2,     // not drawn and not pickable
};

// Pick id 0 means "nothing"; give instances ids from 1.
constexpr InstanceId kNoPickId{0};

struct Instance {
  glm::vec4 rows[3];  // world = rows * (mesh position, 1)
  uint32_t colour = rgba8(1, 1, 1);
  uint32_t flags = 0;
  InstanceId id = kNoPickId;
  uint32_t pad_ = 0;

  glm::vec3 position() const { return {rows[0].w, rows[1].w, rows[2].w}; }

  // Mesh space +X turned by yaw (radians, about +Y, counter-clockwise seen from above),
  // scaled uniformly, then moved to position (metres).
  static Instance at(glm::vec3 position, float yaw_rad, uint32_t colour, InstanceId id,
                     uint32_t flags = 0, float scale = 1.0f);
  static Instance fromMatrix(const glm::mat4& m, uint32_t colour, InstanceId id, uint32_t flags = 0);
};
static_assert(sizeof(Instance) == 64, "Instance must match the GPU layout (64 bytes)");
static_assert(offsetof(Instance, id) == offsetof(Instance, flags) + 4,
              "the shaders read flags and the pick id as one uvec2");

}  // namespace engine
