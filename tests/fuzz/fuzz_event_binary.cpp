// libFuzzer target: the binary event codec of recordings (connectors/codec/event_binary).
// Every input must decode to an event or an EventDecodeError; an event that decodes must
// re-encode to bytes that decode to the same encoding again (stable). Seeds:
// tests/fuzz/corpus/event_binary (one encoded event of every type).
#include "connectors/codec/event_binary.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  connectors::EventDecodeResult r = connectors::decode_event(data, size);
  if (auto* e = std::get_if<twin::Event>(&r)) {
    std::vector<uint8_t> once, twice;
    if (connectors::encode_event(*e, once)) return 0;  // decodable but over an encode limit: refused, fine
    auto again = connectors::decode_event(once.data(), once.size());
    if (!std::holds_alternative<twin::Event>(again)) std::abort();
    if (connectors::encode_event(std::get<twin::Event>(again), twice) || once != twice) std::abort();
  }
  return 0;
}
