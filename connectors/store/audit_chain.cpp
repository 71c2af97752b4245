// AuditChain: the hash chain over the commands table. See audit_chain.h.
#include "connectors/store/audit_chain.h"

#include "connectors/store/database.h"
#include "connectors/store/file_probe.h"
#include "connectors/store/schema.h"

#include <openssl/evp.h>

namespace connectors {

namespace {

void add(std::string& out, const std::string& s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
  out += '\n';
}
void add(std::string& out, int64_t v) { add(out, std::to_string(v)); }

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string AuditChain::link_hash(int64_t index, const std::string& prev_hash, const AuditRecord& r) {
  // Length-prefixed fields in a fixed order: no two different rows encode the same.
  std::string c = "gatetwin-audit/1\n";
  add(c, index);
  add(c, prev_hash);
  for (int64_t v : {r.session, r.seq, r.time_ms, r.site}) add(c, v);
  add(c, r.actor);
  add(c, r.role);
  add(c, r.reason);
  for (int64_t v : {r.kind, r.lane, r.shipment, r.equipment_kind, r.equipment_index, r.equipment_server, r.goods}) add(c, v);
  add(c, r.accepted ? (*r.accepted ? "1" : "0") : "null");
  add(c, r.outcome);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(c.data(), c.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

StoreResult<AuditHead> AuditChain::head(Database& db) {
  auto st = db.prepare("SELECT chain_index, hash FROM commands WHERE hash IS NOT NULL ORDER BY chain_index DESC LIMIT 1");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  AuditHead h{0, kGenesis};
  const int rc = s.step();
  if (rc == SQLITE_ROW) {
    h.index = s.int64(0);
    h.hash = s.text(1);
  } else if (rc != SQLITE_DONE) {
    return db.error(rc, "reading the audit chain's head");
  }
  return h;
}

StoreResult<AuditReport> AuditChain::verify(const std::string& path) {
  auto probe = FileProbe::check(path);
  if (auto* e = std::get_if<StoreError>(&probe)) return *e;
  if (std::get<FileProbe::Kind>(probe) == FileProbe::Kind::Missing)
    return StoreError{StoreErrorCode::NotFound, path, "no such file; check the path"};
  if (std::get<FileProbe::Kind>(probe) == FileProbe::Kind::Empty)
    return StoreError{StoreErrorCode::NotARecording, path, "the file is empty (0 bytes)"};
  auto opened = Database::open(path, Database::Mode::ReadOnly);
  if (auto* e = std::get_if<StoreError>(&opened)) return *e;
  Database db = std::move(std::get<Database>(opened));
  if (auto s = Schema::check(db, true); is_error(s)) return std::get<StoreError>(s);
  auto version = db.query_int("PRAGMA user_version");
  if (auto* e = std::get_if<StoreError>(&version)) return *e;

  AuditReport rep;
  rep.head = AuditHead{0, kGenesis};
  if (std::get<int64_t>(version) < 2) {
    // A version 1 file has no chain: every row is unchained, and that is all one can say.
    auto n = db.query_int("SELECT count(*) FROM commands");
    if (auto* e = std::get_if<StoreError>(&n)) return *e;
    rep.records = rep.unchained = static_cast<uint64_t>(std::get<int64_t>(n));
    rep.intact = true;
    return rep;
  }

  // Unchained rows (written before the file was migrated) must all be in sessions before
  // the first chained row's session; one after it has had its chain columns removed.
  auto first_chained = db.query_int("SELECT coalesce(min(session), 9223372036854775807) FROM commands WHERE hash IS NOT NULL");
  if (auto* e = std::get_if<StoreError>(&first_chained)) return *e;
  auto st = db.prepare(
      "SELECT session, seq, time_ms, site, actor, role, reason, kind, lane, shipment, equipment_kind, equipment_index, "
      "equipment_server, goods, accepted, outcome, chain_index, prev_hash, hash FROM commands "
      "ORDER BY chain_index IS NOT NULL, chain_index, session, seq");
  if (auto* e = std::get_if<StoreError>(&st)) return *e;
  Statement& s = std::get<Statement>(st);
  auto bad = [&](const AuditRecord& r, int64_t index, std::string why) {
    rep.intact = false;
    rep.bad_session = r.session;
    rep.bad_seq = r.seq;
    rep.bad_index = index;
    rep.problem = "session " + std::to_string(r.session) + " command seq " + std::to_string(r.seq) +
                  (index ? " (chain index " + std::to_string(index) + ")" : "") + ": " + std::move(why);
    return rep;
  };
  std::string prev = kGenesis;
  int64_t expect = 1;
  std::string prev_where = "the start of the chain";
  int rc = SQLITE_DONE;
  while ((rc = s.step()) == SQLITE_ROW) {
    ++rep.records;
    AuditRecord r;
    r.session = s.int64(0);
    r.seq = s.int64(1);
    r.time_ms = s.int64(2);
    r.site = s.int64(3);
    r.actor = s.text(4);
    r.role = s.int64(5);
    r.reason = s.text(6);
    r.kind = s.int64(7);
    r.lane = s.int64(8);
    r.shipment = s.int64(9);
    r.equipment_kind = s.int64(10);
    r.equipment_index = s.int64(11);
    r.equipment_server = s.int64(12);
    r.goods = s.int64(13);
    if (!s.is_null(14)) r.accepted = s.int64(14) != 0;
    r.outcome = s.text(15);
    if (s.is_null(16) || s.is_null(18)) {
      if (!s.is_null(16) || !s.is_null(17) || !s.is_null(18))
        return bad(r, 0, "its chain columns are partly empty: the row was edited; restore the file from a copy");
      if (r.session >= std::get<int64_t>(first_chained))
        return bad(r, 0, "it has no hash but was written after the chain began: its chain columns were removed");
      ++rep.unchained;
      continue;
    }
    const int64_t index = s.int64(16);
    const std::string prev_hash = s.text(17), hash = s.text(18);
    if (index != expect)
      return bad(r, index, index > expect ? "chain index " + std::to_string(expect) +
                                                (index - expect > 1 ? " to " + std::to_string(index - 1) : "") +
                                                " is missing: a record after " + prev_where + " was deleted"
                                          : "chain index repeats or goes back (expected " + std::to_string(expect) +
                                                "): a record was inserted or renumbered");
    if (!is_hex64(hash) || link_hash(index, prev_hash, r) != hash)
      return bad(r, index, "altered: the row's contents do not match its hash (actor \"" + r.actor + "\")");
    if (prev_hash != prev)
      return bad(r, index, "its prev_hash does not match " + prev_where +
                               ": that record was altered and its hash recomputed, or this one was moved");
    prev = hash;
    prev_where = "session " + std::to_string(r.session) + " command seq " + std::to_string(r.seq);
    rep.head = AuditHead{index, hash};
    ++expect;
  }
  if (rc != SQLITE_DONE) return db.error(rc, "reading the commands table");
  rep.intact = true;
  return rep;
}

}  // namespace connectors
