// Picker: answers "which instance is under this pixel?" by reading one texel of the pick-id
// image, which Renderer::pick has just drawn from the last finished frame (every mesh pixel
// holds its instance id; ground, lines and empty space 0). It must not render or keep
// per-frame state. Private to the engine (engine/src): apps call Renderer::pick.
#pragma once

#include <engine/GpuBuffer.h>
#include <engine/Ids.h>

#include <cstdint>
#include <optional>

namespace engine {

class Device;
class OffscreenTarget;

class Picker {
 public:
  explicit Picker(const Device& dev);
  // Pixel coordinates with the origin top-left. nullopt for no instance or outside the image.
  // Waits for a one-shot copy; call it on clicks, not every frame.
  std::optional<InstanceId> pick(const OffscreenTarget& target, int x, int y);

 private:
  const Device& dev_;
  GpuBuffer readback_;
};

}  // namespace engine
