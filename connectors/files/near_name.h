// "Did you mean `servers`?": the known name nearest to a mistyped one, for the file
// loaders' error texts (unknown keys, unknown ids). It only suggests: it must never pick
// a name for the loader, which refuses the file either way.
#pragma once
#include <string>
#include <vector>

namespace connectors {

// The name in `known` closest to `typo` by edit distance (ignoring case), if it is close
// enough to be a likely typo (at most 2 edits, and fewer than half the letters); else "".
std::string nearest_name(const std::string& typo, const std::vector<std::string>& known);

// " did you mean `NAME`?" when nearest_name finds one, else "": appended to an error text.
std::string did_you_mean(const std::string& typo, const std::vector<std::string>& known);

}  // namespace connectors
