// The primary twin's event stream on the wire (docs/control-room.md): a batch of events
// the primary has applied, with their twin seqs, as one MQTT payload. Followers fold
// them in seq order and end in the primary's state. It only converts bytes; it must not
// publish, order or apply anything. Decoding treats its input as untrusted: every
// length and event is checked and a bad payload gives a StreamDecodeError.
//
// Supports: stream format version 1 (kStreamBatchVersion); events in the binary event
// codec (event_binary.h), 1..kStreamBatchMaxEvents consecutive seqs per batch.
// Layout (integers little-endian):
//   "GTS" [version u8 = 1][stream_id u64][session i64][count u16]
//   count x ([length u16][binary event])
// stream_id is the primary's run (random per process): a new id means a new run with a
// fresh state. session is the primary's recording session (0: it does not record).
//
// Change log:
//   2026-11-25  version 1.
#pragma once
#include "twin/event.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace connectors {

constexpr uint8_t kStreamBatchVersion = 1;
constexpr size_t kStreamBatchMaxEvents = 1024;
constexpr size_t kStreamBatchMaxBytes = 256 * 1024;

// The topics: batches (QoS 1, not retained) and the primary's head, retained JSON
// {"v":1,"status":"up"|"stopped"|"offline","stream":"<hex>","session":N,"seq":M}.
inline std::string stream_topic() { return "gatetwin/v1/twin/stream"; }
inline std::string stream_head_topic() { return "gatetwin/v1/twin/stream_head"; }

struct StreamBatch {
  uint64_t stream_id = 0;
  int64_t session = 0;
  std::vector<twin::Event> events;   // consecutive seqs, ascending
};

struct StreamDecodeError {
  std::string why;
  std::string message() const { return "stream batch: " + why; }
};

using StreamDecodeResult = std::variant<StreamBatch, StreamDecodeError>;

// The header of a batch of `count` events; append each event with append_stream_event.
std::string stream_batch_header(uint64_t stream_id, int64_t session, uint16_t count);
// Appends one event already in the binary codec (length-prefixed).
void append_stream_event(std::string& payload, const std::vector<uint8_t>& binary_event);

StreamDecodeResult decode_stream_batch(const std::string& payload);

}  // namespace connectors
