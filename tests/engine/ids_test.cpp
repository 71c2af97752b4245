// Ids: engine::MeshId and engine::InstanceId are distinct types. The static_asserts below
// are the test (this file stops compiling if one id converts to the other, or a plain
// integer slips in where an id is expected); the test case only checks ==, hashing and
// printing. It must not need a device: no Renderer is created.
#include <engine/Ids.h>
#include <engine/Instance.h>
#include <engine/MeshPool.h>
#include <engine/Renderer.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <sstream>
#include <span>
#include <type_traits>
#include <unordered_set>
#include <utility>

using engine::InstanceId;
using engine::MeshId;

// Neither id converts to the other, in either direction, nor is built from the other.
static_assert(!std::is_same_v<MeshId, InstanceId>);
static_assert(!std::is_convertible_v<MeshId, InstanceId>);
static_assert(!std::is_convertible_v<InstanceId, MeshId>);
static_assert(!std::is_constructible_v<MeshId, InstanceId>);
static_assert(!std::is_constructible_v<InstanceId, MeshId>);
static_assert(!std::is_assignable_v<MeshId&, InstanceId>);
static_assert(!std::is_assignable_v<InstanceId&, MeshId>);
// No implicit way in from an integer, and none out to one.
static_assert(!std::is_convertible_v<uint32_t, MeshId>);
static_assert(!std::is_convertible_v<uint32_t, InstanceId>);
static_assert(!std::is_convertible_v<MeshId, uint32_t>);
static_assert(!std::is_convertible_v<InstanceId, uint32_t>);

// The engine's API takes and returns the right one.
static_assert(std::is_invocable_v<decltype(&engine::Renderer::drawInstances), engine::Renderer&,
                                  MeshId, std::span<const engine::Instance>>);
static_assert(!std::is_invocable_v<decltype(&engine::Renderer::drawInstances), engine::Renderer&,
                                   InstanceId, std::span<const engine::Instance>>);
static_assert(!std::is_invocable_v<decltype(&engine::Renderer::drawInstances), engine::Renderer&,
                                   uint32_t, std::span<const engine::Instance>>);
static_assert(std::is_same_v<decltype(std::declval<engine::Renderer&>().pick(0, 0)),
                             std::optional<InstanceId>>);
static_assert(std::is_same_v<decltype(std::declval<engine::MeshPool&>().load("")), MeshId>);
static_assert(std::is_same_v<decltype(std::declval<const engine::MeshPool&>().find("")),
                             std::optional<MeshId>>);
static_assert(std::is_invocable_v<decltype(&engine::MeshPool::mesh), const engine::MeshPool&, MeshId>);
static_assert(!std::is_invocable_v<decltype(&engine::MeshPool::mesh), const engine::MeshPool&, InstanceId>);
static_assert(std::is_same_v<decltype(engine::Instance::id), InstanceId>);
using At = decltype(&engine::Instance::at);
static_assert(std::is_invocable_v<At, glm::vec3, float, uint32_t, InstanceId, uint32_t, float>);
static_assert(!std::is_invocable_v<At, glm::vec3, float, uint32_t, MeshId, uint32_t, float>);
static_assert(!std::is_invocable_v<At, glm::vec3, float, uint32_t, uint32_t, uint32_t, float>);
// An instance id still fits the 64-byte GPU record as one uint32.
static_assert(sizeof(InstanceId) == sizeof(uint32_t) && sizeof(engine::Instance) == 64);

TEST_CASE("ids: equality, hashing and printing", "[engine][ids]") {
  CHECK(MeshId{3} == MeshId{3});
  CHECK(MeshId{3} != MeshId{4});
  CHECK(InstanceId{7} == InstanceId{7});
  CHECK(engine::kNoPickId == InstanceId{0});
  CHECK(engine::Instance{}.id == engine::kNoPickId);
  CHECK(engine::Instance::at({1, 2, 3}, 0.0f, 0u, InstanceId{42}).id.value == 42u);

  std::unordered_set<InstanceId> seen{InstanceId{1}, InstanceId{2}, InstanceId{1}};
  CHECK(seen.size() == 2);
  CHECK(seen.count(InstanceId{2}) == 1);
  std::unordered_set<MeshId> meshes{MeshId{0}, MeshId{5}};
  CHECK(meshes.count(MeshId{5}) == 1);
  CHECK(meshes.count(MeshId{1}) == 0);

  std::ostringstream os;
  os << MeshId{5} << " " << InstanceId{9};
  CHECK(os.str() == "5 9");
}
