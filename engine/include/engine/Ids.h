// Ids: the engine's two kinds of id as distinct types, so one cannot be passed for the
// other. MeshId names a mesh in the MeshPool (load/add/find hand them out); InstanceId is
// the pick id an Instance carries and Renderer::pick returns (kNoPickId, 0, is "nothing").
// Each is a 4-byte wrapper around its number (.value), compared with ==, hashable for
// unordered containers, printable. They must not convert to each other, to or from plain
// integers implicitly, nor carry anything else: InstanceId sits in the 64-byte GPU record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <type_traits>

namespace engine {

struct MeshId {
  uint32_t value = 0;  // index into the MeshPool
  constexpr bool operator==(const MeshId&) const = default;
};

struct InstanceId {
  uint32_t value = 0;  // written to the pick-id image; 0: no instance
  constexpr bool operator==(const InstanceId&) const = default;
};

std::ostream& operator<<(std::ostream& os, MeshId id);
std::ostream& operator<<(std::ostream& os, InstanceId id);

static_assert(sizeof(InstanceId) == 4 && alignof(InstanceId) == 4 &&
                  std::is_trivially_copyable_v<InstanceId> && std::is_standard_layout_v<InstanceId>,
              "InstanceId is written into the GPU instance record as one uint32");

}  // namespace engine

template <>
struct std::hash<engine::MeshId> {
  size_t operator()(engine::MeshId id) const noexcept { return std::hash<uint32_t>{}(id.value); }
};
template <>
struct std::hash<engine::InstanceId> {
  size_t operator()(engine::InstanceId id) const noexcept { return std::hash<uint32_t>{}(id.value); }
};
