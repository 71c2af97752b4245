// A compact binary codec for twin::Event: what the recording store keeps in its events
// table (and what a later wire format may reuse). It only converts bytes; it must not
// read files, touch SQLite or throw. Decoding treats its input as untrusted: every
// length, enum and range is checked and a bad input gives an EventDecodeError.
//
// Supports: format versions 1 to 3 (kEventBinaryOldestVersion..kEventBinaryVersion; writes 3), every alternative of twin::EventBody
// (ClockTick .. OperatorCommand). Strings up to kEventBinaryMaxString bytes, whole
// encodings up to kEventBinaryMaxBytes. Floats are stored as their raw IEEE bits, so a
// round trip is bit-identical.
//
// Layout: [version u8][type u8 = EventBody index][seq uvarint][time_ms zigzag varint]
//         [site u8][body fields in declaration order]. Integers are LEB128 varints, bools
//         and enums one byte, strings a uvarint length then the bytes, floats 4 bytes LE.
//
// Change log:
//   2026-11-25  version 1.
//   2026-11-30  version 2: PositionReport adds has_id, plate, container after heading_rad
//               (a truck named the way the field knows it). Version 1 still decodes.
//   2026-11-30  version 3: OperatorCommand adds at_ms (zigzag varint; -1: now) and
//               forged_identity (string) after goods. Versions 1 and 2 still decode.
#pragma once
#include "twin/event.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace connectors {

constexpr uint8_t kEventBinaryVersion = 3;
constexpr uint8_t kEventBinaryOldestVersion = 1;
constexpr size_t kEventBinaryMaxBytes = 16 * 1024;   // a whole encoded event
constexpr size_t kEventBinaryMaxString = 4 * 1024;   // one string field (plate, reason, ...)

struct EventDecodeError {
  size_t offset = 0;   // byte where decoding stopped
  std::string why;
  std::string message() const;  // "binary event, byte N: why"
};

struct EventEncodeError {
  std::string why;
};

using EventDecodeResult = std::variant<twin::Event, EventDecodeError>;

// Appends the encoding of e to out. On error out is left as it was.
std::optional<EventEncodeError> encode_event(const twin::Event& e, std::vector<uint8_t>& out);

// Decodes exactly one event from [data, data + size); trailing bytes are an error.
EventDecodeResult decode_event(const uint8_t* data, size_t size);

}  // namespace connectors
