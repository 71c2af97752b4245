// Reading a process's or thread's CPU time from Linux's /proc/<pid>/stat line, for the
// benches that measure other processes (the broker) or their own threads. Bench-only; it
// must not be used by the twin.
#pragma once

#include <string>

namespace bench {

// User + system CPU seconds in a /proc/.../stat line, and the command name (field 2, in
// parentheses, may hold spaces) into *name when given; negative when the line is not one.
double stat_cpu_seconds(const std::string& stat_line, std::string* name = nullptr);

// The same for the file at path (/proc/<pid>/stat, /proc/self/task/<tid>/stat).
double stat_file_cpu_seconds(const std::string& path, std::string* name = nullptr);

}  // namespace bench
