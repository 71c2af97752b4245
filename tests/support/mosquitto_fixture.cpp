// The private mosquitto broker of the MQTT tests. See mosquitto_fixture.h.
#include "tests/support/mosquitto_fixture.h"

#include "tests/support/child_process.h"  // last_line_of, find_program, read_text

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

// The line mosquitto 2 logs (log_type information) once its listeners are open.
bool is_running_line(const std::string& line) {
  return line.find("mosquitto version ") != std::string::npos && line.size() >= 8 &&
         line.compare(line.size() - 8, 8, " running") == 0;
}

}  // namespace

bool MosquittoFixture::available() { return !find_program("mosquitto").empty(); }

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

void MosquittoFixture::write_config() const {
  std::ofstream c(dir_ + "/mosquitto.conf");
  c << "listener " << port_ << " 127.0.0.1\n"
    << "allow_anonymous true\n"
    << "max_queued_messages 0\n"        // never drop QoS 1 messages queued for a slow or absent twin
    << "max_inflight_messages 0\n"
    << "log_dest file " << dir_ << "/mosquitto.log\n"
    // information: its "running" line (readiness); subscribe: each SUBACK a test waits for.
    << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\nlog_type subscribe\n";
  if (persistence_)
    c << "persistence true\npersistence_location " << dir_ << "/\nautosave_interval 1\n";
  else
    c << "persistence false\n";
}

bool MosquittoFixture::start() {
  why_.clear();
  if (!available()) {
    why_ = missing_programs({"mosquitto"});
    std::fprintf(stderr, "test broker did not start: %s\n", why_.c_str());
    return false;
  }
  for (int attempt = 1;; ++attempt) {
    write_config();
    const int before = running_lines(log_path());
    pid_ = spawn_mosquitto(dir_ + "/mosquitto.conf");
    const BrokerStart r = wait_until_running(pid_, log_path(), before, port_, &why_);
    if (r == BrokerStart::Running) {
      started_once_ = true;
      return true;
    }
    // The port was free when picked, but another process bound it first: a new one. A
    // restart keeps its port (its clients reconnect there), so it cannot move.
    if (r == BrokerStart::AddressInUse && !started_once_ && attempt < 5) {
      std::fprintf(stderr, "test broker: port %d was taken meanwhile (%s); trying another\n", port_, why_.c_str());
      port_ = free_loopback_port();
      continue;
    }
    std::fprintf(stderr, "test broker did not start: %s\n", why_.c_str());
    return false;
  }
}

void MosquittoFixture::stop() { stop_process(pid_); }

bool MosquittoFixture::wait_for_subscription(const std::string& client_id, const std::string& filter,
                                             std::chrono::milliseconds timeout, int count) const {
  return wait_for_broker_subscription(log_path(), client_id, filter, timeout, count);
}

std::string MosquittoFixture::log() const { return read_text(log_path()); }

pid_t spawn_mosquitto(const std::string& conf, const std::string& err_path) {
  const std::string exe = find_program("mosquitto");
  if (exe.empty()) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test, even if it crashes
    if (!freopen("/dev/null", "w", stdout)) _exit(126);
    if (!err_path.empty() && !freopen(err_path.c_str(), "a", stderr)) _exit(126);
    execl(exe.c_str(), exe.c_str(), "-c", conf.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int running_lines(const std::string& log_path) {
  std::istringstream in(read_text(log_path));
  int n = 0;
  for (std::string line; std::getline(in, line);) n += is_running_line(line);
  return n;
}

BrokerStart wait_until_running(pid_t& pid, const std::string& log_path, int previous_runs, int port, std::string* why) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (;;) {
    // Its own line, in its own log: not another process that happens to listen on the port.
    if (running_lines(log_path) > previous_runs && loopback_accepts(port)) return BrokerStart::Running;
    int status = 0;
    if (pid <= 0 || waitpid(pid, &status, WNOHANG) == pid) {
      const std::string last = last_line_of(log_path);
      if (why) {
        if (pid <= 0) *why = "mosquitto could not be started (" + (find_program("mosquitto").empty() ? missing_programs({"mosquitto"}) : std::string("fork failed")) + ")";
        else if (WIFEXITED(status)) *why = "mosquitto exited with status " + std::to_string(WEXITSTATUS(status));
        else *why = "mosquitto was killed by signal " + std::to_string(WTERMSIG(status));
        if (!last.empty()) *why += ": " + last;
      }
      pid = -1;
      return last.find("Address already in use") != std::string::npos ? BrokerStart::AddressInUse : BrokerStart::Failed;
    }
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (why) {
    *why = "mosquitto did not log that it is running and accepting on 127.0.0.1:" + std::to_string(port) + " within 15 s";
    const std::string last = last_line_of(log_path);
    if (!last.empty()) *why += ": " + last;
  }
  return BrokerStart::Failed;
}

bool wait_for_broker_subscription(const std::string& log_path, const std::string& client_id, const std::string& filter,
                                  std::chrono::milliseconds timeout, int count) {
  // mosquitto 2 logs "<time>: <client id> <qos> <filter>" when it adds the subscription,
  // then sends the SUBACK.
  const auto until = std::chrono::steady_clock::now() + timeout;
  const std::string head = ": " + client_id + " ", tail = " " + filter;
  for (;;) {
    std::istringstream in(read_text(log_path));
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      const size_t h = line.find(head);
      if (h == std::string::npos || line.size() != h + head.size() + 1 + tail.size()) continue;
      const char qos = line[h + head.size()];
      if (qos >= '0' && qos <= '2' && line.compare(h + head.size() + 1, tail.size(), tail) == 0) ++n;
    }
    if (n >= count) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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
