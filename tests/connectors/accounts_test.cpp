// The control room's accounts file (connectors/accounts): scrypt hashes checked against
// RFC 7914's published test vector, logging in and out of a real file, duplicate users and
// the old SHA-256 format refused, a lock-out after repeated failures, and a hash computed
// for an unknown user too. No clock is read: the tests pass now_ms. It must not print a
// password.
#include "connectors/accounts/accounts.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace connectors;

namespace {

const ScryptCost kCheap{1024, 8, 1};   // the tests' cost: the file's own n, r, p are what login uses

Accounts parsed(const std::string& entries) {
  auto a = Accounts::parse(R"({"format": "gatetwin-accounts/2", "accounts": [)" + entries + "]}", "test.json");
  if (auto* e = std::get_if<AccountsError>(&a)) FAIL(e->message());
  return std::get<Accounts>(std::move(a));
}

std::string refusal(const std::string& text) {
  auto a = Accounts::parse(text, "test.json");
  REQUIRE(std::holds_alternative<AccountsError>(a));
  return std::get<AccountsError>(a).message();
}

}  // namespace

TEST_CASE("the hash is scrypt: RFC 7914's test vector", "[accounts][security]") {
  // RFC 7914, section 12: scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64).
  CHECK(Accounts::scrypt_hex("password", "NaCl", ScryptCost{1024, 8, 16}, 64) ==
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  // The shipped cost (N=32768, r=8: 32 MiB) is accepted by OpenSSL and gives 32 bytes.
  CHECK(Accounts::scrypt_hex("pw", "salt", ScryptCost{}).size() == 64);
}

TEST_CASE("log in with the right password only; the file keeps no password", "[accounts][security]") {
  const std::string entry = Accounts::make_entry_json("op1", twin::Role::Operator, "correct horse", "00112233445566778899aabbccddeeff", kCheap);
  CHECK(entry.find("correct horse") == std::string::npos);
  const std::string file = (std::filesystem::temp_directory_path() / ("gatetwin_accounts_" + std::to_string(::getpid()) + ".json")).string();
  { std::ofstream(file) << R"({"format": "gatetwin-accounts/2", "accounts": [)" << entry << "]}"; }
  auto loaded = Accounts::load(file);
  std::filesystem::remove(file);
  if (auto* e = std::get_if<AccountsError>(&loaded)) FAIL(e->message());
  Accounts& a = std::get<Accounts>(loaded);
  auto who = a.login("op1", "correct horse", 0);
  REQUIRE(who);
  CHECK(who->role == twin::Role::Operator);
  CHECK_FALSE(a.login("op1", "correct hors", 1));
  CHECK_FALSE(a.login("op1", "", 2));
  CHECK_FALSE(a.login("OP1", "correct horse", 3));
}

TEST_CASE("an unknown user costs a hash too, and gets the same answer as a wrong password", "[accounts][security]") {
  Accounts a = parsed(Accounts::make_entry_json("sup1", twin::Role::Supervisor, "s3cret-pass", "aa", kCheap));
  const uint64_t before = a.hashes_computed();
  CHECK_FALSE(a.login("nobody", "s3cret-pass", 0));
  CHECK(a.hashes_computed() == before + 1);
}

TEST_CASE("five failures lock a user out for a minute, even with the right password", "[accounts][security]") {
  Accounts a = parsed(Accounts::make_entry_json("op1", twin::Role::Operator, "right-pass", "bb", kCheap));
  for (int i = 0; i < 4; ++i) CHECK_FALSE(a.login("op1", "guess" + std::to_string(i), 1000));
  CHECK(a.login("op1", "right-pass", 1000));   // four failures: not yet; a success resets the count
  for (int i = 0; i < 5; ++i) CHECK_FALSE(a.login("op1", "guess" + std::to_string(i), 2000));
  CHECK_FALSE(a.login("op1", "right-pass", 2000));          // locked
  CHECK_FALSE(a.login("op1", "right-pass", 2000 + 59999));  // still locked
  CHECK(a.login("op1", "right-pass", 2000 + 60000));        // a minute later
}

TEST_CASE("duplicate users, the old SHA-256 format and bad costs are refused with a way out", "[accounts][security]") {
  const std::string e1 = Accounts::make_entry_json("op1", twin::Role::Operator, "pass-one", "cc", kCheap);
  const std::string e2 = Accounts::make_entry_json("op1", twin::Role::Supervisor, "pass-two", "dd", kCheap);
  CHECK_THAT(refusal(R"({"format": "gatetwin-accounts/2", "accounts": [)" + e1 + "," + e2 + "]}"),
             Catch::Contains("accounts[1].user: \"op1\" is in the file twice"));
  CHECK_THAT(refusal(R"({"format": "gatetwin-accounts/1", "accounts": [{"user":"op1","role":"operator","salt":"ab","sha256":"00"}]})"),
             Catch::Contains("make-accounts.sh"));
  CHECK_THAT(refusal(R"({"format": "gatetwin-accounts/2", "accounts": [{"user":"op1","role":"operator","salt":"ab",)"
                     R"("scrypt":{"n":1000,"r":8,"p":1},"hash":")" + std::string(64, '0') + "\"}]}"),
             Catch::Contains("power of two"));
}
