// A small JSON Schema validator for the subset of JSON Schema (draft-07 / 2020-12 style)
// that the VDA 5050 2.x message schemas use (assets/vda5050/schemas/README.md): `type`
// (one or a list; "integer" is a number without a fraction), `required`, `properties`,
// `additionalProperties` (false or a schema), `enum`, `items`, `minimum` / `maximum`,
// `minLength` / `maxLength`, `minItems` / `maxItems`, `$ref` to `#/definitions/NAME` or
// `#/$defs/NAME`, and `format: date-time` (RFC 3339 / ISO 8601 with a date, a time and `Z`
// or an offset, checked loosely). Annotations (`title`, `description`, `examples`,
// `$schema`, `$id`, `subtopic`, `default`) are ignored; any other keyword refuses the schema
// when it loads, so that a schema is never half-checked without a word.
// It must not know VDA 5050: it validates any document against any schema of that subset.
#pragma once
#include "connectors/result.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>

namespace connectors::vda5050 {

class JsonSchema {
 public:
  // The schema in `text` (JSON); `name` names it in errors. A failure says which keyword,
  // where (JSON path in the schema), and why.
  static Result<JsonSchema> parse(const std::string& text, const std::string& name);
  // The schema in a file (at most 1 MiB).
  static Result<JsonSchema> load(const std::string& path);

  // Empty when `doc` is valid; else the first violation, with its JSON path in the
  // document: `nodes[2].sequenceId: expected integer, found string`.
  std::optional<std::string> validate(const nlohmann::json& doc) const;

  const std::string& name() const;

  struct Node;      // one compiled schema object (json_schema.cpp)
  struct Compiled;  // the nodes and definitions of one schema (json_schema.cpp)

 private:
  std::shared_ptr<const Compiled> c_;
};

// True when `s` is an RFC 3339 date-time (`2026-05-01T08:30:00Z`, fraction optional,
// `Z`/`z` or `+hh:mm` / `-hh:mm`); ranges of the fields are checked, leap seconds allowed.
bool is_date_time(const std::string& s);

}  // namespace connectors::vda5050
