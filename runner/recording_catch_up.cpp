// A follower's catch-up from the primary's recording. See recording_catch_up.h.
#include "runner/recording_catch_up.h"

#include "connectors/store/recording_reader.h"

#include <vector>

namespace runner {

connectors::CatchUpResult RecordingCatchUp::operator()(int64_t session, uint64_t from_seq, const connectors::CatchUpSink& sink) const {
  connectors::CatchUpResult result;
  connectors::ReaderOptions ro;
  ro.quick_check = false;  // it is read again and again while the primary writes it
  auto opened = connectors::RecordingReader::open(path_, ro);
  if (auto* e = std::get_if<connectors::StoreError>(&opened)) {
    result.error = "cannot read the primary's recording: " + e->message();
    return result;
  }
  auto& reader = std::get<std::unique_ptr<connectors::RecordingReader>>(opened);
  if (session <= 0) {
    auto sessions = reader->sessions();
    if (auto* e = std::get_if<connectors::StoreError>(&sessions)) {
      result.error = e->message();
      return result;
    }
    const auto& list = std::get<std::vector<connectors::Session>>(sessions);
    if (list.empty()) {
      result.error = path_ + " holds no session yet";
      return result;
    }
    session = list.back().id;
  }
  std::string bad;
  auto visited = reader->for_each_event(session, from_seq, [&](const connectors::StoreResult<twin::Event>& r) {
    if (auto* e = std::get_if<connectors::StoreError>(&r)) {
      bad = e->message();
      return false;
    }
    twin::Event ev = std::get<twin::Event>(r);
    if (!sink(std::move(ev))) return false;
    result.events++;
    return true;
  });
  if (auto* e = std::get_if<connectors::StoreError>(&visited)) result.error = e->message();
  else if (!bad.empty()) result.error = bad;
  return result;
}

connectors::CatchUpFunction make_catch_up(const std::string& paths) {
  std::vector<std::string> files;
  size_t at = 0;
  while (at <= paths.size()) {
    const size_t comma = paths.find(',', at);
    std::string f = paths.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!f.empty()) files.push_back(std::move(f));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  if (files.empty()) return {};
  if (files.size() == 1) return RecordingCatchUp(files.front());
  return [files](int64_t, uint64_t from_seq, const connectors::CatchUpSink& sink) {
    connectors::CatchUpResult last;
    for (const std::string& f : files) {
      connectors::CatchUpResult r = RecordingCatchUp(f)(0, from_seq, sink);
      if (r.events > 0) return r;
      if (!r.error.empty()) last.error += (last.error.empty() ? "" : "; ") + f + ": " + r.error;
    }
    return last;
  };
}

}  // namespace runner
