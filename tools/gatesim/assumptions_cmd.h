// gatesim --assumptions [--site ID] [--json]: every number of the site file(s) with its
// JSON path, value and source note, marked sourced or assumed (docs/gatesim.md). Prints
// only; the notes and their rules are connectors/files/site_notes.h.
#pragma once
#include "sim_args.h"

int print_assumptions(const SimArgs& args);
