// The nearest known name to a typo. See near_name.h.
#include "connectors/files/near_name.h"

#include <algorithm>
#include <cctype>

namespace connectors {
namespace {

// Levenshtein distance, case-insensitive; names here are short (keys, ids).
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string nearest_name(const std::string& typo, const std::vector<std::string>& known) {
  if (typo.size() > 256) return "";  // not a typo of a key; and keeps the table small
  std::string best;
  size_t best_d = 3;  // at most 2 edits
  for (const auto& name : known) {
    const size_t d = edit_distance(typo, name);
    if (d < best_d && 2 * d < std::max(typo.size(), name.size())) best = name, best_d = d;
  }
  return best;
}

std::string did_you_mean(const std::string& typo, const std::vector<std::string>& known) {
  std::string near = nearest_name(typo, known);
  return near.empty() ? "" : " did you mean `" + near + "`?";
}

}  // namespace connectors
