// Runs independent jobs 0..n-1 on a number of threads. Each job writes only its own
// result slot, so results never depend on the thread count or the order jobs finish
// in; a job must be deterministic by its own inputs (its seed). No shared RNG here.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace capacity {

// Threads to use when none are asked for: every core.
inline unsigned default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// Calls job(i) for each i in [0, n), at most `threads` at a time. Rethrows the first
// exception a job threw, after every thread has stopped.
template <class Job>
void parallel_for(size_t n, unsigned threads, const Job& job) {
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<size_t>(n, 1))));
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) {
      try {
        job(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace capacity
