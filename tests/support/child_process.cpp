// A helper process of a test. See child_process.h.
#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

bool ChildProcess::start(const std::string& exe, const std::vector<std::string>& args, const std::string& log_path,
                         const std::vector<std::string>& env) {
  stop();
  name_ = args.empty() ? exe : args.front();
  log_path_ = log_path;
  exited_ = false;
  status_ = 0;
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test, even if it crashes
    int out = log_path.empty() ? open("/dev/null", O_WRONLY) : open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  return pid_ > 0;
}

bool ChildProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    status_ = status;
    exited_ = true;
    return false;
  }
  return true;
}

void ChildProcess::stop() { stop_process(pid_); }

bool ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (alive()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exited_;
}

int ChildProcess::exit_code() const { return exited_ && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1; }

bool ChildProcess::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  if (log_path_.empty()) return false;
  return wait_for_text(log_path_, needle, timeout, 1, [this] { return alive(); });
}

std::string ChildProcess::output() const { return log_path_.empty() ? std::string() : read_text(log_path_); }

void stop_process(pid_t& pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 250; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  pid = -1;
}

std::string ChildProcess::why_not_running() {
  if (alive()) return name_ + " is running";
  std::string how;
  if (!exited_)
    how = "was not started";
  else if (WIFEXITED(status_))
    how = WEXITSTATUS(status_) == 127 ? "could not be executed (status 127)"
                                      : "exited with status " + std::to_string(WEXITSTATUS(status_));
  else if (WIFSIGNALED(status_))
    how = "was killed by signal " + std::to_string(WTERMSIG(status_));
  else
    how = "stopped";
  std::string last = log_path_.empty() ? std::string() : last_line_of(log_path_);
  return name_ + " " + how + (last.empty() ? std::string() : ": " + last);
}

std::string last_line_of(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool wait_for_text(const std::string& path, const std::string& needle, std::chrono::milliseconds timeout, int count,
                   const std::function<bool()>& still_running) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Read before asking whether the writer is still there: what it wrote last counts.
    const bool running = !still_running || still_running();
    const std::string text = read_text(path);
    int n = 0;
    for (size_t p = text.find(needle); p != std::string::npos && n < count; p = text.find(needle, p + 1)) ++n;
    if (n >= count) return true;
    if (!running || std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string missing_programs(const std::vector<std::string>& names) {
  // The Debian package of each program a test runs (tools/setup/packages.txt).
  static const std::pair<const char*, const char*> kPackage[] = {
      {"mosquitto", "mosquitto"},         {"mosquitto_passwd", "mosquitto"}, {"mosquitto_pub", "mosquitto-clients"},
      {"mosquitto_sub", "mosquitto-clients"}, {"openssl", "openssl"},      {"unshare", "util-linux"},
      {"Xvfb", "xvfb"},                   {"twm", "twm"},                 {"xdotool", "xdotool"}};
  std::string missing;
  for (const std::string& name : names) {
    if (!find_program(name).empty()) continue;
    std::string package = "?";
    for (const auto& [program, deb] : kPackage)
      if (name == program) package = deb;
    missing += (missing.empty() ? "" : "; ") + name + " is not installed (Debian package " + package + ")";
  }
  if (!missing.empty()) missing += "; tools/setup/install-deps.sh installs what is missing (tools/setup/packages.txt)";
  return missing;
}

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  p += ":/usr/sbin:/sbin";
  for (size_t a = 0; a <= p.size();) {
    size_t b = p.find(':', a);
    if (b == std::string::npos) b = p.size();
    std::string cand = p.substr(a, b - a) + "/" + name;
    if (b > a && access(cand.c_str(), X_OK) == 0) return cand;
    a = b + 1;
  }
  return "";
}
