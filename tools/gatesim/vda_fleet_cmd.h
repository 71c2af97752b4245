// gatesim --guide-protocol vda5050: the guide vehicles of the site files' "vda5050"
// sections connected to the broker as VDA 5050 vehicles (connectors/vda5050/sim_fleet.h),
// before the run starts. Must not: publish gatesim's private topics or fold events.
#pragma once
#include "sim_args.h"

#include "connectors/vda5050/sim_fleet.h"
#include "twin/core.h"

#include <memory>

struct VdaFleetStart {
  std::unique_ptr<connectors::vda5050::SimFleet> fleet;  // null when it could not start
  int exit_code = 0;  // 2: no VDA 5050 vehicles, or a broker configuration error; 4: no connection in 10 s
};

// Starts the fleet (its run time 0 is --epoch, else the gate's midnight today), or says on
// stderr why not and returns the exit code.
VdaFleetStart start_vda_fleet(const SimArgs& args, const twin::Core& core);
