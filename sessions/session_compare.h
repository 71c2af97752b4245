// Two states of the world side by side at the same moment (a fork and its original, or
// any two sessions): KPIs per site, dwell, queues, alerts, commands and the state hashes,
// as JSON (the --compare report, the app's panel reads the same rows) and as text. It
// only reads the cores; formatting, no I/O.
#pragma once
#include "twin/core.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sessions {

struct CompareRow {
  std::string site;      // site id, or "all"
  std::string what;      // "cleared", "dwell_min_p95", "queue_now:scanner", ...
  double a = 0, b = 0;
};

class SessionCompare {
 public:
  SessionCompare(const twin::Core& a, const twin::Core& b, twin::SimTime elapsed_ms, std::string a_name, std::string b_name);

  const std::vector<CompareRow>& rows() const { return rows_; }
  bool identical() const { return hash_a_ == hash_b_; }
  nlohmann::json json() const;
  std::string text() const;

 private:
  std::vector<CompareRow> rows_;
  std::string a_name_, b_name_;
  uint64_t hash_a_ = 0, hash_b_ = 0;
  twin::SimTime elapsed_ms_ = 0;
  std::vector<std::string> alerts_a_, alerts_b_;
};

}  // namespace sessions
