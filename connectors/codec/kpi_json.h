// KPIs as JSON, CSV and text for people and machines (gatesim output, the twin's health
// topic, reports). Formatting only: the numbers come from twin::compute_kpis.
#pragma once
#include "twin/kpi.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace connectors {

nlohmann::json kpis_to_json(const twin::SiteKpis& k);
std::string kpis_csv_header();
std::string kpis_to_csv_row(const twin::SiteKpis& k);
std::string kpis_to_text(const twin::SiteKpis& k, const std::string& site_name);
// A 64-bit hash or id (state hash, stream id) as 16 lower-case hex digits: the one place.
std::string hash_hex(uint64_t h);

}  // namespace connectors
