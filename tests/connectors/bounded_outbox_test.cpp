// Tests BoundedOutbox (connectors/mqtt/bounded_outbox.h) alone, with plain ints for items
// and a handler that records what it is given: a full outbox drops the oldest (counted)
// and push() never waits, order is kept, batches keep to max_batch and to `joins`, the
// high water counts what is in hand, failed and unreported items, stop() with and without
// a drain, wait_empty(), poke() and wake_at() rounds. No broker; never skips.
#include <catch2/catch.hpp>

#include "connectors/mqtt/bounded_outbox.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

using namespace connectors;
using namespace std::chrono_literals;
using Outbox = BoundedOutbox<int>;

namespace {

// What the handler saw, round by round.
struct Sink {
  std::mutex mu;
  std::vector<int> seen;
  std::vector<std::vector<int>> batches;  // non-empty rounds only
  void take(const std::vector<int>& items) {
    std::lock_guard lock(mu);
    seen.insert(seen.end(), items.begin(), items.end());
    if (!items.empty()) batches.push_back(items);
  }
  std::vector<int> all() {
    std::lock_guard lock(mu);
    return seen;
  }
};

// Holds the handler until opened.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard lock(mu);
      open = true;
    }
    cv.notify_all();
  }
};

// Polls until `done`; 30 s only guards against a hang (a loaded or sanitized machine is slow).
bool eventually(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::vector<int> range(int from, int to) {  // [from, to]
  std::vector<int> v(static_cast<size_t>(to - from + 1));
  std::iota(v.begin(), v.end(), from);
  return v;
}

}  // namespace

TEST_CASE("a full outbox drops the oldest and counts it; the newest go out in order", "[mqtt][outbox]") {
  Sink sink;
  Outbox box({3, 10, 0}, [&](Outbox::Round& r) {
    sink.take(r.items());
    r.published(r.items().size());
  });
  CHECK(box.push(1));
  CHECK(box.push(2));
  CHECK(box.push(3));
  CHECK_FALSE(box.push(4));  // 1 dropped
  CHECK_FALSE(box.push(5));  // 2 dropped
  BoundedOutboxStats s = box.stats();
  CHECK(s.queued == 5);
  CHECK(s.dropped == 2);
  CHECK(s.waiting == 3);
  CHECK(s.high_water == 3);
  CHECK(box.push_all(std::vector<int>{6, 7}) == 2);  // 3 and 4 dropped
  box.start();
  REQUIRE(box.wait_empty(5s));
  CHECK(sink.all() == std::vector<int>{5, 6, 7});
  s = box.stats();
  CHECK(s.queued == 7);
  CHECK(s.published == 3);
  CHECK(s.dropped == 4);
  CHECK(s.failed == 0);
  CHECK(s.waiting == 0);
  CHECK(s.in_hand == 0);
  CHECK(s.high_water == 3);
}

TEST_CASE("push never waits for the publishing thread, even while a round is stuck", "[mqtt][outbox]") {
  Sink sink;
  Gate gate;
  Outbox box({10, 100, 0}, [&](Outbox::Round& r) {
    if (!r.items().empty()) gate.wait();
    sink.take(r.items());
    r.published(r.items().size());
  });
  box.start();
  box.push(1);
  REQUIRE(eventually([&] { return box.stats().in_hand == 1; }));  // the handler holds 1
  // The pushes return while the handler is still stuck on 1 (the gate is shut until below):
  // an event, not a time; the 60 s only guard against a hang (then the gate is opened so
  // that the pushes can end and the failure be reported).
  auto pushes = std::async(std::launch::async, [&] {
    for (int i = 2; i <= 1001; ++i) box.push(i);
  });
  const bool returned = pushes.wait_for(60s) == std::future_status::ready;
  if (!returned) gate.release();
  REQUIRE(returned);
  REQUIRE(box.stats().in_hand == 1);  // still stuck: push never waited for it
  BoundedOutboxStats s = box.stats();
  CHECK(s.waiting == 10);
  CHECK(s.dropped == 990);
  CHECK(s.high_water == 11);  // 10 waiting + 1 in hand
  gate.release();
  REQUIRE(box.wait_empty(5s));
  std::vector<int> expected{1};
  for (int i = 992; i <= 1001; ++i) expected.push_back(i);
  CHECK(sink.all() == expected);
}

TEST_CASE("items leave in the order pushed, in batches of at most max_batch", "[mqtt][outbox]") {
  Sink sink;
  // trim_after 1: every drained backlog gives its memory back (the path runs, nothing changes).
  Outbox box({100000, 64, 1}, [&](Outbox::Round& r) {
    sink.take(r.items());
    r.published(r.items().size());
  });
  box.start();
  std::thread producer([&] {
    for (int i = 0; i < 20000; ++i) {
      box.push(i);
      if (i % 1000 == 0) std::this_thread::sleep_for(1ms);  // let the queue drain now and then
    }
  });
  producer.join();
  REQUIRE(box.wait_empty(10s));
  CHECK(sink.all() == range(0, 19999));
  for (const auto& b : sink.batches) CHECK(b.size() <= 64);
  const BoundedOutboxStats s = box.stats();
  CHECK(s.published == 20000);
  CHECK(s.dropped == 0);
  CHECK(s.high_water >= 1);
  CHECK(s.high_water <= 20000);
}

TEST_CASE("joins decides which items share a batch", "[mqtt][outbox]") {
  Sink sink;
  Outbox box({100, 3, 0},
             [&](Outbox::Round& r) {
               sink.take(r.items());
               r.published(r.items().size());
             },
             [](const std::vector<int>& batch, int next) { return next == batch.back() + 1; });
  box.push_all(std::vector<int>{1, 2, 3, 4, 7, 8, 20});
  box.start();
  REQUIRE(box.wait_empty(5s));
  std::lock_guard lock(sink.mu);
  // Consecutive runs, at most max_batch (3) each.
  CHECK(sink.batches == std::vector<std::vector<int>>{{1, 2, 3}, {4}, {7, 8}, {20}});
}

TEST_CASE("high water counts the items in hand with those waiting", "[mqtt][outbox]") {
  Gate gate;
  Outbox box({100, 4, 0}, [&](Outbox::Round& r) {
    if (!r.items().empty()) gate.wait();
    r.published(r.items().size());
  });
  box.push_all(range(1, 4));
  box.start();  // the first round takes all 4 and holds them
  REQUIRE(eventually([&] { return box.stats().in_hand == 4; }));
  box.push_all(range(5, 14));
  BoundedOutboxStats s = box.stats();
  CHECK(s.waiting == 10);
  CHECK(s.in_hand == 4);
  CHECK(s.high_water == 14);
  gate.release();
  REQUIRE(box.wait_empty(5s));
  s = box.stats();
  CHECK(s.high_water == 14);  // the most at once, kept after the drain
  CHECK(s.published == 14);
}

TEST_CASE("failed items are counted; items left unreported stay queued and nothing more goes out", "[mqtt][outbox]") {
  Sink sink;
  Outbox box({100, 10, 0}, [&](Outbox::Round& r) {
    for (int item : r.items()) {
      if (item == 5) return;  // say the client stopped: 5 and what follows stay
      sink.take({item});
      if (item == 3) r.failed();
      else r.published();
    }
  });
  box.push_all(range(1, 8));
  box.start();
  REQUIRE(eventually([&] { return box.stats().waiting == 4 && box.stats().in_hand == 0; }));
  BoundedOutboxStats s = box.stats();
  CHECK(s.published == 3);  // 1, 2, 4
  CHECK(s.failed == 1);     // 3
  box.push(9);
  std::this_thread::sleep_for(100ms);
  CHECK(box.stats().waiting == 5);  // no round after one that left items unreported
  CHECK_FALSE(box.wait_empty(10ms));
  box.stop();
  s = box.stats();
  CHECK(s.waiting == 5);
  CHECK(sink.all() == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("stop: without a drain what is queued stays; with one it goes out", "[mqtt][outbox]") {
  Sink sink;
  Outbox box({1000, 5, 0}, [&](Outbox::Round& r) {
    for (int item : r.items()) {
      std::this_thread::sleep_for(2ms);
      sink.take({item});
      r.published();
    }
  });
  box.push_all(range(1, 200));
  box.start();
  std::this_thread::sleep_for(30ms);
  SECTION("no drain") {
    box.stop();
    const BoundedOutboxStats s = box.stats();
    CHECK(s.waiting > 0);
    CHECK(s.in_hand == 0);
    CHECK(s.published + s.waiting == 200);
    CHECK(s.published % 5 == 0);  // the round under way finished its batch
    CHECK(sink.all() == range(1, static_cast<int>(s.published)));
    box.push(201);  // still takes items after stop, for nobody
    CHECK(box.stats().waiting == s.waiting + 1);
  }
  SECTION("a drain long enough") {
    box.stop(10s);
    const BoundedOutboxStats s = box.stats();
    CHECK(s.published == 200);
    CHECK(s.waiting == 0);
    CHECK(sink.all() == range(1, 200));
  }
}

TEST_CASE("stop: a handler waiting for room gives up when the drain time is over", "[mqtt][outbox]") {
  std::atomic<int> rounds_with_items{0};
  Outbox box({100, 10, 0}, [&](Outbox::Round& r) {
    if (r.items().empty()) return;
    rounds_with_items++;
    while (!r.abandoning()) std::this_thread::sleep_for(1ms);  // never any room
  });
  box.push_all(range(1, 10));
  box.start();
  REQUIRE(eventually([&] { return rounds_with_items == 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  box.stop(100ms);
  CHECK(std::chrono::steady_clock::now() - t0 >= 100ms);
  const BoundedOutboxStats s = box.stats();
  CHECK(s.published == 0);
  CHECK(s.waiting == 10);  // back in the queue, counted
  CHECK(s.in_hand == 0);
  CHECK(rounds_with_items == 1);
}

TEST_CASE("a round runs at start, after poke(), and when a handler asked with wake_at()", "[mqtt][outbox]") {
  std::atomic<int> rounds{0};
  std::atomic<bool> tick{false}, had_items{false};
  Outbox box({10, 10, 0}, [&](Outbox::Round& r) {
    if (!r.items().empty()) had_items = true;  // (Catch2 assertions stay on the test's thread)
    rounds++;
    if (tick) r.wake_at(std::chrono::steady_clock::now() + 20ms);
  });
  box.start();
  REQUIRE(eventually([&] { return rounds == 1; }));  // at start
  std::this_thread::sleep_for(50ms);
  CHECK(rounds == 1);  // nothing to do: it waits
  box.poke();
  REQUIRE(eventually([&] { return rounds == 2; }));
  tick = true;
  box.poke();
  REQUIRE(eventually([&] { return rounds >= 5; }));  // every 20 ms, by itself
  tick = false;
  box.stop();
  CHECK_FALSE(had_items);
}

TEST_CASE("wait_empty times out while an item is in hand", "[mqtt][outbox]") {
  Gate gate;
  Outbox box({10, 10, 0}, [&](Outbox::Round& r) {
    if (!r.items().empty()) gate.wait();
    r.published(r.items().size());
  });
  CHECK(box.wait_empty(1ms));  // nothing pushed yet
  box.push(1);
  CHECK_FALSE(box.wait_empty(20ms));  // not started
  box.start();
  CHECK_FALSE(box.wait_empty(50ms));  // in hand
  gate.release();
  CHECK(box.wait_empty(5s));
}
