// Source notes of a site file. See site_notes.h for the rules; docs/site-format.md for
// the format as site engineers read it.
#include "connectors/files/site_notes.h"

#include "connectors/files/json_field.h"
#include "connectors/files/near_name.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace connectors {
namespace {

using json = nlohmann::json;

const std::set<std::string> kGeometry = {"border_line", "polyline", "positions", "rect", "depot", "position"};
const char* kHowToNote = "a report, or \\\"assumed: why\\\"";

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

bool is_assumed(const std::string& note) {
  size_t i = note.find_first_not_of(" \t\n");
  if (i == std::string::npos) return false;
  std::string head = note.substr(i, 7);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  return head == "assumed";
}

bool all_numbers(const json& v) {
  if (v.is_number()) return true;
  if (!v.is_array() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const json& e) { return all_numbers(e); });
}

class NoteWalk {
 public:
  explicit NoteWalk(const json& root) : root_(root) {}

  std::vector<SiteNote> run() {
    walk(root_, "");
    return std::move(out_);
  }

 private:
  struct Level {
    const json* object;
    std::string path;  // of the object
    std::string key;   // the field of it the walk went into
  };
  const json& root_;
  std::vector<Level> chain_;
  std::vector<SiteNote> out_;

  const char* notes_name(const json& object) const { return &object == &root_ ? "sources" : "source"; }

  [[noreturn]] static void fail(const std::string& path, const std::string& why) { throw FieldError{path, why}; }

  // An object's notes, checked: text that says something, fields the object has.
  void check_notes(const json& object, const std::string& path) const {
    const char* name = notes_name(object);
    auto it = object.find(name);
    if (it == object.end()) return;
    const std::string np = join(path, name);
    const bool top = &object == &root_;
    if (it->is_string()) {
      if (top) fail(np, "expected an object of field -> note (and \"geometry\": the note of every coordinate)");
      if (blank(it->get<std::string>())) fail(np, "an empty note; say where the values come from (a report, or \"assumed: why\")");
      return;
    }
    if (!it->is_object()) fail(np, "expected a note (text) or an object of field -> note, found " + Field::type_name(*it));
    std::vector<std::string> fields;
    for (auto& [k, v] : object.items())
      if (k != name) fields.push_back(k);
    for (auto& [k, note] : it->items()) {
      if (!note.is_string()) fail(join(np, k), "expected a note (text), found " + Field::type_name(note));
      if (blank(note.get<std::string>())) fail(join(np, k), "an empty note; say where the value comes from (a report, or \"assumed: why\")");
      // The top level's "sources" also holds free-text citations ("volume", "route"...).
      if (!top && !object.contains(k))
        fail(join(np, k), "a note for \"" + k + "\", which this object does not have;" + did_you_mean(k, fields) +
                              " (fields here: " + join_names(fields) + ")");
    }
  }

  void walk(const json& v, const std::string& path) {
    if (v.is_object()) {
      check_notes(v, path);
      const std::string notes = notes_name(v);
      for (auto& [k, child] : v.items()) {
        if (k == notes) continue;
        const std::string p = join(path, k);
        chain_.push_back({&v, path, k});
        if (kGeometry.count(k) && all_numbers(child)) record_geometry(child, p);
        else if (all_numbers(child) || (k == "dist" && child.is_string())) record(child, p);
        else walk(child, p);
        chain_.pop_back();
      }
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string p = path + "[" + std::to_string(i) + "]";
        if (v[i].is_number()) record(v[i], p);
        else walk(v[i], p);
      }
    }
  }

  void record_geometry(const json& v, const std::string& path) {
    auto sources = root_.find("sources");
    if (sources == root_.end() || !sources->is_object() || !sources->contains("geometry"))
      fail(path, "coordinates need the geometry note: add \"geometry\": \"where the layout comes from\" to the top level's \"sources\"");
    const std::string note = (*sources)["geometry"].get<std::string>();
    out_.push_back({path, v.dump(), note, "sources.geometry", is_assumed(note)});
  }

  // The note of the nearest enclosing object that has notes.
  void record(const json& v, const std::string& path) {
    for (auto level = chain_.rbegin(); level != chain_.rend(); ++level) {
      const char* name = notes_name(*level->object);
      auto it = level->object->find(name);
      if (it == level->object->end()) continue;
      const std::string np = join(level->path, name);
      if (it->is_string()) {
        out_.push_back({path, v.dump(), it->get<std::string>(), np, is_assumed(it->get<std::string>())});
        return;
      }
      auto note = it->find(level->key);
      const bool top = level->object == &root_;
      if (note == it->end() && top && chain_.size() > 1) break;  // deeper than the top level: say where in it
      if (note == it->end())
        fail(path, "no source note for this value (" + v.dump() + "); add \"" + level->key + "\": \"" + kHowToNote +
                       "\" to " + (top ? std::string("the top level's \"sources\"") : np));
      out_.push_back({path, v.dump(), note->get<std::string>(), join(np, level->key), is_assumed(note->get<std::string>())});
      return;
    }
    if (chain_.empty()) fail(path, "a site file is an object");
    const Level& inner = chain_.back();
    const bool top = inner.object == &root_;
    fail(path, "no source note for this value (" + v.dump() + "); add " +
                   (top ? "\"sources\": {\"" + inner.key + "\": \"" + kHowToNote + "\"} to the top level"
                        : "\"source\": {\"" + inner.key + "\": \"" + kHowToNote + "\"} to " + inner.path +
                              " (or one \"source\": \"...\" for all its values)"));
  }
};

}  // namespace

std::vector<SiteNote> site_notes(const json& site) { return NoteWalk(site).run(); }

std::string note_text(const json& source) {
  if (source.is_string()) return source.get<std::string>();
  std::string out;
  if (source.is_object())
    for (auto& [k, v] : source.items())
      if (v.is_string()) out += (out.empty() ? "" : "; ") + k + ": " + v.get<std::string>();
  return out;
}

}  // namespace connectors
