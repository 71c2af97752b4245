// libFuzzer target: the recording reader (connectors/store RecordingReader), the audit
// verifier, and what a trainer does with a file (sessions/: replay, seeks, the KPI
// export, bookmarks), on arbitrary file bytes. Each input is written to a private
// temporary file; every query must return rows or a StoreError, the replay an error
// message or a replay to its last good moment: no crash, no contract stop, no sanitizer
// report. Seeds: tests/fuzz/corpus/recording (small real recordings).
#include "connectors/store/audit_chain.h"
#include "connectors/store/recording_reader.h"
#include "sessions/kpi_export.h"
#include "sessions/replay.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace {
std::string scratch_path() {
  static const std::string p = "/tmp/gatetwin_fuzz_recording_" + std::to_string(getpid()) + ".gtrec";
  return p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = scratch_path();
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  connectors::ReaderOptions o;
  o.max_rows = 10000;  // a hostile file cannot make a query build an unbounded vector
  auto opened = connectors::RecordingReader::open(path, o);
  if (auto* reader = std::get_if<std::unique_ptr<connectors::RecordingReader>>(&opened)) {
    auto sessions = (*reader)->sessions();
    if (auto* list = std::get_if<std::vector<connectors::Session>>(&sessions)) {
      for (size_t i = 0; i < list->size() && i < 4; ++i) {
        const int64_t id = (*list)[i].id;
        (void)(*reader)->read_events(id);
        (void)(*reader)->read_decisions(id);
        (void)(*reader)->read_commands(id);
        (void)(*reader)->read_snapshots(id);
        (void)(*reader)->seq_at_time(id, 1000);
      }
    }
  }
  (void)connectors::AuditChain::verify(path);
  // Replay it as a trainer would: to the middle and back, one step, the KPI export (its
  // samples, not the files) and the bookmarks.
  auto replay = sessions::Replay::open(path, {}, sessions::ReplayOptions{64, 1000, {}});
  if (auto* r = std::get_if<std::unique_ptr<sessions::Replay>>(&replay)) {
    sessions::Replay& rp = **r;
    rp.seek_index(rp.event_count() / 2);
    rp.step_back();
    rp.step();
    rp.seek_time(rp.end_ms());
    sessions::KpiExport ex(rp, 60 * twin::kMinute);
    (void)ex.samples().size();
    if (auto b = rp.previous_bookmark()) rp.seek_to(*b);
  }
  return 0;
}
