// Per-source feed statistics and their log summaries. See feed_book.h.
#include "connectors/mqtt/feed_book.h"

#include <algorithm>

namespace connectors {

FeedBook::FeedBook(size_t max_sources, size_t max_topics) : max_sources_(max_sources), max_topics_(max_topics) {}

FeedBook::Entry& FeedBook::entry(std::string_view source, std::string_view topic) {
  std::string key = source.empty() ? "topic:" + std::string(topic.substr(0, 256)) : std::string(source);
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second;
  const bool by_topic = source.empty();
  if (by_topic ? topics_ >= max_topics_ : sources_ >= max_sources_) {
    key = by_topic ? kOtherTopics : kOtherSources;
    it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  } else {
    ++(by_topic ? topics_ : sources_);
  }
  Entry& e = entries_[key];
  e.status.name = key;
  e.status.by_topic = by_topic;
  return e;
}

void FeedBook::count(Entry& e, int64_t wall_ms) {
  e.status.messages++;
  e.status.last_wall_ms = wall_ms;
  if (e.first_wall_ms < 0) e.first_wall_ms = wall_ms;
  const int64_t sec = wall_ms / 1000;
  auto& slot = e.per_second[static_cast<size_t>(sec % 10)];
  if (slot.first != sec) slot = {sec, 0};
  slot.second++;
}

void FeedBook::seen(const FieldMessage& m, int64_t wall_ms, std::optional<int64_t> utc_offset_ms) {
  std::lock_guard lock(mu_);
  Entry& e = entry(m.source, m.topic);
  count(e, wall_ms);
  e.status.account = m.account;
  // The first session seen; after that the sequencer's restarts say which run is current
  // (a late message of an old run must not put its session back).
  if (e.status.session.empty()) e.status.session = m.session;
  if (utc_offset_ms) {
    e.status.has_clock_offset = true;
    e.status.clock_offset_ms = *utc_offset_ms;
  }
}

void FeedBook::rejected(std::string_view source, std::string_view topic, std::string_view reason, int64_t wall_ms,
                        bool whole_message, uint64_t n) {
  std::lock_guard lock(mu_);
  Entry& e = entry(source, topic);
  if (whole_message) count(e, wall_ms);
  e.status.rejected[std::string(reason)] += n;
  e.status.rejected_total += n;
  e.pending[std::string(reason)] += n;
}

void FeedBook::never_arrived(std::string_view source, std::string_view why, uint64_t n) {
  std::lock_guard lock(mu_);
  Entry& e = entry(source, {});
  e.status.never_arrived[std::string(why)] += n;
  e.status.never_arrived_total += n;
}

void FeedBook::restarted(std::string_view source, std::string_view session) {
  std::lock_guard lock(mu_);
  Entry& e = entry(source, {});
  e.status.restarts++;
  if (!session.empty()) e.status.session = std::string(session);
}

FeedsSnapshot FeedBook::snapshot(int64_t wall_ms) const {
  FeedsSnapshot s;
  s.wall_ms = wall_ms;
  std::lock_guard lock(mu_);
  s.sources.reserve(entries_.size());
  for (const auto& [name, e] : entries_) {
    FeedStatus st = e.status;
    st.age_ms = st.last_wall_ms < 0 ? -1 : std::max<int64_t>(0, wall_ms - st.last_wall_ms);
    // Messages in the last 10 whole seconds (fewer while the source is younger than that).
    const int64_t now_sec = wall_ms / 1000;
    uint64_t n = 0;
    for (const auto& [sec, c] : e.per_second)
      if (sec > now_sec - 10 && sec <= now_sec) n += c;
    const int64_t span = e.first_wall_ms < 0 ? 10 : std::clamp<int64_t>(now_sec - e.first_wall_ms / 1000 + 1, 1, 10);
    st.rate_per_s = static_cast<double>(n) / static_cast<double>(span);
    s.sources.push_back(std::move(st));
  }
  std::sort(s.sources.begin(), s.sources.end(), [](const FeedStatus& a, const FeedStatus& b) { return a.name < b.name; });
  return s;
}

std::vector<std::string> FeedBook::summaries(int64_t wall_ms, int64_t interval_ms, size_t max_lines) {
  std::vector<std::string> lines;
  std::lock_guard lock(mu_);
  std::vector<Entry*> due;
  for (auto& [name, e] : entries_)
    if (!e.pending.empty() && (e.last_line_ms < 0 || wall_ms - e.last_line_ms >= interval_ms)) due.push_back(&e);
  std::sort(due.begin(), due.end(), [](const Entry* a, const Entry* b) { return a->status.name < b->status.name; });
  for (Entry* e : due) {
    if (lines.size() >= max_lines) break;
    std::vector<std::pair<std::string, uint64_t>> by(e->pending.begin(), e->pending.end());
    std::stable_sort(by.begin(), by.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    uint64_t total = 0;
    std::string parts;
    for (const auto& [reason, n] : by) {
      total += n;
      parts += (parts.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    }
    lines.push_back("feed " + e->status.name + ": " + std::to_string(total) + " rejected (" + parts + ")");
    e->pending.clear();
    e->last_line_ms = wall_ms;
  }
  return lines;
}

}  // namespace connectors
