// `gatetwin audit verify FILE [--key PUBLIC.pem]`: walks the audit chain of a recording's
// operator commands (connectors/store/audit_chain.h) and prints whether it is intact, or
// the first altered or missing record; with --key, also checks the head the twin signed
// (audit_signature.h). Read-only: it must never write the recording.
#pragma once

namespace runner {

// argv[1] is "audit". Returns the exit code: 0 intact, 1 broken chain, 2 usage or an
// unreadable file.
int run_audit_command(int argc, char** argv);

}  // namespace runner
