// Ordered field messages that never arrived: the sequencer gave up waiting for them (a gap
// skipped after --gap-wait-ms, or at once when its held limit was full) and the twin went
// on without them, so it may now differ from the field. The book gathers them per source
// between reports, so that the log says so and the window raises an alert about once a
// second, never silently (the Feeds panel counts them too, as "missing"). It must not
// decide what is skipped (the Sequencer does).
#pragma once
#include "pipeline/sequencer.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace runner {

struct LostMessages {
  std::string source;
  uint64_t count = 0;              // seqs given up on since the last report
  uint64_t first = 0, last = 0;    // the lowest and highest of them
  uint32_t gaps = 0;
  bool held_full = false;          // one gap was given up at once: the held limit was full
};

class LostMessagesBook {
 public:
  void note(const pipeline::GapSkipped& g);
  // What was noted since the last take, one entry per source, in source name order.
  std::vector<LostMessages> take();
  uint64_t total() const { return total_; }

 private:
  std::map<std::string, LostMessages> pending_;
  uint64_t total_ = 0;
};

// "source gatesim: 4329 ordered messages never arrived (seq 5001-9329, 2 gaps), skipped
// after waiting 2000 ms: the twin may now differ from the field ..."
std::string lost_messages_line(const LostMessages& l, int64_t gap_wait_ms);

}  // namespace runner
