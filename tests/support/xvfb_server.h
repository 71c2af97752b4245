// Test support: an Xvfb server on a display number it picks itself (-displayfd, so tests
// starting servers at the same time do not race), checked to open for an X client before
// start() returns, killed on destruction. When it does not come up, why() says so in one
// line. It must not set DISPLAY itself: the test decides.
#pragma once
#include "tests/support/child_process.h"

#include <string>

class XvfbServer {
 public:
  // The Xvfb executable on PATH, or "" when it is not installed.
  static std::string find() { return find_program("Xvfb"); }
  // False, with why() set, when Xvfb exits, names no display within 10 s, or its display
  // does not accept a connection.
  bool start(const std::string& exe, const std::string& screen = "1600x900x24");
  const std::string& display() const { return display_; }
  const std::string& why() const { return why_; }
  bool alive() { return process_.alive(); }

 private:
  ChildProcess process_;
  std::string display_;
  std::string why_;
  std::string log_;
};
