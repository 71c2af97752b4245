// What a contract violation prints before it aborts (see contract.h). Runs only on the
// way down: it reads the core and the event, never changes them, and must not check
// contracts itself.
#include "twin/contract.h"

#include "twin/core.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace twin::contract {

namespace {

thread_local const Scope* g_current = nullptr;
thread_local bool g_failing = false;

std::string when_text(SimTime t) {
  char buf[64];
  const long long day = t / kDay, ms = t % kDay;
  std::snprintf(buf, sizeof buf, "%lld ms (d%lld %02lld:%02lld:%02lld.%03lld)", static_cast<long long>(t), day, ms / kHour,
                (ms / kMinute) % 60, (ms / kSecond) % 60, ms % 1000);
  return buf;
}

std::string site_text(const Core& core, unsigned site) {
  std::string s = "site " + std::to_string(site);
  if (site < core.sites().size()) s += " (" + core.sites()[site].id + ")";
  return s;
}

// The run: the core's label (run_until sets "simulator seed N"), or what else identifies it.
std::string run_text(const Core& core) {
  std::string sites;
  for (const SiteSpec& s : core.sites()) sites += (sites.empty() ? "" : ",") + s.id;
  if (!core.run_label().empty()) return core.run_label() + ", sites " + sites;
  return "seed not known to the core (its events did not come from run_until's simulator and the program set no "
         "Core::set_run_label); sites " + sites;
}

}  // namespace

Scope::Scope(const Core& core, const Event* event) noexcept : core_(&core), event_(event), outer_(g_current) {
  g_current = this;
}

Scope::~Scope() { g_current = outer_; }

const Scope* Scope::current() { return g_current; }

void fail(const char* file, int line, const char* condition, std::string_view message) {
  if (g_failing) std::abort();  // a violation while describing one
  g_failing = true;
  std::string_view where(file);
  if (auto p = where.rfind("twin/"); p != std::string_view::npos) where.remove_prefix(p);
  std::string out = "twin: contract violated at " + std::string(where) + ":" + std::to_string(line) + " [" + condition + "]\n";
  // The message, one "twin:   " line per line of it.
  for (std::string_view rest = message; !rest.empty();) {
    const size_t nl = rest.find('\n');
    out += "twin:   " + std::string(rest.substr(0, nl)) + "\n";
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  if (const Scope* s = g_current) {
    const Core& core = s->core();
    if (const Event* e = s->event())
      out += "twin:   while folding event seq " + std::to_string(e->seq) + ", time " + when_text(e->time_ms) + ", " +
             site_text(core, e->site) + ", kind " + event_name(e->body) + "\n";
    else if (core.state().last_seq != 0 || core.last_event_kind()[0] != '\0')
      out += "twin:   after event seq " + std::to_string(core.state().last_seq) + ", time " + when_text(core.state().now_ms) +
             ", kind " + core.last_event_kind() + " (the last one folded)\n";
    else
      out += "twin:   before any event was folded\n";
    out += "twin:   run: " + run_text(core) + "\n";
  } else {
    out += "twin:   (outside Core::apply: no event being folded)\n";
  }
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace twin::contract
