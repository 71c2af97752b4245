// Ordered field messages that never arrived, per source. See lost_messages.h.
#include "runner/lost_messages.h"

#include <algorithm>

namespace runner {

void LostMessagesBook::note(const pipeline::GapSkipped& g) {
  if (g.last < g.first) return;
  const uint64_t n = g.last - g.first + 1;
  LostMessages& l = pending_[g.source];
  if (l.count == 0) {
    l.source = g.source;
    l.first = g.first;
    l.last = g.last;
  } else {
    l.first = std::min(l.first, g.first);
    l.last = std::max(l.last, g.last);
  }
  l.count += n;
  l.gaps++;
  l.held_full = l.held_full || g.held_full;
  total_ += n;
}

std::vector<LostMessages> LostMessagesBook::take() {
  std::vector<LostMessages> out;
  out.reserve(pending_.size());
  for (auto& [name, l] : pending_) out.push_back(std::move(l));
  pending_.clear();
  return out;
}

std::string lost_messages_line(const LostMessages& l, int64_t gap_wait_ms) {
  std::string line = "source " + l.source + ": " + std::to_string(l.count) + " ordered message" + (l.count == 1 ? "" : "s") +
                     " never arrived (seq " + std::to_string(l.first);
  if (l.last != l.first) line += "-" + std::to_string(l.last);
  if (l.gaps > 1) line += ", " + std::to_string(l.gaps) + " gaps";
  line += "), skipped ";
  line += l.held_full ? std::string("at once (the held limit was full)") : "after waiting " + std::to_string(gap_wait_ms) + " ms";
  line += ": the twin may now differ from the field. A broker that drops a slow subscriber's queue does this "
          "(mosquitto: max_queued_messages 0, docs/mqtt.md \"Broker settings\"); so does a source that skips seqs";
  return line;
}

}  // namespace runner
