// Meshes: the committed assets/meshes/*.gltf are exactly what tools/meshgen makes, load
// through Assimp with sizes in metres that fit what they model, carry a simpler middle level
// of detail, face outwards, and upload to the GPU with a 12-triangle box level. Uses
// lavapipe for the upload; never skips.
#include "EngineTestKit.h"

#include "models/Models.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace enginetest;

TEST_CASE("meshes: committed glTF files match tools/meshgen", "[engine][meshes]") {
  auto all = models::generateAll();
  REQUIRE(all.size() == 7);
  for (const auto& [name, text] : all) {
    std::ifstream in(sourcePath("assets/meshes/" + name), std::ios::binary);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    INFO(name << " is stale: run `cmake --build build --target meshes` and commit");
    CHECK(ss.str() == text);
  }
}

TEST_CASE("meshes: sizes in metres and outward faces", "[engine][meshes]") {
  struct Expect {
    const char* name;
    glm::vec3 size_min, size_max;  // bounding box extent, metres
  };
  const Expect expect[] = {
      {"truck", {16.0f, 3.8f, 2.4f}, {17.0f, 4.2f, 2.6f}},
      {"reefer", {12.0f, 2.5f, 2.4f}, {12.4f, 2.7f, 2.6f}},
      {"guide_vehicle", {2.8f, 1.4f, 1.5f}, {3.3f, 1.8f, 1.9f}},
      {"scanner_portal", {1.5f, 6.0f, 7.0f}, {2.0f, 7.0f, 9.0f}},
      {"booth", {2.4f, 2.6f, 2.0f}, {3.2f, 3.0f, 2.7f}},
      {"barrier", {0.5f, 1.0f, 5.0f}, {0.8f, 1.2f, 5.6f}},
      {"canopy", {10.0f, 6.0f, 4.6f}, {10.2f, 6.1f, 4.7f}},
  };
  for (const Expect& e : expect) {
    INFO(e.name);
    std::vector<engine::MeshVertex> vs, mvs;
    std::vector<uint32_t> is, mis;
    engine::MeshPool::readFile(sourcePath(std::string("assets/meshes/") + e.name + ".gltf"), vs, is,
                               &mvs, &mis);
    REQUIRE(is.size() % 3 == 0);
    glm::vec3 lo(1e9f), hi(-1e9f);
    for (const auto& v : vs) {
      lo = glm::min(lo, v.pos);
      hi = glm::max(hi, v.pos);
    }
    glm::vec3 size = hi - lo;
    CHECK(size.x >= e.size_min.x);
    CHECK(size.x <= e.size_max.x);
    CHECK(size.y >= e.size_min.y);
    CHECK(size.y <= e.size_max.y);
    CHECK(size.z >= e.size_min.z);
    CHECK(size.z <= e.size_max.z);
    CHECK(lo.y == Approx(0.0f).margin(1e-3));  // stands on the ground
    // Every triangle's winding agrees with its normals (counter-clockwise from outside).
    size_t agree = 0;
    for (size_t t = 0; t < is.size(); t += 3) {
      const auto &a = vs[is[t]], &b = vs[is[t + 1]], &c = vs[is[t + 2]];
      glm::vec3 n = glm::cross(b.pos - a.pos, c.pos - a.pos);
      if (glm::dot(n, a.normal + b.normal + c.normal) > 0.0f) ++agree;
    }
    CHECK(agree == is.size() / 3);
    // Vehicles have a simpler middle level.
    if (std::string(e.name) == "truck" || std::string(e.name) == "reefer" ||
        std::string(e.name) == "guide_vehicle") {
      CHECK(!mis.empty());
      CHECK(mis.size() * 3 < is.size());
    }
  }
}

TEST_CASE("meshes: GPU upload with three levels of detail", "[engine][meshes]") {
  engine::Device::resetValidationMessageCount();
  {
    engine::Renderer r(testConfig(64, 64));
    for (const char* n : kMeshNames) {
      engine::MeshId id = r.meshes().load(sourcePath(std::string("assets/meshes/") + n + ".gltf"));
      const engine::Mesh& m = r.meshes().mesh(id);
      INFO(n);
      CHECK(m.name == n);
      CHECK(r.meshes().find(n) == id);
      CHECK(m.lod[0].index_count == m.triangle_count * 3);
      CHECK(m.lod[1].index_count == m.mid_triangle_count * 3);
      CHECK(m.lod[2].index_count == 36);
      CHECK(m.radius_m > 0.5f);
    }
    CHECK_FALSE(r.meshes().find("nothing"));
    CHECK_THROWS(r.meshes().load(sourcePath("assets/meshes/does-not-exist.gltf")));
  }
  CHECK(engine::Device::validationMessageCount() == 0);
}
