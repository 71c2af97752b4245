// A live recording's session notes. See live_notes.h.
#include "sessions/live_notes.h"

#include "connectors/codec/utc_time.h"

#include <nlohmann/json.hpp>

namespace sessions {

std::string live_session_notes(int64_t epoch_utc_ms, const std::string& epoch_source) {
  nlohmann::json j;
  j["what"] = "gatetwin --headless (MQTT live)";
  j["epoch_utc"] = connectors::format_rfc3339_ms(epoch_utc_ms);
  j["epoch_ms"] = epoch_utc_ms;
  j["epoch_source"] = epoch_source;
  return nlohmann::json{{"gatetwin_live", j}}.dump();
}

std::optional<int64_t> epoch_from_notes(const std::string& notes) {
  auto j = nlohmann::json::parse(notes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("gatetwin_live")) return std::nullopt;
  const auto& l = j["gatetwin_live"];
  if (!l.is_object() || !l.contains("epoch_ms") || !l["epoch_ms"].is_number_integer()) return std::nullopt;
  return l["epoch_ms"].get<int64_t>();
}

}  // namespace sessions
