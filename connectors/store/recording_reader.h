// Reads a recording back: its sessions, every event of a session in seq order (as
// twin::Event, bit-identical to what was appended), the decisions, the operator commands
// with their outcome, and the snapshots. It opens the file with SQLITE_OPEN_READONLY and
// never migrates, repairs or writes it; a file it cannot read gives a StoreError.
//
// Supports: schema version 1 .. Schema::kVersion, event codec version 1. A recording still
// being written (or left by a crash, with its -wal file) can be read; SQLite may then
// create the -shm index (and an empty -wal) beside it, the database file itself is not
// touched.
//
// Change log:
//   2026-11-25  first version: schema 1, codec 1.
#pragma once
#include "connectors/store/database.h"
#include "connectors/store/session.h"
#include "connectors/store/snapshot.h"
#include "connectors/store/store_error.h"
#include "twin/decision.h"
#include "twin/event.h"
#include "twin/state.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace connectors {

struct ReaderOptions {
  bool quick_check = true;         // PRAGMA quick_check on open (reads the whole file)
  size_t max_rows = 50'000'000;    // the most rows one read_* call returns
  // Replay of a damaged file: a file shorter than its header says is opened anyway (still
  // read-only) and quick_check is skipped, so that the records before the damage can be
  // read; a read stops with the error at the first unreadable page.
  bool salvage = false;
};

class RecordingReader {
 public:
  static StoreResult<std::unique_ptr<RecordingReader>> open(const std::string& path, ReaderOptions options = {});

  const std::string& path() const { return db_.path(); }
  int64_t schema_version() const { return schema_version_; }

  StoreResult<std::vector<Session>> sessions();
  StoreResult<Session> session(int64_t id);

  // Every event of the session with seq >= from_seq, in seq order, at most max (and
  // options.max_rows). The first record that does not decode fails the call with a
  // BadRecord error naming its seq.
  StoreResult<std::vector<twin::Event>> read_events(int64_t session, uint64_t from_seq = 0,
                                                    size_t max = SIZE_MAX);

  // Visits events in seq order; a record that does not decode, whose time is outside a run
  // (0 to 400 days) or earlier than the event before it, is passed as its error and the
  // visit goes on. visit returns false to stop. Returns how many rows were visited.
  using EventVisitor = std::function<bool(const StoreResult<twin::Event>&)>;
  StoreResult<uint64_t> for_each_event(int64_t session, uint64_t from_seq, const EventVisitor& visit);

  // The seq of the first event at or after time_ms, or nullopt if none (seek for replay).
  StoreResult<std::optional<uint64_t>> seq_at_time(int64_t session, twin::SimTime time_ms);

  // Decisions in (cause_seq, order) order, with cause_seq >= from_seq.
  StoreResult<std::vector<twin::Decision>> read_decisions(int64_t session, uint64_t from_seq = 0,
                                                          size_t max = SIZE_MAX);
  // Operator commands with the core's verdict, in seq order. accepted is false and outcome
  // empty when no verdict was recorded.
  StoreResult<std::vector<twin::CommandRecord>> read_commands(int64_t session);
  StoreResult<std::vector<Snapshot>> read_snapshots(int64_t session);

 private:
  RecordingReader(Database db, ReaderOptions options, int64_t version)
      : db_(std::move(db)), options_(options), schema_version_(version) {}
  StoreStatus require_session(int64_t session);
  StoreError bad_record(int64_t session, const std::string& what, const std::string& why) const;

  Database db_;
  ReaderOptions options_;
  int64_t schema_version_ = 0;
};

}  // namespace connectors
