// Instance: building the GPU instance record from a pose. No other logic.
#include <engine/Instance.h>

#include <cmath>

namespace engine {

Instance Instance::at(glm::vec3 p, float yaw, uint32_t colour, InstanceId id, uint32_t flags,
                      float scale) {
  float c = std::cos(yaw) * scale, s = std::sin(yaw) * scale;
  Instance i;
  // Rotation about +Y: x' = c x + s z, z' = -s x + c z.
  i.rows[0] = {c, 0.0f, s, p.x};
  i.rows[1] = {0.0f, scale, 0.0f, p.y};
  i.rows[2] = {-s, 0.0f, c, p.z};
  i.colour = colour;
  i.id = id;
  i.flags = flags;
  return i;
}

Instance Instance::fromMatrix(const glm::mat4& m, uint32_t colour, InstanceId id, uint32_t flags) {
  Instance i;
  for (int r = 0; r < 3; ++r) i.rows[r] = {m[0][r], m[1][r], m[2][r], m[3][r]};
  i.colour = colour;
  i.id = id;
  i.flags = flags;
  return i;
}

}  // namespace engine
