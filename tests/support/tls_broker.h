// Test fixture: the shipped broker set-up, for real. It runs tools/setup/make-certs.sh
// into a temporary folder (a fresh CA, certificates, random passwords, ACL, the
// mosquitto.conf rendered from deploy/mosquitto/gatetwin.conf.in) on a free loopback
// port, starts mosquitto with it, and can stop (SIGTERM), kill (SIGKILL) and restart it
// on the same port. It listens on 127.0.0.1 only and talks to nothing else. To the
// rendered config it adds only log types (information: the broker's "running" line, its
// readiness; subscribe: each subscription, for wait_for_subscription). It hands
// make-certs.sh the client-id plugin built with the tests (--id-plugin), so client ids
// must be NAME or NAME-<suffix> of their account. If the free port it picked is taken
// before the broker binds it, the first start() moves to another.
// Tests that use it FAIL when mosquitto, mosquitto_pub/sub, mosquitto_passwd or openssl
// is missing (programs(), missing_programs), never skip; this fixture does not assert.
#pragma once
#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

class TlsBroker {
 public:
  // extra_accounts: more NAME:ROLE[:SITE] specs for make-certs.sh beside the defaults
  // (gatetwin, gatesim, dev-m1119, dev-m1088, console-1).
  // which: the test accounts above (default), or make-certs.sh's own defaults
  // (Shipped: gatetwin and console-1 only; ShippedDev: with --dev).
  enum class Accounts { Test, Shipped, ShippedDev };
  explicit TlsBroker(const std::string& extra_accounts = "", Accounts which = Accounts::Test);
  pid_t pid() const { return pid_; }
  ~TlsBroker();
  TlsBroker(const TlsBroker&) = delete;
  TlsBroker& operator=(const TlsBroker&) = delete;

  static bool available();
  // The programs it and its tests run (for missing_programs).
  static std::vector<std::string> programs();
  bool made() const { return made_; }    // make-certs.sh succeeded
  const std::string& make_output() const { return make_out_; }
  bool start();                          // false if it did not say it runs within 15 s
  // The broker logged client_id's subscription to filter (the nth time): it sends the SUBACK.
  bool wait_for_subscription(const std::string& client_id, const std::string& filter,
                             std::chrono::milliseconds timeout = std::chrono::seconds(15), int count = 1) const;
  void stop();                           // SIGTERM: mosquitto saves its persistence
  void kill_hard();                      // SIGKILL: no chance to save anything
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  std::string uri() const { return "ssl://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }
  std::string mqtt_config(const std::string& account) const { return dir_ + "/" + account + ".mqtt"; }
  std::string password(const std::string& account) const;
  // mosquitto_pub / mosquitto_sub connection flags for an account: CA, its certificate,
  // user and password.
  std::string client_flags(const std::string& account) const;
  std::string log() const;

 private:
  std::string dir_;
  bool started_once_ = false;
  int port_ = 0;
  pid_t pid_ = -1;
  bool made_ = false;
  std::string make_out_;
};
