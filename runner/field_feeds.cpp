// The session epoch, the feeds' wiring and their JSON. See field_feeds.h.
#include "runner/field_feeds.h"

#include <algorithm>
#include <climits>
#include <vector>

#include "connectors/codec/utc_time.h"

namespace runner {

SessionEpoch session_epoch(const TwinArgs& args, int64_t wall_utc_ms) {
  if (args.epoch_utc_ms) return {*args.epoch_utc_ms, "--epoch"};
  return {connectors::gate_midnight_utc_ms(wall_utc_ms), "default"};
}

nlohmann::json epoch_json(int64_t epoch_utc_ms, const std::string& source) {
  return {{"utc", connectors::format_rfc3339_ms(epoch_utc_ms)},
          {"local", connectors::format_rfc3339_ms(epoch_utc_ms, connectors::kGateUtcOffsetMinutes)},
          {"ms", epoch_utc_ms},
          {"source", source}};
}

void connect_feeds(pipeline::Sequencer& sequencer, connectors::TwinLink& link, std::function<void(const std::string&)> log,
                   LostMessagesBook* lost) {
  pipeline::SequencerHooks h;
  h.gap_skipped = [&link, lost, log](const pipeline::GapSkipped& g) {
    if (g.before_first) {  // joined a running source: said once, not an alarm
      link.feed_book().never_arrived(g.source, "before_join", g.last - g.first + 1);
      if (log)
        log("source " + g.source + " joined at seq " + std::to_string(g.last + 1) + ": its seqs " + std::to_string(g.first) + "-" +
            std::to_string(g.last) + " were sent before the twin listened (or lost), and are not waited for");
      return;
    }
    link.feed_book().never_arrived(g.source, "missing", g.last - g.first + 1);
    if (lost) lost->note(g);
  };
  h.ignored = [&link](const std::string& source, const char* reason, uint64_t n) {
    link.feed_book().rejected(source, {}, reason, link.wall_utc_ms(), false, n);
  };
  h.restarted = [&link, log](const pipeline::SourceRestart& r) {
    link.feed_book().restarted(r.source, r.to_session);
    if (!log) return;
    std::string line = "source " + r.source + " restarted (";
    if (r.by_session)
      line += "session " + (r.from_session.empty() ? std::string("(none)") : r.from_session) + " -> " + r.to_session;
    else
      line += "seq 1 after a silence, was at " + std::to_string(r.old_next);
    line += "); its seq starts again";
    if (r.dropped) line += ", " + std::to_string(r.dropped) + " held messages of the old run dropped";
    log(line);
  };
  sequencer.set_hooks(std::move(h));
}

void log_feed_summaries(connectors::TwinLink& link, const std::function<void(const std::string&)>& log, bool final) {
  for (const std::string& line : link.feed_summaries(final ? 0 : 10000)) log(line);
}

nlohmann::json feeds_json(const connectors::FeedsSnapshot& feeds) {
  nlohmann::json out = nlohmann::json::object();
  for (const connectors::FeedStatus& f : feeds.sources) {
    nlohmann::json j;
    j["messages"] = f.messages;
    j["last_utc"] = f.last_wall_ms < 0 ? nlohmann::json(nullptr) : nlohmann::json(connectors::format_rfc3339_ms(f.last_wall_ms));
    j["age_ms"] = f.age_ms;
    j["rate_per_s"] = f.rate_per_s;
    j["rejected"] = f.rejected;
    j["rejected_total"] = f.rejected_total;
    j["never_arrived"] = f.never_arrived;
    j["never_arrived_total"] = f.never_arrived_total;
    j["clock_offset_ms"] = f.has_clock_offset ? nlohmann::json(f.clock_offset_ms) : nlohmann::json(nullptr);
    j["session"] = f.session;
    j["account"] = f.account;
    j["restarts"] = f.restarts;
    j["by_topic"] = f.by_topic;
    out[f.name] = std::move(j);
  }
  return out;
}

void cap_health_feeds(nlohmann::json& health, size_t max_sources) {
  auto it = health.find("feeds");
  if (it == health.end() || !it->is_object() || it->size() <= max_sources) {
    health["feeds_omitted"] = 0;
    return;
  }
  std::vector<std::pair<std::string, const nlohmann::json*>> order;
  for (auto f = it->begin(); f != it->end(); ++f) order.emplace_back(f.key(), &f.value());
  auto rank = [](const nlohmann::json& f) {  // rejections or lost messages first, then the most recently heard
    const bool rejected = f.value("rejected_total", uint64_t{0}) > 0 || f.contains("never_arrived") && f["never_arrived"].contains("missing");
    const int64_t age = f.value("age_ms", int64_t{-1});
    return std::make_pair(rejected ? 0 : 1, age < 0 ? INT64_MAX : age);
  };
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return rank(*a.second) < rank(*b.second); });
  nlohmann::json kept = nlohmann::json::object();
  for (size_t i = 0; i < max_sources; ++i) kept[order[i].first] = *order[i].second;
  health["feeds_omitted"] = order.size() - max_sources;
  *it = std::move(kept);
}

}  // namespace runner
