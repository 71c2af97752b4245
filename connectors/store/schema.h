// The recording file's schema: its identity (application id and magic), its version
// and the migrations that bring an older file up to date. check() only reads; migrate()
// is called by the Recorder alone, never on a file opened for reading. The tables are
// described in docs/store.md.
#pragma once
#include "connectors/store/database.h"

#include <cstdint>

namespace connectors {

class Schema {
 public:
  static constexpr int64_t kVersion = 2;                    // PRAGMA user_version (2: audit chain)
  static constexpr int32_t kApplicationId = 0x47545752;     // PRAGMA application_id, "GTWR"
  static constexpr const char* kMagic = "gatetwin-recording";  // meta.magic

  // Is this database a recording this build can read? Runs PRAGMA quick_check when asked,
  // then the application id, the meta table's magic and the schema version. Never writes.
  static StoreStatus check(Database& db, bool quick_check);

  // Brings an empty database or an older recording to kVersion in one transaction.
  // Callers must have run check() (or know the file is new) first.
  static StoreStatus migrate(Database& db);
};

}  // namespace connectors
