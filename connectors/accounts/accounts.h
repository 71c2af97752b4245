// Local accounts for the control room: who may log in, with which role (viewer,
// operator, supervisor). A JSON file with a salted SHA-256 per password; passwords are
// never stored or logged. Loading errors name the file and the field.
//
// Supports: format "gatetwin-accounts/1". Does not support: a directory service.
#pragma once
#include "twin/command.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace connectors {

struct Account {
  std::string user;
  twin::Role role = twin::Role::Viewer;
  std::string salt;
  std::string sha256_hex;  // of salt + password
};

struct AccountsError {
  std::string message;
};

class Accounts {
 public:
  static std::variant<Accounts, AccountsError> load(const std::string& path);
  static std::variant<Accounts, AccountsError> parse(const std::string& text, const std::string& file);

  // The account if user and password match, else nullopt (no hint which was wrong).
  std::optional<Account> login(const std::string& user, const std::string& password) const;
  const std::vector<Account>& accounts() const { return accounts_; }

  // A line for an accounts file, for the set-up script: {"user":..,"role":..,"salt":..,"sha256":..}.
  static std::string make_entry_json(const std::string& user, twin::Role role, const std::string& password,
                                     const std::string& salt);
  static std::string sha256_hex(const std::string& data);

 private:
  std::vector<Account> accounts_;
};

std::optional<twin::Role> parse_role(const std::string& s);

}  // namespace connectors
