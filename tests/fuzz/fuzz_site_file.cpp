// libFuzzer target: the site-file loader (connectors/files). Every input must give a
// SiteSpec or a SiteFileError naming the field: no crash, nothing thrown. Seeds:
// tests/fuzz/corpus/site_file (the shipped sites, and broken variants).
#include "connectors/files/site_file.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  connectors::SiteFileResult r = connectors::parse_site(text, "fuzz.json");
  if (auto* e = std::get_if<connectors::SiteFileError>(&r)) (void)e->message();
  return 0;
}
