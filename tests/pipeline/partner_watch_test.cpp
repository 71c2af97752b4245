// Tests PartnerWatch (pipeline/partner_watch.h), the fault "partner-customs feed
// silent": the built-in simulator drives the core through the twin's own path (field
// messages -> PartnerWatch -> Sequencer -> Core, as the frame loop runs them) while the
// partner feed (declarations and receipts, source "nsw") goes silent for an hour and then
// delivers its backlog. Checked: without the watch the core guesses (vehicles are
// diverted for "no partner declaration"); with it, once the feed has been silent for
// silence_ms the partner data is marked stale (one PartnerLinkStatus{false}), vehicles
// lacking it are held, none is diverted for it, and after the backlog has flowed for
// resume_ms the link is back (one {true}) and the held vehicles go on. Seed: 7, or
// $GATETWIN_TEST_SEED. Nothing is skipped. Then the frame loop itself, with the watch
// over one long frame: its events keep the time of the event that revealed them.
#include "pipeline/frame_loop.h"

#include "pipeline/partner_watch.h"
#include "pipeline/sequencer.h"
#include "connectors/files/site_file.h"
#include "twin/core.h"
#include "twin/simulator.h"
#include "twin/site_plan.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <deque>

using namespace pipeline;

using namespace connectors;

namespace {

uint64_t test_seed() {
  const char* s = std::getenv("GATETWIN_TEST_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 7;
}

constexpr twin::SimTime kSilentFrom = 1 * twin::kHour, kSilentTo = 2 * twin::kHour, kEnd = 3 * twin::kHour;

struct Outcome {
  uint64_t diverted_no_partner_in_silence = 0;  // after silence_ms into the window, until the link is back
  uint64_t diverted_no_partner_total = 0;
  size_t held_max = 0;                          // vehicles in WaitingPartnerData at once
  PartnerWatchStats watch;
  twin::SimTime stale_at = -1, fresh_at = -1;
  bool link_up_at_end = false;
  uint64_t cleared = 0;
};

bool is_partner(const twin::EventBody& b) {
  return std::holds_alternative<twin::PartnerDeclarationReceived>(b) || std::holds_alternative<twin::PartnerReceiptConfirmed>(b);
}

Outcome run(bool silent, bool watch_on, const PartnerWatchOptions& wo) {
  auto r = load_sites("all", default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  auto sites = std::get<std::vector<twin::SiteSpec>>(r);
  twin::SimOptions opt;
  opt.seed = test_seed();
  for (const auto& s : sites) opt.vehicles_per_day.push_back(*twin::load_per_day(s, "2030"));
  twin::Core core(sites);
  twin::Simulator sim(core.sites(), opt);
  Sequencer seq;
  PartnerWatch watch(wo);
  std::deque<FieldMessage> backlog;  // what the silent partner feed will send when it is back
  uint64_t sim_seq = 0, nsw_seq = 0;
  Outcome o;
  std::vector<SequencedEvent> ready;
  twin::Decisions d;
  uint64_t n = 0;
  auto apply_ready = [&] {
    for (const SequencedEvent& e : ready) {
      d.clear();
      core.apply(e.event, d);
      sim.observe(d);
      for (const twin::Decision& x : d)
        if (x.kind == twin::DecisionKind::Diverted && x.text == "no partner declaration") {
          o.diverted_no_partner_total++;
          if (e.event.time_ms >= kSilentFrom + wo.silence_ms && (o.fresh_at < 0 || e.event.time_ms < o.fresh_at))
            o.diverted_no_partner_in_silence++;
        }
      if (const auto* l = std::get_if<twin::PartnerLinkStatus>(&e.event.body)) (l->up ? o.fresh_at : o.stale_at) = e.event.time_ms;
    }
    ready.clear();
  };
  auto deliver = [&](FieldMessage m) {
    if (watch_on)
      if (auto down = watch.before(m)) seq.accept(std::move(*down), 0, ready);
    FieldMessage copy = m;
    seq.accept(std::move(m), 0, ready);
    if (watch_on)
      if (auto up = watch.after(copy)) seq.accept(std::move(*up), 0, ready);
    apply_ready();
  };
  while (sim.next_time() <= kEnd) {
    twin::Event e = sim.next();
    FieldMessage m;
    m.time_ms = e.time_ms;
    m.site = e.site;
    m.body = e.body;
    const bool partner = is_partner(e.body);
    if (silent && partner && e.time_ms >= kSilentFrom && e.time_ms < kSilentTo) {
      backlog.push_back(std::move(m));  // the partner's side keeps it
      continue;
    }
    if (silent && e.time_ms >= kSilentTo)
      while (!backlog.empty()) {  // the feed is back: its backlog first, in its own order
        FieldMessage b = std::move(backlog.front());
        backlog.pop_front();
        b.source = "nsw";
        b.source_seq = ++nsw_seq;
        b.time_ms = e.time_ms;  // sent now
        deliver(std::move(b));
      }
    m.source = partner ? "nsw" : "gatesim";
    m.source_seq = partner ? ++nsw_seq : ++sim_seq;
    deliver(std::move(m));
    if (++n % 64 == 0 && e.time_ms >= kSilentFrom && e.time_ms < kSilentTo + 10 * 60000) {
      size_t held = 0;
      for (const auto& s : core.state().sites)
        for (const auto& sh : s.shipments) held += sh.phase == twin::Phase::WaitingPartnerData;
      o.held_max = std::max(o.held_max, held);
    }
  }
  o.watch = watch.stats();
  o.link_up_at_end = core.state().partner_link_up;
  for (const auto& s : core.state().sites)
    for (const auto& sh : s.shipments) o.cleared += sh.phase == twin::Phase::Cleared;
  return o;
}

}  // namespace

TEST_CASE("partner feed silent: its data is marked stale, vehicles are held, not guessed; back after the backlog") {
  PartnerWatchOptions wo;  // the defaults gatetwin runs with: 10 min silence, 60 s resume
  const Outcome normal = run(false, true, wo);
  const Outcome guessed = run(true, false, wo);
  const Outcome held = run(true, true, wo);
  INFO("seed " << test_seed());
  // The normal feed never trips the watch (2030 load).
  CHECK(normal.watch.marked_stale == 0);
  // Without the watch the core guesses: vehicles without partner data are diverted.
  CHECK(guessed.diverted_no_partner_in_silence > 0);
  // With it: marked stale once, within silence_ms of the feed's last message (+ the gap to
  // the next message of any kind), and back once, after the backlog.
  CHECK(held.watch.marked_stale == 1);
  CHECK(held.watch.marked_fresh == 1);
  REQUIRE(held.stale_at >= 0);
  CHECK(held.stale_at > kSilentFrom + wo.silence_ms - 5 * 60000);  // the feed's last message may precede the window
  CHECK(held.stale_at <= kSilentFrom + wo.silence_ms + 60000);
  CHECK(held.fresh_at >= kSilentTo + wo.resume_ms);
  CHECK(held.link_up_at_end);
  // While stale nothing is diverted for lack of partner data: those vehicles wait.
  CHECK(held.diverted_no_partner_in_silence == 0);
  CHECK(held.held_max > 0);
  WARN("partner feed silent 1 h: without the watch " << guessed.diverted_no_partner_total
       << " vehicles diverted for no partner declaration; with it " << held.diverted_no_partner_total
       << " (all in the first " << wo.silence_ms / 60000 << " min), up to " << held.held_max
       << " held at once; stale at " << held.stale_at / 1000 << " s, fresh at " << held.fresh_at / 1000
       << " s; cleared by 3 h: " << held.cleared << " (guessing: " << guessed.cleared << ", normal feed: " << normal.cleared << ")");
  CHECK(held.diverted_no_partner_total < guessed.diverted_no_partner_total);
}

// The frame loop (tools/gatetwin FrameLoop) runs the watch over what the sequencer
// released in a frame. When one frame holds a long stretch of event time (a burst, a
// backlog), the watch's "link down" must carry the time of the event that revealed the
// silence, not the latest time of the frame: otherwise the core would be handed a time
// that goes back (an invariant it asserts) and the stale mark would come minutes late.
TEST_CASE("frame loop: the watch's events carry the time of the event that revealed them, in one long frame") {
  auto r = load_sites("all", default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  twin::Core core(std::get<std::vector<twin::SiteSpec>>(r));
  IngestQueue queue(1024);
  Sequencer sequencer;
  PartnerWatch watch;  // 10 min silence, 60 s resume
  FrameLoop loop(core, queue, sequencer, nullptr, nullptr);
  loop.set_partner_watch(&watch);
  std::vector<twin::Event> applied;
  loop.set_after_apply([&](const SequencedEvent& e, const twin::Decisions&) { applied.push_back(e.event); });
  uint64_t field = 0, nsw = 0;
  auto put = [&](const char* source, uint64_t& seq, twin::SimTime t, twin::EventBody b) {
    REQUIRE(queue.push(FieldMessage{source, ++seq, t, 0, std::move(b), MessageClass::Ordered, "test"}));
  };
  constexpr twin::SimTime kMin = 60000;
  put("nsw", nsw, 0, twin::PartnerReceiptConfirmed{});
  for (twin::SimTime m = 1; m <= 40; ++m) put("field", field, m * kMin, twin::ClockTick{});  // 11 min reveals it
  put("nsw", nsw, 40 * kMin, twin::PartnerReceiptConfirmed{});                            // the feed is back...
  for (twin::SimTime m = 41; m <= 45; ++m) put("field", field, m * kMin, twin::ClockTick{});  // ...for 60 s at 41 min
  REQUIRE(loop.run_frame(0) == 47 + 2);  // the field's 45 and the feed's 2, and the watch's 2
  std::vector<std::pair<twin::SimTime, bool>> links;
  for (size_t i = 0; i < applied.size(); ++i) {
    if (i > 0) {
      CHECK(applied[i].seq == applied[i - 1].seq + 1);
      CHECK(applied[i].time_ms >= applied[i - 1].time_ms);
    }
    if (const auto* l = std::get_if<twin::PartnerLinkStatus>(&applied[i].body)) links.push_back({applied[i].time_ms, l->up});
  }
  REQUIRE(links.size() == 2);
  CHECK_FALSE(links[0].second);
  CHECK(links[0].first == 11 * kMin);
  CHECK(links[1].second);
  CHECK(links[1].first == 41 * kMin);
  CHECK(core.state().partner_link_up);
}
