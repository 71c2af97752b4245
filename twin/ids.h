// Ids: the core's two numbers for a shipment as distinct types, so one cannot be passed
// for the other (d65d0b3 fixed a bug of that kind). ShipmentId is the declaration number,
// unique across the world and stable for the shipment's life; it is what events,
// decisions, commands, files and topics carry. ShipmentIndex is where the shipment is in
// its site's SiteState::shipments today; retention moves it (docs/core.md), so it is only
// good within one state and never leaves the core's state and its readers.
// Each is a 4-byte wrapper around its number (.value): built explicitly from a uint32_t
// (never converted implicitly, to or from integers or each other), ordered, hashable for
// unordered containers, printable. The number itself is for boundaries only: codecs,
// the store, the state hash, text.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <type_traits>

namespace twin {

struct ShipmentId {
  uint32_t value = 0;
  constexpr ShipmentId() = default;
  constexpr explicit ShipmentId(uint32_t v) : value(v) {}
  constexpr auto operator<=>(const ShipmentId&) const = default;
};

struct ShipmentIndex {
  uint32_t value = 0;
  constexpr ShipmentIndex() = default;
  constexpr explicit ShipmentIndex(uint32_t v) : value(v) {}
  constexpr auto operator<=>(const ShipmentIndex&) const = default;
};

// The number in decimal, for messages and UI text.
std::string to_string(ShipmentId id);
std::string to_string(ShipmentIndex idx);
std::ostream& operator<<(std::ostream& os, ShipmentId id);
std::ostream& operator<<(std::ostream& os, ShipmentIndex idx);

static_assert(sizeof(ShipmentId) == 4 && std::is_trivially_copyable_v<ShipmentId> &&
              std::is_standard_layout_v<ShipmentId>);
static_assert(sizeof(ShipmentIndex) == 4 && std::is_trivially_copyable_v<ShipmentIndex> &&
              std::is_standard_layout_v<ShipmentIndex>);

}  // namespace twin

// The same hash as the plain number's: unordered containers keyed by id keep the bucket
// order they had when ids were uint32_t.
template <>
struct std::hash<twin::ShipmentId> {
  size_t operator()(twin::ShipmentId id) const noexcept { return std::hash<uint32_t>{}(id.value); }
};
template <>
struct std::hash<twin::ShipmentIndex> {
  size_t operator()(twin::ShipmentIndex idx) const noexcept { return std::hash<uint32_t>{}(idx.value); }
};
