// The frame loop's EventLog backed by the SQLite recorder (connectors/store): --record.
// It opens a "live" session in the file and hands each applied event to the recorder's
// bounded queue; it must not wait on SQLite in the frame. watch() turns the recorder's
// counters into an alarm (a failing disk) and its all-clear (recording resumed).
#pragma once
#include "connectors/result.h"
#include "pipeline/event_log.h"

#include "connectors/store/recorder.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <variant>

namespace pipeline {

class RecordingLog : public EventLog {
 public:
  // An error message a person can act on, or the log.
  // notes: the session's notes (a live run keeps its session epoch there; runner/field_feeds.h).
  // audit_signer: signs the audit chain's head after each commit of commands (null: unsigned).
  static connectors::Result<std::unique_ptr<RecordingLog>> open(const std::string& path, const std::string& site_ids,
                                                                       const std::string& notes = "gatetwin --headless (MQTT live)",
                                                                       std::shared_ptr<const connectors::AuditSigner> audit_signer = nullptr);
  bool append(const twin::Event& e, const twin::Decisions& d) override { return recorder_->append(e, d); }
  // Commits what is queued and ends the session; returns what went wrong, or nothing. Prints
  // the audit chain's head (index and hash) to stderr, to be kept apart from the file.
  connectors::Status close();
  // Call about once a second: a line to log when the recording starts failing (the alarm)
  // or recovers, else "". The core is never stopped by a failing recording.
  std::string watch();
  bool alarm() const { return alarm_; }
  // For the health topic: ok, queued, write_errors, dropped, committed_events, error.
  nlohmann::json health() const;
  connectors::RecorderStats stats() const { return recorder_->stats(); }
  int64_t session() const { return recorder_->session(); }

 private:
  explicit RecordingLog(std::unique_ptr<connectors::Recorder> r) : recorder_(std::move(r)) {}
  std::unique_ptr<connectors::Recorder> recorder_;
  bool alarm_ = false;
  uint64_t seen_write_errors_ = 0, seen_batches_ = 0, seen_dropped_ = 0;
};

}  // namespace pipeline
