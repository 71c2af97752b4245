// MeshBuilder: builds flat-shaded triangle meshes from boxes and cylinders (metres, Y up,
// counter-clockwise faces seen from outside) with a colour per vertex, and writes them as a
// text glTF 2.0 file with the buffer embedded as base64. It must not know what it models.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace models {

using Vec3 = std::array<float, 3>;

class MeshBuilder {
 public:
  void box(Vec3 lo, Vec3 hi, Vec3 colour);
  // A cylinder along +Z (a wheel) centred at c.
  void cylinderZ(Vec3 c, float radius, float half_width, Vec3 colour, int segments = 12);
  // A cylinder along +Y (a post) standing on c.
  void cylinderY(Vec3 c, float radius, float height, Vec3 colour, int segments = 12);

  size_t triangles() const { return indices_.size() / 3; }
  // The glTF document: one node and mesh for this builder (one primitive: POSITION, NORMAL,
  // COLOR_0, uint32 indices) and, when given, a second node "<name>.lod1" with a simpler
  // version the engine draws at middle distances.
  std::string gltf(const std::string& name, const MeshBuilder* lod1 = nullptr) const;

 private:
  void quad(Vec3 a, Vec3 b, Vec3 c, Vec3 d, Vec3 n, Vec3 colour);
  void tri(Vec3 a, Vec3 b, Vec3 c, Vec3 n, Vec3 colour);
  std::vector<float> pos_, normal_, colour_;
  std::vector<uint32_t> indices_;
};

}  // namespace models
