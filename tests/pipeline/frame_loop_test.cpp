// The frame loop over fake ports (pipeline/frame_ports.h): a vector as the input source,
// a list as the decision sink, and the test's own clock values. No thread, no broker, no
// wall clock. What it proves: the same events give the in-process state and decisions
// however they arrive within a frame; a missing seq is waited for exactly the gap wait
// of the frame clock, then skipped and counted; nothing is published without a sink.
// Seed: GATETWIN_TEST_SEED (default 7). Nothing here skips itself.
#include "pipeline/frame_loop.h"
#include "pipeline/frame_ports.h"
#include "pipeline/sequencer.h"

#include "connectors/files/site_file.h"
#include "twin/core.h"
#include "twin/run.h"
#include "twin/simulator.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

using connectors::FieldMessage;
using connectors::MessageClass;

namespace {

uint64_t test_seed() {
  const char* s = std::getenv("GATETWIN_TEST_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 7;
}

std::vector<twin::SiteSpec> shipped_sites() {
  auto loaded = connectors::load_sites("all", std::string(GATETWIN_SOURCE_DIR) + "/assets/sites");
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  return std::get<std::vector<twin::SiteSpec>>(loaded);
}

// Each frame drains the next batch the test queued (or nothing).
class FakeSource final : public pipeline::InputSource {
 public:
  std::deque<std::vector<FieldMessage>> frames;
  size_t drain(std::vector<FieldMessage>& out, size_t max, std::chrono::microseconds) override {
    if (frames.empty()) return 0;
    std::vector<FieldMessage>& batch = frames.front();
    const size_t n = std::min(max, batch.size());
    for (size_t i = 0; i < n; ++i) out.push_back(std::move(batch[i]));
    batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
    if (batch.empty()) frames.pop_front();
    return n;
  }
};

class FakeSink final : public pipeline::DecisionSink {
 public:
  twin::Decisions all;
  size_t calls = 0;
  void publish(const twin::Decisions& d) override {
    ++calls;
    all.insert(all.end(), d.begin(), d.end());
  }
};

struct InProcess {
  std::vector<twin::Event> events;
  twin::Decisions decisions;
  uint64_t hash = 0;
};

// The seeded field, folded in-process: the reference the loop must reproduce.
InProcess in_process(const std::vector<twin::SiteSpec>& sites, twin::SimTime until) {
  twin::SimOptions opt;
  opt.seed = test_seed();
  for (const auto& s : sites) opt.vehicles_per_day.push_back(s.arrivals.per_day_2030);
  twin::Core core(sites);
  twin::Simulator sim(core.sites(), opt);
  InProcess r;
  twin::run_until(core, sim, until, [&](const twin::Event& e, const twin::Decisions& d) {
    r.events.push_back(e);
    r.decisions.insert(r.decisions.end(), d.begin(), d.end());
  });
  r.hash = core.state_hash();
  return r;
}

FieldMessage message_of(const twin::Event& e) {
  return FieldMessage{"field-sim", e.seq, e.time_ms, e.site, e.body, MessageClass::Ordered, "test"};
}

}  // namespace

TEST_CASE("the loop over fake ports folds the field to the in-process state, however a frame's messages are ordered") {
  INFO("seed " << test_seed() << " (GATETWIN_TEST_SEED)");
  const auto sites = shipped_sites();
  const InProcess want = in_process(sites, 2 * twin::kHour);
  REQUIRE(want.events.size() > 500);

  FakeSource source;
  for (size_t i = 0; i < want.events.size(); i += 97) {  // batches of 97, each reversed
    std::vector<FieldMessage> batch;
    for (size_t j = std::min(want.events.size(), i + 97); j-- > i;) batch.push_back(message_of(want.events[j]));
    source.frames.push_back(std::move(batch));
  }
  FakeSink sink;
  twin::Core core(sites);
  pipeline::Sequencer sequencer;
  pipeline::FrameLoop loop(core, source, sequencer, &sink, nullptr);
  int64_t now_ms = 0;
  for (int frame = 0; !source.frames.empty() && frame < 100000; ++frame) loop.run_frame(now_ms += 16);

  CHECK(loop.stats().applied == want.events.size());
  CHECK(sequencer.stats().gaps_skipped == 0);
  CHECK(core.state_hash() == want.hash);
  REQUIRE(sink.all.size() == want.decisions.size());
  CHECK(sink.calls == loop.stats().frames);
  for (size_t i = 0; i < want.decisions.size(); ++i) {
    INFO("decision " << i);
    REQUIRE(sink.all[i].kind == want.decisions[i].kind);
    REQUIRE(sink.all[i].shipment == want.decisions[i].shipment);
  }
}

TEST_CASE("a missing seq is waited for the gap wait of the frame clock, then skipped and counted") {
  const auto sites = shipped_sites();
  const InProcess field = in_process(sites, 1 * twin::kHour);
  REQUIRE(field.events.size() > 10);
  FakeSource source;
  // seqs 1, 2, then 4, 5: seq 3 never comes.
  source.frames.push_back({message_of(field.events[0]), message_of(field.events[1]), message_of(field.events[3]),
                           message_of(field.events[4])});
  twin::Core core(sites);
  pipeline::SequencerLimits limits;
  limits.gap_wait_ms = 2000;
  pipeline::Sequencer sequencer(limits);
  pipeline::FrameLoop loop(core, source, sequencer, nullptr, nullptr);  // no sink: nothing published

  CHECK(loop.run_frame(1000) == 2);   // 1 and 2; 4 and 5 wait for 3
  CHECK(sequencer.stats().held == 2);
  CHECK(loop.run_frame(2999) == 0);   // 1,999 ms into the wait
  CHECK(sequencer.stats().gaps_skipped == 0);
  CHECK(loop.run_frame(3001) == 2);   // past 2,000 ms: 3 is given up, 4 and 5 go in
  CHECK(sequencer.stats().gaps_skipped == 1);
  CHECK(sequencer.stats().seqs_skipped == 1);
  CHECK(loop.stats().applied == 4);
  CHECK(loop.publish_decisions() == 0);
}
