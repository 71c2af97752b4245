// MeshPool: the meshes the renderer can instance. Loads glTF (any format Assimp reads),
// flattening the node tree into one vertex/index buffer per mesh kind, and makes a coarse
// level of detail (the mesh's bounding box, 12 triangles) for distant instances. It must
// not know what a mesh represents; names are the file's stem or the caller's choice.
#pragma once

#include <engine/GpuBuffer.h>

#include <glm/glm.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace engine {

class Device;

using MeshId = uint32_t;

struct MeshVertex {
  glm::vec3 pos;
  glm::vec3 normal;
  glm::vec3 colour;
};

struct MeshLod {
  GpuBuffer vertices;
  GpuBuffer indices;  // uint32
  uint32_t index_count = 0;
};

struct Mesh {
  std::string name;
  glm::vec3 bounds_min{0.0f}, bounds_max{0.0f};  // mesh space, metres
  glm::vec3 centre{0.0f};
  float radius_m = 0.0f;  // bounding sphere about centre
  uint32_t triangle_count = 0;
  MeshLod lod[2];  // 0: full, 1: bounding box
};

class MeshPool {
 public:
  explicit MeshPool(const Device& dev) : dev_(dev) {}

  // Loads a file; throws std::runtime_error naming the file when Assimp cannot read it.
  MeshId load(const std::string& path, const std::string& name = "");
  // Adds a mesh from memory (triangle list).
  MeshId add(const std::string& name, const std::vector<MeshVertex>& vertices,
             const std::vector<uint32_t>& indices);
  std::optional<MeshId> find(const std::string& name) const;
  const Mesh& mesh(MeshId id) const { return meshes_.at(id); }
  size_t size() const { return meshes_.size(); }

  // CPU side of a load, for tests and tools: the flattened vertices and indices.
  static void readFile(const std::string& path, std::vector<MeshVertex>& vertices,
                       std::vector<uint32_t>& indices);

 private:
  const Device& dev_;
  std::vector<Mesh> meshes_;
};

}  // namespace engine
