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
#include <thread>

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
