// The twin without a window: loads the sites, connects to the broker and runs the frame
// loop until --run-for, --until-applied or a signal; writes --stats at exit. It must not
// draw anything; the windowed app runs the same FrameLoop and adds drawing.
#pragma once
#include "twin_args.h"

// Returns the process exit code.
int run_headless(const TwinArgs& args);
