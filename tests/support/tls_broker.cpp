// The shipped TLS broker set-up as a test fixture. See tls_broker.h.
#include "tests/support/tls_broker.h"

#include "tests/support/child_process.h"      // last_line_of, missing_programs, read_text
#include "tests/support/mosquitto_fixture.h"  // run_command, broker process helpers

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

std::vector<std::string> TlsBroker::programs() {
  return {"mosquitto", "mosquitto_pub", "mosquitto_sub", "mosquitto_passwd", "openssl"};
}

bool TlsBroker::available() { return missing_programs(programs()).empty(); }

namespace {
std::string current_user() {
  const passwd* pw = getpwuid(geteuid());
  return pw ? pw->pw_name : "root";
}
}  // namespace

TlsBroker::TlsBroker(const std::string& extra_accounts, Accounts which) {
  char tmpl[] = "/tmp/gatetwin-tls-XXXXXX";
  dir_ = mkdtemp(tmpl);
  port_ = free_loopback_port();
  std::string accounts = "gatetwin:twin gatesim:sim:+ dev-m1119:field:m1119 dev-m1088:field:m1088 console-1:operator", options;
  if (which != Accounts::Test) accounts.clear();  // make-certs.sh's own defaults
  if (which == Accounts::ShippedDev) options = "--dev ";
  // The test accounts' broker stays the caller (root here): a change of user would clear
  // the signal that ends it with the test (PR_SET_PDEATHSIG), leaving orphans after a
  // crash. The shipped defaults (Shipped, ShippedDev) run as make-certs.sh decides.
  if (which == Accounts::Test) options = "--user " + current_user() + " ";
  if (!extra_accounts.empty()) accounts += " " + extra_accounts;
  int rc = -1;
  make_out_ = run_command(std::string(GATETWIN_SOURCE_DIR) + "/tools/setup/make-certs.sh " + dir_ + " --port " +
                              std::to_string(port_) + " --id-plugin " + GATETWIN_CLIENT_ID_PLUGIN + " " + options + accounts + " 2>&1",
                          &rc);
  made_ = rc == 0;
  // Log types only: the broker's "running" line (readiness) and each subscription.
  if (made_) std::ofstream(dir_ + "/mosquitto.conf", std::ios::app) << "log_type information\nlog_type subscribe\n";
}

TlsBroker::~TlsBroker() {
  stop();
  std::system(("rm -rf '" + dir_ + "'").c_str());
}

bool TlsBroker::start() {
  if (!made_ || pid_ > 0) return false;
  const std::string conf = dir_ + "/mosquitto.conf", log_path = dir_ + "/mosquitto.log";
  for (int attempt = 1;; ++attempt) {
    const int before = running_lines(log_path);
    // Its stderr (the root warning) goes to a file, not the test's output.
    pid_ = spawn_mosquitto(conf, dir_ + "/mosquitto.stderr");
    std::string why;
    const BrokerStart r = wait_until_running(pid_, log_path, before, port_, &why);
    if (r == BrokerStart::Running) {
      started_once_ = true;
      return true;
    }
    if (r == BrokerStart::AddressInUse && !started_once_ && attempt < 5) {
      // Taken since it was picked: move the rendered listener to another free port.
      std::fprintf(stderr, "test TLS broker: port %d was taken meanwhile; trying another\n", port_);
      const int next = free_loopback_port();
      std::string text = read_text(conf);
      const std::string from = "listener " + std::to_string(port_) + " ", to = "listener " + std::to_string(next) + " ";
      const size_t at = text.find(from);
      if (at == std::string::npos) return false;
      text.replace(at, from.size(), to);
      std::ofstream(conf, std::ios::trunc) << text;
      port_ = next;
      continue;
    }
    if (why.find(": ") == std::string::npos) {
      const std::string last = last_line_of(dir_ + "/mosquitto.stderr");
      if (!last.empty()) why += ": " + last;
    }
    std::fprintf(stderr, "test TLS broker did not start: %s\n", why.c_str());
    return false;
  }
}

bool TlsBroker::wait_for_subscription(const std::string& client_id, const std::string& filter,
                                      std::chrono::milliseconds timeout, int count) const {
  return wait_for_broker_subscription(dir_ + "/mosquitto.log", client_id, filter, timeout, count);
}

void TlsBroker::stop() { stop_process(pid_); }

void TlsBroker::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string TlsBroker::password(const std::string& account) const {
  std::ifstream in(mqtt_config(account));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("password = ", 0) == 0) return line.substr(11);
  return "";
}

std::string TlsBroker::client_flags(const std::string& account) const {
  return "-h 127.0.0.1 -p " + std::to_string(port_) + " --cafile " + dir_ + "/ca.crt --cert " + dir_ + "/" + account +
         ".crt --key " + dir_ + "/" + account + ".key -u " + account + " -P " + password(account);
}

std::string TlsBroker::log() const { return read_text(dir_ + "/mosquitto.log"); }
