// Replay: loading, checkpoints, seeks, play and bookmarks. See replay.h.
#include "sessions/replay.h"

#include "twin/clock_text.h"

#include "sessions/bookmark_store.h"
#include "sessions/operator_alert.h"
#include "sessions/live_notes.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/files/site_file.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace sessions {

using connectors::StoreError;
using connectors::StoreErrorCode;



// [SECTION] open and load --------------------------------------------------------------

connectors::Result<std::unique_ptr<Replay>> Replay::open(const std::string& path, std::optional<int64_t> session,
                                                                ReplayOptions options) {
  std::unique_ptr<Replay> r(new Replay());
  r->path_ = path;
  r->every_ = std::max<size_t>(1, options.checkpoint_every);
  auto opened = connectors::RecordingReader::open(path);
  if (auto* e = std::get_if<StoreError>(&opened)) {
    if (e->code != StoreErrorCode::Truncated && e->code != StoreErrorCode::Corrupt) return e->message();
    // Damaged: read what can be read, still read-only, and say what was lost.
    r->warning_ = e->message();
    connectors::ReaderOptions ro;
    ro.salvage = true;
    opened = connectors::RecordingReader::open(path, ro);
    if (auto* e2 = std::get_if<StoreError>(&opened)) return r->warning_ + "; nothing could be read: " + e2->message();
  }
  auto& reader = *std::get<std::unique_ptr<connectors::RecordingReader>>(opened);
  auto all = reader.sessions();
  if (auto* e = std::get_if<StoreError>(&all)) return e->message();
  r->sessions_ = std::get<std::vector<connectors::Session>>(all);
  if (r->sessions_.empty()) return path + ": the recording holds no session";
  if (session) {
    auto it = std::find_if(r->sessions_.begin(), r->sessions_.end(), [&](const auto& s) { return s.id == *session; });
    if (it == r->sessions_.end()) return path + ": no session " + std::to_string(*session) + " (it has " +
                                         std::to_string(r->sessions_.size()) + "; gatetwin --replay FILE --list shows them)";
    r->session_ = *it;
  } else {
    r->session_ = r->sessions_.back();
  }
  if (auto why = r->load(reader, options)) return *why;
  return r;
}

connectors::Status Replay::load(connectors::RecordingReader& reader, const ReplayOptions& options) {
  const std::string sites_dir = options.sites_dir.empty() ? connectors::default_sites_dir() : options.sites_dir;
  config_ = SimConfig::from_notes(session_.info.notes);
  epoch_utc_ms_ = epoch_from_notes(session_.info.notes);
  if (config_) {
    auto w = make_sim_world(*config_, sites_dir);
    if (auto* e = std::get_if<connectors::Failure>(&w)) return e->message();
    sites_ = std::get<SimWorld>(w).sites;
  } else {  // a live recording: the sites by id, with the twin's default plan
    auto loaded = connectors::load_sites("all", sites_dir);
    if (auto* e = std::get_if<connectors::SiteFileError>(&loaded)) return e->message();
    auto& all = std::get<std::vector<twin::SiteSpec>>(loaded);
    std::stringstream ids(session_.info.sites);
    for (std::string id; std::getline(ids, id, ',');) {
      auto it = std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.id == id; });
      if (it == all.end()) return path_ + ": session " + std::to_string(session_.id) + " names site \"" + id + "\", not in " + sites_dir;
      sites_.push_back(twin::with_plan(*it, twin::LanePlan::Expanded, twin::UnmannedPlan::On));
    }
  }
  if (sites_.empty()) return path_ + ": session " + std::to_string(session_.id) + " names no site";

  // Events, to the first one that cannot be read.
  std::string bad;
  auto visited = reader.for_each_event(session_.id, 0, [&](const connectors::StoreResult<twin::Event>& ev) {
    if (auto* e = std::get_if<StoreError>(&ev)) {
      bad = e->message();
      return false;
    }
    events_.push_back(std::get<twin::Event>(ev));
    return true;
  });
  if (auto* e = std::get_if<StoreError>(&visited)) bad = e->message();
  if (!bad.empty() || (damaged() && events_.size() < session_.events)) {
    std::string at = events_.empty() ? "before the first event"
                                     : "at seq " + std::to_string(events_.back().seq) + " (" + twin::clock_text(events_.back().time_ms) + ")";
    warning_ += (warning_.empty() ? "" : "; ") + (bad.empty() ? std::string() : bad + "; ") + "read-only replay up to the last good moment, " +
                at + ": " + std::to_string(events_.size()) + " of " + std::to_string(session_.events) + " events";
  }
  auto snaps = reader.read_snapshots(session_.id);
  if (auto* s = std::get_if<std::vector<connectors::Snapshot>>(&snaps)) snapshots_ = std::move(*s);

  // One fold: checkpoints, auto bookmarks, and the snapshot check.
  std::map<uint64_t, const connectors::Snapshot*> by_seq;
  for (const auto& s : snapshots_) by_seq[s.seq] = &s;
  twin::Core core(sites_);
  checkpoints_.push_back(core);
  twin::Decisions d;
  for (size_t i = 0; i < events_.size(); ++i) {
    const twin::Event& e = events_[i];
    d.clear();
    core.apply(e, d);
    for (const auto& x : d) {
      if (bookmarks_.size() >= options.max_auto_bookmarks) break;
      if (auto alert = operator_alert_text(x))  // every alert the Alerts panel showed (sessions/operator_alert.h)
        bookmarks_.push_back({Bookmark::Kind::Alert, e.seq, e.time_ms, x.site, *alert});
      else if (x.kind == twin::DecisionKind::CommandAccepted || x.kind == twin::DecisionKind::CommandRefused)
        bookmarks_.push_back({Bookmark::Kind::Command, e.seq, e.time_ms, x.site,
                              std::string(x.kind == twin::DecisionKind::CommandAccepted ? "accepted: " : "refused: ") + x.text});
    }
    if ((i + 1) % every_ == 0) checkpoints_.push_back(core);
    if (auto it = by_seq.find(e.seq); it != by_seq.end()) {
      ++check_.checked;
      const uint64_t h = core.state_hash();
      if (h != it->second->state_hash && check_.mismatched++ == 0)
        check_.first_mismatch = "seq " + std::to_string(e.seq) + " at " + twin::clock_text(e.time_ms) + ": recorded " +
                                connectors::hash_hex(it->second->state_hash) + ", refold " + connectors::hash_hex(h);
    }
  }
  auto user = BookmarkStore(path_).list(session_.id);
  if (auto* b = std::get_if<std::vector<Bookmark>>(&user)) bookmarks_.insert(bookmarks_.end(), b->begin(), b->end());
  std::stable_sort(bookmarks_.begin(), bookmarks_.end(), [](const Bookmark& a, const Bookmark& b) { return a.seq < b.seq; });
  core_ = checkpoints_.front();
  time_ms_ = start_ms();
  return std::nullopt;
}

// [SECTION] seeks ----------------------------------------------------------------------

void Replay::fold_to(size_t n, twin::Decisions* keep) {
  n = std::min(n, events_.size());
  if (n < pos_ || n - pos_ > every_) {  // from the nearest checkpoint at or before n
    const size_t k = n / every_;
    if (n < pos_ || k * every_ > pos_) {
      core_ = checkpoints_[k];
      pos_ = k * every_;
    }
  }
  for (; pos_ < n; ++pos_) {
    scratch_.clear();
    core_.apply(events_[pos_], keep ? *keep : scratch_);
  }
}

void Replay::seek_index(size_t n) {
  recent_.clear();
  fold_to(n, nullptr);
  time_ms_ = pos_ == 0 ? start_ms() : events_[pos_ - 1].time_ms;
}

void Replay::seek_seq(uint64_t seq) {
  auto it = std::upper_bound(events_.begin(), events_.end(), seq, [](uint64_t s, const twin::Event& e) { return s < e.seq; });
  seek_index(static_cast<size_t>(it - events_.begin()));
}

void Replay::seek_time(twin::SimTime t) {
  t = std::clamp(t, start_ms(), end_ms());
  auto it = std::upper_bound(events_.begin(), events_.end(), t, [](twin::SimTime x, const twin::Event& e) { return x < e.time_ms; });
  recent_.clear();
  fold_to(static_cast<size_t>(it - events_.begin()), nullptr);
  time_ms_ = t;
}

bool Replay::step() {
  if (pos_ >= events_.size()) return false;
  recent_.clear();
  fold_to(pos_ + 1, &recent_);
  time_ms_ = events_[pos_ - 1].time_ms;
  return true;
}

bool Replay::step_back() {
  if (pos_ == 0) return false;
  seek_index(pos_ - 1);
  return true;
}

void Replay::set_speed(double speed) { speed_ = std::clamp(speed, 0.25, 1000.0); }

size_t Replay::play(double wall_s) {
  recent_.clear();
  if (!playing_ || wall_s <= 0) return 0;
  const twin::SimTime target = time_ms_ + static_cast<twin::SimTime>(wall_s * speed_ * 1000.0);
  auto it = std::upper_bound(events_.begin() + static_cast<std::ptrdiff_t>(pos_), events_.end(), target,
                             [](twin::SimTime x, const twin::Event& e) { return x < e.time_ms; });
  const size_t from = pos_;
  const size_t n = static_cast<size_t>(it - events_.begin());
  for (; pos_ < n; ++pos_) core_.apply(events_[pos_], recent_);  // forward, keeping the decisions
  time_ms_ = std::min(target, end_ms());
  if (pos_ >= events_.size()) playing_ = false;
  return pos_ - from;
}

// [SECTION] bookmarks ------------------------------------------------------------------

std::optional<Bookmark> Replay::next_bookmark(std::optional<Bookmark::Kind> kind) const {
  const uint64_t at = seq();
  for (const auto& b : bookmarks_)
    if (b.seq > at && (!kind || b.kind == *kind)) return b;
  return std::nullopt;
}

std::optional<Bookmark> Replay::previous_bookmark(std::optional<Bookmark::Kind> kind) const {
  const uint64_t at = seq();
  for (auto it = bookmarks_.rbegin(); it != bookmarks_.rend(); ++it)
    if (it->seq < at && (!kind || it->kind == *kind)) return *it;
  return std::nullopt;
}

std::string Replay::time_text(twin::SimTime t) const {
  return epoch_utc_ms_ ? twin::gate_time_text(*epoch_utc_ms_, t) : twin::clock_text(t);
}

connectors::Status Replay::add_bookmark(const std::string& note) {
  if (damaged()) return "this recording is damaged and is replayed read-only: no bookmark is written to it";
  if (note.empty()) return "a bookmark needs a note";
  Bookmark b{Bookmark::Kind::User, seq(), time_ms_, 0, note};
  if (auto why = BookmarkStore(path_).add(session_.id, b)) return why;
  auto it = std::upper_bound(bookmarks_.begin(), bookmarks_.end(), b.seq, [](uint64_t s, const Bookmark& x) { return s < x.seq; });
  bookmarks_.insert(it, b);
  return std::nullopt;
}

}  // namespace sessions
