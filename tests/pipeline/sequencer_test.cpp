// Tests the twin's sequencer (per-source order, stale and duplicate messages, gap wait,
// time that never goes back, twin seq) and the bounded MQTT-to-core queue (positions
// latest-wins and counted, ordered messages never dropped, the producer waits when
// full). No broker needed; never skips.
#include <catch2/catch.hpp>

#include "connectors/mqtt/ingest_queue.h"
#include "pipeline/sequencer.h"

#include <atomic>
#include <thread>

using namespace connectors;
using namespace pipeline;

namespace {

FieldMessage ordered(const std::string& src, uint64_t seq, int64_t t_ms) {
  FieldMessage m;
  m.source = src;
  m.source_seq = seq;
  m.time_ms = t_ms;
  m.body = twin::HandoverCompleted{static_cast<twin::ShipmentId>(seq)};
  return m;
}

FieldMessage position(const std::string& src, uint64_t seq, uint32_t id, float x) {
  FieldMessage m;
  m.source = src;
  m.source_seq = seq;
  m.time_ms = 0;
  m.body = twin::PositionReport{twin::EntityKind::GuideVehicle, id, {x, 0}, 0};
  m.cls = MessageClass::Telemetry;
  return m;
}

std::vector<uint64_t> source_seqs(const std::vector<SequencedEvent>& v) {
  std::vector<uint64_t> out;
  for (auto& e : v) out.push_back(e.source_seq);
  return out;
}

}  // namespace

TEST_CASE("sequencer releases one source in its seq order across topics", "[mqtt][sequencer]") {
  Sequencer s;
  std::vector<SequencedEvent> ready;
  s.accept(ordered("a", 2, 20), 0, ready);
  s.accept(ordered("a", 4, 40), 0, ready);
  CHECK(ready.empty());
  s.accept(ordered("a", 1, 10), 0, ready);
  CHECK(source_seqs(ready) == std::vector<uint64_t>{1, 2});
  s.accept(ordered("a", 3, 30), 0, ready);
  CHECK(source_seqs(ready) == std::vector<uint64_t>{1, 2, 3, 4});
  // The twin's own seq is strictly increasing from 1; time follows the source.
  for (size_t i = 0; i < ready.size(); ++i) {
    CHECK(ready[i].event.seq == i + 1);
    CHECK(ready[i].event.time_ms == static_cast<int64_t>(10 * (i + 1)));
  }
  CHECK(s.stats().held == 0);
  CHECK(s.stats().gaps_skipped == 0);
}

TEST_CASE("sequencer ignores stale and duplicate messages", "[mqtt][sequencer]") {
  Sequencer s;
  std::vector<SequencedEvent> ready;
  s.accept(ordered("a", 1, 10), 0, ready);
  s.accept(ordered("a", 3, 30), 0, ready);
  s.accept(ordered("a", 3, 30), 0, ready);   // duplicate of a held one
  s.accept(ordered("a", 1, 10), 0, ready);   // already released: stale
  CHECK(ready.size() == 1);
  CHECK(s.stats().duplicate == 1);
  CHECK(s.stats().stale == 1);
  s.accept(ordered("a", 2, 20), 0, ready);
  CHECK(source_seqs(ready) == std::vector<uint64_t>{1, 2, 3});
  s.accept(ordered("a", 2, 20), 0, ready);   // redelivered after release
  CHECK(ready.size() == 3);
  CHECK(s.stats().stale == 2);
}

TEST_CASE("sequencer gives up on a gap after the gap wait, and only then", "[mqtt][sequencer]") {
  SequencerLimits lim;
  lim.gap_wait_ms = 500;
  Sequencer s(lim);
  std::vector<SequencedEvent> ready;
  s.accept(ordered("a", 1, 10), 1000, ready);
  s.accept(ordered("a", 3, 30), 1000, ready);
  s.poll(1499, ready);
  CHECK(ready.size() == 1);
  s.poll(1500, ready);
  CHECK(source_seqs(ready) == std::vector<uint64_t>{1, 3});
  CHECK(s.stats().gaps_skipped == 1);
  CHECK(s.stats().seqs_skipped == 1);
  s.accept(ordered("a", 2, 20), 1600, ready);  // arrived too late: stale, not applied out of order
  CHECK(ready.size() == 2);
  CHECK(s.stats().stale == 1);
  // A source first seen mid-stream waits the gap, then starts where it is.
  s.accept(ordered("late", 500, 40), 2000, ready);
  CHECK(ready.size() == 2);
  s.poll(2500, ready);
  CHECK(ready.size() == 3);
  CHECK(s.expected("late") == 501);
}

TEST_CASE("sequencer tells each gap it gives up on: which seqs, why, and whether the source had begun", "[mqtt][sequencer]") {
  SequencerLimits lim;
  lim.gap_wait_ms = 500;
  lim.max_held = 4;
  Sequencer s(lim);
  std::vector<GapSkipped> told;
  SequencerHooks h;
  h.gap_skipped = [&](const GapSkipped& g) { told.push_back(g); };
  s.set_hooks(h);
  std::vector<SequencedEvent> ready;
  for (uint64_t q : {1, 2, 6, 7}) s.accept(ordered("a", q, 10), 1000, ready);
  s.poll(1500, ready);
  REQUIRE(told.size() == 1);
  CHECK(told[0].source == "a");
  CHECK(told[0].first == 3);
  CHECK(told[0].last == 5);
  CHECK_FALSE(told[0].held_full);
  CHECK_FALSE(told[0].before_first);
  // A source first heard at seq 40: its 1-39 were before the twin listened.
  s.accept(ordered("late", 40, 10), 1600, ready);
  s.poll(2100, ready);
  REQUIRE(told.size() == 2);
  CHECK(told[1].first == 1);
  CHECK(told[1].last == 39);
  CHECK(told[1].before_first);
  // The held limit full: the gap is given up at once.
  for (uint64_t q : {10, 11, 12, 13, 14}) s.accept(ordered("a", q, 10), 2200, ready);
  REQUIRE(told.size() == 3);
  CHECK(told[2].first == 8);
  CHECK(told[2].last == 9);
  CHECK(told[2].held_full);
  CHECK(s.stats().seqs_skipped == 3 + 39 + 2);
}

TEST_CASE("sequencer bounds what it holds and keeps time from going back", "[mqtt][sequencer]") {
  SequencerLimits lim;
  lim.max_held = 8;
  Sequencer s(lim);
  std::vector<SequencedEvent> ready;
  for (uint64_t q = 2; q <= 20; ++q) s.accept(ordered("a", q, static_cast<int64_t>(q)), 0, ready);
  CHECK(s.stats().held <= 8);
  CHECK(s.stats().gaps_skipped >= 1);
  // Another source with an older clock: its events are applied at the core's clock.
  s.accept(ordered("b", 1, 0), 0, ready);
  REQUIRE(!ready.empty());
  CHECK(ready.back().source == "b");
  CHECK(ready.back().event.time_ms == ready[ready.size() - 2].event.time_ms);
  CHECK(s.stats().time_clamped == 1);
  for (size_t i = 1; i < ready.size(); ++i) {
    CHECK(ready[i].event.seq == ready[i - 1].event.seq + 1);
    CHECK(ready[i].event.time_ms >= ready[i - 1].event.time_ms);
  }
}

TEST_CASE("sequencer applies positions latest-wins per entity", "[mqtt][sequencer]") {
  Sequencer s;
  std::vector<SequencedEvent> ready;
  s.accept(position("gnss", 5, 1, 5.f), 0, ready);
  s.accept(position("gnss", 4, 1, 4.f), 0, ready);  // older than applied: ignored
  s.accept(position("gnss", 4, 2, 4.f), 0, ready);  // another entity: applied
  s.accept(position("gnss", 9, 1, 9.f), 0, ready);  // gaps are fine for telemetry
  CHECK(source_seqs(ready) == std::vector<uint64_t>{5, 4, 9});
  CHECK(s.stats().stale_telemetry == 1);
  CHECK(s.stats().released_telemetry == 3);
}

TEST_CASE("ingest queue: positions superseded and counted, ordered never dropped", "[mqtt][queue]") {
  IngestQueue q(16);
  for (uint64_t i = 1; i <= 100; ++i) REQUIRE(q.push(position("gnss", i, static_cast<uint32_t>(i % 3), static_cast<float>(i))));
  CHECK(q.stats().size == 3);
  CHECK(q.stats().superseded == 97);
  std::vector<FieldMessage> out;
  q.drain(out, 100, std::chrono::microseconds(0));
  REQUIRE(out.size() == 3);
  for (auto& m : out) CHECK(m.source_seq >= 98);  // only the latest of each entity is left

  // Ordered messages beyond the capacity: the producer waits until the consumer drains.
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (uint64_t i = 1; i <= 1000; ++i) {
      q.push(ordered("a", i, 0));
      pushed++;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(pushed.load() <= 17);  // blocked at the bound
  out.clear();
  while (out.size() < 1000) q.drain(out, 7, std::chrono::microseconds(1000));
  producer.join();
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i].source_seq == i + 1);  // all of them, in order
  CHECK(q.stats().producer_waits > 0);
  CHECK(q.stats().high_water <= 16);
}

TEST_CASE("ingest queue: close wakes a waiting producer", "[mqtt][queue]") {
  IngestQueue q(1);
  REQUIRE(q.push(ordered("a", 1, 0)));
  std::atomic<bool> result{true};
  std::thread producer([&] { result = q.push(ordered("a", 2, 0)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.close();
  producer.join();
  CHECK_FALSE(result.load());
}

TEST_CASE("sequencer: one account cannot fill the source table; idle sources make room", "[mqtt][sequencer][security]") {
  SequencerLimits l;
  l.max_sources = 8;
  l.max_sources_per_account = 3;
  l.evict_idle_ms = 600000;
  Sequencer sq(l);
  std::vector<SequencedEvent> out;
  auto from = [](const std::string& account, const std::string& src, uint64_t seq, int64_t t) {
    FieldMessage m = ordered(src, seq, t);
    m.account = account;
    return m;
  };
  // dev-1 invents ten source names: three are taken, seven refused.
  for (int i = 0; i < 10; ++i) sq.accept(from("dev-1", "dev-1/junk" + std::to_string(i), 1, 1000), 1000, out);
  CHECK(sq.stats().sources == 3);
  CHECK(sq.stats().too_many_sources == 7);
  // Another account's console is still heard, and so are unbound sources (account "").
  out.clear();
  sq.accept(from("console-1", "console-1", 1, 2000), 2000, out);
  sq.accept(from("", "gate-cam", 1, 2000), 2000, out);
  CHECK(source_seqs(out) == std::vector<uint64_t>{1, 1});
  // Fill the table (8) with three more accounts' sources.
  sq.accept(from("a", "a", 1, 3000), 3000, out);
  sq.accept(from("b", "b", 1, 3000), 3000, out);
  sq.accept(from("c", "c", 1, 3000), 3000, out);
  CHECK(sq.stats().sources == 8);
  sq.accept(from("d", "d", 1, 4000), 4000, out);   // full, nothing idle yet: refused
  CHECK(sq.stats().too_many_sources == 8);
  // Ten minutes after dev-1's junk went silent it is forgotten, the longest silent first.
  sq.accept(from("a", "a", 2, 590000), 590000, out);          // "a" keeps speaking
  out.clear();
  sq.accept(from("d", "d", 1, 601000), 601000, out);
  CHECK(source_seqs(out) == std::vector<uint64_t>{1});
  CHECK(sq.stats().sources_evicted == 1);
  CHECK(sq.stats().sources == 8);
  // A new dev-1 name while the table is full: the idlest source (dev-1's own junk) goes,
  // not the consoles that spoke 599 s ago, nor a busy one.
  sq.accept(from("dev-1", "dev-1/new", 1, 601000), 601000, out);
  CHECK(sq.stats().sources_evicted == 2);
  CHECK(sq.expected("a") == 3);   // a busy source is never forgotten
}
