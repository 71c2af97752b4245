// The MQTT-to-core queue. See ingest_queue.h.
#include "connectors/mqtt/ingest_queue.h"

#include "connectors/codec/entity_key.h"

#include <thread>

namespace connectors {

IngestQueue::IngestQueue(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) { pending_.reserve(1024); }

uint64_t IngestQueue::telemetry_key(const FieldMessage& m) {
  const auto* p = std::get_if<twin::PositionReport>(&m.body);
  if (!p) return 0;
  return position_entity_key(m.site, *p);  // never 0
}

bool IngestQueue::push(FieldMessage m) {
  const uint64_t key = m.cls == MessageClass::Telemetry ? telemetry_key(m) : 0;
  std::unique_lock lock(mu_);
  if (closed_) return false;
  if (key) {
    auto it = pending_.find(key);
    if (it != pending_.end()) {
      Slot& s = slots_[it->second - front_id_];
      // Keep the newer of the two by the source's counter when they share a source.
      if (s.msg.source != m.source || m.source_seq > s.msg.source_seq) s.msg = std::move(m);
      stats_.superseded++;
      stats_.pushed++;
      return true;
    }
  }
  if (slots_.size() >= capacity_) {
    stats_.producer_waits++;
    producer_waiting_ = true;
    not_full_.wait(lock, [&] { return closed_ || slots_.size() < capacity_; });
    producer_waiting_ = false;
    if (closed_) return false;
  }
  if (key) pending_[key] = front_id_ + slots_.size();
  slots_.push_back(Slot{std::move(m), key});
  stats_.pushed++;
  if (slots_.size() > stats_.high_water) stats_.high_water = slots_.size();
  const bool wake = consumer_waiting_;
  lock.unlock();
  if (wake) not_empty_.notify_one();  // no wake-up per message while the core is busy
  return true;
}

size_t IngestQueue::drain(std::vector<FieldMessage>& out, size_t max, std::chrono::microseconds wait) {
  std::unique_lock lock(mu_);
  if (slots_.empty() && wait.count() > 0) {
    consumer_waiting_ = true;
    not_empty_.wait_for(lock, wait, [&] { return closed_ || !slots_.empty(); });
    consumer_waiting_ = false;
    // Woken by the first message of a burst: let the burst gather for a moment, so that
    // the MQTT thread wakes this thread once per batch, not once per message (a futex
    // wake and a context switch per message were a third of its time at 60,000 a second).
    if (!closed_ && slots_.size() < kCoalesceMessages) {
      lock.unlock();
      std::this_thread::sleep_for(kCoalesceWait);
      lock.lock();
    }
  }
  size_t n = 0;
  while (n < max && !slots_.empty()) {
    Slot& s = slots_.front();
    if (s.key) {
      auto it = pending_.find(s.key);
      if (it != pending_.end() && it->second == front_id_) pending_.erase(it);
    }
    out.push_back(std::move(s.msg));
    slots_.pop_front();
    ++front_id_;
    ++n;
  }
  const bool wake = n && producer_waiting_;
  lock.unlock();
  if (wake) not_full_.notify_all();
  return n;
}

void IngestQueue::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  not_full_.notify_all();
  not_empty_.notify_all();
}

IngestQueueStats IngestQueue::stats() const {
  std::lock_guard lock(mu_);
  IngestQueueStats s = stats_;
  s.size = slots_.size();
  return s;
}

}  // namespace connectors
