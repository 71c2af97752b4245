// The twin's sequencer: turns decoded field messages into core events. Each released
// message gets the twin's own strictly increasing seq, and a time that never goes back
// (a message older than the core's clock is applied at the clock). Ordered messages of
// one source are released in that source's seq order: MQTT orders only per topic, so
// out-of-order ones are held (bounded) until the gap fills, or until the gap has waited
// gap_wait (then it is skipped and counted). Stale messages (a seq already released or
// skipped) are ignored; duplicates change nothing. Telemetry is latest-wins per entity.
// Sources restart: a new "session", or (a source that sends none) seq 1 again after a
// silence of restart_after_ms, starts the source's series again as if it were new (what
// was held of the old run is dropped, counted); late messages of a previous session are
// stale. A seq more than max_seq_jump beyond what the source has sent is refused
// (seq_jump) and does not move the source: one absurd seq cannot silence a source. The
// first message the twin sees of a source (or of its new run) sets where its series
// starts, so a twin started late joins a running field. Commands are outside every
// source's series: each is released when it arrives (CommandDesk, before the sequencer,
// answers one whose id was seen already).
// The clock is an input (now_ms), so the sequencer is deterministic for given inputs.
// It must not apply events or know about MQTT; what it ignores and each restart are told
// to hooks (the runner books them per source and logs the restart), and so is every gap
// it gives up on (messages that never arrived: the runner logs and alerts).
#pragma once
#include "connectors/codec/field_message.h"
#include "twin/event.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace pipeline {

using connectors::FieldMessage;
using connectors::MessageClass;

struct SequencerLimits {
  size_t max_held = 65536;       // out-of-order ordered messages held, all sources together
  size_t max_sources = 1024;
  // One broker account (the topic's account level; "" for unbound topics) holds at most
  // this many sources, so that no account can fill the table for the others.
  size_t max_sources_per_account = 256;
  // A source silent this long, with nothing held, may be forgotten to make room for a new
  // one (when it speaks again it starts afresh, as after a restart).
  int64_t evict_idle_ms = 600000;
  size_t max_entities = 200000;  // telemetry entities remembered for the stale check
  int64_t gap_wait_ms = 2000;    // how long a missing seq is waited for
  uint64_t max_seq_jump = 1000000;  // --max-seq-jump: a seq further than this beyond the source's is refused
  int64_t restart_after_ms = 30000; // --restart-after-ms: seq 1 after this long silent (no session): a restart
};

struct SequencedEvent {
  twin::Event event;
  std::string source;
  uint64_t source_seq = 0;
  MessageClass cls = MessageClass::Ordered;
  std::string account;     // the broker account of its topic ("" unbound)
  std::string command_id;  // a command's id (MessageClass::Command)
  std::string session;     // the source's run ("" when it sends none)
};

struct SequencerStats {
  uint64_t released = 0;          // events handed to the core
  uint64_t released_telemetry = 0;
  uint64_t stale = 0;             // seq at or below what was released or skipped for its source
  uint64_t duplicate = 0;         // seq already held
  uint64_t stale_telemetry = 0;   // older than the entity's last applied position
  uint64_t too_many_sources = 0;
  uint64_t sources_evicted = 0;   // idle sources forgotten to make room
  uint64_t gaps_skipped = 0;      // times a gap was given up on
  uint64_t seqs_skipped = 0;      // how many seqs those gaps covered
  uint64_t time_clamped = 0;      // released at the core's clock because their time was older
  uint64_t seq_jump = 0;          // refused: seq absurdly far beyond the source's
  uint64_t restarts = 0;          // sources that started a new run (session or seq 1 after silence)
  uint64_t restart_dropped = 0;   // held messages of a source's previous run, dropped at its restart
  size_t held = 0;
  size_t held_high_water = 0;
  size_t sources = 0;
};

// A source started a new run.
struct SourceRestart {
  std::string source;
  std::string from_session, to_session;  // "" where the source sends none
  bool by_session = true;                // false: seq 1 after a silence
  uint64_t old_next = 0;                 // the seq the old run was expected to send next
  size_t dropped = 0;                    // its held messages, dropped
};

// Ordered messages of a source that never arrived: the twin gave up waiting for seqs
// first..last (after gap_wait, or at once when the held limit was reached) and went on.
// The twin may now differ from the field (what they said is missing from the fold).
struct GapSkipped {
  std::string source;
  uint64_t first = 0, last = 0;  // the missing seqs, inclusive
  bool held_full = false;        // skipped because max_held was reached, not after gap_wait
  // Nothing of the source's run had been released yet: the twin joined a running source
  // (started late, or the source's new run began above 1), so these were most likely sent
  // before the twin listened rather than lost on the way.
  bool before_first = false;
};
struct SequencerHooks {
  // A message ignored or refused: reason "stale", "duplicate", "stale_telemetry",
  // "too_many_sources", "seq_jump", "restart_dropped"; n messages of that source.
  std::function<void(const std::string& source, const char* reason, uint64_t n)> ignored;
  std::function<void(const SourceRestart&)> restarted;
  std::function<void(const GapSkipped&)> gap_skipped;
};

class Sequencer {
 public:
  explicit Sequencer(SequencerLimits limits = {});

  // Takes one message; appends what is now ready, in order.
  void accept(FieldMessage m, int64_t now_ms, std::vector<SequencedEvent>& ready);
  // Gives up on gaps that have waited past gap_wait; appends what that releases.
  void poll(int64_t now_ms, std::vector<SequencedEvent>& ready);
  // The twin's own event, said about an event already released and put in right after
  // it (the partner watch): it takes the next twin seq and keeps m.time_ms, which the
  // caller takes from that event. Not held, not ordered, and it does not move the clock:
  // events released before it in the same frame may carry later times, and stamping it
  // with those would put a time that goes back in front of the core.
  void insert(FieldMessage m, std::vector<SequencedEvent>& ready);

  // A standby taking a run over (docs/control-room.md "Fail-over"): the next twin seq and
  // the clock continue the run it followed, and a source the old primary sequenced goes on
  // after the last seq it released (its session as sent). Before any accept().
  void resume(uint64_t next_twin_seq, twin::SimTime clock_ms);
  void resume_source(const std::string& source, uint64_t next_seq, const std::string& session, const std::string& account);

  SequencerStats stats() const {
    SequencerStats s = stats_;
    s.held = held_;
    return s;
  }
  uint64_t last_seq() const { return next_twin_seq_ - 1; }
  // The next seq a source is expected to send (1 for an unknown source).
  uint64_t expected(const std::string& source) const;
  void set_hooks(SequencerHooks hooks) { hooks_ = std::move(hooks); }

 private:
  struct Source {
    uint64_t next = 1;                         // the seq released next
    std::map<uint64_t, FieldMessage> held;     // out of order, waiting for `next`
    int64_t gap_since_ms = -1;                 // when the current gap was first seen
    uint64_t max_seen = 0;                     // highest seq taken of this run (0: none yet)
    int64_t last_ms = -1;                      // now_ms of its last message
    std::string session;                       // of this run ("" when it sends none)
    std::deque<std::string> old_sessions;      // the last few runs before it
    uint32_t generation = 0;                   // runs before this one (positions of a newer run win)
    std::string account;                       // the broker account it speaks for ("" unbound)
  };
  struct LastPosition {
    std::string source;
    uint32_t generation = 0;
    uint64_t seq = 0;
  };
  // The source's record, handling restarts and the seq jump; null when the message is ignored.
  Source* admit(const FieldMessage& m, int64_t now_ms);
  // Room for a new source of `account`: within its quota and the table's size, forgetting
  // the longest-silent idle source (of that account when its quota is the limit).
  bool make_room(const std::string& account, int64_t now_ms);
  bool evict_idle(const std::string* account, int64_t now_ms);
  void restart(const std::string& name, Source& s, const std::string& session, bool by_session);
  void ignore(const std::string& source, const char* reason, uint64_t& counter, uint64_t n = 1);
  void emit(FieldMessage&& m, twin::SimTime time_ms, std::vector<SequencedEvent>& ready);  // next twin seq
  void release(FieldMessage&& m, std::vector<SequencedEvent>& ready);                       // at the clock
  void flush(Source& s, int64_t now_ms, std::vector<SequencedEvent>& ready);
  void skip_gap(const std::string& name, Source& s, int64_t now_ms, std::vector<SequencedEvent>& ready);
  // Tells hooks_.gap_skipped that s's seqs from s.next up to next_present were given up on.
  void tell_gap(const std::string& name, const Source& s, uint64_t next_present, bool held_full);

  SequencerLimits limits_;
  std::unordered_map<std::string, Source> sources_;
  std::unordered_map<std::string, size_t> per_account_;        // sources per account
  int64_t no_idle_before_ms_ = INT64_MIN;                      // a failed eviction scan: none can go before this
  std::unordered_map<std::string, int64_t> account_no_idle_before_;  // the same, per account
  std::unordered_map<uint64_t, LastPosition> telemetry_last_;  // entity -> its last applied position's source
  uint64_t next_twin_seq_ = 1;
  twin::SimTime clock_ms_ = 0;
  size_t held_ = 0;
  SequencerStats stats_;
  SequencerHooks hooks_;
};

}  // namespace pipeline
