// Test fixture: the shipped broker set-up, for real. It runs tools/setup/make-certs.sh
// into a temporary folder (a fresh CA, certificates, random passwords, ACL, the
// mosquitto.conf rendered from deploy/mosquitto/gatetwin.conf.in) on a free loopback
// port, starts mosquitto with it, and can stop (SIGTERM), kill (SIGKILL) and restart it
// on the same port. It listens on 127.0.0.1 only and talks to nothing else. Tests that
// use it skip themselves when mosquitto, mosquitto_pub/sub, mosquitto_passwd or openssl
// is missing (available()).
#pragma once
#include <string>
#include <sys/types.h>

class TlsBroker {
 public:
  // extra_accounts: more NAME:ROLE[:SITE] specs for make-certs.sh beside the defaults
  // (gatetwin, gatesim, dev-m1119, dev-m1088, console-1).
  explicit TlsBroker(const std::string& extra_accounts = "");
  ~TlsBroker();
  TlsBroker(const TlsBroker&) = delete;
  TlsBroker& operator=(const TlsBroker&) = delete;

  static bool available();
  bool made() const { return made_; }    // make-certs.sh succeeded
  const std::string& make_output() const { return make_out_; }
  bool start();                          // false if not accepting connections within 5 s
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
  bool accepts() const;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool made_ = false;
  std::string make_out_;
};
