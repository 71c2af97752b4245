// MeshPool: the meshes the renderer can instance. Loads glTF (any format Assimp reads),
// flattening the node tree into one vertex/index buffer per mesh kind, and makes a coarse
// level of detail (the mesh's bounding box, 12 triangles) for distant instances. It must
// not know what a mesh represents; names are the file's stem or the caller's choice.
#pragma once

#include <engine/GpuBuffer.h>
#include <engine/Ids.h>

#include <glm/glm.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace engine {

class Device;

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
  uint32_t triangle_count = 0;      // level 0
  uint32_t mid_triangle_count = 0;  // level 1
  bool has_mid_lod = false;         // the file had ".lod1" nodes
  MeshLod lod[3];  // 0: full, 1: middle, 2: bounding box
};

class MeshPool {
 public:
  explicit MeshPool(const Device& dev) : dev_(dev) {}

  // Loads a file; throws std::runtime_error naming the file when Assimp cannot read it.
  MeshId load(const std::string& path, const std::string& name = "");
  // Adds a mesh from memory (triangle list).
  // mid_*: the middle level of detail; empty to reuse the full mesh.
  MeshId add(const std::string& name, const std::vector<MeshVertex>& vertices,
             const std::vector<uint32_t>& indices, const std::vector<MeshVertex>& mid_vertices = {},
             const std::vector<uint32_t>& mid_indices = {});
  std::optional<MeshId> find(const std::string& name) const;
  const Mesh& mesh(MeshId id) const { return meshes_.at(id.value); }
  size_t size() const { return meshes_.size(); }

  // CPU side of a load, for tests and tools: the flattened vertices and indices of the
  // full mesh and of the ".lod1" nodes (empty when the file has none).
  static void readFile(const std::string& path, std::vector<MeshVertex>& vertices,
                       std::vector<uint32_t>& indices, std::vector<MeshVertex>* mid_vertices = nullptr,
                       std::vector<uint32_t>* mid_indices = nullptr);

 private:
  const Device& dev_;
  std::vector<Mesh> meshes_;
};

}  // namespace engine
