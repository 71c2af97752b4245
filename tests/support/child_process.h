// Test support: a helper process a test depends on (a broker, an X server, a window
// manager), started with its output in a log file, checked to be alive, and stopped
// (SIGTERM, then SIGKILL) on destruction. When it is not running, why_not_running() says
// so in one line with the end of its log, so a test that needed it can say why. It must
// not assert or decide for the test: it reports.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <functional>
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
  // Waits until it has exited (true) or the timeout passed (false); a guard against a
  // hang, not a pace.
  bool wait_exit(std::chrono::milliseconds timeout);
  // Its exit status once it has exited normally; -1 while it runs or if a signal ended it.
  int exit_code() const;
  // Waits until its log holds `needle` (a line it printed: its own readiness), false if it
  // exited first or the timeout passed. The log is read as the child writes it.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);
  std::string output() const;  // its log so far
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
// "" when every program named is installed; otherwise one line naming each missing one
// and its Debian package ("mosquitto_pub is not installed (Debian package
// mosquitto-clients)"), and how to install them. A live test FAILs with it (never skips).
std::string missing_programs(const std::vector<std::string>& names);
// The whole text of a file ("" when it cannot be read).
std::string read_text(const std::string& path);
// Waits until the file holds `needle` at least `count` times; false after the timeout
// or as soon as still_running() (when given) says the writer has gone.
bool wait_for_text(const std::string& path, const std::string& needle, std::chrono::milliseconds timeout,
                   int count = 1, const std::function<bool()>& still_running = {});
