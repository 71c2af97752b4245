// The frame loop's EventLog backed by the SQLite recorder (connectors/store): --record.
// It opens a "live" session in the file and hands each applied event to the recorder's
// bounded queue; it must not wait on SQLite in the frame.
#pragma once
#include "event_log.h"

#include "connectors/store/recorder.h"

#include <memory>
#include <string>
#include <variant>

class RecordingLog : public EventLog {
 public:
  // An error message a person can act on, or the log.
  static std::variant<std::unique_ptr<RecordingLog>, std::string> open(const std::string& path, const std::string& site_ids);
  bool append(const twin::Event& e, const twin::Decisions& d) override { return recorder_->append(e, d); }
  // Commits what is queued and ends the session; returns an error message or "".
  std::string close();
  connectors::RecorderStats stats() const { return recorder_->stats(); }
  int64_t session() const { return recorder_->session(); }

 private:
  explicit RecordingLog(std::unique_ptr<connectors::Recorder> r) : recorder_(std::move(r)) {}
  std::unique_ptr<connectors::Recorder> recorder_;
};
