// An Xvfb server for a windowed test. See xvfb_server.h.
#include "tests/support/xvfb_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

// True when the X server of display number n accepts a connection on its local socket.
bool display_accepts(const std::string& number) {
  const std::string path = "/tmp/.X11-unix/X" + number;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

}  // namespace

bool XvfbServer::start(const std::string& exe, const std::string& screen) {
  display_.clear();
  why_.clear();
  int fds[2];
  if (pipe(fds) != 0) {
    why_ = "Xvfb: no pipe for -displayfd";
    return false;
  }
  char tmpl[] = "/tmp/gatetwin-xvfb-XXXXXX.log";
  int logfd = mkstemps(tmpl, 4);
  if (logfd >= 0) close(logfd);
  log_ = logfd >= 0 ? tmpl : "";
  // The write end must survive exec in the child; the child inherits it from fork.
  const std::string fd = std::to_string(fds[1]);
  bool started = process_.start(exe, {"Xvfb", "-displayfd", fd, "-screen", "0", screen, "-nolisten", "tcp"}, log_);
  close(fds[1]);
  if (!started) {
    close(fds[0]);
    why_ = "Xvfb could not be started (fork failed)";
    return false;
  }
  std::string number;
  pollfd pfd{fds[0], POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool eof = false;
  while (!eof && std::chrono::steady_clock::now() < deadline) {
    if (poll(&pfd, 1, 100) > 0) {
      char c;
      if (read(fds[0], &c, 1) != 1 || c == '\n') eof = true;
      else number += c;
    }
  }
  close(fds[0]);
  if (number.empty()) {
    why_ = process_.alive() ? "Xvfb named no display within 10 s" : process_.why_not_running();
    return false;
  }
  for (int i = 0; i < 250; ++i) {
    if (display_accepts(number)) {
      display_ = ":" + number;
      if (!log_.empty()) std::remove(log_.c_str());
      return true;
    }
    if (!process_.alive()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  why_ = process_.alive() ? "Xvfb display :" + number + " does not accept connections after 5 s"
                          : process_.why_not_running();
  return false;
}
