// SessionWriter. See session_writer.h.
#include "sessions/session_writer.h"

#include <thread>

namespace sessions {

connectors::Result<std::unique_ptr<SessionWriter>> SessionWriter::open(const std::string& path, const connectors::SessionInfo& info,
                                                                               twin::SimTime every) {
  auto r = connectors::Recorder::open(path, info);
  if (auto* e = std::get_if<connectors::StoreError>(&r)) return e->message();
  auto w = std::unique_ptr<SessionWriter>(new SessionWriter(std::move(std::get<std::unique_ptr<connectors::Recorder>>(r)), every));
  w->next_snapshot_ms_ = every;
  return w;
}

connectors::Result<std::unique_ptr<SessionWriter>> SessionWriter::open_sim(const std::string& path, const SimConfig& config,
                                                                                   const std::vector<twin::SiteSpec>& sites) {
  connectors::SessionInfo info;
  for (const auto& site : sites) info.sites += (info.sites.empty() ? "" : ",") + site.id;
  info.seed = config.seed;
  info.source = connectors::SessionSource::Sim;
  info.notes = config.to_notes();
  auto w = open(path, info);
  if (auto* e = std::get_if<connectors::Failure>(&w)) return connectors::Failure{"cannot record: " + e->message()};
  return w;
}

void SessionWriter::append(const twin::Event& e, const twin::Decisions& d, const twin::Core& core) {
  // Snapshots sit between events: the state after every event before this one's time. Over
  // a gap of more than 1,000 intervals (all the same state) only the last is taken: a
  // time far ahead must not make the writer loop.
  if (every_ms_ > 0 && e.time_ms >= next_snapshot_ms_ && (e.time_ms - next_snapshot_ms_) / every_ms_ > 1000)
    next_snapshot_ms_ += (e.time_ms - next_snapshot_ms_) / every_ms_ * every_ms_;
  while (every_ms_ > 0 && e.time_ms >= next_snapshot_ms_ && events_ > 0) {
    recorder_->snapshot(connectors::take_snapshot(core, next_snapshot_ms_));
    next_snapshot_ms_ += every_ms_;
  }
  while (!recorder_->append(e, d)) {
    if (recorder_->stats().rejected > 0) return;  // out of order or closed: counted, nothing to wait for
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the queue is full: let the writer catch up
  }
  ++events_;
}

void SessionWriter::snapshot(const twin::Core& core, twin::SimTime elapsed_ms) {
  while (!recorder_->snapshot(connectors::take_snapshot(core, elapsed_ms))) {
    if (recorder_->stats().rejected > 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

connectors::Status SessionWriter::close() {
  if (closed_) return std::nullopt;
  closed_ = true;
  auto s = recorder_->close();
  if (auto* e = std::get_if<connectors::StoreError>(&s)) return e->message();
  return std::nullopt;
}

}  // namespace sessions
