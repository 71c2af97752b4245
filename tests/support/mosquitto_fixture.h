// Test fixture: a private mosquitto broker on a loopback port, with a config the test
// writes (listener 127.0.0.1 only, persistence in a temporary folder), started, waited
// for until it says it is running (its own log line, written once its listener is open),
// stopped (SIGTERM, so it saves its persistence) and restarted on the same port. The port
// is a free one when picked; if something else binds it first, the broker exits with
// "Address already in use" and start() tries again on a new port. The broker logs each
// subscription (log_type subscribe), so a test can wait for a client's SUBACK instead of
// sleeping (wait_for_subscription). Nothing here talks to any address off this machine,
// and nothing here asserts: a test that needs mosquitto FAILs when it is missing
// (missing_programs names the Debian package); it never skips itself.
#pragma once
#include "tests/support/child_process.h"  // stop_process

#include <chrono>
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
  // False if it did not say it is running (within 15 s, a guard against a hang); then
  // why() says why in one line (also printed to stderr), with the last line of its log.
  // The first start moves to a new port when the picked one was taken meanwhile;
  // restart() keeps the port (clients reconnect to the same address).
  bool start();
  const std::string& why() const { return why_; }
  void stop();                           // SIGTERM and wait
  bool restart() { stop(); return start(); }

  // Waits until the broker has logged client_id's subscription to filter (it then sends
  // the SUBACK; what is published after that reaches the subscriber); `count`: the nth
  // such subscription (a client resubscribes after a reconnect).
  bool wait_for_subscription(const std::string& client_id, const std::string& filter,
                             std::chrono::milliseconds timeout = std::chrono::seconds(15), int count = 1) const;

  int port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }
  std::string log_path() const { return dir_ + "/mosquitto.log"; }
  std::string log() const;               // the broker's log so far, for failure messages

 private:
  void write_config() const;
  int port_ = 0;
  bool persistence_;
  bool started_once_ = false;
  std::string dir_;
  pid_t pid_ = -1;
  std::string why_;
};

// How a broker process started: running (it logged so), its port taken by another
// process, or another failure.
enum class BrokerStart { Running, AddressInUse, Failed };
// Starts mosquitto -c conf (stdout to /dev/null, stderr to err_path or inherited when
// ""); the pid, or -1 when mosquitto is not installed or fork failed.
pid_t spawn_mosquitto(const std::string& conf, const std::string& err_path = "");
// Waits (up to 15 s) until the broker process logs its `running` line for the
// `previous_runs + 1`th time in log_path (its log accumulates over restarts) and accepts
// connections on port; pid becomes -1 when it exited, and *why (when given) says how
// ("mosquitto exited with status 1: ... Address already in use").
BrokerStart wait_until_running(pid_t& pid, const std::string& log_path, int previous_runs, int port,
                               std::string* why = nullptr);
// How many times a broker wrote its `running` line to this log.
int running_lines(const std::string& log_path);
// Waits until a broker's log (log_type subscribe) shows client_id subscribing to filter
// `count` times.
bool wait_for_broker_subscription(const std::string& log_path, const std::string& client_id, const std::string& filter,
                                  std::chrono::milliseconds timeout, int count = 1);
// True when something accepts TCP connections on 127.0.0.1:port.
bool loopback_accepts(int port);
// A loopback port nothing listens on now (something may take it before it is used).
int free_loopback_port();

// Runs a shell command and returns its stdout (stderr goes to stderr); exit code in *rc.
std::string run_command(const std::string& cmd, int* rc = nullptr);
