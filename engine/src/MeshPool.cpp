// MeshPool: Assimp loading, flattening, bounds, box LOD, GPU upload. No drawing.
#include <engine/MeshPool.h>

#include <engine/Device.h>

#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace engine {
namespace {

bool isMidLod(const aiNode* node) {
  std::string n = node->mName.C_Str();
  return n.size() >= 5 && n.compare(n.size() - 5, 5, ".lod1") == 0;
}

// Appends the triangles of node and its children; mid selects the ".lod1" subtrees
// (true) or everything else (false).
void flatten(const aiScene* scene, const aiNode* node, const aiMatrix4x4& parent, bool mid,
             bool in_mid, std::vector<MeshVertex>& vs, std::vector<uint32_t>& is) {
  in_mid = in_mid || isMidLod(node);
  aiMatrix4x4 m = parent * node->mTransformation;
  aiMatrix3x3 nm = aiMatrix3x3(m);
  nm.Inverse().Transpose();
  for (unsigned k = 0; k < node->mNumMeshes && in_mid == mid; ++k) {
    const aiMesh* mesh = scene->mMeshes[node->mMeshes[k]];
    aiColor4D mat_colour(0.8f, 0.8f, 0.8f, 1.0f);
    if (mesh->mMaterialIndex < scene->mNumMaterials)
      scene->mMaterials[mesh->mMaterialIndex]->Get(AI_MATKEY_COLOR_DIFFUSE, mat_colour);
    uint32_t base = static_cast<uint32_t>(vs.size());
    for (unsigned v = 0; v < mesh->mNumVertices; ++v) {
      aiVector3D p = m * mesh->mVertices[v];
      aiVector3D n = mesh->HasNormals() ? nm * mesh->mNormals[v] : aiVector3D(0, 1, 0);
      n.Normalize();
      aiColor4D c = mesh->HasVertexColors(0) ? mesh->mColors[0][v] : mat_colour;
      vs.push_back({{p.x, p.y, p.z}, {n.x, n.y, n.z}, {c.r, c.g, c.b}});
    }
    for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
      const aiFace& face = mesh->mFaces[f];
      if (face.mNumIndices != 3) continue;
      for (int i = 0; i < 3; ++i) is.push_back(base + face.mIndices[i]);
    }
  }
  for (unsigned c = 0; c < node->mNumChildren; ++c)
    flatten(scene, node->mChildren[c], m, mid, in_mid, vs, is);
}

// The bounding box as 24 vertices (flat normals) and 36 indices, in the mesh's mean colour.
void boxLod(glm::vec3 lo, glm::vec3 hi, glm::vec3 colour, std::vector<MeshVertex>& vs,
            std::vector<uint32_t>& is) {
  const glm::vec3 n[6] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
  for (const glm::vec3& d : n) {
    // Two tangent axes u, v with u x v = d so the winding is counter-clockwise outside.
    glm::vec3 u = std::abs(d.y) > 0.5f ? glm::vec3(1, 0, 0) : glm::vec3(0, 1, 0);
    glm::vec3 v = glm::cross(d, u);
    u = glm::cross(v, d);
    uint32_t base = static_cast<uint32_t>(vs.size());
    glm::vec3 c = (lo + hi) * 0.5f, h = (hi - lo) * 0.5f;
    const float corners[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    for (const auto& k : corners) vs.push_back({c + (d + u * k[0] + v * k[1]) * h, d, colour});
    for (uint32_t i : {0u, 1u, 2u, 0u, 2u, 3u}) is.push_back(base + i);
  }
}

}  // namespace

void MeshPool::readFile(const std::string& path, std::vector<MeshVertex>& vs,
                        std::vector<uint32_t>& is, std::vector<MeshVertex>* mid_vs,
                        std::vector<uint32_t>* mid_is) {
  Assimp::Importer imp;
  const aiScene* scene = imp.ReadFile(
      path, aiProcess_Triangulate | aiProcess_JoinIdenticalVertices | aiProcess_GenNormals);
  if (!scene || !scene->mRootNode)
    throw std::runtime_error("engine: cannot load mesh '" + path + "': " + imp.GetErrorString());
  flatten(scene, scene->mRootNode, aiMatrix4x4(), false, false, vs, is);
  if (mid_vs && mid_is) flatten(scene, scene->mRootNode, aiMatrix4x4(), true, false, *mid_vs, *mid_is);
  if (is.empty()) throw std::runtime_error("engine: mesh '" + path + "' has no triangles");
}

MeshId MeshPool::load(const std::string& path, const std::string& name) {
  std::vector<MeshVertex> vs, mvs;
  std::vector<uint32_t> is, mis;
  readFile(path, vs, is, &mvs, &mis);
  return add(name.empty() ? std::filesystem::path(path).stem().string() : name, vs, is, mvs, mis);
}

MeshId MeshPool::add(const std::string& name, const std::vector<MeshVertex>& vs,
                     const std::vector<uint32_t>& is, const std::vector<MeshVertex>& mvs,
                     const std::vector<uint32_t>& mis) {
  if (vs.empty() || is.empty() || is.size() % 3)
    throw std::runtime_error("engine: mesh '" + name + "' is not a triangle list");
  Mesh m;
  m.name = name;
  m.bounds_min = glm::vec3(1e30f);
  m.bounds_max = glm::vec3(-1e30f);
  glm::vec3 colour_sum(0.0f);
  for (const MeshVertex& v : vs) {
    m.bounds_min = glm::min(m.bounds_min, v.pos);
    m.bounds_max = glm::max(m.bounds_max, v.pos);
    colour_sum += v.colour;
  }
  m.centre = (m.bounds_min + m.bounds_max) * 0.5f;
  for (const MeshVertex& v : vs) m.radius_m = std::max(m.radius_m, glm::length(v.pos - m.centre));
  m.triangle_count = static_cast<uint32_t>(is.size() / 3);

  auto upload = [&](MeshLod& lod, const std::vector<MeshVertex>& v, const std::vector<uint32_t>& i) {
    lod.vertices = GpuBuffer::deviceLocal(dev_, v.data(), v.size() * sizeof(MeshVertex),
                                          VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
    lod.indices = GpuBuffer::deviceLocal(dev_, i.data(), i.size() * sizeof(uint32_t),
                                         VK_BUFFER_USAGE_INDEX_BUFFER_BIT);
    lod.index_count = static_cast<uint32_t>(i.size());
  };
  upload(m.lod[0], vs, is);
  m.has_mid_lod = !mvs.empty() && !mis.empty() && mis.size() % 3 == 0;
  if (m.has_mid_lod) {
    upload(m.lod[1], mvs, mis);
    m.mid_triangle_count = static_cast<uint32_t>(mis.size() / 3);
  } else {
    upload(m.lod[1], vs, is);
    m.mid_triangle_count = m.triangle_count;
  }
  std::vector<MeshVertex> bv;
  std::vector<uint32_t> bi;
  boxLod(m.bounds_min, m.bounds_max, colour_sum / float(vs.size()), bv, bi);
  upload(m.lod[2], bv, bi);
  meshes_.push_back(std::move(m));
  return MeshId{static_cast<uint32_t>(meshes_.size() - 1)};
}

std::optional<MeshId> MeshPool::find(const std::string& name) const {
  for (size_t i = 0; i < meshes_.size(); ++i)
    if (meshes_[i].name == name) return MeshId{static_cast<uint32_t>(i)};
  return std::nullopt;
}

}  // namespace engine
