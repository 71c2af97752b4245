// gatesim --assumptions. See assumptions_cmd.h.
#include "assumptions_cmd.h"

#include "connectors/files/site_file.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

int print_assumptions(const SimArgs& args) {
  const std::string dir = args.sites_dir.empty() ? connectors::default_sites_dir() : args.sites_dir;
  const auto paths = connectors::site_paths(args.site, dir);
  if (paths.empty()) {
    std::fprintf(stderr, "gatesim: no site files (*.json) found for \"%s\" in %s\n", args.site.c_str(), dir.c_str());
    return 1;
  }
  nlohmann::json out = {{"sites", nlohmann::json::array()}};
  for (const std::string& path : paths) {
    auto site = connectors::load_site_file(path);
    auto notes = connectors::load_site_notes(path);
    const connectors::SiteFileError* err = std::get_if<connectors::SiteFileError>(&site);
    if (!err) err = std::get_if<connectors::SiteFileError>(&notes);
    if (err) {
      std::fprintf(stderr, "gatesim: %s\n", err->message().c_str());
      return 1;
    }
    const std::string& id = std::get<twin::SiteSpec>(site).id;
    const auto& values = std::get<std::vector<connectors::SiteNote>>(notes);
    size_t assumed = 0;
    for (const auto& v : values) assumed += v.assumed;
    if (args.json) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& v : values)
        list.push_back({{"path", v.path}, {"value", nlohmann::json::parse(v.value)}, {"note", v.note},
                        {"note_path", v.note_path}, {"assumed", v.assumed}});
      out["sites"].push_back({{"id", id}, {"file", path}, {"values", list}, {"assumed", assumed},
                              {"sourced", values.size() - assumed}});
      continue;
    }
    std::printf("site %s (%s): %zu values, %zu from a source, %zu assumed\n", id.c_str(), path.c_str(), values.size(),
                values.size() - assumed, assumed);
    for (const auto& v : values)
      std::printf("%s  %s = %s\n          %s  [%s]\n", v.assumed ? "assumed" : "sourced", v.path.c_str(), v.value.c_str(),
                  v.note.c_str(), v.note_path.c_str());
    std::printf("\n");
  }
  if (args.json) std::cout << out.dump(2) << "\n";
  return 0;
}
