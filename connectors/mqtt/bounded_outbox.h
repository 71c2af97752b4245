// A bounded outbox: a queue that producers (the core's thread) fill without ever waiting,
// drained in order by one publishing thread of its own, which hands each round's batch to
// a function of the owner's (TwinLink: decisions; StreamPublisher: stream events). When
// the queue is full the oldest item is dropped and counted. It keeps the counts the owners
// report (queued, published, failed, dropped, waiting, high water) and, when asked, gives
// a drained backlog's memory back to the system. It must not know what the items are or
// call the MQTT client itself (the owner's function does), and push() must never wait on
// the publishing thread.
//
// The publishing thread runs "rounds": it takes up to max_batch items (fewer where the
// owner's `joins` says the next may not join the batch), then calls the handler with them.
// The handler reports each item's fate in order (Round::published / Round::failed); items
// it leaves unreported when it returns (the client stopped, or stop()'s drain time is
// over) go back to the front of the queue, and the thread hands nothing more over: it
// waits for stop() and ends. A round also runs at start(), after poke() (the owner has
// something of its own to send, say a health message) and at the time a handler asked for
// with Round::wake_at (periodic work, say a retained head).
//
// stop(drain): rounds go on until the queue is empty or `drain` has passed (0: no new
// round); a handler waiting for the client's room should give up once abandoning() says
// so. What is left stays queued and counted as waiting.
#pragma once
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace connectors {

struct BoundedOutboxOptions {
  size_t capacity = 262144;  // items waiting; when full the oldest is dropped (at least 1)
  size_t max_batch = 1024;   // items per round (at least 1)
  size_t trim_after = 0;     // once a backlog of this many has drained, give memory back (0: never)
};

struct BoundedOutboxStats {
  uint64_t queued = 0;     // items pushed (dropped ones included)
  uint64_t published = 0;  // reported handed over by the handler
  uint64_t failed = 0;     // reported given up on by the handler (e.g. the client refused them)
  uint64_t dropped = 0;    // the oldest, dropped because the queue was full
  size_t waiting = 0;      // queued, not taken by the publishing thread
  size_t in_hand = 0;      // taken by the publishing thread, not yet reported
  size_t high_water = 0;   // most waiting + in_hand at once (measured after each push)
};

// Gives freed heap memory back to the system (glibc's malloc_trim), which glibc does not
// do by itself for many small blocks freed out of order. In bounded_outbox.cpp.
void give_memory_back();

template <class T>
class BoundedOutbox {
 public:
  using clock = std::chrono::steady_clock;

  // One round of the publishing thread, given to the handler.
  class Round {
   public:
    // This round's items, oldest first; may be empty (a round for the owner's own work).
    std::vector<T>& items() { return items_; }
    // The next n unreported items (in order) were handed over / given up on.
    void published(size_t n = 1) { outbox_.report(*this, n, false); }
    void failed(size_t n = 1) { outbox_.report(*this, n, true); }
    size_t reported() const { return reported_; }
    // stop() was called and its drain time is over: the handler should return soon.
    bool abandoning() const { return outbox_.abandoning(); }
    // Run the next round no later than t (the earliest of the calls in a round counts).
    void wake_at(clock::time_point t) { next_ = std::min(next_, t); }

   private:
    friend class BoundedOutbox;
    Round(BoundedOutbox& outbox, std::vector<T>& items) : outbox_(outbox), items_(items) {}
    BoundedOutbox& outbox_;
    std::vector<T>& items_;
    size_t reported_ = 0;
    clock::time_point next_ = clock::time_point::max();
  };

  // Publishing thread, once per round.
  using Handler = std::function<void(Round&)>;
  // Publishing thread, with the outbox's lock held: whether `next` may join `batch` (never
  // empty; the first item always goes). Empty: every item joins, up to max_batch.
  using Joins = std::function<bool(const std::vector<T>& batch, const T& next)>;

  BoundedOutbox(BoundedOutboxOptions options, Handler handler, Joins joins = {})
      : options_(options), handler_(std::move(handler)), joins_(std::move(joins)) {
    options_.capacity = std::max<size_t>(options_.capacity, 1);
    options_.max_batch = std::max<size_t>(options_.max_batch, 1);
  }
  ~BoundedOutbox() { stop(); }
  BoundedOutbox(const BoundedOutbox&) = delete;
  BoundedOutbox& operator=(const BoundedOutbox&) = delete;

  // Starts the publishing thread, whose first round runs at once. Once; never after stop().
  void start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable() || stop_) return;
    poked_ = true;
    thread_ = std::thread([this] { run(); });
  }

  // Ends the publishing thread: rounds go on until the queue is empty or `drain` has
  // passed. Returns when the thread has ended. Later calls do nothing.
  void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(0)) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      stop_ = true;
      drain_until_ = clock::now() + drain;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Any thread; never waits for the publishing thread. False when the oldest item was
  // dropped to make room.
  bool push(T item) {
    bool kept_all, wake;
    {
      std::lock_guard lock(mu_);
      kept_all = add(std::move(item));
      note_backlog();
      wake = thread_waiting_;
    }
    if (wake) wake_.notify_one();
    return kept_all;
  }
  // Pushes every item of `items` (moved from) under one lock. Returns how many were dropped.
  size_t push_all(std::vector<T>&& items) {
    size_t dropped = 0;
    bool wake;
    {
      std::lock_guard lock(mu_);
      for (T& item : items) dropped += add(std::move(item)) ? 0 : 1;
      note_backlog();
      wake = thread_waiting_;
    }
    if (wake) wake_.notify_one();
    return dropped;
  }

  // A round even when nothing is queued (the owner has something of its own to send).
  void poke() {
    bool wake;
    {
      std::lock_guard lock(mu_);
      poked_ = true;
      wake = thread_waiting_;
    }
    if (wake) wake_.notify_one();
  }
  // Wakes the publishing thread if it waits (it would also wake by itself).
  void wake() { wake_.notify_one(); }

  // Waits until nothing is waiting or in hand, up to `timeout`. True when so.
  bool wait_empty(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return empty_.wait_for(lock, timeout, [&] { return queue_.empty() && in_hand_ == 0; });
  }

  BoundedOutboxStats stats() const {
    std::lock_guard lock(mu_);
    BoundedOutboxStats s = counts_;
    s.waiting = queue_.size();
    s.in_hand = in_hand_;
    return s;
  }

 private:
  // mu_ held. False when the oldest was dropped.
  bool add(T&& item) {
    bool kept_all = true;
    if (queue_.size() >= options_.capacity) {
      queue_.pop_front();
      counts_.dropped++;
      kept_all = false;
    }
    queue_.push_back(std::move(item));
    counts_.queued++;
    return kept_all;
  }
  // mu_ held.
  void note_backlog() {
    const size_t waiting = queue_.size() + in_hand_;
    counts_.high_water = std::max(counts_.high_water, waiting);
    backlog_since_trim_ = std::max(backlog_since_trim_, waiting);
  }
  void report(Round& r, size_t n, bool failed) {
    std::lock_guard lock(mu_);
    n = std::min(n, r.items_.size() - r.reported_);
    r.reported_ += n;
    in_hand_ -= n;
    (failed ? counts_.failed : counts_.published) += n;
    if (in_hand_ == 0 && queue_.empty()) empty_.notify_all();
  }
  bool abandoning() const {
    std::lock_guard lock(mu_);
    return stop_ && clock::now() >= drain_until_;
  }

  void run() {
    std::vector<T> batch;
    auto next_round = clock::time_point::max();  // asked for by the last round's handler
    std::unique_lock lock(mu_);
    for (;;) {
      if (stop_ && (queue_.empty() || clock::now() >= drain_until_)) break;
      if (queue_.empty() && !poked_ && clock::now() < next_round) {
        if (options_.trim_after > 0 && backlog_since_trim_ >= options_.trim_after) {
          // A backlog has drained (a run faster than real time, a broker that was away):
          // give its memory back. Once per backlog, never per item.
          backlog_since_trim_ = 0;
          lock.unlock();
          give_memory_back();
          lock.lock();
          continue;
        }
        thread_waiting_ = true;
        auto ready = [&] { return stop_ || poked_ || !queue_.empty(); };
        if (next_round == clock::time_point::max()) wake_.wait(lock, ready);
        else wake_.wait_until(lock, next_round, ready);
        thread_waiting_ = false;
        continue;
      }
      poked_ = false;
      batch.clear();
      while (!queue_.empty() && batch.size() < options_.max_batch &&
             (batch.empty() || !joins_ || joins_(batch, queue_.front()))) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      in_hand_ = batch.size();
      lock.unlock();
      Round round(*this, batch);
      handler_(round);
      next_round = round.next_;
      lock.lock();
      if (round.reported_ < batch.size()) {
        // Not handed over (the client stopped, or the drain time is over): back to the
        // front, still counted as waiting; nothing more goes out before stop().
        queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(round.reported_)),
                      std::make_move_iterator(batch.end()));
        in_hand_ = 0;
        thread_waiting_ = true;
        wake_.wait(lock, [&] { return stop_; });
        thread_waiting_ = false;
        break;
      }
    }
    empty_.notify_all();
  }

  BoundedOutboxOptions options_;
  const Handler handler_;
  const Joins joins_;
  mutable std::mutex mu_;  // guards what follows
  std::condition_variable wake_;           // the publishing thread waits on it
  mutable std::condition_variable empty_;  // wait_empty() waits on it
  std::deque<T> queue_;
  size_t in_hand_ = 0;
  BoundedOutboxStats counts_;
  size_t backlog_since_trim_ = 0;  // most waiting since memory was last given back
  bool stop_ = false, poked_ = false, thread_waiting_ = false;
  clock::time_point drain_until_{};
  std::thread thread_;
};

}  // namespace connectors
