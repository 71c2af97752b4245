// Score tables. See score_table.h.
#include "sessions/score_table.h"

#include <cstdio>

namespace sessions {

const std::array<const char*, 6>& score_table_columns() {
  static const std::array<const char*, 6> c{"KPI (unit)", "session", "baseline", "better by", "score", "weight"};
  return c;
}

std::array<std::string, 6> score_table_row(const twin::KpiScore& k) {
  char s[32], b[32], d[32], sc[32], w[32];
  std::snprintf(s, sizeof s, "%.1f", k.session);
  std::snprintf(b, sizeof b, "%.1f", k.baseline);
  // As gatesim --scenario prints it: + is better, against max(|baseline|, floor).
  const double change = k.improvement * 100;
  std::snprintf(d, sizeof d, "%+.0f%%", change);
  std::snprintf(sc, sizeof sc, "%.0f", k.score);
  std::snprintf(w, sizeof w, "%.0f", k.weight);
  return {k.label + " (" + k.unit + ")", s, b, d, sc, w};
}

std::string score_table_text(const twin::ScenarioScore& score) {
  std::string out;
  char line[256];
  const auto& c = score_table_columns();
  std::snprintf(line, sizeof line, "  %-42s %10s %10s %9s %6s %6s\n", c[0], c[1], c[2], c[3], c[4], c[5]);
  out += line;
  out += "  " + std::string(42 + 4 * 1 + 10 + 10 + 9 + 6 + 6 + 1, '-') + "\n";
  for (const auto& k : score.kpis) {
    const auto r = score_table_row(k);
    std::snprintf(line, sizeof line, "  %-42s %10s %10s %9s %6s %6s\n", r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str(),
                  r[4].c_str(), r[5].c_str());
    out += line;
  }
  out += "  (better by: the improvement on the baseline, against max(baseline, floor), negative when worse; score: 50 = as without intervention)\n";
  return out;
}

}  // namespace sessions
