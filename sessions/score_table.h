// The score of a scenario session as a table with column headers, for the headless
// command line (text) and the window's score panel (the same columns). Formatting only.
#pragma once
#include "twin/scenario_score.h"

#include <array>
#include <string>

namespace sessions {

// The columns, in order: KPI (unit), session, baseline, change, score, weight.
const std::array<const char*, 6>& score_table_columns();
// One row's cells, in the columns' order ("dwell p95 (min)", "96.0", "87.4", "-10%", "45", "1"); the
// change is the relative improvement (+ is better), as gatesim --scenario prints it.
std::array<std::string, 6> score_table_row(const twin::KpiScore& k);
// The table: a header line, a rule, one line per KPI, a line saying how to read it.
std::string score_table_text(const twin::ScenarioScore& score);

}  // namespace sessions
