// Tests the tamper-evident audit chain (connectors/store/audit_chain.h) and the
// `gatetwin audit verify FILE` command: commands folded by a real core (accepted and
// refused) are recorded with a hash chain; the chain verifies; editing one row, deleting
// one, or editing one and recomputing its hash makes verify name that row (or the gap);
// a version 1 file is still read, migrated on the next recording, and its old rows are
// counted as unchained. Files live in a fresh temporary folder. Nothing is skipped.
#include "connectors/files/site_file.h"
#include "connectors/store/audit_chain.h"
#include "connectors/store/recorder.h"
#include "connectors/store/recording_reader.h"
#include "connectors/store/schema.h"
#include "twin/core.h"
#include "tests/support/store_fixture.h"

#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

using namespace connectors;
namespace fs = std::filesystem;

namespace {



std::vector<twin::SiteSpec> sites() {
  auto r = load_sites("m1119", default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  return std::get<std::vector<twin::SiteSpec>>(r);
}

// Records one session of `n` commands folded by a real core: even ones by an operator
// (close lane 0 / open it again: accepted), odd ones by a viewer (refused). Returns the
// session id. Seqs are 10, 20, 30...
int64_t record_commands(const std::string& path, int n, uint64_t first_seq = 10) {
  twin::Core core(sites());
  SessionInfo info;
  info.sites = "m1119";
  info.seed = 7;
  info.source = SessionSource::Live;
  auto r = Recorder::open(path, info);
  REQUIRE(std::holds_alternative<std::unique_ptr<Recorder>>(r));
  auto& rec = std::get<std::unique_ptr<Recorder>>(r);
  for (int i = 0; i < n; ++i) {
    twin::OperatorCommand oc;
    const bool viewer = i % 2 == 1;
    oc.actor = viewer ? "visitor" : "op-an";
    oc.role = viewer ? twin::Role::Viewer : twin::Role::Operator;
    oc.reason = "audit test " + std::to_string(i);
    oc.command.kind = (i / 2) % 2 == 0 ? twin::CommandKind::CloseLane : twin::CommandKind::OpenLane;
    oc.command.lane = 0;
    twin::Event e{first_seq + 10 * static_cast<uint64_t>(i), 1000 * static_cast<int64_t>(i), 0, oc};
    twin::Decisions d;
    core.apply(e, d);
    REQUIRE(rec->append(e, d));
  }
  REQUIRE_FALSE(is_error(rec->close()));
  return rec->session();
}

AuditReport verify(const std::string& path) {
  auto r = AuditChain::verify(path);
  if (auto* e = std::get_if<StoreError>(&r)) FAIL(e->message());
  return std::get<AuditReport>(r);
}

std::string gatetwin_audit(const std::string& path, int* rc) {
  const std::string cmd = std::string(GATETWIN_BINARY_DIR) + "/tools/gatetwin/gatetwin audit verify '" + path + "' 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[1024];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, k);
  const int status = pclose(p);
  *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace

TEST_CASE("audit chain: recorded commands chain and verify; the refused viewer command is in the trail") {
  testsupport::TempDir dir("gatetwin_audit");
  const std::string path = dir.file("audit.gtrec");
  const int64_t s1 = record_commands(path, 6);
  const int64_t s2 = record_commands(path, 4);  // a second session continues the same chain
  AuditReport rep = verify(path);
  CHECK(rep.intact);
  CHECK(rep.records == 10);
  CHECK(rep.unchained == 0);
  CHECK(rep.head.index == 10);
  CHECK(rep.head.hash.size() == 64);

  auto rd = RecordingReader::open(path);
  REQUIRE(std::holds_alternative<std::unique_ptr<RecordingReader>>(rd));
  auto cmds = std::get<std::vector<twin::CommandRecord>>(std::get<std::unique_ptr<RecordingReader>>(rd)->read_commands(s1));
  REQUIRE(cmds.size() == 6);
  CHECK(cmds[0].accepted);
  CHECK_FALSE(cmds[1].accepted);
  CHECK(cmds[1].actor == "visitor");
  CHECK_THAT(cmds[1].outcome, Catch::Contains("viewer"));
  (void)s2;

  int rc = -1;
  std::string out = gatetwin_audit(path, &rc);
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("intact") && Catch::Contains("10 chained") && Catch::Contains(rep.head.hash));
}

TEST_CASE("audit chain: editing one row makes verify name that row") {
  testsupport::TempDir dir("gatetwin_audit");
  const std::string path = dir.file("audit.gtrec");
  const int64_t s = record_commands(path, 8);
  // Turn the refused viewer command at seq 40 into an accepted one, as a forger would.
  testsupport::raw_sql(path, "UPDATE commands SET accepted = 1, outcome = 'ok' WHERE session = " + std::to_string(s) + " AND seq = 40");
  AuditReport rep = verify(path);
  CHECK_FALSE(rep.intact);
  CHECK(rep.bad_session == s);
  CHECK(rep.bad_seq == 40);
  CHECK(rep.bad_index == 4);
  CHECK_THAT(rep.problem, Catch::Contains("altered"));

  int rc = -1;
  std::string out = gatetwin_audit(path, &rc);
  CHECK(rc == 1);
  CHECK_THAT(out, Catch::Contains("BROKEN") && Catch::Contains("session " + std::to_string(s) + " command seq 40"));
}

TEST_CASE("audit chain: a deleted row is named as missing; a re-hashed edit is caught at the next row") {
  testsupport::TempDir dir("gatetwin_audit");
  const std::string path = dir.file("audit.gtrec");
  const int64_t s = record_commands(path, 8);
  SECTION("delete") {
    testsupport::raw_sql(path, "DELETE FROM commands WHERE session = " + std::to_string(s) + " AND seq = 50");
    AuditReport rep = verify(path);
    CHECK_FALSE(rep.intact);
    CHECK(rep.bad_seq == 60);
    CHECK_THAT(rep.problem, Catch::Contains("chain index 5 is missing") && Catch::Contains("after session " + std::to_string(s) + " command seq 40"));
  }
  SECTION("edit and recompute the row's own hash") {
    // The forger recomputes the edited row's hash with the published formula; the next
    // row's prev_hash still holds the old one.
    AuditRecord r;
    {
      auto rd = RecordingReader::open(path);
      auto cmds = std::get<std::vector<twin::CommandRecord>>(std::get<std::unique_ptr<RecordingReader>>(rd)->read_commands(s));
      const twin::CommandRecord& c = cmds[2];  // seq 30
      r.session = s; r.seq = 30; r.time_ms = c.time_ms; r.site = 0;
      r.actor = "someone-else"; r.role = static_cast<int64_t>(c.role); r.reason = c.reason;
      r.kind = static_cast<int64_t>(c.command.kind); r.lane = c.command.lane;
      r.shipment = c.command.shipment; r.equipment_kind = static_cast<int64_t>(c.command.equipment.kind);
      r.equipment_index = c.command.equipment.index; r.equipment_server = c.command.equipment.server;
      r.goods = c.command.goods; r.accepted = c.accepted; r.outcome = c.outcome;
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT prev_hash FROM commands WHERE seq = 30", -1, &q, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    const std::string prev = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
    testsupport::raw_sql(path, "UPDATE commands SET actor = 'someone-else', hash = '" + AuditChain::link_hash(3, prev, r) +
                      "' WHERE seq = 30");
    AuditReport rep = verify(path);
    CHECK_FALSE(rep.intact);
    CHECK(rep.bad_seq == 40);
    CHECK_THAT(rep.problem, Catch::Contains("prev_hash does not match session " + std::to_string(s) + " command seq 30"));
  }
}

TEST_CASE("audit chain: a version 1 file stays readable; its old rows count as unchained") {
  testsupport::TempDir dir("gatetwin_audit");
  const std::string path = dir.file("v1.gtrec");
  const int64_t old_session = record_commands(path, 3);
  // Make it the version 1 file an older build wrote: no chain columns, version 1.
  testsupport::raw_sql(path,
          "DROP INDEX commands_by_chain; ALTER TABLE commands DROP COLUMN hash; ALTER TABLE commands DROP COLUMN prev_hash; "
          "ALTER TABLE commands DROP COLUMN chain_index; PRAGMA user_version = 1; "
          "UPDATE meta SET value = '1' WHERE key = 'schema_version';");
  {
    auto rd = RecordingReader::open(path);
    REQUIRE(std::holds_alternative<std::unique_ptr<RecordingReader>>(rd));
    auto& reader = std::get<std::unique_ptr<RecordingReader>>(rd);
    CHECK(reader->schema_version() == 1);
    CHECK(std::get<std::vector<twin::CommandRecord>>(reader->read_commands(old_session)).size() == 3);
  }
  AuditReport v1 = verify(path);
  CHECK(v1.intact);
  CHECK(v1.unchained == 3);
  CHECK(v1.head.index == 0);
  // The next recording migrates it to version 2 and starts the chain.
  record_commands(path, 2, 1000);
  AuditReport v2 = verify(path);
  CHECK(v2.intact);
  CHECK(v2.records == 5);
  CHECK(v2.unchained == 3);
  CHECK(v2.head.index == 2);
  // Stripping the hash of a chained row is not taken for an old row.
  testsupport::raw_sql(path, "UPDATE commands SET chain_index = NULL, prev_hash = NULL, hash = NULL WHERE seq = 1000");
  AuditReport stripped = verify(path);
  CHECK_FALSE(stripped.intact);
  CHECK(stripped.bad_seq == 1000);
  CHECK_THAT(stripped.problem, Catch::Contains("chain columns were removed"));
}
