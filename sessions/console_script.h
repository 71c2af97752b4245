// A console script (`gatetwin --scenario FILE --console-script SCRIPT`): a trainee's
// commands at given scenario times, one a line as `--command` takes them plus a reason:
//   HH:MM[:SS],SITE,KIND,TARGET[,REASON]     # a comment; blank lines are skipped
// e.g. `10:05,m1119,prioritise_goods,fruit,scanner down: fruit first`. In the window the
// script types each command into the console (the reason box and the buttons' own
// command path) when the scenario clock reaches its time; headless, the run is advanced
// to that time and the command given there: the same calls in the same order, so both
// end with the same score. Parsing only, no I/O but reading the file; no clock.
#pragma once
#include "connectors/result.h"
#include "sessions/replay_args.h"

#include "twin/core.h"

#include <string>
#include <vector>

namespace sessions {

struct ScriptCommand {
  twin::SimTime at_ms = 0;
  ForkCommandArg command;   // at_ms, site, kind, target
  std::string reason;       // "console script" when the line gives none
  int line = 0;             // in the file, for messages
};

// Sorted by time; lines of equal time keep their order.
using ConsoleScript = std::vector<ScriptCommand>;

connectors::Result<ConsoleScript> parse_console_script(const std::string& text, const std::string& name);
connectors::Result<ConsoleScript> read_console_script(const std::string& path);

// --command T,SITE,KIND,TARGET arguments as script commands (reason "console script").
ConsoleScript script_of_commands(const std::vector<ForkCommandArg>& commands);

// The command a line gives, resolved against the sites (lane, goods and site ids), as the
// trainee at this console would send it: actor, role and the line's reason.
connectors::Result<twin::OperatorCommand> script_command(const ScriptCommand& c, const std::vector<twin::SiteSpec>& sites,
                                                         const std::string& actor, twin::Role role, uint8_t& site);

}  // namespace sessions
