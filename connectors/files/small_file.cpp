// Bounded reads of regular files. See small_file.h.
#include "connectors/files/small_file.h"

#include <sys/stat.h>

#include <cstdio>
#include <memory>

namespace connectors {

std::variant<std::string, FileReadFailure> read_small_file(const std::string& path, size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return FileReadFailure{"cannot open the file (does it exist, and may this user read it?)"};
  if (!S_ISREG(st.st_mode)) return FileReadFailure{"not a regular file (a device, pipe or folder is never read)"};
  if (static_cast<unsigned long long>(st.st_size) > max_bytes)
    return FileReadFailure{"larger than " + std::to_string(max_bytes >> 20) + " MiB"};
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return FileReadFailure{"cannot open the file (does it exist, and may this user read it?)"};
  // Read at most max_bytes + 1: a file that grew since stat() is caught, not read whole.
  std::string text;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) {
    text.append(buf, n);
    if (text.size() > max_bytes) return FileReadFailure{"larger than " + std::to_string(max_bytes >> 20) + " MiB"};
  }
  if (std::ferror(f.get())) return FileReadFailure{"reading the file failed"};
  return text;
}

}  // namespace connectors
