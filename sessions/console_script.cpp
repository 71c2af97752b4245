// Console scripts. See console_script.h.
#include "sessions/console_script.h"

#include "sessions/replay_cli.h"

#include "twin/clock_text.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sessions {

static std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

static std::optional<twin::CommandKind> kind_of(const std::string& s) {
  for (int k = 0; k < static_cast<int>(twin::CommandKind::Count); ++k)
    if (s == twin::to_string(static_cast<twin::CommandKind>(k))) return static_cast<twin::CommandKind>(k);
  return std::nullopt;
}

connectors::Result<ConsoleScript> parse_console_script(const std::string& text, const std::string& name) {
  ConsoleScript out;
  std::istringstream in(text);
  std::string raw;
  int n = 0;
  while (std::getline(in, raw)) {
    ++n;
    if (out.size() >= 10000) return name + ": more than 10000 commands";
    std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    std::vector<std::string> f;
    size_t from = 0;
    for (int i = 0; i < 4; ++i) {  // TIME, SITE, KIND, TARGET; the rest is the reason (it may hold commas)
      const size_t comma = line.find(',', from);
      f.push_back(trim(line.substr(from, comma == std::string::npos ? std::string::npos : comma - from)));
      from = comma == std::string::npos ? line.size() : comma + 1;
    }
    const std::string where = name + ":" + std::to_string(n) + ": ";
    ScriptCommand c;
    c.line = n;
    c.reason = trim(line.substr(std::min(from, line.size())));
    if (c.reason.empty()) c.reason = "console script";
    std::string clock = f[0];
    if (std::count(clock.begin(), clock.end(), ':') == 1) clock += ":00";
    auto t = twin::parse_clock(clock);
    if (!t) return where + "\"" + f[0] + "\" is not HH:MM or HH:MM:SS";
    auto k = kind_of(f[2]);
    if (!k) return where + "unknown command kind \"" + f[2] + "\"";
    if (f[1].empty()) return where + "no site; expected TIME,SITE,KIND,TARGET[,REASON]";
    c.at_ms = *t;
    c.command = {*t, f[1], *k, f[3]};
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const ScriptCommand& a, const ScriptCommand& b) { return a.at_ms < b.at_ms; });
  return out;
}

connectors::Result<ConsoleScript> read_console_script(const std::string& path) {
  std::ifstream f(path);
  if (!f) return "cannot read the console script " + path;
  std::ostringstream s;
  s << f.rdbuf();
  if (s.str().size() > (1u << 20)) return path + ": a console script is at most 1 MiB";
  return parse_console_script(s.str(), path);
}

ConsoleScript script_of_commands(const std::vector<ForkCommandArg>& commands) {
  ConsoleScript out;
  for (const auto& c : commands) out.push_back({c.at_ms, c, "console script", 0});
  std::stable_sort(out.begin(), out.end(), [](const ScriptCommand& a, const ScriptCommand& b) { return a.at_ms < b.at_ms; });
  return out;
}

connectors::Result<twin::OperatorCommand> script_command(const ScriptCommand& c, const std::vector<twin::SiteSpec>& sites,
                                                         const std::string& actor, twin::Role role, uint8_t& site) {
  auto made = make_command(c.command, sites, site);
  if (auto* f = std::get_if<connectors::Failure>(&made)) return f->text + (c.line ? " (line " + std::to_string(c.line) + ")" : "");
  auto oc = std::get<twin::OperatorCommand>(made);
  oc.actor = actor;
  oc.role = role;
  oc.reason = c.reason;
  return oc;
}

}  // namespace sessions
