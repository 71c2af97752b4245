// Source notes of a site file: every number in it (a list of numbers counts as one value,
// and each distribution's "dist" counts too) must say where it comes from, a report or
// "assumed: why", so that a planner can defend a capacity answer and an operator knows
// what to replace with a measured figure. The rules (docs/site-format.md, "Source notes"):
//   - an object's "source" note covers its values: a string covers all of them, an
//     object of field -> note covers the fields it names; a value with no note in its own
//     object takes the note of the nearest enclosing object that has one, and a "source"
//     object that does not name the field refuses it;
//   - the top level's notes are "sources" (an object; other keys there are free text);
//   - coordinates (border_line, polyline, positions, rect, depot) take sources.geometry.
// It reads a document the site loader has already checked; it must not change a value,
// and it never guesses a note.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace connectors {

struct SiteNote {
  std::string path;       // the value's JSON path: "checkpoints[1].servers"
  std::string value;      // as the file writes it (JSON text): "4", "[2000,2500]"
  std::string note;       // where it comes from
  std::string note_path;  // where that note is: "checkpoints[1].source.servers"
  bool assumed = false;   // the note begins with "assumed"
};

// Every value of a site document with its note, sorted by key within each object. Throws FieldError
// (json_field.h) at the first value without a note, saying what to add where, or at a
// note that is empty, not text, or names a field its object does not have.
std::vector<SiteNote> site_notes(const nlohmann::json& site);

// A note's text as SiteSpec keeps it: the string, or "field: note; ..." for an object.
std::string note_text(const nlohmann::json& source);

}  // namespace connectors
