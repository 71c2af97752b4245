// Test support: a helper process a test depends on (a broker, an X server, a window
// manager), started with its output in a log file, checked to be alive, and stopped
// (SIGTERM, then SIGKILL) on destruction. When it is not running, why_not_running() says
// so in one line with the end of its log, so a test that needed it can say why. It must
// not assert or decide for the test: it reports.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts exe with argv args (args[0] is the process name). Its stdout and stderr go to
  // log_path ("" for /dev/null); env adds or replaces NAME=VALUE variables in its
  // environment; it is sent SIGTERM if the test process dies.
  bool start(const std::string& exe, const std::vector<std::string>& args, const std::string& log_path = "",
             const std::vector<std::string>& env = {});
  // True while it runs; reaps it (and keeps its exit status) once it has exited.
  bool alive();
  // SIGTERM, up to 5 s to exit, then SIGKILL.
  void stop();
  pid_t pid() const { return pid_; }
  // "twm exited with status 1: twm: unable to open fontset ..." (name, how it ended, the
  // last non-empty line of its log), or "twm is running".
  std::string why_not_running();

 private:
  pid_t pid_ = -1;
  std::string name_;
  std::string log_path_;
  int status_ = 0;
  bool exited_ = false;
};

// SIGTERM, up to 5 s to exit (a broker saves its persistence), then SIGKILL; pid becomes -1.
void stop_process(pid_t& pid);
// The last non-empty line of a text file ("" when there is none).
std::string last_line_of(const std::string& path);
// The program on PATH (or in /usr/sbin, /sbin), or "" when it is not installed.
std::string find_program(const std::string& name);
