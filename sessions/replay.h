// A recorded session opened for replay: every event in memory, the core folded to any
// moment (seek by seq, by time, a step forward or back, play at a speed), with in-memory
// Core copies every `checkpoint_every` events so that a seek folds at most that many
// events, the state hash checked against the recording's snapshots while loading, and the
// bookmarks (alerts and commands found while loading, a trainer's notes from the file).
// It reads the recording through RecordingReader (read-only) and never writes it; no
// clock, no drawing: the app and the command line pace and draw it.
#pragma once
#include "connectors/result.h"
#include "sessions/bookmark.h"
#include "sessions/sim_config.h"

#include "connectors/store/recording_reader.h"
#include "twin/core.h"

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sessions {

struct ReplayOptions {
  size_t checkpoint_every = 4096;    // events between in-memory Core copies
  size_t max_auto_bookmarks = 20000; // alerts and commands kept as bookmarks
  std::string sites_dir;             // empty: connectors::default_sites_dir()
};

// What loading found when it compared the refold with the recorded snapshots.
struct SnapshotCheck {
  size_t checked = 0;
  size_t mismatched = 0;
  std::string first_mismatch;        // "seq N at HH:MM:SS: recorded H1, refold H2"
};

class Replay {
 public:
  // session: empty for the file's last session. An error message a person can act on.
  static connectors::Result<std::unique_ptr<Replay>> open(const std::string& path, std::optional<int64_t> session = {},
                                                                  ReplayOptions options = {});

  const std::string& path() const { return path_; }
  const connectors::Session& session() const { return session_; }
  const std::vector<connectors::Session>& sessions() const { return sessions_; }
  // Non-empty when the file is damaged: what was lost and where the replay stops.
  const std::string& warning() const { return warning_; }
  bool damaged() const { return !warning_.empty(); }
  const std::optional<SimConfig>& sim_config() const { return config_; }
  // A live recording's session epoch (the UTC instant of run time 0; sessions/live_notes.h).
  std::optional<int64_t> epoch_utc_ms() const { return epoch_utc_ms_; }
  // A moment as the room shows it: the gate's date and local time when the epoch is known
  // ("2026-11-30 10:02:46 UTC+7"), else the run's clock ("10:02:46").
  std::string time_text(twin::SimTime t) const;
  const std::vector<twin::SiteSpec>& sites() const { return sites_; }
  const SnapshotCheck& snapshot_check() const { return check_; }
  const std::vector<connectors::Snapshot>& snapshots() const { return snapshots_; }

  // The recording.
  size_t event_count() const { return events_.size(); }
  const std::vector<twin::Event>& events() const { return events_; }
  twin::SimTime start_ms() const { return events_.empty() ? 0 : events_.front().time_ms; }
  twin::SimTime end_ms() const { return events_.empty() ? 0 : events_.back().time_ms; }

  // The cursor: `position()` events folded; the state is core().
  const twin::Core& core() const { return core_; }
  size_t position() const { return pos_; }
  uint64_t seq() const { return pos_ == 0 ? 0 : events_[pos_ - 1].seq; }
  twin::SimTime time_ms() const { return time_ms_; }   // the moment shown (>= the last event's time)

  // Seeks. Each gives exactly the state of folding the first n events into a fresh core.
  void seek_index(size_t n);
  // After the event with this seq (or the last one before it).
  void seek_seq(uint64_t seq);
  // After every event with time <= t; the moment shown is t (clamped to the recording).
  void seek_time(twin::SimTime t);
  // One event forward / back; false at either end.
  bool step();
  bool step_back();

  // Playing: speed is simulated seconds per wall second (0.25 .. 1000).
  void set_speed(double speed);
  double speed() const { return speed_; }
  void set_playing(bool on) { playing_ = on; }
  bool playing() const { return playing_; }
  // Advances by wall_s x speed of simulated time if playing; returns events folded. Stops
  // playing at the end.
  size_t play(double wall_s);
  // Decisions made by the events that step() / play() folded in their last call (the
  // alert log reads them); seeks clear them.
  const twin::Decisions& recent_decisions() const { return recent_; }

  // Bookmarks: alerts and commands (loaded), then the trainer's notes; in seq order.
  const std::vector<Bookmark>& bookmarks() const { return bookmarks_; }
  // The next / previous bookmark strictly after / before the cursor; empty when none.
  std::optional<Bookmark> next_bookmark(std::optional<Bookmark::Kind> kind = {}) const;
  std::optional<Bookmark> previous_bookmark(std::optional<Bookmark::Kind> kind = {}) const;
  void seek_to(const Bookmark& b) { seek_seq(b.seq); }
  // Stores a note at the cursor in the file (the only write; refused on a damaged file).
  // What went wrong, or nothing.
  connectors::Status add_bookmark(const std::string& note);

 private:
  Replay() : core_({}) {}
  connectors::Status load(connectors::RecordingReader& reader, const ReplayOptions& options);
  void fold_to(size_t n, twin::Decisions* keep);

  std::string path_;
  connectors::Session session_;
  std::vector<connectors::Session> sessions_;
  std::string warning_;
  std::optional<SimConfig> config_;
  std::optional<int64_t> epoch_utc_ms_;
  std::vector<twin::SiteSpec> sites_;
  std::vector<twin::Event> events_;
  std::vector<connectors::Snapshot> snapshots_;
  SnapshotCheck check_;
  size_t every_ = 4096;
  std::vector<twin::Core> checkpoints_;   // checkpoints_[k]: state after k * every_ events
  twin::Core core_;
  size_t pos_ = 0;
  twin::SimTime time_ms_ = 0;
  double speed_ = 1;
  bool playing_ = false;
  twin::Decisions recent_, scratch_;
  std::vector<Bookmark> bookmarks_;
};


}  // namespace sessions
