// The audit subcommand. See audit_cmd.h.
#include "runner/audit_cmd.h"

#include "connectors/store/audit_chain.h"
#include "connectors/store/audit_signature.h"

#include <cstdio>
#include <string>

namespace runner {

int run_audit_command(int argc, char** argv) {
  const char* usage =
      "usage: gatetwin audit verify FILE [--key PUBLIC.pem]\n\n"
      "Checks the hash chain over the operator commands in a recording (--record FILE).\n"
      "Exit 0: intact; 1: a record was altered, deleted or inserted (named); 2: the file\n"
      "cannot be read. The chain alone cannot show rows cut from the very end, nor a chain\n"
      "rewritten and re-hashed by whoever could write the file: with --key (the public half\n"
      "of the twin's --audit-key), the head must also equal the head the twin signed in\n"
      "FILE.audit-sig, or the check fails (1).\n";
  if (argc == 3 && (std::string(argv[2]) == "-h" || std::string(argv[2]) == "--help")) {
    std::fputs(usage, stdout);
    return 0;
  }
  const bool with_key = argc == 6 && std::string(argv[4]) == "--key";
  if ((argc != 4 && !with_key) || std::string(argv[2]) != "verify") {
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
  if (with_key) {  // the head the twin signed, against the chain as it is now
    auto sh = connectors::read_signed_head(path);
    if (auto* why = std::get_if<connectors::Failure>(&sh)) {
      std::printf("BROKEN %s: %s\n", path.c_str(), why->message().c_str());
      return 1;
    }
    const connectors::SignedHead& s = std::get<connectors::SignedHead>(sh);
    if (auto bad = connectors::check_signed_head(s, argv[5])) {
      std::printf("BROKEN %s: %s\n", path.c_str(), bad->message().c_str());
      return 1;
    }
    if (s.head.index != rep.head.index || s.head.hash != rep.head.hash) {
      std::string why = s.head.index > rep.head.index
                            ? "the twin signed a chain of " + std::to_string(s.head.index) + " commands; the file holds " +
                                  std::to_string(rep.head.index) + ": commands were cut from the end"
                        : s.head.index < rep.head.index
                            ? std::to_string(rep.head.index - s.head.index) + " command(s) after the last signed head (index " +
                                  std::to_string(s.head.index) + "): added afterwards, or the twin stopped before signing them"
                            : "the chain's head hash differs from the one the twin signed: the commands were rewritten and re-hashed";
      std::printf("BROKEN %s: %s\n", path.c_str(), why.c_str());
      return 1;
    }
  }
  std::printf("intact%s %s: %llu commands, %llu chained, %llu unchained (written before schema 2); head index %lld hash %s\n",
              with_key ? " and signed" : "",
              path.c_str(), static_cast<unsigned long long>(rep.records),
              static_cast<unsigned long long>(rep.records - rep.unchained), static_cast<unsigned long long>(rep.unchained),
              static_cast<long long>(rep.head.index), rep.head.hash.c_str());
  return 0;
}

}  // namespace runner
