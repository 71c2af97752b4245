// CPU time from /proc stat lines (proc_stat.h).
#include "bench/proc_stat.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace bench {

double stat_cpu_seconds(const std::string& stat_line, std::string* name) {
  const size_t l = stat_line.find('('), r = stat_line.rfind(')');
  if (l == std::string::npos || r == std::string::npos || r < l) return -1;
  std::istringstream rest(stat_line.substr(r + 1));
  std::vector<std::string> f;  // from field 3 (state): utime is field 14, stime 15
  for (std::string x; f.size() < 13 && rest >> x;) f.push_back(x);
  const long tick = sysconf(_SC_CLK_TCK);
  if (f.size() < 13 || tick <= 0) return -1;
  if (name) *name = stat_line.substr(l + 1, r - l - 1);
  return static_cast<double>(std::stoull(f[11]) + std::stoull(f[12])) / static_cast<double>(tick);
}

double stat_file_cpu_seconds(const std::string& path, std::string* name) {
  std::ifstream in(path);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return stat_cpu_seconds(all, name);
}

}  // namespace bench
