// The audit subcommand. See audit_cmd.h.
#include "runner/audit_cmd.h"

#include "connectors/store/audit_chain.h"

#include <cstdio>
#include <string>

namespace runner {

int run_audit_command(int argc, char** argv) {
  const char* usage =
      "usage: gatetwin audit verify FILE\n\n"
      "Checks the hash chain over the operator commands in a recording (--record FILE).\n"
      "Exit 0: intact; 1: a record was altered, deleted or inserted (named); 2: the file\n"
      "cannot be read. Rows cut from the very end cannot be seen by the chain alone:\n"
      "compare the head printed here with the head the twin logged when it stopped.\n";
  if (argc == 3 && (std::string(argv[2]) == "-h" || std::string(argv[2]) == "--help")) {
    std::fputs(usage, stdout);
    return 0;
  }
  if (argc != 4 || std::string(argv[2]) != "verify") {
    std::fputs(usage, stderr);
    return 2;
  }
  const std::string path = argv[3];
  auto r = connectors::AuditChain::verify(path);
  if (auto* e = std::get_if<connectors::StoreError>(&r)) {
    std::fprintf(stderr, "gatetwin audit: %s\n", e->message().c_str());
    return 2;
  }
  const auto& rep = std::get<connectors::AuditReport>(r);
  if (!rep.intact) {
    std::printf("BROKEN %s: %s\n", path.c_str(), rep.problem.c_str());
    return 1;
  }
  std::printf("intact %s: %llu commands, %llu chained, %llu unchained (written before schema 2); head index %lld hash %s\n",
              path.c_str(), static_cast<unsigned long long>(rep.records),
              static_cast<unsigned long long>(rep.records - rep.unchained), static_cast<unsigned long long>(rep.unchained),
              static_cast<long long>(rep.head.index), rep.head.hash.c_str());
  return 0;
}

}  // namespace runner
