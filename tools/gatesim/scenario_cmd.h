// gatesim --scenario FILE: runs a scenario to its end in-process twice (as given, or with
// its model answer; and with no intervention) and prints both KPI summaries and the
// score. Printing only; the run and the score are twin::ScenarioRun's.
#pragma once
#include "sim_args.h"

// Returns the process exit code: 0 done, 1 the scenario file does not load, 3 an
// invariant was violated (with --check).
int run_scenario_command(const SimArgs& args);
