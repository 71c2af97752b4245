// Test support: twm as the window manager of a test's Xvfb display, so that iconify and
// other window-manager requests are real. start() returns true only once twm is running
// AND manages the root window (holds SubstructureRedirect, which an X server grants to
// one client only); otherwise why() says in one line what went wrong, e.g. "twm exited
// with status 1: twm:  unable to open fontset ..." when the X fonts (xfonts-base) are
// missing. It must not set DISPLAY or decide for the test.
#pragma once
#include "tests/support/child_process.h"

#include <string>

class WindowManager {
 public:
  // The twm executable on PATH, or "" when it is not installed.
  static std::string find() { return find_program("twm"); }
  // Starts twm on display (":N") with a configuration that places windows itself, and
  // waits up to 5 s for it to manage the root window. log_dir receives twmrc and twm.log.
  bool start(const std::string& twm, const std::string& display, const std::string& log_dir);
  const std::string& why() const { return why_; }
  bool alive() { return process_.alive(); }

 private:
  ChildProcess process_;
  std::string why_;
};

// True when some client of the X display manages its root window (a window manager runs).
bool root_window_is_managed(const std::string& display);
