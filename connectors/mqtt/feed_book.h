// What each field source has sent the twin, for the Feeds panel, --stats and the health
// topic: messages, the wall time of the last one, a recent rate, rejections by reason
// (the decoder's, the clock's and the sequencer's), the clock offset of its UTC stamps,
// its session and restarts. Rejections that cannot be tied to a source (malformed JSON,
// a bad topic) are kept under a pseudo-source named by the topic ("topic:<topic>").
// Bounded: max_sources sources and max_topics topics; beyond them, one "(other sources)"
// / "topic:(other topics)" entry. Thread-safe (the MQTT thread and the core's thread both
// write). Also makes the rate-limited log summaries: at most one line per source per
// interval, and every rejection is in some line. It must not decide what is rejected.
#pragma once
#include "connectors/codec/field_message.h"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace connectors {

struct FeedStatus {
  std::string name;            // the source's "src", or "topic:<topic>" for rejections with no source
  bool by_topic = false;       // a pseudo-source (no "src" could be read)
  std::string account;         // the broker account of its last message's topic ("" for an unbound topic)
  std::string session;         // its current run's "session" ("" when it sends none): the first seen, then each restart's
  uint64_t messages = 0;       // MQTT messages from it (a batch counts once), accepted or not
  int64_t last_wall_ms = -1;   // the twin's wall clock (UTC ms) at its last message
  int64_t age_ms = -1;         // how long ago that was (at the snapshot)
  double rate_per_s = 0;       // messages per second over the last 10 s
  std::map<std::string, uint64_t> rejected;  // by reason
  uint64_t rejected_total = 0;
  // Seqs of its ordered series that never reached the twin (the sequencer stopped waiting
  // for them), by why: "missing" (lost on the way: the twin may differ from the field) or
  // "before_join" (sent before the twin listened). Not rejections: nothing was refused.
  std::map<std::string, uint64_t> never_arrived;
  uint64_t never_arrived_total = 0;
  bool has_clock_offset = false;
  int64_t clock_offset_ms = 0; // its last UTC stamp minus the twin's wall clock (negative: behind)
  uint64_t restarts = 0;
};

struct FeedsSnapshot {
  int64_t wall_ms = 0;
  std::vector<FeedStatus> sources;  // by name
};

class FeedBook {
 public:
  explicit FeedBook(size_t max_sources = 1024, size_t max_topics = 64);

  // A message the link accepted (a batch once): counts it, its time, session and account;
  // utc_offset_ms: its UTC stamp minus the wall clock, for a UTC-stamped message.
  void seen(const FieldMessage& m, int64_t wall_ms, std::optional<int64_t> utc_offset_ms);
  // A rejection by reason. source "" ties it to the topic instead. whole_message: the
  // message itself was refused at the link (counted as a message of the source); false for
  // one position of a batch, or what the sequencer ignored of an already counted message.
  void rejected(std::string_view source, std::string_view topic, std::string_view reason, int64_t wall_ms, bool whole_message,
                uint64_t n = 1);
  // Seqs of the source's ordered series the sequencer stopped waiting for (why: "missing"
  // or "before_join"). Not in the rejection summaries: the caller logs these itself.
  void never_arrived(std::string_view source, std::string_view why, uint64_t n);
  // The sequencer saw the source restart (a new session, or seq 1 after a silence).
  void restarted(std::string_view source, std::string_view session);

  FeedsSnapshot snapshot(int64_t wall_ms) const;
  // "feed gnss-gw-1: 3 rejected (time_ahead 2, bad_container 1)" for each source with
  // rejections since its last line and no line in the last interval_ms; at most max_lines
  // (the rest wait for the next call, counted, never lost).
  std::vector<std::string> summaries(int64_t wall_ms, int64_t interval_ms = 10000, size_t max_lines = 20);

  static constexpr const char* kOtherSources = "(other sources)";
  static constexpr const char* kOtherTopics = "topic:(other topics)";

 private:
  struct Entry {
    FeedStatus status;
    std::array<std::pair<int64_t, uint32_t>, 10> per_second{};  // (second, messages) ring
    int64_t first_wall_ms = -1;
    std::map<std::string, uint64_t> pending;  // rejections not yet in a summary line
    int64_t last_line_ms = -1;
  };
  Entry& entry(std::string_view source, std::string_view topic);  // mu_ held
  static void count(Entry& e, int64_t wall_ms);

  const size_t max_sources_, max_topics_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  size_t sources_ = 0, topics_ = 0;
};

}  // namespace connectors
