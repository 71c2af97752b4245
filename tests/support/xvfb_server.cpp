// An Xvfb server for a windowed test. See xvfb_server.h.
#include "tests/support/xvfb_server.h"

#include <X11/Xlib.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

// True when an X client can open the display: the same call GLFW makes. (A connect to
// the display's socket file is not enough: Xlib tries the abstract socket first, which
// an X server in another root, with its own /tmp, may hold for the same number.)
bool display_opens(const std::string& name) {
  Display* dpy = XOpenDisplay(name.c_str());
  if (!dpy) return false;
  XCloseDisplay(dpy);
  return true;
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
  // -noreset: by default an X server resets when its last client disconnects, and a client
  // that connects during the reset is refused. The check below is such a last client: the
  // test's own window (GLFW) then failed once with "Failed to open display" (1 in 5 runs
  // of test_app_control_room on a loaded machine). Measured: XOpenDisplay right after the
  // last XCloseDisplay failed 298 times in 3,000 without -noreset, never with it.
  bool started = process_.start(exe, {"Xvfb", "-displayfd", fd, "-screen", "0", screen, "-nolisten", "tcp", "-noreset"}, log_);
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
    if (display_opens(":" + number)) {
      display_ = ":" + number;
      if (!log_.empty()) std::remove(log_.c_str());
      return true;
    }
    if (!process_.alive()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  why_ = process_.alive() ? "Xvfb display :" + number + " does not open for an X client after 5 s (another X server on the same display number?)"
                          : process_.why_not_running();
  return false;
}
