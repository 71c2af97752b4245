// Text from outside (a payload's src, plate, session; a topic) made safe for one log line:
// control characters (a newline that would start a forged line, a terminal escape) are
// written as \n, \r, \t or \xNN, and a backslash as \\. Bytes 0x80 and above pass
// unchanged (UTF-8 names such as "Hữu Nghị"). It must not shorten or quote: callers
// quote the values they embed.
#pragma once
#include <string>
#include <string_view>

namespace connectors {

std::string printable(std::string_view text);

}  // namespace connectors
