// Alert texts through the catalogue. See alert_text.h.
#include "controlroom/ui/alert_text.h"

#include "controlroom/ui/text_catalogue.h"

#include <regex>
#include <vector>

namespace controlroom::ui {
namespace {

struct Phrasing {
  std::regex pattern;
  const char* key;           // the catalogue's printf key (only %s), one per capture
  std::vector<bool> data;    // per capture: translate it with tr_data (a station, a yard)
};

const std::vector<Phrasing>& phrasings() {
  static const std::vector<Phrasing> p = {
      {std::regex(R"(^declaration mismatch, shipment (\S+) diverted$)"), "declaration mismatch, shipment %s diverted", {false}},
      {std::regex(R"(^undeclared vehicle (\S+) read at arrival: no declaration for container (\S+)$)"),
       "undeclared vehicle %s read at arrival: no declaration for container %s", {false, false}},
      {std::regex(R"(^undeclared vehicle (\S+) on (.+): no declaration or arrival for it$)"),
       "undeclared vehicle %s on %s: no declaration or arrival for it", {false, true}},
      {std::regex(R"(^reefer power lost in (\S+)$)"), "reefer power lost in %s", {true}},
      {std::regex(R"(^queue at (\S+) over (\d+)$)"), "queue at %s over %s", {true, false}},
      {std::regex(R"(^second partner declaration for shipment (\S+) disagrees with the first \((.*)\): check with the partner customs$)"),
       "second partner declaration for shipment %s disagrees with the first (%s): check with the partner customs", {false, false}},
      {std::regex(R"(^field and twin disagree: (.*)$)"), "field and twin disagree: %s", {false}},
      {std::regex(R"(^(.+) is reported in (.+), (.+) from where the process has it \((.+)\)$)"),
       "%s is reported in %s, %s from where the process has it (%s)", {false, true, false, false}},
      {std::regex(R"(^(.+) failed$)"), "%s failed", {true}},
  };
  return p;
}

std::string rewrite(const std::string& text) {
  if (lang() == Lang::En) return text;
  const std::string fixed = tr_data(text);
  if (fixed != text) return fixed;
  std::smatch m;
  for (const Phrasing& p : phrasings()) {
    if (!std::regex_match(text, m, p.pattern)) continue;
    std::vector<std::string> args;
    for (size_t i = 1; i < m.size(); ++i) args.push_back(i - 1 < p.data.size() && p.data[i - 1] ? tr_data(m[i].str()) : m[i].str());
    while (args.size() < 4) args.emplace_back();
    return trf(p.key, args[0].c_str(), args[1].c_str(), args[2].c_str(), args[3].c_str());
  }
  return text;
}

}  // namespace

std::string alert_text(const std::string& english) {
  const size_t colon = english.find(": ");
  if (colon != std::string::npos && english.find(' ') > colon)  // "m1119: ...": keep the site
    return english.substr(0, colon + 2) + rewrite(english.substr(colon + 2));
  return rewrite(english);
}

}  // namespace controlroom::ui
