// Accounts. See accounts.h.
#include "connectors/accounts/accounts.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

namespace connectors {

std::optional<twin::Role> parse_role(const std::string& s) {
  if (s == "viewer") return twin::Role::Viewer;
  if (s == "operator") return twin::Role::Operator;
  if (s == "supervisor") return twin::Role::Supervisor;
  return std::nullopt;
}

std::string Accounts::sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string Accounts::make_entry_json(const std::string& user, twin::Role role, const std::string& password,
                                      const std::string& salt) {
  nlohmann::json j{{"user", user}, {"role", twin::to_string(role)}, {"salt", salt}, {"sha256", sha256_hex(salt + password)}};
  return j.dump();
}

std::variant<Accounts, AccountsError> Accounts::parse(const std::string& text, const std::string& file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return AccountsError{file + ": not valid JSON: " + e.what()};
  }
  if (!j.is_object() || j.value("format", "") != "gatetwin-accounts/1")
    return AccountsError{file + ": format: expected \"gatetwin-accounts/1\""};
  if (!j.contains("accounts") || !j["accounts"].is_array()) return AccountsError{file + ": accounts: missing (a list)"};
  Accounts a;
  for (size_t i = 0; i < j["accounts"].size(); ++i) {
    const auto& e = j["accounts"][i];
    const std::string at = file + ": accounts[" + std::to_string(i) + "]";
    if (!e.is_object()) return AccountsError{at + ": expected an object"};
    for (const char* key : {"user", "role", "salt", "sha256"})
      if (!e.contains(key) || !e[key].is_string()) return AccountsError{at + "." + key + ": missing (a string)"};
    auto role = parse_role(e["role"].get<std::string>());
    if (!role) return AccountsError{at + ".role: not one of viewer, operator, supervisor"};
    a.accounts_.push_back({e["user"], *role, e["salt"], e["sha256"]});
  }
  return a;
}

std::variant<Accounts, AccountsError> Accounts::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return AccountsError{path + ": cannot open the accounts file"};
  std::ostringstream s;
  s << in.rdbuf();
  return parse(s.str(), path);
}

std::optional<Account> Accounts::login(const std::string& user, const std::string& password) const {
  for (const Account& a : accounts_)
    if (a.user == user && sha256_hex(a.salt + password) == a.sha256_hex) return a;
  return std::nullopt;
}

}  // namespace connectors
