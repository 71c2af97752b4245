// The one shape of a fallible call outside the core (connectors, pipeline, sessions,
// runner, the control room): Result<T, E> holds the value or an error E with message() (a
// sentence a person can act on); E is a typed error where callers branch on its kind
// (StoreError, SiteFileError, DecodeError...), else Failure. Status is a call that returns
// nothing: empty when it worked. No exceptions cross these boundaries; the core has its
// own contracts (twin/contract.h) and the engine throws only at start-up.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace connectors {

struct Failure {
  Failure(std::string t) : text(std::move(t)) {}       // NOLINT: a message is a Failure
  Failure(const char* t) : text(t) {}                   // NOLINT
  std::string text;
  const std::string& message() const { return text; }
};

template <class T, class E = Failure>
using Result = std::variant<T, E>;

using Status = std::optional<Failure>;

}  // namespace connectors
