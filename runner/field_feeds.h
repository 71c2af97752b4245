// The live twin's field-facing set-up that is neither the link's nor the sequencer's own:
// the session epoch (from --epoch, or the gate's midnight of the start day), the notes
// that keep it in the recording, the wiring of the sequencer's ignored messages and
// restarts into the link's per-source feeds (with the restart's log line), the
// rate-limited feed summaries, and the feeds as JSON for --stats and the health topic.
// It must not decide what is accepted (codec, FieldClock and Sequencer do).
#pragma once
#include "runner/lost_messages.h"
#include "runner/twin_args.h"

#include "connectors/mqtt/feed_book.h"
#include "connectors/mqtt/twin_link.h"
#include "pipeline/sequencer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace runner {

struct SessionEpoch {
  int64_t utc_ms = 0;         // the UTC instant of run time 0
  std::string source;         // "--epoch" or "default" (00:00 at the gate, UTC+7, of the start day)
};
// --epoch, or the gate's midnight of the day that contains wall_utc_ms.
SessionEpoch session_epoch(const TwinArgs& args, int64_t wall_utc_ms);
// The recording's notes that keep the epoch: sessions/live_notes.h.
// {"utc", "local", "ms", "source"}: for --stats and the UI.
nlohmann::json epoch_json(int64_t epoch_utc_ms, const std::string& source);

// The sequencer's ignored messages and restarts go to the link's feeds; each restart is
// logged: "source X restarted (session A -> B)". Each gap given up on is counted in the
// source's feed as "missing" (one per seq) and noted in `lost` (may be null), whose owner
// logs it and tells the window (lost_messages.h).
void connect_feeds(pipeline::Sequencer& sequencer, connectors::TwinLink& link, std::function<void(const std::string&)> log,
                   LostMessagesBook* lost = nullptr);
// Logs the link's rate-limited feed summaries (call about once a second; final: at the
// end, everything not yet said).
void log_feed_summaries(connectors::TwinLink& link, const std::function<void(const std::string&)>& log, bool final = false);

// {"<src>": {messages, last_utc, age_ms, rate_per_s, rejected: {...}, rejected_total,
// never_arrived: {missing, before_join}, never_arrived_total, clock_offset_ms, session, account, restarts, by_topic}}.
nlohmann::json feeds_json(const connectors::FeedsSnapshot& feeds);
// The health message's feeds: at most max_sources entries of a feeds_json object, those with
// rejections or missing messages first, then the most recently heard; "feeds_omitted" in `health` says how many
// were left out (the --stats file keeps them all). A thousand sources would otherwise make
// every health message hundreds of KiB.
void cap_health_feeds(nlohmann::json& health, size_t max_sources = 64);

}  // namespace runner
