// Accounts. See accounts.h.
#include "connectors/accounts/accounts.h"

#include "connectors/files/small_file.h"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <chrono>
#include <set>

namespace connectors {

std::optional<twin::Role> parse_role(const std::string& s) {
  if (s == "viewer") return twin::Role::Viewer;
  if (s == "operator") return twin::Role::Operator;
  if (s == "supervisor") return twin::Role::Supervisor;
  return std::nullopt;
}

std::string Accounts::scrypt_hex(const std::string& password, const std::string& salt, ScryptCost cost, size_t bytes) {
  std::vector<unsigned char> key(bytes);
  const uint64_t maxmem = 128ull * cost.r * (cost.n + cost.p + 2) + (1u << 20);  // what scrypt needs, and a margin
  if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), cost.n,
                     cost.r, cost.p, maxmem, key.data(), key.size()) != 1)
    return {};
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : key) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string Accounts::make_entry_json(const std::string& user, twin::Role role, const std::string& password,
                                      const std::string& salt, ScryptCost cost) {
  nlohmann::json j{{"user", user},
                   {"role", twin::to_string(role)},
                   {"salt", salt},
                   {"scrypt", {{"n", cost.n}, {"r", cost.r}, {"p", cost.p}}},
                   {"hash", scrypt_hex(password, salt, cost)}};
  return j.dump();
}

Result<Accounts, AccountsError> Accounts::parse(const std::string& text, const std::string& file) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return AccountsError{file + ": not valid JSON"};
  const std::string remake = "; make the file again with tools/setup/make-accounts.sh";
  if (j.is_object() && j.value("format", "") == "gatetwin-accounts/1")
    return AccountsError{file + ": format 1 keeps salted SHA-256 hashes, too fast to resist guessing; it is refused" + remake};
  if (!j.is_object() || j.value("format", "") != "gatetwin-accounts/2")
    return AccountsError{file + ": format: expected \"gatetwin-accounts/2\""};
  if (!j.contains("accounts") || !j["accounts"].is_array()) return AccountsError{file + ": accounts: missing (a list)"};
  Accounts a;
  std::set<std::string> users;
  for (size_t i = 0; i < j["accounts"].size(); ++i) {
    const auto& e = j["accounts"][i];
    const std::string at = file + ": accounts[" + std::to_string(i) + "]";
    if (!e.is_object()) return AccountsError{at + ": expected an object"};
    for (const char* key : {"user", "role", "salt", "hash"})
      if (!e.contains(key) || !e[key].is_string()) return AccountsError{at + "." + key + ": missing (a string)"};
    const auto& c = e.contains("scrypt") ? e["scrypt"] : nlohmann::json();
    if (!c.is_object() || !c.contains("n") || !c.contains("r") || !c.contains("p") || !c["n"].is_number_unsigned() ||
        !c["r"].is_number_unsigned() || !c["p"].is_number_unsigned())
      return AccountsError{at + ".scrypt: missing (an object with n, r, p)"};
    ScryptCost cost{c["n"].get<uint64_t>(), c["r"].get<uint32_t>(), c["p"].get<uint32_t>()};
    if (cost.n < 1024 || (cost.n & (cost.n - 1)) != 0 || cost.n > (1u << 20) || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16)
      return AccountsError{at + ".scrypt: n must be a power of two from 1024 to 1048576, r 1 to 32, p 1 to 16"};
    auto role = parse_role(e["role"].get<std::string>());
    if (!role) return AccountsError{at + ".role: not one of viewer, operator, supervisor"};
    const std::string user = e["user"];
    if (user.empty()) return AccountsError{at + ".user: empty"};
    if (!users.insert(user).second) return AccountsError{at + ".user: \"" + user + "\" is in the file twice (one role per user)"};
    if (e["hash"].get<std::string>().size() != 64) return AccountsError{at + ".hash: expected 64 hex digits" + remake};
    a.accounts_.push_back({user, *role, e["salt"], cost, e["hash"]});
  }
  return a;
}

Result<Accounts, AccountsError> Accounts::load(const std::string& path) {
  auto text = read_small_file(path, 4u << 20);
  if (auto* f = std::get_if<FileReadFailure>(&text)) return AccountsError{path + ": the accounts file: " + f->why};
  return parse(std::get<std::string>(text), path);
}

std::optional<Account> Accounts::login(const std::string& user, const std::string& password, std::optional<int64_t> now_ms) {
  const int64_t now = now_ms ? *now_ms
                             : std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  const Account* found = nullptr;
  for (const Account& a : accounts_)
    if (a.user == user) found = &a;
  // An unknown user costs the same hash as a known one.
  static const Account kNobody{"", twin::Role::Viewer, "no-such-user-salt", ScryptCost{}, std::string(64, '0')};
  const Account& against = found ? *found : kNobody;
  const std::string got = scrypt_hex(password, against.salt, against.cost);
  hashes_++;
  const bool match = got.size() == against.hash_hex.size() && CRYPTO_memcmp(got.data(), against.hash_hex.data(), got.size()) == 0;
  if (!found) return std::nullopt;
  Failures& f = failures_[found->user];
  if (now < f.locked_until_ms) return std::nullopt;   // locked: even the right password waits
  if (!match) {
    if (++f.count >= policy_.max_failures) {
      f.locked_until_ms = now + policy_.lockout_ms;
      f.count = 0;
    }
    return std::nullopt;
  }
  f = {};
  return *found;
}

}  // namespace connectors
