// The shipped TLS broker set-up as a test fixture. See tls_broker.h.
#include "tests/support/tls_broker.h"

#include "tests/support/child_process.h"      // last_line_of
#include "tests/support/mosquitto_fixture.h"  // run_command, broker process helpers

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

const char* kMosquitto = "/usr/sbin/mosquitto";

}  // namespace

bool TlsBroker::available() {
  for (const char* p : {kMosquitto, "/usr/bin/mosquitto_pub", "/usr/bin/mosquitto_sub", "/usr/bin/mosquitto_passwd", "/usr/bin/openssl"})
    if (access(p, X_OK) != 0) return false;
  return true;
}

TlsBroker::TlsBroker(const std::string& extra_accounts) {
  char tmpl[] = "/tmp/gatetwin-tls-XXXXXX";
  dir_ = mkdtemp(tmpl);
  port_ = free_loopback_port();
  std::string accounts = "gatetwin:twin gatesim:field:+ dev-m1119:field:m1119 dev-m1088:field:m1088 console-1:operator";
  if (!extra_accounts.empty()) accounts += " " + extra_accounts;
  int rc = -1;
  make_out_ = run_command(std::string(GATETWIN_SOURCE_DIR) + "/tools/setup/make-certs.sh " + dir_ + " --port " +
                              std::to_string(port_) + " " + accounts + " 2>&1",
                          &rc);
  made_ = rc == 0;
}

TlsBroker::~TlsBroker() {
  stop();
  std::system(("rm -rf '" + dir_ + "'").c_str());
}

bool TlsBroker::accepts() const { return loopback_accepts(port_); }

bool TlsBroker::start() {
  if (!made_ || pid_ > 0) return false;
  pid_ = fork();
  if (pid_ == 0) {
    // The broker goes when the test process goes, even if it dies without cleaning up.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // Its stderr (the root warning) goes to a file, not the test's output.
    const std::string err = dir_ + "/mosquitto.stderr";
    if (freopen(err.c_str(), "a", stderr) == nullptr) _exit(126);
    const std::string conf = dir_ + "/mosquitto.conf";
    execl(kMosquitto, kMosquitto, "-c", conf.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string why;
  if (wait_until_accepting(pid_, port_, &why)) return true;
  for (const char* f : {"/mosquitto.stderr", "/mosquitto.log"}) {
    const std::string last = last_line_of(dir_ + f);
    if (!last.empty()) {
      why += ": " + last;
      break;
    }
  }
  std::fprintf(stderr, "test TLS broker did not start: %s\n", why.c_str());
  return false;
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

std::string TlsBroker::log() const {
  std::ifstream in(dir_ + "/mosquitto.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
