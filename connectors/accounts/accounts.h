// Local accounts for the control room: who may log in, with which role (viewer,
// operator, supervisor). A JSON file with a salted scrypt hash per password (memory-hard,
// OpenSSL's EVP_PBE_scrypt); passwords are never stored, logged or taken from argv.
// Loading errors name the file and the field. Logging in compares in constant time,
// hashes for an unknown user too (the time taken does not tell which users exist), and
// locks a user out for a while after repeated failures.
//
// Supports: format "gatetwin-accounts/2". Refuses format 1 (salted SHA-256, too fast to
// resist guessing) with the command that makes a new file. Does not support: a directory
// service.
#pragma once
#include "connectors/result.h"
#include "twin/command.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace connectors {

struct ScryptCost {
  uint64_t n = 32768;   // CPU/memory cost (a power of two): 32 MiB and about 0.1 s per hash here
  uint32_t r = 8;
  uint32_t p = 1;
};

struct Account {
  std::string user;
  twin::Role role = twin::Role::Viewer;
  std::string salt;
  ScryptCost cost;
  std::string hash_hex;  // scrypt(password, salt, cost), 32 bytes
};

struct AccountsError {
  std::string text;
  const std::string& message() const { return text; }
};

struct LoginPolicy {
  int max_failures = 5;            // consecutive failed logins of one user before a lock-out
  int64_t lockout_ms = 60000;      // how long the lock-out lasts
};

class Accounts {
 public:
  static Result<Accounts, AccountsError> load(const std::string& path);
  static Result<Accounts, AccountsError> parse(const std::string& text, const std::string& file);

  // The account if user and password match and the user is not locked out, else nullopt
  // (no hint which was wrong, nor whether the user exists or is locked). now_ms: a
  // monotonic clock in ms (default: the steady clock).
  std::optional<Account> login(const std::string& user, const std::string& password, std::optional<int64_t> now_ms = {});
  const std::vector<Account>& accounts() const { return accounts_; }
  void set_policy(LoginPolicy p) { policy_ = p; }
  uint64_t hashes_computed() const { return hashes_; }   // one per login attempt, known user or not

  // A line for an accounts file, for the set-up script:
  // {"user":..,"role":..,"salt":..,"scrypt":{"n":..,"r":..,"p":..},"hash":..}.
  static std::string make_entry_json(const std::string& user, twin::Role role, const std::string& password,
                                     const std::string& salt, ScryptCost cost = {});
  // scrypt (RFC 7914) as lowercase hex of `bytes` bytes; empty if OpenSSL refuses the cost.
  static std::string scrypt_hex(const std::string& password, const std::string& salt, ScryptCost cost, size_t bytes = 32);

 private:
  struct Failures {
    int count = 0;
    int64_t locked_until_ms = 0;
  };
  std::vector<Account> accounts_;
  LoginPolicy policy_;
  std::map<std::string, Failures> failures_;   // known users only (bounded by the file)
  uint64_t hashes_ = 0;
};

std::optional<twin::Role> parse_role(const std::string& s);

}  // namespace connectors
