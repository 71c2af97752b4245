// gatesim --capacity-table and --sensitivity: the command-line side of the capacity
// library (capacity/): options from the flags, the table or the sweep, printing and
// the sweep's CSV and PNG. The measuring is the library's.
#pragma once
#include "sim_args.h"

#include "twin/site.h"

#include <vector>

int print_capacity_table(const std::vector<twin::SiteSpec>& sites, const SimArgs& args);
int run_sensitivity_command(const std::vector<twin::SiteSpec>& sites, const SimArgs& args);
