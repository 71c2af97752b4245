// The tamper-evident audit trail of operator commands: each row of the `commands` table
// (schema version 2 and later) carries chain_index (1, 2, 3... over the whole file),
// prev_hash (the hash of the row before it) and hash = SHA-256 over a canonical encoding
// of the row and prev_hash. Editing, deleting or inserting a row breaks the chain at that
// row; verify() names the first such row. It must not write the file, and it cannot
// detect rows cut from the very end: compare the head (index and hash) it prints with
// the head the twin logged when it closed the recording.
//
// Supports: SHA-256 (OpenSSL libcrypto). Rows written by schema version 1 (before the
// chain existed) are counted as unchained and must all precede the chained ones.
#pragma once
#include "connectors/store/store_error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace connectors {

class Database;

// One command row as hashed: every column of `commands` except the chain's own.
struct AuditRecord {
  int64_t session = 0, seq = 0, time_ms = 0, site = 0;
  std::string actor;
  int64_t role = 0;
  std::string reason;
  int64_t kind = 0, lane = 0, shipment = 0, equipment_kind = 0, equipment_index = 0, equipment_server = 0, goods = 0;
  std::optional<bool> accepted;  // nullopt: no verdict recorded
  std::string outcome;
};

struct AuditHead {
  int64_t index = 0;             // 0: no chained row yet
  std::string hash;              // AuditChain::kGenesis when index is 0
};

struct AuditReport {
  bool intact = false;
  uint64_t records = 0;          // rows in `commands`
  uint64_t unchained = 0;        // rows written before schema version 2
  AuditHead head;                // the last chained row
  // When not intact: the first bad row and why, in words a person can act on.
  int64_t bad_session = 0, bad_seq = 0, bad_index = 0;
  std::string problem;
};

class AuditChain {
 public:
  static constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

  // hex SHA-256 of the canonical encoding of (index, prev_hash, record).
  static std::string link_hash(int64_t index, const std::string& prev_hash, const AuditRecord& r);

  // The last chained row of the file (the writer's starting point). Inside the writer's
  // transaction, so two writers cannot fork the chain.
  static StoreResult<AuditHead> head(Database& db);

  // Opens the file read-only (the same checks as RecordingReader) and walks the chain.
  // A broken chain is a report with intact = false; a StoreError means the file could
  // not be read at all.
  static StoreResult<AuditReport> verify(const std::string& path);
};

}  // namespace connectors
