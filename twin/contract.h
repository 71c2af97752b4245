// Always-on contract checks for the core: its preconditions (Core::apply's event order,
// the simulator's and a scenario run's) and its internal consistency checks. Unlike
// assert() they are checked in every build type, NDEBUG or not. A violation prints to
// stderr what was violated and where, the event being folded (seq, time, site, kind) and
// what identifies the run (the simulator's seed when the core knows it), then calls
// std::abort(). The condition is evaluated always, the message only on failure, so a
// check must be cheap. Not for input the core counts and ignores (an unknown shipment,
// an unknown site): those are not contract violations. Must not throw, allocate on the
// success path, or change any state.
#pragma once
#include <string_view>

namespace twin {

class Core;
struct Event;

namespace contract {

// Prints the violation (and the folding context, if any) to stderr and aborts.
[[noreturn]] void fail(const char* file, int line, const char* condition, std::string_view message = {});

// While a Scope is alive on this thread, a violation names its core's run and the event
// being folded (with no event: the last one the core folded). Core::apply makes one for
// each event; Core::require_invariants one without. They nest (the innermost wins).
class Scope {
 public:
  Scope(const Core& core, const Event* event) noexcept;
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  const Core& core() const { return *core_; }
  const Event* event() const { return event_; }
  static const Scope* current();

 private:
  const Core* core_;
  const Event* event_;
  const Scope* outer_;
};

}  // namespace contract
}  // namespace twin

// TWIN_REQUIRE(condition) or TWIN_REQUIRE(condition, message): message is anything that
// converts to std::string_view (a literal, a std::string built on the spot).
#define TWIN_REQUIRE(cond, ...)                                                            \
  do {                                                                                     \
    if (!(cond)) [[unlikely]]                                                              \
      ::twin::contract::fail(__FILE__, __LINE__, #cond __VA_OPT__(, ) __VA_ARGS__);        \
  } while (0)
