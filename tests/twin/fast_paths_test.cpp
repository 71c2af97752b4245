// The fast paths of issue #16 (gatebench core) give what the plain code gave: FlatIndex
// (twin/flat_index.h) holds what a std::unordered_map holds through a seeded mix of
// inserts, look-ups, erases (also while iterating), growth and clears; container numbers
// written without snprintf are the ones snprintf wrote. Never skipped.
#include "twin/flat_index.h"
#include "twin/identifiers.h"
#include "twin/ids.h"
#include "twin/rng.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <unordered_map>

using namespace twin;

namespace {

template <class K, class V>
void require_same(const FlatIndex<K, V>& flat, const std::unordered_map<K, V>& ref) {
  REQUIRE(flat.size() == ref.size());
  REQUIRE(flat.empty() == ref.empty());
  size_t seen = 0;
  for (const auto& [k, v] : flat) {
    auto it = ref.find(k);
    REQUIRE(it != ref.end());
    REQUIRE(it->second == v);
    ++seen;
  }
  REQUIRE(seen == ref.size());
  for (const auto& [k, v] : ref) {
    REQUIRE(flat.count(k) == 1);
    REQUIRE(flat.at(k) == v);
    REQUIRE(flat.find(k)->second == v);
  }
}

}  // namespace

TEST_CASE("FlatIndex holds what std::unordered_map holds, string keys") {
  FlatIndex<std::string, ShipmentIndex> flat;
  std::unordered_map<std::string, ShipmentIndex> ref;
  Rng rng(7);
  auto key = [&] { return "C:GTWU" + std::to_string(static_cast<uint32_t>(rng.uniform() * 3000)); };
  for (int step = 0; step < 20000; ++step) {
    const double op = rng.uniform();
    const std::string k = key();
    const ShipmentIndex v{static_cast<uint32_t>(step)};
    if (op < 0.35) {
      const auto [it, added] = flat.emplace(k, v);
      const auto [rit, radded] = ref.emplace(k, v);
      REQUIRE(added == radded);
      REQUIRE(it->second == rit->second);
    } else if (op < 0.55) {
      flat[k] = v;
      ref[k] = v;
    } else if (op < 0.85) {
      REQUIRE(flat.erase(k) == ref.erase(k));
    } else if (op < 0.9995) {
      REQUIRE((flat.find(k) == flat.end()) == (ref.find(k) == ref.end()));
    } else {
      flat.clear();
      ref.clear();
    }
    if (step % 997 == 0) require_same(flat, ref);
  }
  require_same(flat, ref);
  CHECK_THROWS_AS(flat.at("not there"), std::out_of_range);
}

TEST_CASE("FlatIndex: erasing while iterating visits every entry once (retention's re-map)") {
  FlatIndex<ShipmentId, ShipmentIndex> flat;
  for (uint32_t i = 1; i <= 5000; ++i) flat.emplace(ShipmentId{i}, ShipmentIndex{i});
  // Undeclared ids (from 0x80000000, state.h) share their low bits with declared ones.
  for (uint32_t i = 0; i < 100; ++i) flat.emplace(ShipmentId{0x80000000u + i}, ShipmentIndex{i});
  size_t visited = 0, kept = 0;
  for (auto it = flat.begin(); it != flat.end();) {
    ++visited;
    if (it->first.value % 3 == 0) {
      it = flat.erase(it);
    } else {
      it->second = ShipmentIndex{it->second.value + 1};
      ++kept;
      ++it;
    }
  }
  CHECK(visited == 5100);
  CHECK(flat.size() == kept);
  for (uint32_t i = 1; i <= 5000; ++i) {
    if (i % 3 == 0) CHECK(flat.count(ShipmentId{i}) == 0);
    else CHECK(flat.at(ShipmentId{i}) == ShipmentIndex{i + 1});
  }
}

TEST_CASE("container numbers written without snprintf are the ones snprintf wrote") {
  for (const char* owner : {"GTW", "GTX", "AB", ""})
    for (char category : {'U', 'J', 'Z'})
      for (unsigned serial = 0; serial < 2000000; serial += 7919) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.3s%c%06u", owner, category, serial % 1000000);
        std::string expected(buf);
        const int check = iso6346_check_digit(expected);
        expected.push_back(static_cast<char>('0' + (check < 0 ? 0 : check)));
        REQUIRE(make_container_number(owner, category, serial) == expected);
      }
  CHECK(make_container_number("GTWX", 'U', 5) == make_container_number("GTW", 'U', 5));  // a longer owner: its first 3 letters
}
