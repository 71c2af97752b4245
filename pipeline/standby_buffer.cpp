// A standby's copy of the field's inputs. See standby_buffer.h.
#include "pipeline/standby_buffer.h"

#include <algorithm>
#include <tuple>

namespace pipeline {

using connectors::FieldMessage;
using connectors::MessageClass;

std::string StandbyBuffer::command_key(const std::string& account, const std::string& source, const std::string& id) {
  return account + '\x1f' + source + '\x1f' + id;
}

void StandbyBuffer::remember_command(const std::string& key) {
  if (!commands_done_.insert(key).second) return;
  done_order_.push_back(key);
  while (done_order_.size() > 65536) {
    commands_done_.erase(done_order_.front());
    done_order_.pop_front();
  }
}

void StandbyBuffer::take(FieldMessage m) {
  if (m.cls == MessageClass::Telemetry) {
    stats_.telemetry++;
    return;
  }
  if (m.cls == MessageClass::Command) {
    const std::string key = command_key(m.account, m.source, m.command_id);
    if (commands_done_.count(key) || commands_.count(key)) {
      stats_.stale_on_arrival++;
      return;
    }
    commands_.emplace(key, std::move(m));
  } else {
    Source& s = sources_[m.source];
    if (s.known && m.session == s.session && m.source_seq < s.next) {
      stats_.stale_on_arrival++;
      return;
    }
    if (!s.held.emplace(std::make_pair(m.session, m.source_seq), std::move(m)).second) return;  // a duplicate
  }
  ++held_;
  stats_.taken++;
  while (held_ > max_held_) drop_oldest();
}

void StandbyBuffer::drop_oldest() {
  // The source with the most held gives its lowest seq: the one the primary is likeliest to have sequenced.
  auto most = sources_.end();
  for (auto it = sources_.begin(); it != sources_.end(); ++it)
    if (most == sources_.end() || it->second.held.size() > most->second.held.size()) most = it;
  if (most != sources_.end() && !most->second.held.empty()) {
    most->second.held.erase(most->second.held.begin());
  } else if (!commands_.empty()) {
    commands_.erase(commands_.begin());
  } else {
    return;
  }
  --held_;
  stats_.overflow++;
}

void StandbyBuffer::prune(Source& s) {
  for (auto it = s.held.begin(); it != s.held.end();) {
    if (it->first.first == s.session && it->first.second < s.next) {
      it = s.held.erase(it);
      --held_;
      stats_.sequenced++;
    } else {
      ++it;
    }
  }
}

void StandbyBuffer::sequenced(const connectors::EventOrigin& o) {
  if (o.source.empty()) return;
  if (o.cls == static_cast<uint8_t>(MessageClass::Command)) {
    const std::string key = command_key(o.account, o.source, o.command_id);
    remember_command(key);
    if (commands_.erase(key)) {
      --held_;
      stats_.sequenced++;
    }
    return;
  }
  if (o.cls == static_cast<uint8_t>(MessageClass::Telemetry)) return;
  Source& s = sources_[o.source];
  const bool moved = !s.known || s.session != o.session || o.source_seq + 1 > s.next;
  if (!moved) return;
  if (s.known && s.session == o.session && o.source_seq + 1 <= s.next) return;
  s.known = true;
  s.session = o.session;
  s.account = o.account;
  s.next = o.source_seq + 1;
  // Cheap in the steady state: the held inputs of this source's run below `next` are at
  // the front of its map (ordered by session, then seq).
  auto it = s.held.lower_bound(std::make_pair(s.session, uint64_t{0}));
  while (it != s.held.end() && it->first.first == s.session && it->first.second < s.next) {
    it = s.held.erase(it);
    --held_;
    stats_.sequenced++;
  }
}

uint64_t StandbyBuffer::primary_next(const std::string& source) const {
  auto it = sources_.find(source);
  return it == sources_.end() || !it->second.known ? 0 : it->second.next;
}

std::vector<FieldMessage> StandbyBuffer::take_over(Sequencer& sequencer) {
  // Each source's queue: its held inputs, the primary's run first, in seq order.
  struct Queue {
    std::string name;
    std::vector<FieldMessage> items;
    size_t at = 0;
  };
  std::vector<Queue> queues;
  for (auto& [name, s] : sources_) {
    if (s.known) sequencer.resume_source(name, s.next, s.session, s.account);
    prune(s);
    Queue q{name, {}, 0};
    std::vector<std::pair<std::string, uint64_t>> keys;
    for (auto& [key, m] : s.held) q.items.push_back(std::move(m));
    // The primary's run first (a source that restarted in the gap: its new run after).
    const auto session = s.session;  // a structured binding: not captured by a lambda in C++20 (clang)
    std::stable_partition(q.items.begin(), q.items.end(), [session](const FieldMessage& m) { return m.session == session; });
    if (!q.items.empty()) queues.push_back(std::move(q));
    s.held.clear();
  }
  Queue commands{"", {}, 0};
  for (auto& [key, m] : commands_) commands.items.push_back(std::move(m));
  std::stable_sort(commands.items.begin(), commands.items.end(),
                   [](const FieldMessage& a, const FieldMessage& b) { return a.time_ms < b.time_ms; });
  commands_.clear();
  if (!commands.items.empty()) queues.push_back(std::move(commands));
  // The field's inputs merged by the time of each queue's next input (ties: source name);
  // the commands typed in the gap after them, by time then name. A cut-off primary that
  // sequenced some held inputs before its lease ran out took the field's in that order too.
  const bool has_commands = !queues.empty() && queues.back().name.empty();
  const size_t field_queues = queues.size() - (has_commands ? 1 : 0);
  std::vector<FieldMessage> out;
  for (;;) {
    Queue* best = nullptr;
    for (size_t i = 0; i < field_queues; ++i) {
      Queue& q = queues[i];
      if (q.at < q.items.size() && (!best || q.items[q.at].time_ms < best->items[best->at].time_ms)) best = &q;
    }
    if (!best) break;
    out.push_back(std::move(best->items[best->at++]));
  }
  if (has_commands)
    for (FieldMessage& m : queues.back().items) out.push_back(std::move(m));
  held_ = 0;
  stats_.handed_over += out.size();
  return out;
}

StandbyBufferStats StandbyBuffer::stats() const {
  StandbyBufferStats s = stats_;
  s.held = held_;
  return s;
}

}  // namespace pipeline
