// The path-aware JSON reader of the file loaders. See json_field.h. Its error texts are
// checked byte for byte by test_site_file and test_scenarios: keep them as they are.
#include "connectors/files/json_field.h"

#include "connectors/files/near_name.h"
#include "twin/clock_text.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace connectors {

using json = nlohmann::json;

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& s : names) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void Field::fail(const std::string& why) const { throw FieldError{path, why}; }

std::string Field::type_name(const json& v) { return v.is_null() ? "nothing" : v.type_name(); }

std::string Field::fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

Field Field::at(const std::string& key) const {
  if (!j.is_object()) fail("expected an object, found " + type_name(j));
  auto it = j.find(key);
  std::string p = path.empty() ? key : path + "." + key;
  if (it == j.end()) throw FieldError{p, "missing (required)"};
  return Field{*it, p};
}

bool Field::has(const std::string& key) const { return j.is_object() && j.contains(key); }

Field Field::at(size_t i) const { return Field{j[i], path + "[" + std::to_string(i) + "]"}; }

size_t Field::size() const {
  if (!j.is_array()) fail("expected a list, found " + type_name(j));
  return j.size();
}

void Field::only(const std::vector<std::string>& known) const {
  if (!j.is_object()) fail("expected an object, found " + type_name(j));
  for (auto& [key, value] : j.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      Field{value, path.empty() ? key : path + "." + key}.fail("unknown field;" + did_you_mean(key, known) + " expected one of: " + join_names(known));
}

std::string Field::str() const {
  if (!j.is_string()) fail("expected a string, found " + type_name(j));
  return j.get<std::string>();
}

double Field::num(double min, double max) const {
  if (!j.is_number()) fail("expected a number, found " + type_name(j));
  double v = j.get<double>();
  if (!std::isfinite(v)) fail("not a finite number");
  if (v < min) fail("must be at least " + fmt(min) + ", is " + fmt(v));
  if (v > max) fail("must be at most " + fmt(max) + ", is " + fmt(v));
  return v;
}

int64_t Field::integer(double min, double max) const {
  double v = num(min, max);
  if (v != std::floor(v)) fail("expected a whole number, is " + fmt(v));
  return static_cast<int64_t>(v);
}

bool Field::boolean() const {
  if (!j.is_boolean()) fail("expected true or false, found " + type_name(j));
  return j.get<bool>();
}

glm::vec2 Field::point() const {
  if (!j.is_array() || j.size() != 2) fail("expected a point [x, y] in metres");
  return {static_cast<float>(at(0).num()), static_cast<float>(at(1).num())};
}

std::vector<glm::vec2> Field::points(size_t min_count) const {
  std::vector<glm::vec2> out;
  for (size_t i = 0; i < size(); ++i) out.push_back(at(i).point());
  if (out.size() < min_count) fail("needs at least " + std::to_string(min_count) + " points");
  return out;
}

twin::SimTime Field::time() const {
  std::string s = str();
  auto t = twin::parse_clock(s);
  if (!t) fail("\"" + s + "\" is not a time of day; expected HH:MM or HH:MM:SS (hours 0 to 47)");
  return *t;
}

}  // namespace connectors
