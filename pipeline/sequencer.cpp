// The twin's sequencer. See sequencer.h.
#include "pipeline/sequencer.h"

#include "connectors/codec/entity_key.h"

#include <algorithm>

namespace pipeline {

Sequencer::Sequencer(SequencerLimits limits) : limits_(limits) {}

void Sequencer::resume(uint64_t next_twin_seq, twin::SimTime clock_ms) {
  next_twin_seq_ = std::max<uint64_t>(next_twin_seq, 1);
  clock_ms_ = clock_ms;
}

void Sequencer::resume_source(const std::string& source, uint64_t next_seq, const std::string& session,
                              const std::string& account) {
  auto it = sources_.find(source);
  if (it == sources_.end()) {
    it = sources_.emplace(source, Source{}).first;
    it->second.account = account;
    per_account_[account]++;
    stats_.sources = sources_.size();
  }
  Source& s = it->second;
  s.session = session;
  s.next = std::max<uint64_t>(next_seq, 1);
  s.max_seen = s.next - 1;
}

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
  e.account = std::move(m.account);
  e.command_id = std::move(m.command_id);
  e.session = std::move(m.session);
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

void Sequencer::skip_gap(const std::string& name, Source& s, int64_t now_ms, std::vector<SequencedEvent>& ready) {
  if (s.held.empty()) return;
  const uint64_t first = s.held.begin()->first;
  stats_.gaps_skipped++;
  stats_.seqs_skipped += first - s.next;
  tell_gap(name, s, first, held_ >= limits_.max_held);
  s.next = first;
  s.gap_since_ms = -1;
  flush(s, now_ms, ready);
}

void Sequencer::tell_gap(const std::string& name, const Source& s, uint64_t next_present, bool held_full) {
  if (!hooks_.gap_skipped || next_present <= s.next) return;
  hooks_.gap_skipped(GapSkipped{name, s.next, next_present - 1, held_full, s.next == 1});
}

void Sequencer::ignore(const std::string& source, const char* reason, uint64_t& counter, uint64_t n) {
  counter += n;
  if (hooks_.ignored && n) hooks_.ignored(source, reason, n);
}

void Sequencer::restart(const std::string& name, Source& s, const std::string& session, bool by_session) {
  SourceRestart r{name, s.session, session, by_session, s.next, s.held.size()};
  held_ -= s.held.size();
  s.held.clear();
  s.gap_since_ms = -1;
  if (!s.session.empty()) {
    s.old_sessions.push_back(s.session);
    if (s.old_sessions.size() > 4) s.old_sessions.pop_front();
  }
  s.session = session;
  s.next = 1;
  s.max_seen = 0;
  s.generation++;
  stats_.restarts++;
  stats_.held = held_;
  if (r.dropped) ignore(name, "restart_dropped", stats_.restart_dropped, r.dropped);
  if (hooks_.restarted) hooks_.restarted(r);
}

Sequencer::Source* Sequencer::admit(const FieldMessage& m, int64_t now_ms) {
  auto it = sources_.find(m.source);
  if (it == sources_.end()) {
    if (!make_room(m.account, now_ms)) {
      ignore(m.source, "too_many_sources", stats_.too_many_sources);
      return nullptr;
    }
    it = sources_.emplace(m.source, Source{}).first;
    it->second.session = m.session;
    it->second.account = m.account;
    per_account_[m.account]++;
    stats_.sources = sources_.size();
  }
  Source& s = it->second;
  // A restart: a new session, or (no session) seq 1 again after a silence.
  if (!m.session.empty() && m.session != s.session) {
    if (std::find(s.old_sessions.begin(), s.old_sessions.end(), m.session) != s.old_sessions.end()) {
      ignore(m.source, "stale", stats_.stale);  // a late message of a run that has ended
      return nullptr;
    }
    restart(m.source, s, m.session, true);
  } else if (m.session.empty() && m.source_seq == 1 && s.max_seen >= 1 && s.last_ms >= 0 &&
             now_ms - s.last_ms >= limits_.restart_after_ms) {
    restart(m.source, s, s.session, false);
  }
  s.last_ms = now_ms;
  // An absurd jump is refused without moving the source. The first message of a run sets
  // where it starts (max_seen 0): a twin started late joins a running field.
  if (s.max_seen > 0) {
    const uint64_t ref = std::max(s.next, s.max_seen + 1);
    if (m.source_seq > ref && m.source_seq - ref > limits_.max_seq_jump) {
      ignore(m.source, "seq_jump", stats_.seq_jump);
      return nullptr;
    }
  }
  return &s;
}

bool Sequencer::make_room(const std::string& account, int64_t now_ms) {
  auto a = per_account_.find(account);
  if (a != per_account_.end() && a->second >= limits_.max_sources_per_account && !evict_idle(&account, now_ms)) return false;
  if (sources_.size() >= limits_.max_sources && !evict_idle(nullptr, now_ms)) return false;
  return true;
}

// Forgets the longest-silent source (of `account` when given) that has been silent for
// evict_idle_ms and holds nothing. A scan that finds none remembers when the first one
// could become idle, so that a flood of new names does not rescan the table each time.
bool Sequencer::evict_idle(const std::string* account, int64_t now_ms) {
  int64_t& not_before = account ? account_no_idle_before_[*account] : no_idle_before_ms_;
  if (now_ms < not_before) return false;
  auto victim = sources_.end();
  int64_t earliest = INT64_MAX;
  for (auto it = sources_.begin(); it != sources_.end(); ++it) {
    const Source& s = it->second;
    if (s.last_ms < 0 || (account && s.account != *account)) continue;
    earliest = std::min(earliest, s.last_ms + limits_.evict_idle_ms);
    if (!s.held.empty() || now_ms - s.last_ms < limits_.evict_idle_ms) continue;
    if (victim == sources_.end() || s.last_ms < victim->second.last_ms) victim = it;
  }
  if (victim == sources_.end()) {
    not_before = earliest;  // none of them is idle before this
    return false;
  }
  auto a = per_account_.find(victim->second.account);
  if (a != per_account_.end() && --a->second == 0) {
    per_account_.erase(a);
    account_no_idle_before_.erase(victim->second.account);
  }
  sources_.erase(victim);
  stats_.sources = sources_.size();
  stats_.sources_evicted++;
  return true;
}

void Sequencer::accept(FieldMessage m, int64_t now_ms, std::vector<SequencedEvent>& ready) {
  if (m.cls == MessageClass::Command) {  // no series, no gap: applied as it comes, at the clock
    m.time_ms = std::max(m.time_ms, clock_ms_);
    release(std::move(m), ready);
    return;
  }
  Source* src = admit(m, now_ms);
  if (!src) return;
  Source& s = *src;
  if (m.cls == MessageClass::Telemetry) {
    const auto* p = std::get_if<twin::PositionReport>(&m.body);
    const uint64_t key = p ? connectors::position_entity_key(m.site, *p) : 0;
    auto it = telemetry_last_.find(key);
    // Stale: the same run of the same source has already applied a later position.
    if (it != telemetry_last_.end() && it->second.source == m.source && it->second.generation >= s.generation &&
        m.source_seq <= it->second.seq) {
      ignore(m.source, "stale_telemetry", stats_.stale_telemetry);
      return;
    }
    if (it == telemetry_last_.end() && telemetry_last_.size() >= limits_.max_entities) telemetry_last_.clear();
    telemetry_last_[key] = LastPosition{m.source, s.generation, m.source_seq};
    s.max_seen = std::max(s.max_seen, m.source_seq);
    release(std::move(m), ready);
    return;
  }
  if (m.source_seq < s.next) {
    ignore(m.source, "stale", stats_.stale);
    return;
  }
  s.max_seen = std::max(s.max_seen, m.source_seq);
  if (m.source_seq == s.next) {
    ++s.next;
    release(std::move(m), ready);
    flush(s, now_ms, ready);
    return;
  }
  if (s.held.count(m.source_seq)) {
    ignore(m.source, "duplicate", stats_.duplicate);
    return;
  }
  // Out of order: hold it. When the held total is at its limit, give up on this
  // source's gap now rather than drop anything.
  if (held_ >= limits_.max_held) {
    if (s.held.empty() || m.source_seq < s.held.begin()->first) {
      stats_.gaps_skipped++;
      stats_.seqs_skipped += m.source_seq - s.next;
      tell_gap(m.source, s, m.source_seq, true);
      s.next = m.source_seq;
    } else {
      skip_gap(m.source, s, now_ms, ready);
    }
    if (m.source_seq < s.next) {  // the skip passed it
      ignore(m.source, "stale", stats_.stale);
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
  for (auto& [name, s] : due) skip_gap(name, *s, now_ms, ready);
  stats_.held = held_;
}

}  // namespace pipeline
