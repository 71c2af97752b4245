// The small JSON Schema validator. See json_schema.h.
#include "connectors/vda5050/json_schema.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace connectors::vda5050 {

namespace {

enum TypeBit : unsigned {
  kObject = 1, kArray = 2, kString = 4, kNumber = 8, kInteger = 16, kBoolean = 32, kNull = 64,
};

const char* type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: return "object";
    case nlohmann::json::value_t::array: return "array";
    case nlohmann::json::value_t::string: return "string";
    case nlohmann::json::value_t::boolean: return "boolean";
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "integer";
    case nlohmann::json::value_t::number_float: return "number";
    default: return "value";
  }
}

bool is_integer(const nlohmann::json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

bool type_matches(unsigned types, const nlohmann::json& v) {
  if ((types & kObject) && v.is_object()) return true;
  if ((types & kArray) && v.is_array()) return true;
  if ((types & kString) && v.is_string()) return true;
  if ((types & kNumber) && v.is_number()) return true;
  if ((types & kInteger) && is_integer(v)) return true;
  if ((types & kBoolean) && v.is_boolean()) return true;
  if ((types & kNull) && v.is_null()) return true;
  return false;
}

std::string types_text(unsigned types) {
  static const std::pair<unsigned, const char*> names[] = {{kObject, "object"}, {kArray, "array"},     {kString, "string"},
                                                           {kNumber, "number"}, {kInteger, "integer"}, {kBoolean, "boolean"},
                                                           {kNull, "null"}};
  std::string out;
  for (auto& [bit, n] : names)
    if (types & bit) out += (out.empty() ? "" : " or ") + std::string(n);
  return out;
}

int digits(const std::string& s, size_t at, size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

bool is_date_time(const std::string& s) {
  // YYYY-MM-DDThh:mm:ss[.f+](Z|+hh:mm|-hh:mm)
  if (s.size() < 20) return false;
  const int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const int h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
    return false;
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return false;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i == s.size()) return false;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
  if (s[i] != '+' && s[i] != '-') return false;
  const int oh = digits(s, i + 1, 2), om = digits(s, i + 4, 2);
  return i + 6 == s.size() && s[i + 3] == ':' && oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

struct JsonSchema::Node {
  unsigned types = 0;                      // 0: any
  std::vector<std::string> required;
  std::map<std::string, const Node*> properties;
  bool additional_allowed = true;
  const Node* additional = nullptr;        // additionalProperties as a schema
  const Node* items = nullptr;
  std::vector<nlohmann::json> enumeration; // empty: no enum
  std::optional<double> minimum, maximum;
  std::optional<size_t> min_length, max_length, min_items, max_items;
  bool date_time = false;
  std::string ref;                         // resolved into `target` after compiling
  const Node* target = nullptr;
};

struct JsonSchema::Compiled {
  std::string name;
  std::vector<std::unique_ptr<Node>> nodes;
  const Node* root = nullptr;
  std::map<std::string, const Node*> definitions;  // "#/definitions/x" -> node
};

namespace {

struct Compiler {
  JsonSchema::Compiled& c;
  std::string error;

  using Node = JsonSchema::Node;

  Node* fail(const std::string& path, const std::string& why) {
    if (error.empty()) error = c.name + ": " + (path.empty() ? "(top)" : path) + ": " + why;
    return nullptr;
  }

  Node* compile(const nlohmann::json& s, const std::string& path) {
    if (s.is_boolean()) {  // true: anything; false: nothing
      auto n = std::make_unique<Node>();
      if (!s.get<bool>()) n->types = 0x80;  // a type bit no value has
      c.nodes.push_back(std::move(n));
      return c.nodes.back().get();
    }
    if (!s.is_object()) return fail(path, "a schema must be an object or a boolean");
    auto owned = std::make_unique<Node>();
    Node* n = owned.get();
    c.nodes.push_back(std::move(owned));
    static const std::set<std::string> annotations = {"title", "description", "examples", "$schema", "$id",
                                                      "subtopic", "default", "$comment", "definitions", "$defs"};
    for (auto it = s.begin(); it != s.end(); ++it) {
      const std::string& k = it.key();
      const nlohmann::json& v = it.value();
      const std::string at = path + (path.empty() ? "" : ".") + k;
      if (annotations.count(k)) continue;
      if (k == "type") {
        auto bit = [&](const nlohmann::json& t) -> unsigned {
          if (!t.is_string()) return 0;
          const std::string ts = t.get<std::string>();
          if (ts == "object") return kObject;
          if (ts == "array") return kArray;
          if (ts == "string") return kString;
          if (ts == "number") return kNumber;
          if (ts == "integer") return kInteger;
          if (ts == "boolean") return kBoolean;
          if (ts == "null") return kNull;
          return 0;
        };
        if (v.is_array()) {
          for (const auto& t : v) {
            const unsigned b = bit(t);
            if (!b) return fail(at, "unknown type " + t.dump());
            n->types |= b;
          }
        } else {
          const unsigned b = bit(v);
          if (!b) return fail(at, "unknown type " + v.dump() + " (a date-time is \"type\": \"string\", \"format\": \"date-time\")");
          n->types = b;
        }
      } else if (k == "required") {
        if (!v.is_array()) return fail(at, "expected a list of names");
        for (const auto& r : v) {
          if (!r.is_string()) return fail(at, "expected a list of names");
          n->required.push_back(r.get<std::string>());
        }
      } else if (k == "properties") {
        if (!v.is_object()) return fail(at, "expected an object of schemas");
        for (auto p = v.begin(); p != v.end(); ++p) {
          const Node* child = compile(p.value(), at + "." + p.key());
          if (!child) return nullptr;
          n->properties[p.key()] = child;
        }
      } else if (k == "additionalProperties") {
        if (v.is_boolean()) {
          n->additional_allowed = v.get<bool>();
        } else {
          n->additional = compile(v, at);
          if (!n->additional) return nullptr;
        }
      } else if (k == "items") {
        n->items = compile(v, at);
        if (!n->items) return nullptr;
      } else if (k == "enum") {
        if (!v.is_array() || v.empty()) return fail(at, "expected a list of values");
        for (const auto& e : v) n->enumeration.push_back(e);
      } else if (k == "minimum" || k == "maximum") {
        if (!v.is_number()) return fail(at, "expected a number");
        (k == "minimum" ? n->minimum : n->maximum) = v.get<double>();
      } else if (k == "minLength" || k == "maxLength" || k == "minItems" || k == "maxItems") {
        if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
          return fail(at, "expected a non-negative integer");
        const size_t x = v.get<size_t>();
        if (k == "minLength") n->min_length = x;
        else if (k == "maxLength") n->max_length = x;
        else if (k == "minItems") n->min_items = x;
        else n->max_items = x;
      } else if (k == "format") {
        if (!v.is_string()) return fail(at, "expected a string");
        if (v.get<std::string>() == "date-time") n->date_time = true;
        // other formats are annotations here (as JSON Schema allows)
      } else if (k == "$ref") {
        if (!v.is_string()) return fail(at, "expected a string");
        n->ref = v.get<std::string>();
      } else {
        return fail(at, "keyword not supported by this validator (supported: type, required, properties, "
                        "additionalProperties, items, enum, minimum, maximum, minLength, maxLength, minItems, "
                        "maxItems, format, $ref)");
      }
    }
    return n;
  }
};

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// The first violation of v against n, or empty.
std::optional<std::string> check(const JsonSchema::Node* n, const nlohmann::json& v, const std::string& path) {
  while (n->target) n = n->target;
  auto where = [&] { return path.empty() ? std::string("(top)") : path; };
  if (n->types == 0x80) return where() + ": no value is allowed here";
  if (n->types && !type_matches(n->types, v))
    return where() + ": expected " + types_text(n->types) + ", found " + type_name(v);
  if (!n->enumeration.empty()) {
    bool found = false;
    for (const auto& e : n->enumeration)
      if (e == v) { found = true; break; }
    if (!found) {
      std::string list;
      for (const auto& e : n->enumeration) list += (list.empty() ? "" : ", ") + e.dump();
      std::string shown = v.dump();
      if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
      return where() + ": " + shown + " is not one of " + list;
    }
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    if (n->minimum && d < *n->minimum) return where() + ": " + v.dump() + " is below the minimum " + nlohmann::json(*n->minimum).dump();
    if (n->maximum && d > *n->maximum) return where() + ": " + v.dump() + " is above the maximum " + nlohmann::json(*n->maximum).dump();
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (n->min_length && s.size() < *n->min_length) return where() + ": shorter than " + std::to_string(*n->min_length);
    if (n->max_length && s.size() > *n->max_length) return where() + ": longer than " + std::to_string(*n->max_length);
    if (n->date_time && !is_date_time(s)) return where() + ": not an ISO 8601 date-time (e.g. 2026-05-01T08:30:00.250Z)";
  }
  if (v.is_object()) {
    for (const std::string& r : n->required)
      if (!v.contains(r)) return join(path, r) + ": required, missing";
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto p = n->properties.find(it.key());
      if (p != n->properties.end()) {
        if (auto e = check(p->second, it.value(), join(path, it.key()))) return e;
      } else if (n->additional) {
        if (auto e = check(n->additional, it.value(), join(path, it.key()))) return e;
      } else if (!n->additional_allowed) {
        return join(path, it.key()) + ": not allowed here (additionalProperties is false)";
      }
    }
  }
  if (v.is_array()) {
    if (n->min_items && v.size() < *n->min_items) return where() + ": fewer than " + std::to_string(*n->min_items) + " items";
    if (n->max_items && v.size() > *n->max_items) return where() + ": more than " + std::to_string(*n->max_items) + " items";
    if (n->items)
      for (size_t i = 0; i < v.size(); ++i)
        if (auto e = check(n->items, v[i], path + "[" + std::to_string(i) + "]")) return e;
  }
  return std::nullopt;
}

}  // namespace

Result<JsonSchema> JsonSchema::parse(const std::string& text, const std::string& name) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return Failure(name + ": not JSON");
  auto compiled = std::make_shared<Compiled>();
  compiled->name = name;
  Compiler comp{*compiled, {}};
  for (const char* defs : {"definitions", "$defs"}) {
    if (!doc.is_object() || !doc.contains(defs)) continue;
    if (!doc[defs].is_object()) return Failure(name + ": " + defs + ": expected an object of schemas");
    for (auto it = doc[defs].begin(); it != doc[defs].end(); ++it) {
      const Node* d = comp.compile(it.value(), std::string(defs) + "." + it.key());
      if (!d) return Failure(comp.error);
      compiled->definitions[std::string("#/") + defs + "/" + it.key()] = d;
    }
  }
  compiled->root = comp.compile(doc, "");
  if (!compiled->root) return Failure(comp.error);
  for (auto& node : compiled->nodes) {
    if (node->ref.empty()) continue;
    auto it = compiled->definitions.find(node->ref);
    if (it == compiled->definitions.end())
      return Failure(name + ": $ref \"" + node->ref + "\" names no schema under definitions or $defs");
    if (!node->properties.empty() || node->types || node->items)
      return Failure(name + ": a $ref beside other keywords is not supported (" + node->ref + ")");
    node->target = it->second;
  }
  // A $ref chain that loops would never end.
  for (auto& node : compiled->nodes) {
    const Node* p = node.get();
    for (int hops = 0; p->target; ++hops) {
      if (hops > 64) return Failure(name + ": $ref \"" + node->ref + "\" loops");
      p = p->target;
    }
  }
  JsonSchema s;
  s.c_ = std::move(compiled);
  return s;
}

Result<JsonSchema> JsonSchema::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Failure(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) return Failure(path + ": larger than 1 MiB; not a schema");
  return parse(text.str(), path);
}

std::optional<std::string> JsonSchema::validate(const nlohmann::json& doc) const { return check(c_->root, doc, ""); }

const std::string& JsonSchema::name() const { return c_->name; }

}  // namespace connectors::vda5050
