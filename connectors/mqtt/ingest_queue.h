// The bounded hand-over from the MQTT thread to the core's thread. Ordered messages
// (declarations, process events, commands, ticks) are never dropped: when the queue is
// full the MQTT thread waits, which pushes back on the broker (it queues for us).
// Telemetry (positions) is latest-wins per entity: a newer position replaces a pending
// one for the same entity in place, and each such superseded message is counted.
// It must not decode, reorder or apply messages.
#pragma once
#include "connectors/codec/field_message.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace connectors {

struct IngestQueueStats {
  uint64_t pushed = 0;
  uint64_t superseded = 0;      // telemetry replaced by a newer value before the core took it
  uint64_t producer_waits = 0;  // pushes that found the queue full and waited
  size_t size = 0;
  size_t high_water = 0;
};

class IngestQueue {
 public:
  explicit IngestQueue(size_t capacity);

  // MQTT thread. Waits while the queue is full; returns false only once closed.
  bool push(FieldMessage m);
  // Core thread. Moves up to max messages out in arrival order; waits up to `wait` for
  // the first one. Returns how many.
  size_t drain(std::vector<FieldMessage>& out, size_t max, std::chrono::microseconds wait);
  // After sleeping on an empty queue, a drain that finds fewer than kCoalesceMessages waits
  // kCoalesceWait more for the rest of the burst (at most that much latency added).
  static constexpr size_t kCoalesceMessages = 64;
  static constexpr std::chrono::microseconds kCoalesceWait{250};
  // Wakes and refuses every waiting and later push.
  void close();

  IngestQueueStats stats() const;
  size_t capacity() const { return capacity_; }

 private:
  struct Slot {
    FieldMessage msg;
    uint64_t key = 0;     // telemetry entity key; 0 for ordered
  };
  static uint64_t telemetry_key(const FieldMessage& m);

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Slot> slots_;
  uint64_t front_id_ = 0;                          // id of slots_.front()
  std::unordered_map<uint64_t, uint64_t> pending_; // telemetry key -> slot id
  bool closed_ = false;
  bool consumer_waiting_ = false;   // wake only a thread that sleeps
  bool producer_waiting_ = false;
  IngestQueueStats stats_;
};

}  // namespace connectors
