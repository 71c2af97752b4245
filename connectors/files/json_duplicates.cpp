// Duplicate keys in JSON text. See json_duplicates.h.
#include "connectors/files/json_duplicates.h"

#include <nlohmann/json.hpp>

#include <set>
#include <vector>

namespace connectors {
namespace {

using json = nlohmann::json;

// A SAX handler that keeps only the path it stands at and the keys seen in each open object.
class DuplicateKeys : public nlohmann::json_sax<json> {
 public:
  std::optional<FieldError> found;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    value();
    frames_.push_back({true, {}, 0, {}});
    return true;
  }
  bool key(string_t& k) override {
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(k).second) {
      found = FieldError{path(), "\"" + k + "\" is written twice in this object; JSON keeps only the last, so the first "
                                 "would be ignored without a word: remove one of them"};
      return false;  // stops the pass
    }
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    value();
    frames_.push_back({false, {}, 0, {}});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Frame {
    bool object;
    std::string key;      // object: the key of the value being read
    size_t next = 0;      // list: the index the next element gets
    std::set<std::string> keys;
    size_t index = 0;     // list: the element being read
  };
  std::vector<Frame> frames_;

  bool value() {  // a value starts: in a list it is the next element
    if (!frames_.empty() && !frames_.back().object) frames_.back().index = frames_.back().next++;
    return true;
  }
  std::string path() const {  // as Field writes it: a.b[2].c
    std::string p;
    for (const Frame& f : frames_)
      p += f.object ? (p.empty() ? f.key : "." + f.key) : "[" + std::to_string(f.index) + "]";
    return p;
  }
};

}  // namespace

std::optional<FieldError> find_duplicate_key(const std::string& text) {
  DuplicateKeys handler;
  try {
    json::sax_parse(text, &handler);
  } catch (const json::exception&) {
    return std::nullopt;  // the parse reports it
  }
  return handler.found;
}

}  // namespace connectors
