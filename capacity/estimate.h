// A mean over independent runs (one per seed) with its 95 % confidence interval
// (Student's t). Pure arithmetic.
#pragma once
#include <vector>

namespace capacity {

struct Estimate {
  double mean = 0;
  double half_width = 0;  // the 95 % interval is mean +- half_width; 0 with one value
  int n = 0;
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

Estimate estimate(const std::vector<double>& values);

// The 97.5 % quantile of Student's t with df degrees of freedom (df >= 1).
double t_975(int df);

}  // namespace capacity
