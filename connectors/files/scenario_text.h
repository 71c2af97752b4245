// One line of text per scenario incident or scheduled command, for people: the trainer's
// timeline, gatesim's report. Formatting only; it reads the scenario and site specs and
// changes nothing.
#pragma once
#include "twin/scenario.h"
#include "twin/site.h"

#include <string>

namespace connectors {

// "10:00-12:00  m1119  scanner server 2 fails"
std::string describe_incident(const twin::Incident& incident, const twin::SiteSpec& site);
// "10:05  m1119  prioritise_goods fruit  (supervisor model.answer: reason)"
std::string describe_command(const twin::ScheduledCommand& command, const twin::SiteSpec& site);

}  // namespace connectors
