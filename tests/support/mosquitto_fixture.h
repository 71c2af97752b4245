// Test fixture: a private mosquitto broker on a free loopback port, with a config the
// test writes (listener 127.0.0.1 only, persistence in a temporary folder), started,
// waited for until it accepts connections, stopped (SIGTERM, so it saves its
// persistence) and restarted on the same port. Nothing here talks to any address off
// this machine. Tests that use it skip themselves when /usr/sbin/mosquitto is missing.
#pragma once
#include "tests/support/child_process.h"  // stop_process

#include <string>
#include <sys/types.h>

class MosquittoFixture {
 public:
  // persistence: keep sessions and queued QoS 1 messages across restart().
  explicit MosquittoFixture(bool persistence = true);
  ~MosquittoFixture();
  MosquittoFixture(const MosquittoFixture&) = delete;
  MosquittoFixture& operator=(const MosquittoFixture&) = delete;

  static bool available();               // mosquitto is installed
  // False if it did not accept connections within 5 s; then why() says why in one line
  // (also printed to stderr), with the last line of the broker's log.
  bool start();
  const std::string& why() const { return why_; }
  void stop();                           // SIGTERM and wait
  bool restart() { stop(); return start(); }

  int port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }
  std::string log() const;               // the broker's log so far, for failure messages

 private:
  bool accepts() const;
  int port_ = 0;
  bool persistence_;
  std::string dir_;
  pid_t pid_ = -1;
  std::string why_;
};

// Waits (up to 5 s) until a broker process accepts connections; false, with pid set to
// -1, if it exited first. *why (when given) then says which in a few words ("mosquitto
// exited with status 3", "... not accepting connections on 127.0.0.1:N after 5 s").
// Shared by MosquittoFixture and TlsBroker.
bool wait_until_accepting(pid_t& pid, int port, std::string* why = nullptr);
// True when something accepts TCP connections on 127.0.0.1:port.
bool loopback_accepts(int port);
// A loopback port nothing listens on now.
int free_loopback_port();

// Runs a shell command and returns its stdout (stderr goes to stderr); exit code in *rc.
std::string run_command(const std::string& cmd, int* rc = nullptr);
