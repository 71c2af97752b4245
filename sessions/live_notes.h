// The notes a live twin writes into its recording's session: the session epoch (the UTC
// instant of run time 0, and where it came from), so that a replay can show the gate's
// date and local time as the live room did. Text in, text out: no file, no clock here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace sessions {

// {"gatetwin_live": {"what", "epoch_utc", "epoch_ms", "epoch_source"}}.
std::string live_session_notes(int64_t epoch_utc_ms, const std::string& epoch_source);
// The epoch a live recording's notes keep (nothing for a simulated session or notes from
// before the epoch was recorded).
std::optional<int64_t> epoch_from_notes(const std::string& notes);

}  // namespace sessions
