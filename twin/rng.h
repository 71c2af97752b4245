// A seeded random stream (xoshiro256**, seeded by splitmix64) and the few distributions
// the simulator needs, written out so that results do not depend on the standard
// library's distribution implementations. Only the simulator draws from it.
#pragma once
#include "twin/site.h"

#include <cmath>
#include <cstdint>

namespace twin {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& word : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  bool chance(double p) { return uniform() < p; }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double normal() {  // Box-Muller, one of the pair
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double sample(const Distribution& d) {
    switch (d.kind) {
      case Distribution::Kind::Fixed: return d.mean_s;
      case Distribution::Kind::Exponential: return exponential(d.mean_s);
      case Distribution::Kind::Uniform: return d.min_s + (d.max_s - d.min_s) * uniform();
      case Distribution::Kind::Lognormal: {
        if (d.mean_s <= 0) return 0;
        const double s2 = std::log1p(d.cv * d.cv);
        return std::exp(std::log(d.mean_s) - s2 / 2 + std::sqrt(s2) * normal());
      }
    }
    return d.mean_s;
  }
  size_t pick(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.empty() ? 0 : weights.size() - 1;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace twin
