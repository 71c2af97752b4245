// --record: the frame loop's events into an SQLite recording. See recording_log.h.
#include "pipeline/recording_log.h"

#include "connectors/store/audit_chain.h"

#include <cstdio>

namespace pipeline {

connectors::Result<std::unique_ptr<RecordingLog>> RecordingLog::open(const std::string& path, const std::string& site_ids,
                                                                            const std::string& notes,
                                                                            std::shared_ptr<const connectors::AuditSigner> audit_signer) {
  connectors::SessionInfo info;
  info.sites = site_ids;
  info.source = connectors::SessionSource::Live;
  info.notes = notes;
  connectors::RecorderOptions options;
  options.audit_signer = std::move(audit_signer);
  auto r = connectors::Recorder::open(path, info, options);
  if (auto* e = std::get_if<connectors::StoreError>(&r)) return e->message();
  return std::unique_ptr<RecordingLog>(new RecordingLog(std::move(std::get<std::unique_ptr<connectors::Recorder>>(r))));
}

connectors::Status RecordingLog::close() {
  connectors::StoreStatus s = recorder_->close();
  if (auto* e = std::get_if<connectors::StoreError>(&s)) return e->message();
  auto v = connectors::AuditChain::verify(recorder_->path());
  if (auto* rep = std::get_if<connectors::AuditReport>(&v))
    std::fprintf(stderr, "gatetwin: recording %s closed (session %lld); audit chain %s, head index %lld hash %s\n",
                 recorder_->path().c_str(), static_cast<long long>(recorder_->session()), rep->intact ? "intact" : "BROKEN",
                 static_cast<long long>(rep->head.index), rep->head.hash.c_str());
  return {};
}

std::string RecordingLog::watch() {
  const connectors::RecorderStats s = recorder_->stats();
  std::string line;
  if (s.write_errors > seen_write_errors_ && !alarm_) {
    alarm_ = true;
    line = "ALARM recording to " + recorder_->path() + " is failing: " + s.last_error.message() +
           ". The twin goes on; " + std::to_string(s.queued) +
           " items are held in memory (the recorder's bound, then counted as dropped) and retried every 0.5 s";
  } else if (alarm_ && s.write_errors == seen_write_errors_ && s.committed_batches > seen_batches_) {
    alarm_ = false;
    line = "recording to " + recorder_->path() + " resumed: " + std::to_string(s.committed_events) + " events committed, " +
           std::to_string(s.queued) + " still queued, " + std::to_string(s.dropped) + " refused while it was failing";
  } else if (alarm_ && s.dropped > seen_dropped_ && seen_dropped_ == 0) {
    line = "ALARM recording queue full: events are being dropped from the recording (" + std::to_string(s.dropped) + " so far)";
  }
  seen_write_errors_ = s.write_errors;
  seen_batches_ = s.committed_batches;
  seen_dropped_ = s.dropped;
  return line;
}

nlohmann::json RecordingLog::health() const {
  const connectors::RecorderStats s = recorder_->stats();
  return {{"ok", !alarm_},
          {"queued", s.queued},
          {"write_errors", s.write_errors},
          {"dropped", s.dropped},
          {"committed_events", s.committed_events},
          {"error", alarm_ ? s.last_error.message() : std::string()}};
}

}  // namespace pipeline
