// Field: a JSON value (nlohmann::json) with the path it stands at, e.g. "lanes[2].polyline",
// for the file loaders of this folder (site files, scenario files). Every accessor checks
// the value's type (and range, where it has one) and, when the file is wrong, throws a
// FieldError naming the path and why; the loader turns that into its own error. It must
// not guess a missing value or fix a wrong one, and it only looks: a Field refers to the
// document, which must outlive it. Its error texts are part of what users see (the tests
// of both loaders check them): change them only on purpose.
#pragma once
#include "twin/time.h"

#include <glm/vec2.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace connectors {

// What a Field throws: the JSON path (empty for the whole document) and why.
struct FieldError {
  std::string field, why;
};

// "a, b, c": the lists of names in error texts.
std::string join_names(const std::vector<std::string>& names);

// A JSON value with its path; every accessor fails with the path when the file is wrong.
struct Field {
  const nlohmann::json& j;
  std::string path;

  [[noreturn]] void fail(const std::string& why) const;
  // "nothing" for null, else nlohmann's name of the type ("string", "number"...).
  static std::string type_name(const nlohmann::json& v);
  // A number as error texts show it (iostream's default: 6 significant digits).
  static std::string fmt(double v);

  // The member `key` of an object; "missing (required)" at path.key when absent.
  Field at(const std::string& key) const;
  bool has(const std::string& key) const;
  // The i-th element of a list (i < size()).
  Field at(size_t i) const;
  size_t size() const;  // of a list
  // A typo in a key would otherwise be ignored silently: refuses keys not in `known`,
  // naming the nearest known key ("did you mean `servers`?") when one is close.
  void only(const std::vector<std::string>& known) const;

  std::string str() const;
  double num(double min = -1e300, double max = 1e300) const;  // finite, in [min, max]
  int64_t integer(double min, double max) const;               // whole, in [min, max]
  bool boolean() const;
  glm::vec2 point() const;                                     // [x, y] in metres
  std::vector<glm::vec2> points(size_t min_count) const;       // a list of points
  twin::SimTime time() const;  // "HH:MM" or "HH:MM:SS" of the simulated day (twin::parse_clock)
  // A string that must be one of the names given.
  template <class E>
  E choice(std::initializer_list<std::pair<const char*, E>> options) const {
    std::string v = str();
    std::string names;
    for (auto& [name, value] : options) {
      if (v == name) return value;
      names += (names.empty() ? "" : ", ") + std::string(name);
    }
    fail("\"" + v + "\" is not one of: " + names);
  }
};

}  // namespace connectors
