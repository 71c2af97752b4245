// Reading a small text file that may come from anywhere (a site or scenario file named on
// the command line, or by a recording that may have been crafted): only a regular file
// (not a device, FIFO or directory: /dev/zero never ends), at most max_bytes, and never
// more than that read into memory. It must not parse what it reads.
#pragma once
#include "connectors/result.h"
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace connectors {

struct FileReadFailure {
  std::string why;   // a sentence a person can act on, without the path (the caller names it)
  const std::string& message() const { return why; }
};

Result<std::string, FileReadFailure> read_small_file(const std::string& path, size_t max_bytes);

}  // namespace connectors
