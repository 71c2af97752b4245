// The twin's sequencer. See sequencer.h.
#include "pipeline/sequencer.h"

namespace pipeline {

Sequencer::Sequencer(SequencerLimits limits) : limits_(limits) {}

uint64_t Sequencer::expected(const std::string& source) const {
  auto it = sources_.find(source);
  return it == sources_.end() ? 1 : it->second.next;
}

void Sequencer::emit(FieldMessage&& m, twin::SimTime time_ms, std::vector<SequencedEvent>& ready) {
  SequencedEvent e;
  e.event.seq = next_twin_seq_++;
  e.event.time_ms = time_ms;
  e.event.site = m.site;
  e.event.body = std::move(m.body);
  e.source = std::move(m.source);
  e.source_seq = m.source_seq;
  e.cls = m.cls;
  stats_.released++;
  if (e.cls == MessageClass::Telemetry) stats_.released_telemetry++;
  ready.push_back(std::move(e));
}

void Sequencer::release(FieldMessage&& m, std::vector<SequencedEvent>& ready) {
  if (m.time_ms < clock_ms_) stats_.time_clamped++;
  else clock_ms_ = m.time_ms;
  emit(std::move(m), clock_ms_, ready);
}

void Sequencer::insert(FieldMessage m, std::vector<SequencedEvent>& ready) {
  const twin::SimTime t = m.time_ms;
  emit(std::move(m), t, ready);
}

void Sequencer::flush(Source& s, int64_t now_ms, std::vector<SequencedEvent>& ready) {
  const uint64_t before = s.next;
  while (!s.held.empty() && s.held.begin()->first == s.next) {
    FieldMessage m = std::move(s.held.begin()->second);
    s.held.erase(s.held.begin());
    --held_;
    ++s.next;
    release(std::move(m), ready);
  }
  // A gap that remains after releasing is a new gap: its wait starts now.
  if (s.held.empty()) s.gap_since_ms = -1;
  else if (s.next != before) s.gap_since_ms = now_ms;
}

void Sequencer::skip_gap(Source& s, int64_t now_ms, std::vector<SequencedEvent>& ready) {
  if (s.held.empty()) return;
  const uint64_t first = s.held.begin()->first;
  stats_.gaps_skipped++;
  stats_.seqs_skipped += first - s.next;
  s.next = first;
  s.gap_since_ms = -1;
  flush(s, now_ms, ready);
}

void Sequencer::accept(FieldMessage m, int64_t now_ms, std::vector<SequencedEvent>& ready) {
  if (m.cls == MessageClass::Telemetry) {
    const auto* p = std::get_if<twin::PositionReport>(&m.body);
    const uint64_t key = (static_cast<uint64_t>(m.site) << 40) | (static_cast<uint64_t>(p ? p->entity : twin::EntityKind::Truck) << 32) |
                         (p ? p->id : 0);
    auto it = telemetry_last_.find(key);
    if (it != telemetry_last_.end() && it->second.first == m.source && m.source_seq <= it->second.second) {
      stats_.stale_telemetry++;
      return;
    }
    if (it == telemetry_last_.end() && telemetry_last_.size() >= limits_.max_entities) telemetry_last_.clear();
    telemetry_last_[key] = {m.source, m.source_seq};
    release(std::move(m), ready);
    return;
  }
  auto it = sources_.find(m.source);
  if (it == sources_.end()) {
    if (sources_.size() >= limits_.max_sources) {
      stats_.too_many_sources++;
      return;
    }
    it = sources_.emplace(m.source, Source{}).first;
    stats_.sources = sources_.size();
  }
  Source& s = it->second;
  if (m.source_seq < s.next) {
    stats_.stale++;
    return;
  }
  if (m.source_seq == s.next) {
    ++s.next;
    release(std::move(m), ready);
    flush(s, now_ms, ready);
    return;
  }
  if (s.held.count(m.source_seq)) {
    stats_.duplicate++;
    return;
  }
  // Out of order: hold it. When the held total is at its limit, give up on this
  // source's gap now rather than drop anything.
  if (held_ >= limits_.max_held) {
    if (s.held.empty() || m.source_seq < s.held.begin()->first) {
      stats_.gaps_skipped++;
      stats_.seqs_skipped += m.source_seq - s.next;
      s.next = m.source_seq;
    } else {
      skip_gap(s, now_ms, ready);
    }
    if (m.source_seq < s.next) {  // the skip passed it
      stats_.stale++;
      return;
    }
    if (m.source_seq == s.next) {
      ++s.next;
      release(std::move(m), ready);
      flush(s, now_ms, ready);
      return;
    }
  }
  if (s.gap_since_ms < 0) s.gap_since_ms = now_ms;
  s.held.emplace(m.source_seq, std::move(m));
  ++held_;
  if (held_ > stats_.held_high_water) stats_.held_high_water = held_;
  stats_.held = held_;
}

void Sequencer::poll(int64_t now_ms, std::vector<SequencedEvent>& ready) {
  if (held_ == 0) return;
  // Sources in name order, so that a poll's output does not depend on hash order.
  std::map<std::string, Source*> due;
  for (auto& [name, s] : sources_)
    if (!s.held.empty() && s.gap_since_ms >= 0 && now_ms - s.gap_since_ms >= limits_.gap_wait_ms) due[name] = &s;
  for (auto& [name, s] : due) skip_gap(*s, now_ms, ready);
  stats_.held = held_;
}

}  // namespace pipeline
