// The primary twin's event stream on the wire (docs/control-room.md): a batch of events
// the primary has applied, with their twin seqs, as one MQTT payload. Followers fold
// them in seq order and end in the primary's state. It only converts bytes; it must not
// publish, order or apply anything. Decoding treats its input as untrusted: every
// length and event is checked and a bad payload gives a StreamDecodeError.
//
// Supports: stream format version 2 (kStreamBatchVersion); events in the binary event
// codec (event_binary.h), 1..kStreamBatchMaxEvents consecutive seqs per batch, each with
// its origin (the field input it was sequenced from).
// Layout (integers little-endian):
//   "GTS" [version u8 = 2][stream_id u64][session i64][epoch u32][count u16]
//   count x ([length u16][binary event][origin])
//   origin: [cls u8][source_seq u64][source: len u8 + bytes][session: len u8 + bytes]
//           [account: len u8 + bytes][command_id: len u8 + bytes]
// stream_id is the run (random when a primary starts a run; a standby that takes the run
// over keeps it): a new id means a new run with a fresh state. session is the recording
// session of the twin that sequenced the batch (0: it does not record). epoch is who
// sequences the run: 1 for the twin that started it, one more at each take-over
// (docs/control-room.md "Fail-over"); followers refuse a batch of an older epoch than one
// they have seen. The origin lets a standby tell which of the field inputs it holds the
// primary has already sequenced.
//
// Change log:
//   2026-11-25  version 1.
//   2026-11-30  version 2: the epoch, and each event's origin (issue 18, fail-over).
#pragma once
#include "twin/event.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace connectors {

constexpr uint8_t kStreamBatchVersion = 2;
constexpr size_t kStreamBatchMaxEvents = 1024;
constexpr size_t kStreamBatchMaxBytes = 256 * 1024;

// The topics: batches (QoS 1, not retained) and the primary's head, retained JSON
// {"v":1,"status":"up"|"stopped"|"offline","stream":"<hex>","session":N,"seq":M}.
inline std::string stream_topic() { return "gatetwin/v1/twin/stream"; }
inline std::string stream_head_topic() { return "gatetwin/v1/twin/stream_head"; }

// The field input an event was sequenced from (empty source: the twin's own, or unknown).
struct EventOrigin {
  uint8_t cls = 0;            // connectors::MessageClass: 0 ordered, 1 telemetry, 2 command
  uint64_t source_seq = 0;
  std::string source, session, account, command_id;  // each at most 255 bytes on the wire
};

struct StreamBatch {
  uint64_t stream_id = 0;
  int64_t session = 0;
  uint32_t epoch = 1;
  std::vector<twin::Event> events;   // consecutive seqs, ascending
  std::vector<EventOrigin> origins;  // one per event
};

struct StreamDecodeError {
  std::string why;
  std::string message() const { return "stream batch: " + why; }
};

using StreamDecodeResult = std::variant<StreamBatch, StreamDecodeError>;

// The header of a batch of `count` events; append each event with append_stream_event.
std::string stream_batch_header(uint64_t stream_id, int64_t session, uint16_t count, uint32_t epoch = 1);
// Appends one event already in the binary codec (length-prefixed), then its origin.
void append_stream_event(std::string& payload, const std::vector<uint8_t>& binary_event, const EventOrigin& origin = {});

StreamDecodeResult decode_stream_batch(const std::string& payload);

}  // namespace connectors
