// MeshBuilder: primitive shapes and the glTF writer. No knowledge of what is modelled.
#include "models/MeshBuilder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace models {
namespace {

std::string base64(const std::vector<uint8_t>& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    out += t[v >> 18];
    out += t[(v >> 12) & 63];
    out += t[(v >> 6) & 63];
    out += t[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = in[i] << 16;
    out += t[v >> 18];
    out += t[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (in[i] << 16) | (in[i + 1] << 8);
    out += t[v >> 18];
    out += t[(v >> 12) & 63];
    out += t[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Round to 1e-4 m so the text output does not depend on the last bits of float maths.
float r4(float v) { return std::round(v * 10000.0f) / 10000.0f; }

}  // namespace

void MeshBuilder::tri(Vec3 a, Vec3 b, Vec3 c, Vec3 n, Vec3 colour) {
  uint32_t base = static_cast<uint32_t>(pos_.size() / 3);
  for (const Vec3& p : {a, b, c}) {
    for (int k = 0; k < 3; ++k) {
      pos_.push_back(r4(p[k]));
      normal_.push_back(r4(n[k]));
      colour_.push_back(colour[k]);
    }
  }
  for (uint32_t i = 0; i < 3; ++i) indices_.push_back(base + i);
}

void MeshBuilder::quad(Vec3 a, Vec3 b, Vec3 c, Vec3 d, Vec3 n, Vec3 colour) {
  uint32_t base = static_cast<uint32_t>(pos_.size() / 3);
  for (const Vec3& p : {a, b, c, d}) {
    for (int k = 0; k < 3; ++k) {
      pos_.push_back(r4(p[k]));
      normal_.push_back(r4(n[k]));
      colour_.push_back(colour[k]);
    }
  }
  for (uint32_t i : {0u, 1u, 2u, 0u, 2u, 3u}) indices_.push_back(base + i);
}

void MeshBuilder::box(Vec3 lo, Vec3 hi, Vec3 c) {
  const float x0 = lo[0], y0 = lo[1], z0 = lo[2], x1 = hi[0], y1 = hi[1], z1 = hi[2];
  quad({x1, y0, z1}, {x1, y0, z0}, {x1, y1, z0}, {x1, y1, z1}, {1, 0, 0}, c);    // +X
  quad({x0, y0, z0}, {x0, y0, z1}, {x0, y1, z1}, {x0, y1, z0}, {-1, 0, 0}, c);   // -X
  quad({x0, y1, z1}, {x1, y1, z1}, {x1, y1, z0}, {x0, y1, z0}, {0, 1, 0}, c);    // +Y
  quad({x0, y0, z0}, {x1, y0, z0}, {x1, y0, z1}, {x0, y0, z1}, {0, -1, 0}, c);   // -Y
  quad({x0, y0, z1}, {x1, y0, z1}, {x1, y1, z1}, {x0, y1, z1}, {0, 0, 1}, c);    // +Z
  quad({x1, y0, z0}, {x0, y0, z0}, {x0, y1, z0}, {x1, y1, z0}, {0, 0, -1}, c);   // -Z
}

void MeshBuilder::cylinderZ(Vec3 c, float r, float hw, Vec3 colour, int n) {
  const float pi2 = 6.28318530718f;
  for (int i = 0; i < n; ++i) {
    float a0 = pi2 * i / n, a1 = pi2 * (i + 1) / n, am = (a0 + a1) * 0.5f;
    Vec3 p0{c[0] + r * std::cos(a0), c[1] + r * std::sin(a0), 0};
    Vec3 p1{c[0] + r * std::cos(a1), c[1] + r * std::sin(a1), 0};
    Vec3 nrm{std::cos(am), std::sin(am), 0};
    float za = c[2] - hw, zb = c[2] + hw;
    quad({p0[0], p0[1], za}, {p1[0], p1[1], za}, {p1[0], p1[1], zb}, {p0[0], p0[1], zb}, nrm, colour);
    tri({c[0], c[1], zb}, {p0[0], p0[1], zb}, {p1[0], p1[1], zb}, {0, 0, 1}, colour);
    tri({c[0], c[1], za}, {p1[0], p1[1], za}, {p0[0], p0[1], za}, {0, 0, -1}, colour);
  }
}

void MeshBuilder::cylinderY(Vec3 c, float r, float h, Vec3 colour, int n) {
  const float pi2 = 6.28318530718f;
  for (int i = 0; i < n; ++i) {
    // Counter-clockwise seen from +Y means decreasing angle in the XZ plane (x=cos, z=sin).
    float a0 = -pi2 * i / n, a1 = -pi2 * (i + 1) / n, am = (a0 + a1) * 0.5f;
    Vec3 p0{c[0] + r * std::cos(a0), 0, c[2] + r * std::sin(a0)};
    Vec3 p1{c[0] + r * std::cos(a1), 0, c[2] + r * std::sin(a1)};
    Vec3 nrm{std::cos(am), 0, std::sin(am)};
    float ya = c[1], yb = c[1] + h;
    quad({p0[0], ya, p0[2]}, {p1[0], ya, p1[2]}, {p1[0], yb, p1[2]}, {p0[0], yb, p0[2]}, nrm, colour);
    tri({c[0], yb, c[2]}, {p0[0], yb, p0[2]}, {p1[0], yb, p1[2]}, {0, 1, 0}, colour);
  }
}

std::string MeshBuilder::gltf(const std::string& name, const MeshBuilder* lod1) const {
  using nlohmann::json;
  std::vector<uint8_t> bin;
  json nodes = json::array(), meshes = json::array(), views = json::array(),
       accessors = json::array(), scene_nodes = json::array();
  auto append = [&](const void* p, size_t n, int target) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    views.push_back({{"buffer", 0}, {"byteOffset", bin.size()}, {"byteLength", n}, {"target", target}});
    bin.insert(bin.end(), b, b + n);
    return views.size() - 1;
  };
  auto add = [&](const MeshBuilder& m, const std::string& node_name) {
    const size_t nv = m.pos_.size() / 3;
    float lo[3] = {1e30f, 1e30f, 1e30f}, hi[3] = {-1e30f, -1e30f, -1e30f};
    for (size_t i = 0; i < nv; ++i)
      for (int k = 0; k < 3; ++k) {
        lo[k] = std::min(lo[k], m.pos_[i * 3 + k]);
        hi[k] = std::max(hi[k], m.pos_[i * 3 + k]);
      }
    size_t a = accessors.size();
    accessors.push_back({{"bufferView", append(m.pos_.data(), m.pos_.size() * 4, 34962)},
                         {"componentType", 5126}, {"count", nv}, {"type", "VEC3"},
                         {"min", {lo[0], lo[1], lo[2]}}, {"max", {hi[0], hi[1], hi[2]}}});
    accessors.push_back({{"bufferView", append(m.normal_.data(), m.normal_.size() * 4, 34962)},
                         {"componentType", 5126}, {"count", nv}, {"type", "VEC3"}});
    accessors.push_back({{"bufferView", append(m.colour_.data(), m.colour_.size() * 4, 34962)},
                         {"componentType", 5126}, {"count", nv}, {"type", "VEC3"}});
    accessors.push_back({{"bufferView", append(m.indices_.data(), m.indices_.size() * 4, 34963)},
                         {"componentType", 5125}, {"count", m.indices_.size()}, {"type", "SCALAR"}});
    meshes.push_back({{"name", node_name},
                      {"primitives", json::array({{{"attributes", {{"POSITION", a}, {"NORMAL", a + 1}, {"COLOR_0", a + 2}}},
                                                   {"indices", a + 3},
                                                   {"mode", 4}}})}});
    scene_nodes.push_back(nodes.size());
    nodes.push_back({{"name", node_name}, {"mesh", meshes.size() - 1}});
  };
  add(*this, name);
  if (lod1) add(*lod1, name + ".lod1");

  json j;
  j["asset"] = {{"version", "2.0"}, {"generator", "gatetwin tools/meshgen"}};
  j["scene"] = 0;
  j["scenes"] = json::array({{{"nodes", scene_nodes}}});
  j["nodes"] = nodes;
  j["meshes"] = meshes;
  j["buffers"] = json::array(
      {{{"byteLength", bin.size()}, {"uri", "data:application/octet-stream;base64," + base64(bin)}}});
  j["bufferViews"] = views;
  j["accessors"] = accessors;
  return j.dump(1) + "\n";
}

}  // namespace models
