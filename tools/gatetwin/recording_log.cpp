// --record: the frame loop's events into an SQLite recording. See recording_log.h.
#include "recording_log.h"

std::variant<std::unique_ptr<RecordingLog>, std::string> RecordingLog::open(const std::string& path, const std::string& site_ids) {
  connectors::SessionInfo info;
  info.sites = site_ids;
  info.source = connectors::SessionSource::Live;
  info.notes = "gatetwin --headless (MQTT live)";
  auto r = connectors::Recorder::open(path, info);
  if (auto* e = std::get_if<connectors::StoreError>(&r)) return e->message();
  return std::unique_ptr<RecordingLog>(new RecordingLog(std::move(std::get<std::unique_ptr<connectors::Recorder>>(r))));
}

std::string RecordingLog::close() {
  connectors::StoreStatus s = recorder_->close();
  if (auto* e = std::get_if<connectors::StoreError>(&s)) return e->message();
  return {};
}
