// FileProbe: classify a file by its SQLite header. Header layout from
// https://www.sqlite.org/fileformat2.html#the_database_header (100 bytes, big-endian).
#include "connectors/store/file_probe.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace connectors {

namespace {
constexpr char kSqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
}  // namespace

StoreResult<FileProbe::Kind> FileProbe::check(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Kind::Missing;
    return StoreError{StoreErrorCode::CannotOpen, path, std::string("cannot stat the file: ") + std::strerror(errno)};
  }
  if (!S_ISREG(st.st_mode))
    return StoreError{StoreErrorCode::CannotOpen, path, "not a regular file (a directory or a device?)"};
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0) return Kind::Empty;

  uint8_t h[100] = {};
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return StoreError{StoreErrorCode::CannotOpen, path, std::string("cannot read the file: ") + std::strerror(errno)};
  const size_t got = std::fread(h, 1, sizeof h, f);
  std::fclose(f);

  const size_t magic_len = std::min<size_t>(got, sizeof kSqliteMagic);
  if (std::memcmp(h, kSqliteMagic, magic_len) != 0)
    return StoreError{StoreErrorCode::NotSqlite, path,
                      "the file does not start with the SQLite header (\"SQLite format 3\"); it is not a recording "
                      "(a JSON trace or a log file?)"};
  if (got < sizeof h)
    return StoreError{StoreErrorCode::Truncated, path,
                      "only " + std::to_string(size) + " bytes: the file ends inside the 100-byte SQLite header; the "
                      "copy or download was cut short"};

  uint32_t page_size = (uint32_t{h[16]} << 8) | h[17];
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0)
    return StoreError{StoreErrorCode::Corrupt, path, "the SQLite header gives an invalid page size " + std::to_string(page_size)};
  // The in-header page count is valid only when the change counter matches
  // version-valid-for (offsets 24 and 92). A -wal file beside it may legitimately hold
  // pages not yet copied back, so the size check is skipped while one exists.
  const uint32_t pages = be32(h + 28);
  const bool count_valid = pages != 0 && be32(h + 24) == be32(h + 92);
  struct stat wal{};
  const bool has_wal = ::stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  if (count_valid && !has_wal && size < uint64_t{pages} * page_size)
    return StoreError{StoreErrorCode::Truncated, path,
                      "the SQLite header says " + std::to_string(pages) + " pages of " + std::to_string(page_size) +
                          " bytes (" + std::to_string(uint64_t{pages} * page_size) + " bytes) but the file has " +
                          std::to_string(size) + "; the copy was cut short, get the whole file again"};
  return Kind::Sqlite;
}

}  // namespace connectors
