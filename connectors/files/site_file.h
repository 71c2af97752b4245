// Loads a site file (assets/sites/*.json, format in docs/site-format.md) into a
// twin::SiteSpec. Every problem becomes an error naming the file, the field and why;
// nothing here throws past its boundary or guesses a missing value.
//
// Supports: format "gatetwin-site/1". Refuses (issue 16): a number with no source note
// (site_notes.h), unknown keys (with the nearest known one) and keys written twice,
// duplicate ids, a direction with no lane, a zero-length lane, a stated length_m the
// polyline disagrees with, [min, max] targets the wrong way round, a goods mix off 1,
// and geometry more than 20 km from the site's origin.
#pragma once
#include "connectors/result.h"
#include "connectors/files/site_notes.h"
#include "connectors/files/small_file.h"
#include "twin/site.h"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace connectors {

struct SiteFileError {
  std::string file;
  std::string field;   // JSON path, e.g. "lanes[2].direction"; empty for whole-file problems
  std::string why;
  std::string message() const;  // "file: field: why"
};

using SiteFileResult = Result<twin::SiteSpec, SiteFileError>;

SiteFileResult load_site_file(const std::string& path);
SiteFileResult parse_site(const std::string& text, const std::string& file_name);

// Every value of a site file with its source note (site_notes.h), for gatesim
// --assumptions; the file must load (the same errors as load_site_file).
using SiteNotesResult = Result<std::vector<SiteNote>, SiteFileError>;
SiteNotesResult load_site_notes(const std::string& path);
SiteNotesResult parse_site_notes(const std::string& text, const std::string& file_name);

// Resolves a site id ("m1119") or a path to a site file; "all" gives every *.json in dir.
std::vector<std::string> site_paths(const std::string& site_or_all, const std::string& sites_dir);

// Loads "m1119", "m1119,m1088", "all" or paths; the first error stops it.
std::variant<std::vector<twin::SiteSpec>, SiteFileError> load_sites(const std::string& site_or_all,
                                                                    const std::string& sites_dir);

// A site id as the site files use it ("m1119"): 1-64 letters, digits, '-' or '_'. Not a
// path: recordings and scenario files name sites by id only.
bool is_site_id(std::string_view s);

// The directory of the shipped site files, found relative to the source tree or $GATETWIN_SITES.
std::string default_sites_dir();

}  // namespace connectors
