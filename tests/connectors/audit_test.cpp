// Tests the tamper-evident audit chain (connectors/store/audit_chain.h) and the
// `gatetwin audit verify FILE` command: commands folded by a real core (accepted and
// refused) are recorded with a hash chain; the chain verifies; editing one row, deleting
// one, or editing one and recomputing its hash makes verify name that row (or the gap);
// a version 1 file is still read, migrated on the next recording, and its old rows are
// counted as unchained. Files live in a fresh temporary folder. Nothing is skipped.
#include "connectors/files/site_file.h"
#include "connectors/store/audit_chain.h"
#include "connectors/store/audit_signature.h"
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
int64_t record_commands(const std::string& path, int n, uint64_t first_seq = 10,
                        std::shared_ptr<const AuditSigner> signer = nullptr) {
  twin::Core core(sites());
  SessionInfo info;
  info.sites = "m1119";
  info.seed = 7;
  info.source = SessionSource::Live;
  RecorderOptions options;
  options.audit_signer = std::move(signer);
  auto r = Recorder::open(path, info, options);
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

std::string gatetwin_audit(const std::string& path, int* rc, const std::string& key = "") {
  const std::string cmd = std::string(GATETWIN_BINARY_DIR) + "/tools/gatetwin/gatetwin audit verify '" + path + "'" +
                          (key.empty() ? "" : " --key '" + key + "'") + " 2>&1";
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
      r.shipment = c.command.shipment.value; r.equipment_kind = static_cast<int64_t>(c.command.equipment.kind);
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

// Every column of `commands` that the chain hashes, edited alone in a real recording, must
// make verify name that row. The edits are chosen to change the value as read back (a
// different integer, different text, NULL for "no verdict"). The list is checked against
// the table's own columns, so a column added later without a hash and a test fails here.
TEST_CASE("audit chain: each stored field, edited alone, makes verify and gatetwin audit verify name that row") {
  testsupport::TempDir dir("gatetwin_audit");
  const std::string original = dir.file("original.gtrec");
  const int64_t s = record_commands(original, 8);
  // The row edited is seq 40 (i = 3 in record_commands): a viewer's refused OpenLane at
  // time 3000 ms, site 0, actor "visitor", role 0, reason "audit test 3", lane 0,
  // shipment 0, equipment 0/0/0, goods 0, accepted 0, chain index 4.
  struct Edit {
    const char* column;
    std::string set;       // the SET clause
    int64_t named_session; // how verify must name the row afterwards
    int64_t named_seq;
  };
  const std::vector<Edit> edits = {
      {"session", "session = " + std::to_string(s + 100), s + 100, 40},
      {"seq", "seq = 41", s, 41},
      {"time_ms", "time_ms = 3001", s, 40},
      {"site", "site = 1", s, 40},
      {"actor", "actor = 'op-an'", s, 40},
      {"role", "role = 1", s, 40},
      {"reason", "reason = 'audit test 3 (edited)'", s, 40},
      {"kind", "kind = 1", s, 40},
      {"lane", "lane = 1", s, 40},
      {"shipment", "shipment = 5", s, 40},
      {"equipment_kind", "equipment_kind = 1", s, 40},
      {"equipment_index", "equipment_index = 2", s, 40},
      {"equipment_server", "equipment_server = 3", s, 40},
      {"goods", "goods = 1", s, 40},
      {"accepted", "accepted = 1", s, 40},
      {"accepted (to no verdict)", "accepted = NULL", s, 40},
      {"outcome", "outcome = 'accepted'", s, 40},
  };

  // Every data column of the table is edited above (the chain's own columns are tested
  // by the delete / re-hash cases).
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(original.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('commands')", -1, &q, nullptr) == SQLITE_OK);
    std::vector<std::string> columns;
    while (sqlite3_step(q) == SQLITE_ROW) columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    sqlite3_finalize(q);
    sqlite3_close(db);
    CHECK(columns.size() == 19);
    for (const std::string& c : columns) {
      if (c == "chain_index" || c == "prev_hash" || c == "hash") continue;
      bool edited = false;
      for (const Edit& e : edits) edited = edited || std::string(e.column) == c;
      INFO("column " << c);
      CHECK(edited);
    }
  }

  for (const Edit& e : edits) {
    DYNAMIC_SECTION("edit " << e.column) {
      const std::string path = dir.file(std::string("edited_") + e.column + ".gtrec");
      fs::copy_file(original, path, fs::copy_options::overwrite_existing);
      REQUIRE(verify(path).intact);  // the copy itself is intact
      testsupport::raw_sql(path, "UPDATE commands SET " + e.set + " WHERE session = " + std::to_string(s) + " AND seq = 40");
      AuditReport rep = verify(path);
      CHECK_FALSE(rep.intact);
      CHECK(rep.bad_session == e.named_session);
      CHECK(rep.bad_seq == e.named_seq);
      CHECK(rep.bad_index == 4);
      CHECK_THAT(rep.problem, Catch::Contains("altered"));

      int rc = -1;
      const std::string out = gatetwin_audit(path, &rc);
      CHECK(rc == 1);
      CHECK_THAT(out, Catch::Contains("BROKEN") &&
                          Catch::Contains("session " + std::to_string(e.named_session) + " command seq " +
                                          std::to_string(e.named_seq) + " (chain index 4)"));
    }
  }
}

TEST_CASE("signed audit head: a chain rewritten and re-hashed from the edited row on, or cut at its end, fails verify --key") {
  testsupport::TempDir dir("gatetwin_audit_sig");
  const std::string key = dir.file("twin-audit.key"), pub = dir.file("twin-audit.pub"), other = dir.file("other.key");
  REQUIRE(std::system(("openssl genpkey -algorithm ed25519 -out '" + key + "' 2>/dev/null && openssl pkey -in '" + key +
                       "' -pubout -out '" + pub + "' 2>/dev/null && openssl genpkey -algorithm ed25519 -out '" + other +
                       "' 2>/dev/null").c_str()) == 0);
  auto loaded = AuditSigner::load(key);
  REQUIRE(std::holds_alternative<std::shared_ptr<const AuditSigner>>(loaded));
  const std::string path = dir.file("audit.gtrec");
  const int64_t s = record_commands(path, 8, 10, std::get<std::shared_ptr<const AuditSigner>>(loaded));
  int rc = -1;
  std::string out = gatetwin_audit(path, &rc, pub);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_THAT(out, Catch::StartsWith("intact and signed") && Catch::Contains("head index 8"));

  // The forger edits one command and recomputes every hash from it to the end: the chain
  // alone is intact again; only the signed head tells.
  auto rewrite_from = [&](int64_t seq, const std::string& actor) {
    auto rd = RecordingReader::open(path);
    auto cmds = std::get<std::vector<twin::CommandRecord>>(std::get<std::unique_ptr<RecordingReader>>(rd)->read_commands(s));
    std::string prev = AuditChain::kGenesis;
    for (size_t k = 0; k < cmds.size(); ++k) {
      const twin::CommandRecord& c = cmds[k];
      const int64_t row_seq = 10 + 10 * static_cast<int64_t>(k);
      AuditRecord r;
      r.session = s; r.seq = row_seq; r.time_ms = c.time_ms; r.site = 0;
      r.actor = row_seq == seq ? actor : c.actor; r.role = static_cast<int64_t>(c.role); r.reason = c.reason;
      r.kind = static_cast<int64_t>(c.command.kind); r.lane = c.command.lane;
      r.shipment = c.command.shipment.value; r.equipment_kind = static_cast<int64_t>(c.command.equipment.kind);
      r.equipment_index = c.command.equipment.index; r.equipment_server = c.command.equipment.server;
      r.goods = c.command.goods; r.accepted = c.accepted; r.outcome = c.outcome;
      const std::string hash = AuditChain::link_hash(static_cast<int64_t>(k) + 1, prev, r);
      testsupport::raw_sql(path, "UPDATE commands SET actor = '" + r.actor + "', prev_hash = '" + prev + "', hash = '" + hash +
                                     "' WHERE seq = " + std::to_string(row_seq));
      prev = hash;
    }
  };
  SECTION("rewritten and re-hashed") {
    rewrite_from(30, "someone-else");
    CHECK(verify(path).intact);  // the hashes alone cannot see it
    out = gatetwin_audit(path, &rc, pub);
    INFO(out);
    CHECK(rc == 1);
    CHECK_THAT(out, Catch::Contains("rewritten and re-hashed"));
  }
  SECTION("cut at the end") {
    testsupport::raw_sql(path, "DELETE FROM commands WHERE seq = 80");
    CHECK(verify(path).intact);
    out = gatetwin_audit(path, &rc, pub);
    INFO(out);
    CHECK(rc == 1);
    CHECK_THAT(out, Catch::Contains("cut from the end"));
  }
  SECTION("the head file signed with another key") {
    rewrite_from(30, "someone-else");
    auto forger = AuditSigner::load(other);
    REQUIRE(std::holds_alternative<std::shared_ptr<const AuditSigner>>(forger));
    REQUIRE_FALSE(std::get<std::shared_ptr<const AuditSigner>>(forger)->write_signed_head(path, verify(path).head));
    out = gatetwin_audit(path, &rc, pub);
    INFO(out);
    CHECK(rc == 1);
    CHECK_THAT(out, Catch::Contains("signature does not hold"));
  }
  SECTION("no signed head") {
    REQUIRE(std::remove(audit_signature_path(path).c_str()) == 0);
    out = gatetwin_audit(path, &rc, pub);
    CHECK(rc == 1);
    CHECK_THAT(out, Catch::Contains("no signed audit head"));
  }
}
