// A follower's catch-up from the primary's recording. See recording_catch_up.h.
#include "runner/recording_catch_up.h"

#include "connectors/store/recording_reader.h"

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

}  // namespace runner
