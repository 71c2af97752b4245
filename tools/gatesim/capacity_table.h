// The capacity question of the pilot: vehicles a day each road can clear under each
// lane plan, measured by saturating the simulated site. Prints a Markdown table.
#pragma once
#include "twin/site.h"

#include <cstdint>
#include <vector>

int print_capacity_table(const std::vector<twin::SiteSpec>& sites, uint64_t seed);
