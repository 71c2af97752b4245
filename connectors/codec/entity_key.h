// One key per reported entity, for "latest wins" (the ingest queue) and the stale check
// of positions (the sequencer): site, entity kind and id, or, for a truck the field names
// only by plate / container (has_id false), a 48-bit hash of those. Never 0. Pure; must
// not look anything up.
#pragma once
#include "twin/event.h"

#include <cstdint>
#include <functional>
#include <string>

namespace connectors {

inline uint64_t position_entity_key(uint8_t site, const twin::PositionReport& p) {
  if (p.has_id)
    return (1ull << 63) | (static_cast<uint64_t>(site) << 40) | (static_cast<uint64_t>(p.entity) << 32) | p.id;
  const uint64_t h = std::hash<std::string>{}(p.plate + '\n' + p.container) & ((1ull << 48) - 1);
  return (1ull << 63) | (1ull << 62) | (static_cast<uint64_t>(site) << 48) | h;
}

}  // namespace connectors
