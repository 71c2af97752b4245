// The recording writer: the app's frame loop hands it events (with the decisions the
// core made for them) and snapshots; a writer thread stores them in an SQLite file in
// batched WAL transactions. append() never waits for SQLite: it encodes the event, takes
// a short lock and pushes onto a bounded queue. The recorder never changes the core and
// never runs on a file it cannot identify as a recording (see Schema::check).
//
// Supports: schema version Schema::kVersion, event codec kEventBinaryVersion, one session
// per Recorder (open a new Recorder for the next session in the same file), sessions
// appended to an existing recording, a disk that fills up or fails (counted, retried,
// bounded), SIGKILL (at most the last batch and the queue are lost; see docs/store.md).
//
// Change log:
//   2026-11-25  first version: schema 1, codec 1.
#pragma once
#include "connectors/store/audit_signature.h"
#include "connectors/store/session.h"
#include "connectors/store/snapshot.h"
#include "connectors/store/store_error.h"
#include "twin/decision.h"
#include "twin/event.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace connectors {

class Database;
struct RecorderItem;        // one queued event (encoded) or snapshot; defined in recorder.cpp
struct RecorderStatements;  // the writer's prepared statements; defined in recorder.cpp

struct RecorderOptions {
  size_t queue_max_items = 1 << 18;   // events + snapshots held in memory, unwritten
  size_t batch_max_items = 8192;      // items per transaction
  std::chrono::milliseconds flush_interval{200};  // commit at least this often
  std::chrono::milliseconds retry_interval{500};  // after a failed batch (disk full)
  size_t decisions_max_per_event = 4096;
  bool quick_check_on_open = true;    // PRAGMA quick_check on an existing file
  int64_t max_page_count = 0;         // > 0: cap the file (tests use it to simulate a full disk)
  // Signs the audit chain's head after every commit that adds commands (FILE.audit-sig;
  // audit_signature.h). Null: the chain is kept, unsigned.
  std::shared_ptr<const AuditSigner> audit_signer;
};

struct RecorderStats {
  uint64_t accepted = 0;            // items taken by append() / snapshot()
  uint64_t committed_events = 0;
  uint64_t committed_decisions = 0;
  uint64_t committed_commands = 0;
  uint64_t committed_snapshots = 0;
  uint64_t committed_batches = 0;
  uint64_t dropped = 0;             // refused: the queue was at its bound
  uint64_t rejected = 0;            // refused: out-of-order seq, too large, recorder closed
  uint64_t write_errors = 0;        // failed transactions (each retried)
  uint64_t audit_sign_failures = 0; // signed heads that could not be written (last_error says why)
  size_t queued = 0;                // held in memory, not yet committed
  StoreError last_error;            // meaningful when write_errors or rejected > 0
  bool has_error = false;
};

class Recorder {
 public:
  // Opens (or creates) a recording file and starts a new session in it. An existing file
  // is checked first (header, quick_check, magic, version) and left untouched if it is
  // not a recording this build can write; an older schema is migrated.
  static StoreResult<std::unique_ptr<Recorder>> open(const std::string& path, const SessionInfo& info,
                                                     RecorderOptions options = {});
  ~Recorder();  // close()
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  int64_t session() const { return session_; }
  const std::string& path() const { return path_; }

  // Producer side (the frame loop). Never blocks on SQLite. False when refused: the queue
  // is full (dropped), or the event is out of order / too large / the recorder is closed
  // (rejected); stats() says which. Seqs must strictly increase within a session.
  bool append(const twin::Event& event, const twin::Decisions& decisions = {});
  bool snapshot(Snapshot s);

  // Waits until everything appended so far is committed, a write fails, or the timeout
  // passes. For shutdown and tests, not for the frame loop.
  StoreStatus flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Commits what is queued (one last try if the disk is failing), stamps the session's end,
  // checkpoints the WAL and stops the thread. Idempotent. Returns the first error that
  // cost data (items that could not be written).
  StoreStatus close();

  RecorderStats stats() const;

 private:
  Recorder(std::string path, std::unique_ptr<Database> db, std::unique_ptr<RecorderStatements> statements,
           int64_t session, RecorderOptions options);
  void run();
  bool push(RecorderItem&& item);
  void reject(StoreError e);

  std::string path_;
  std::unique_ptr<Database> db_;   // used by the writer thread only, then by close()
  std::unique_ptr<RecorderStatements> statements_;
  int64_t session_ = 0;
  RecorderOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable progress_;
  std::vector<RecorderItem> queue_;  // producer -> writer
  size_t held_ = 0;                 // queue_ + the writer's uncommitted items
  bool stop_ = false;
  bool flush_requested_ = false;
  bool closed_ = false;
  bool has_last_seq_ = false;
  uint64_t last_seq_ = 0;
  RecorderStats stats_;
  uint64_t committed_items_ = 0;
  uint64_t lost_items_ = 0;         // given up at close
  bool writer_done_ = false;
  StoreStatus close_status_;
  std::thread thread_;
};

}  // namespace connectors
