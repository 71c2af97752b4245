// The twin's counters as JSON. See twin_stats.h. Field names are a contract for scripts
// and tests (docs/mqtt.md): add, don't rename.
#include "runner/twin_stats.h"

#include "connectors/codec/kpi_json.h"
#include "connectors/codec/utc_time.h"

#include <cstdlib>
#include <fstream>
#include <string>

using namespace pipeline;

namespace runner {

nlohmann::json twin_stats_json(const twin::Core& core, const connectors::TwinLink* link, const pipeline::Sequencer& sequencer,
                               const FrameLoop& loop, double wall_s, const TwinTimeInfo* time) {
  using nlohmann::json;
  const pipeline::SequencerStats q = sequencer.stats();
  const FrameLoopStats& f = loop.stats();
  json j;
  json rejected = json::object();
  uint64_t rejected_total = 0;
  if (link) {
    const connectors::TwinLinkStats l = link->stats();
    for (size_t i = 0; i < l.rejected.size(); ++i)
      rejected[connectors::to_string(static_cast<connectors::RejectReason>(i))] = l.rejected[i];
    rejected_total = l.rejected_total;
    j["messages"]["received"] = l.received;
    j["messages"]["batch_positions"] = l.batch_positions;
    j["messages"]["accepted"] = l.accepted;
    j["messages"]["forged_audited"] = l.forged_audited;  // of rejected forged_identity: recorded by the core
    j["messages"]["dropped"] = l.queue.superseded;   // superseded telemetry, the only kind ever dropped
    j["queue"] = {{"size", l.queue.size}, {"high_water", l.queue.high_water}, {"producer_waits", l.queue.producer_waits}};
    j["decisions"] = {{"produced", f.decisions}, {"published", l.decisions_published}, {"outbox", l.outbox}, {"outbox_high_water", l.outbox_high_water},
                      {"dropped", l.outbox_dropped}};
    j["mqtt"] = {{"connected", link->connected()},       {"connects", l.client.connects},
                 {"connect_failures", l.client.connect_failures}, {"connection_losses", l.client.connection_losses},
                 {"published", l.client.published},       {"delivered", l.client.delivered},
                 {"publish_failures", l.client.publish_failures}};
    const connectors::CommandDeskStats c = link->command_stats();
    j["commands"] = {{"published", l.commands_published}, {"refused", l.commands_refused},  // this console's own
                     // commands from the broker, by id (docs/mqtt.md "Commands and their answers")
                     {"admitted", c.admitted}, {"answered", c.answered}, {"repeated", c.repeated},
                     {"retry_waiting", c.retry_waiting}, {"own_echoes", c.own_echoes}, {"refused_unread", c.refused_unread},
                     {"forgotten", c.forgotten}};
    j["messages"]["utc"] = l.utc_messages;
    j["feeds"] = feeds_json(link->feeds());
  } else {
    j["messages"]["received"] = 0;
    j["messages"]["batch_positions"] = 0;
    j["messages"]["accepted"] = 0;
    j["messages"]["dropped"] = 0;
  }
  // Ignored by the sequencer: counted with the decoder's rejects, by reason.
  rejected["stale"] = q.stale;
  rejected["duplicate"] = q.duplicate;
  rejected["stale_telemetry"] = q.stale_telemetry;
  rejected["too_many_sources"] = q.too_many_sources;
  rejected["seq_jump"] = q.seq_jump;
  rejected_total += q.stale + q.duplicate + q.stale_telemetry + q.too_many_sources + q.seq_jump;
  j["messages"]["applied"] = f.applied;
  j["messages"]["applied_telemetry"] = f.applied_telemetry;
  j["messages"]["rejected"] = rejected;
  j["messages"]["rejected_total"] = rejected_total;
  j["sequencer"] = {{"held", q.held},          {"held_high_water", q.held_high_water}, {"gaps_skipped", q.gaps_skipped},
                    {"seqs_skipped", q.seqs_skipped}, {"time_clamped", q.time_clamped}, {"sources", q.sources},
                    {"last_seq", sequencer.last_seq()}};
  j["sources"] = {{"seen", q.sources}, {"restarts", q.restarts}, {"restart_dropped", q.restart_dropped}, {"evicted", q.sources_evicted}};
  if (time) {
    j["time"]["epoch"] = epoch_json(time->epoch.utc_ms, time->epoch.source);
    if (link) {
      j["time"]["max_ahead_ms"] = link->time_options().max_ahead_ms;
      j["time"]["max_age_s"] = link->time_options().max_age_ms / 1000;
      j["time"]["wall_utc"] = connectors::format_rfc3339_ms(link->wall_utc_ms());
    }
    j["time"]["wall_clock_ticks"] = time->ticks ? pipeline::to_string(time->ticks->options().mode) : "off";
    j["time"]["ticking"] = time->ticks && time->ticks->ticking();
    j["time"]["ticks_inserted"] = time->ticks ? time->ticks->ticks() : 0;
  }
  const twin::WorldState& w = core.state();
  json ignored = json::object();
  for (const auto& [reason, n] : w.ignored_by_reason) ignored[reason] = n;
  j["core"] = {{"state_hash", connectors::hash_hex(core.state_hash())}, {"now_ms", w.now_ms}, {"last_seq", w.last_seq},
               {"ignored_by_reason", ignored}};
  // The field against the process, per site (docs/field.md).
  json field = json::object();
  for (size_t i = 0; i < w.sites.size() && i < core.sites().size(); ++i) {
    const twin::SiteState& s = w.sites[i];
    json by_reason = json::object();
    for (const auto& [reason, n] : s.divergence_by_reason) by_reason[reason] = n;
    field[core.sites()[i].id] = {{"undeclared_now", s.undeclared.size()}, {"undeclared_sighted", s.counters.undeclared_sighted},
                                 {"off_plan_alerts", s.counters.off_plan_alerts}, {"divergences", s.counters.divergences},
                                 {"divergence_by_reason", by_reason}};
  }
  j["field"] = field;
  j["run"] = {{"wall_s", wall_s}, {"frames", f.frames}, {"record_failures", f.log_failures}};
  return j;
}

nlohmann::json process_memory_json() {
  uint64_t rss = 0, peak = 0;
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::strtoull(line.c_str() + 6, nullptr, 10);
    if (line.rfind("VmHWM:", 0) == 0) peak = std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return {{"rss_kib", rss}, {"rss_peak_kib", peak}};
}

}  // namespace runner
