// The private mosquitto broker of the MQTT tests. See mosquitto_fixture.h.
#include "tests/support/mosquitto_fixture.h"

#include "tests/support/child_process.h"  // last_line_of

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

bool MosquittoFixture::available() { return access(kMosquitto, X_OK) == 0; }

MosquittoFixture::MosquittoFixture(bool persistence) : persistence_(persistence) {
  char tmpl[] = "/tmp/gatetwin-mosquitto-XXXXXX";
  dir_ = mkdtemp(tmpl);
  // Run as root, mosquitto drops to the "mosquitto" user: it must be able to write here.
  chmod(dir_.c_str(), 0777);
  port_ = free_loopback_port();
}

MosquittoFixture::~MosquittoFixture() {
  stop();
  std::string cmd = "rm -rf '" + dir_ + "'";
  std::system(cmd.c_str());
}

bool MosquittoFixture::accepts() const { return loopback_accepts(port_); }

bool MosquittoFixture::start() {
  const std::string conf = dir_ + "/mosquitto.conf";
  {
    std::ofstream c(conf);
    c << "listener " << port_ << " 127.0.0.1\n"
      << "allow_anonymous true\n"
      << "max_queued_messages 0\n"        // never drop QoS 1 messages queued for a slow or absent twin
      << "max_inflight_messages 0\n"
      << "log_dest file " << dir_ << "/mosquitto.log\n"
      << "log_type error\nlog_type warning\nlog_type notice\n";
    if (persistence_)
      c << "persistence true\npersistence_location " << dir_ << "/\nautosave_interval 1\n";
    else
      c << "persistence false\n";
  }
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test, even if it crashes
    freopen("/dev/null", "w", stdout);
    execl(kMosquitto, kMosquitto, "-c", conf.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  why_.clear();
  if (wait_until_accepting(pid_, port_, &why_)) return true;
  const std::string last = last_line_of(dir_ + "/mosquitto.log");
  if (!last.empty()) why_ += ": " + last;
  std::fprintf(stderr, "test broker did not start: %s\n", why_.c_str());
  return false;
}

void MosquittoFixture::stop() { stop_process(pid_); }

std::string MosquittoFixture::log() const {
  std::ifstream in(dir_ + "/mosquitto.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  return ntohs(a.sin_port);
}

bool loopback_accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

bool wait_until_accepting(pid_t& pid, int port, std::string* why) {
  for (int i = 0; i < 250; ++i) {
    if (loopback_accepts(port)) return true;
    int status = 0;
    if (pid <= 0 || waitpid(pid, &status, WNOHANG) == pid) {
      if (why) {
        if (pid <= 0) *why = "mosquitto could not be started (fork failed)";
        else if (WIFEXITED(status)) *why = "mosquitto exited with status " + std::to_string(WEXITSTATUS(status));
        else *why = "mosquitto was killed by signal " + std::to_string(WTERMSIG(status));
      }
      pid = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (why) *why = "mosquitto is not accepting connections on 127.0.0.1:" + std::to_string(port) + " after 5 s";
  return false;
}


std::string run_command(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    if (rc) *rc = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (rc) *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}
