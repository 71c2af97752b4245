// gatetwin --standby: a second twin that can take the control room's run over
// (docs/control-room.md "Fail-over"). While the primary lives it is a follower (its
// stream, in order, into its own core; its own recording with --record) that also
// subscribes to the field itself and holds every QoS 1 input in a StandbyBuffer until the
// stream shows it sequenced. When the primary is dead (its last will "offline" on the
// head, or no head or batch for --takeover-after-ms) and everything the primary published
// is applied, it takes over: the next epoch of the same run (same stream id, seqs going
// on), its sequencer primed with where each source stood in the primary's order, the held
// inputs the primary had not sequenced first (each once), then the field as it comes;
// it publishes the stream, decisions, answers and health like the primary. If it hears a
// newer epoch of the run while it sequences (fenced), it stops at once and becomes a
// standby again (or exits 5 when it had applied seqs the newer epoch sequences too).
// Headless only. It must not take over a run it has not followed to the end of what was
// published, nor sequence while its stream connection has no lease.
#pragma once
#include "runner/twin_args.h"

namespace runner {

// Runs until --run-for, --until-applied or a signal. Exit codes: 0; 1 (set-up or I/O);
// 2 (configuration); 3 (a new run of a restarted primary: restart the standby);
// 4 (no broker); 5 (fenced with a state the newer epoch does not share: restart it).
int run_standby(const TwinArgs& args);

constexpr int kExitFenced = 5;

}  // namespace runner
