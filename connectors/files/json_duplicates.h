// Finds a key written twice in one JSON object. nlohmann::json keeps the last of them
// silently, so a site engineer's second "servers" would quietly replace the first; the
// loaders call this on text that already parsed and refuse the file. It only reads the
// text (a SAX pass, no document built) and must not change what the parse gives.
#pragma once
#include "connectors/files/json_field.h"

#include <optional>
#include <string>

namespace connectors {

// The first duplicate key, as a FieldError at its JSON path ("checkpoints[1].servers"),
// or nothing. Text that is not valid JSON gives nothing: the parse reports that.
std::optional<FieldError> find_duplicate_key(const std::string& text);

}  // namespace connectors
