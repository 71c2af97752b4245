// Test helper: an Xvfb server on a display number it picks itself (-displayfd, so tests
// starting servers at the same time do not race), killed on destruction. Header-only,
// shared by the windowed tests. It must not set DISPLAY itself: the test decides.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

class XvfbServer {
 public:
  // The Xvfb executable on PATH, or "" when it is not installed.
  static std::string find() {
    for (const char* dir : {"/usr/bin/", "/usr/local/bin/"}) {
      std::string p = std::string(dir) + "Xvfb";
      if (access(p.c_str(), X_OK) == 0) return p;
    }
    return {};
  }
  bool start(const std::string& exe, const std::string& screen = "1600x900x24") {
    int fds[2];
    if (pipe(fds) != 0) return false;
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      std::string fd = std::to_string(fds[1]);
      execl(exe.c_str(), "Xvfb", "-displayfd", fd.c_str(), "-screen", "0", screen.c_str(), "-nolisten", "tcp",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
      close(fds[0]);
      return false;
    }
    pid_ = pid;
    std::string number;
    pollfd pfd{fds[0], POLLIN, 0};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (poll(&pfd, 1, 100) > 0) {
        char c;
        if (read(fds[0], &c, 1) != 1) break;
        if (c == '\n') break;
        number += c;
      }
    }
    close(fds[0]);
    if (number.empty()) return false;
    display_ = ":" + number;
    return true;
  }
  ~XvfbServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& display() const { return display_; }

 private:
  pid_t pid_ = -1;
  std::string display_;
};
