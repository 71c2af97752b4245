// Tests what a field system that was not written for this project meets at the twin's
// boundary (docs/mqtt.md "Time", "Sources", "Connect a field system"): RFC 3339 and
// epoch-ms time mapped through the session epoch, refused when a century ahead or too
// old; sessions, restarts and absurd seq jumps; topics bound to broker accounts; trucks
// named by plate / container, ISO 6346 check digits; WGS84 positions within 1 cm of
// twin/geo.h's own conversion and compass headings; the per-source feeds and their log
// summaries; and that each hostile message leaves the other sources' data flowing. The
// last cases run every mosquitto_pub line of docs/mqtt.md through the twin's decoder.
// TwinLink is driven through on_message with its own wall clock: no broker, no thread.
#include <catch2/catch.hpp>

#include "connectors/codec/event_json.h"
#include "connectors/codec/log_text.h"
#include "connectors/codec/utc_time.h"
#include "connectors/files/site_file.h"
#include "connectors/mqtt/feed_book.h"
#include "connectors/mqtt/field_clock.h"
#include "connectors/mqtt/twin_link.h"
#include "pipeline/sequencer.h"
#include "pipeline/wall_ticks.h"
#include "runner/field_feeds.h"
#include "sessions/live_notes.h"
#include "twin/geo.h"
#include "twin/identifiers.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <chrono>
#include <map>
#include <sstream>

using namespace connectors;

namespace {

std::vector<twin::SiteSpec> sites() {
  auto r = load_sites("all", default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  return std::get<std::vector<twin::SiteSpec>>(r);
}

size_t site_index(const std::vector<twin::SiteSpec>& s, const std::string& id) {
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i].id == id) return i;
  FAIL("no site " << id);
  return 0;
}

const int64_t kWall = *parse_rfc3339_ms("2026-05-01T08:00:00+07:00");  // the tests' "now"
const int64_t kEpoch = gate_midnight_utc_ms(kWall);                   // 2026-05-01T00:00:00+07:00

// A twin link that is never started: messages go in through on_message, at a wall clock
// the test moves; log lines are kept.
struct Link {
  int64_t wall = kWall;
  std::vector<std::string> log;
  TwinLink link;
  explicit Link(bool require_account = false) : link(sites(), options(require_account), [this](const std::string& l) { log.push_back(l); }) {}
  TwinLinkOptions options(bool require_account) {
    TwinLinkOptions o;
    o.broker.uri = "tcp://127.0.0.1:1";
    o.broker.client_id = "field-feed-test";
    o.time = {kEpoch, 5000, 86400000};
    o.wall_utc_ms = [this] { return wall; };
    o.require_account_topics = require_account;
    return o;
  }
  std::vector<FieldMessage> drain() {
    std::vector<FieldMessage> out;
    link.queue().drain(out, 100000, std::chrono::microseconds(0));
    return out;
  }
  uint64_t rejected(RejectReason r) const { return link.stats().rejected[static_cast<size_t>(r)]; }
};

DecodeManyResult decode(const std::string& topic, const std::string& payload, bool require_account = false) {
  static const auto s = sites();
  return decode_messages(topic, payload, s, DecodeOptions{require_account});
}

FieldMessage decoded_one(const std::string& topic, const std::string& payload) {
  DecodeManyResult r = decode(topic, payload);
  if (auto* e = std::get_if<DecodeError>(&r)) FAIL(topic << " " << payload << ": " << e->message());
  auto& d = std::get<DecodedMessages>(r);
  REQUIRE(d.rejected_items.empty());
  REQUIRE(d.messages.size() == 1);
  return d.messages[0];
}

DecodeError refused(const std::string& topic, const std::string& payload, bool require_account = false) {
  DecodeManyResult r = decode(topic, payload, require_account);
  if (auto* d = std::get_if<DecodedMessages>(&r)) {
    if (d->rejected_items.size() == 1) return d->rejected_items[0];
    FAIL(topic << " " << payload << " was accepted");
  }
  return std::get<DecodeError>(r);
}

std::string tick(const std::string& src, uint64_t seq, const std::string& time_fields, const std::string& extra = "") {
  return "{\"v\":1,\"src\":\"" + src + "\",\"seq\":" + std::to_string(seq) + "," + time_fields + extra + "}";
}

}  // namespace

// [SECTION] time ---------------------------------------------------------------------------

TEST_CASE("RFC 3339 text and epoch ms, both ways, and the gate's midnight", "[mqtt][time]") {
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_ms("2026-05-01T00:00:00Z") == 1777593600000);
  CHECK(parse_rfc3339_ms("2026-05-01T07:00:00+07:00") == 1777593600000);
  CHECK(parse_rfc3339_ms("2026-04-30T19:30:00-04:30") == 1777593600000);
  CHECK(parse_rfc3339_ms("2026-05-01T00:00:00.25Z") == 1777593600250);
  CHECK(parse_rfc3339_ms("2026-05-01t00:00:00.123456789z") == 1777593600123);  // truncated to the ms
  CHECK(parse_rfc3339_ms("2024-02-29T12:00:00Z").has_value());                  // a leap day
  CHECK(parse_rfc3339_ms("2016-12-31T23:59:60Z") == *parse_rfc3339_ms("2016-12-31T23:59:59.999Z"));  // a leap second
  std::string why;
  for (const char* bad : {"2026-05-01T00:00:00", "2026-05-01 00:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-05-01T24:00:00Z", "2026-05-01T00:00:00.Z", "2026-05-01T00:00:00+7:00", "1969-12-31T23:59:59Z",
                          "2026-05-01T00:00:00Zjunk", "", "1777593600000"}) {
    INFO(bad);
    CHECK(!parse_rfc3339_ms(bad, &why));
    CHECK(!why.empty());
  }
  CHECK(format_rfc3339_ms(1777593600250) == "2026-05-01T00:00:00.250Z");
  CHECK(format_rfc3339_ms(1777593600250, kGateUtcOffsetMinutes) == "2026-05-01T07:00:00.250+07:00");
  CHECK(parse_rfc3339_ms(format_rfc3339_ms(1234567890123, -90)) == 1234567890123);
  // The gate's midnight: 00:00 at UTC+7, i.e. 17:00 UTC the day before.
  CHECK(format_rfc3339_ms(gate_midnight_utc_ms(*parse_rfc3339_ms("2026-05-01T16:59:59.999Z"))) == "2026-04-30T17:00:00.000Z");
  CHECK(format_rfc3339_ms(gate_midnight_utc_ms(*parse_rfc3339_ms("2026-05-01T17:00:00Z"))) == "2026-05-01T17:00:00.000Z");
  CHECK(format_rfc3339_ms(kEpoch, kGateUtcOffsetMinutes) == "2026-05-01T00:00:00.000+07:00");
}

TEST_CASE("a message carries exactly one time: run time, epoch ms or RFC 3339", "[mqtt][time]") {
  const std::string t = "gatetwin/v1/m1088/event/clock_tick";
  FieldMessage run = decoded_one(t, tick("clock", 1, "\"t_ms\":31020000"));
  CHECK(!run.utc);
  CHECK(run.time_ms == 31020000);
  FieldMessage ms = decoded_one(t, tick("clock", 1, "\"utc_ms\":1777597200000"));
  CHECK(ms.utc);
  CHECK(ms.utc_ms == 1777597200000);
  FieldMessage text = decoded_one(t, tick("clock", 1, "\"time\":\"2026-05-01T08:00:00.500+07:00\""));
  CHECK(text.utc);
  CHECK(text.utc_ms == 1777597200500);
  CHECK(refused(t, tick("clock", 1, "\"t_ms\":1,\"time\":\"2026-05-01T08:00:00Z\"")).reason == RejectReason::BadValue);
  CHECK(refused(t, tick("clock", 1, "\"utc_ms\":-5")).reason == RejectReason::BadValue);
  CHECK(refused(t, tick("clock", 1, "\"utc_ms\":\"1777597200000\"")).reason == RejectReason::WrongType);
  CHECK(refused(t, tick("clock", 1, "\"time\":1777597200000")).reason == RejectReason::WrongType);
  // Run time is bounded at 400 days; epoch ms sent as run time says what to do instead.
  CHECK(decoded_one(t, tick("clock", 1, "\"t_ms\":" + std::to_string(kMaxTime_ms))).time_ms == kMaxTime_ms);
  DecodeError e = refused(t, tick("clock", 1, "\"t_ms\":1777597200000"));
  CHECK(e.reason == RejectReason::BadValue);
  CHECK_THAT(e.detail, Catch::Contains("utc_ms"));
  CHECK(e.source == "clock");  // tied to its source for the feeds
}

TEST_CASE("UTC stamps map through the session epoch and are refused a century ahead or too old", "[mqtt][time]") {
  FieldClock clock({kEpoch, 5000, 86400000});
  auto stamped = [&](int64_t utc) {
    FieldMessage m = decoded_one("gatetwin/v1/m1088/event/clock_tick", tick("gw", 1, "\"utc_ms\":" + std::to_string(utc)));
    auto e = clock.stamp(m, kWall);
    return std::make_pair(m, e);
  };
  auto [now, e0] = stamped(kWall);
  CHECK(!e0);
  CHECK(now.time_ms == 8 * 3600 * 1000);  // 08:00 at the gate is 08:00 of run time
  CHECK(!stamped(kWall + 5000).second);   // at the bound
  auto [ahead, e1] = stamped(kWall + 5001);
  REQUIRE(e1);
  CHECK(e1->reason == RejectReason::TimeAhead);
  auto [century, e2] = stamped(kWall + 100LL * 365 * 86400000);
  REQUIRE(e2);
  CHECK(e2->reason == RejectReason::TimeAhead);
  CHECK_THAT(e2->detail, Catch::Contains("ahead of the twin's clock") && Catch::Contains("NTP"));
  auto [old, e3] = stamped(kWall - 86400001);
  REQUIRE(e3);
  CHECK(e3->reason == RejectReason::TimeTooOld);
  auto [yesterday, e4] = stamped(kEpoch - 1);  // within a day, but before run time 0
  REQUIRE(e4);
  CHECK(e4->reason == RejectReason::TimeTooOld);
  CHECK_THAT(e4->detail, Catch::Contains("epoch"));
  // Run-time messages pass unchanged.
  FieldMessage run = decoded_one("gatetwin/v1/m1088/event/clock_tick", tick("gw", 1, "\"t_ms\":7"));
  CHECK(!clock.stamp(run, kWall));
  CHECK(run.time_ms == 7);
}

TEST_CASE("wall-clock ticks: off, on, or from the first UTC stamp, one per wall second", "[mqtt][time]") {
  struct Empty : pipeline::InputSource {
    size_t drain(std::vector<FieldMessage>&, size_t, std::chrono::microseconds) override { return 0; }
  } empty;
  int64_t wall = kWall + 250;
  bool utc_seen = false;
  pipeline::WallTickSource auto_ticks(empty, {pipeline::WallTicks::Auto, kEpoch, [&] { return wall; }, [&] { return utc_seen; }});
  std::vector<FieldMessage> out;
  CHECK(auto_ticks.drain(out, 10, {}) == 0);  // no UTC field yet: a t_ms field keeps its exact sequence
  utc_seen = true;
  CHECK(auto_ticks.drain(out, 10, {}) == 1);
  CHECK(auto_ticks.drain(out, 10, {}) == 0);  // the same second
  wall += 1000;
  CHECK(auto_ticks.drain(out, 10, {}) == 1);
  REQUIRE(out.size() == 2);
  CHECK(out[0].source == "twin-clock");
  CHECK(out[0].source_seq == 1);
  CHECK(out[1].source_seq == 2);
  CHECK(out[0].time_ms == 8 * 3600 * 1000);
  CHECK(out[1].time_ms == 8 * 3600 * 1000 + 1000);
  CHECK(std::holds_alternative<twin::ClockTick>(out[0].body));
  CHECK(out[0].cls == MessageClass::Ordered);
  pipeline::WallTickSource off(empty, {pipeline::WallTicks::Off, kEpoch, [&] { return wall; }, [] { return true; }});
  CHECK(off.drain(out, 10, {}) == 0);
}

// [SECTION] sources: sessions, restarts, seq jumps ------------------------------------------

TEST_CASE("a session is read; an empty or overlong one is refused", "[mqtt][sources]") {
  const std::string t = "gatetwin/v1/m1088/event/clock_tick";
  CHECK(decoded_one(t, tick("gw", 1, "\"t_ms\":5", ",\"session\":\"boot-2026-05-01T07:59:58Z\"")).session ==
        "boot-2026-05-01T07:59:58Z");
  CHECK(decoded_one(t, tick("gw", 1, "\"t_ms\":5")).session.empty());
  CHECK(refused(t, tick("gw", 1, "\"t_ms\":5", ",\"session\":\"\"")).reason == RejectReason::BadValue);
  CHECK(refused(t, tick("gw", 1, "\"t_ms\":5", ",\"session\":\"" + std::string(65, 's') + "\"")).reason ==
        RejectReason::StringTooLong);
}

// [SECTION] accounts ----------------------------------------------------------------------

TEST_CASE("a topic bound to an account takes only that account's sources", "[mqtt][accounts]") {
  const std::string pos = R"("t_ms":31000100,"entity":"guide_vehicle","id":2,"x":120.5,"y":-33.25,"heading_rad":1.57)";
  const std::string topic = "gatetwin/v1/m1119/telemetry/position/gnss-gw-1";
  FieldMessage own = decoded_one(topic, tick("gnss-gw-1", 1, pos));
  CHECK(own.account == "gnss-gw-1");
  CHECK(decoded_one(topic, tick("gnss-gw-1/unit-7", 1, pos)).source == "gnss-gw-1/unit-7");
  DecodeError other = refused(topic, tick("gnss-gw-2", 1, pos));
  CHECK(other.reason == RejectReason::SrcNotAccount);
  CHECK_THAT(other.detail, Catch::Contains("gnss-gw-2") && Catch::Contains("gnss-gw-1"));
  CHECK(other.source.empty());  // booked under the topic, not under the source it claims
  CHECK(refused(topic, tick("gnss-gw-10", 1, pos)).reason == RejectReason::SrcNotAccount);  // a prefix is not the account
  // Batches, events and commands are bound the same way.
  CHECK(decoded_one("gatetwin/v1/m1119/event/vehicle_left/gate-cam", tick("gate-cam", 1, "\"t_ms\":1,\"shipment\":3")).account ==
        "gate-cam");
  CHECK(refused("gatetwin/v1/m1119/telemetry/positions/gw-a", tick("gw-b", 1, "\"t_ms\":1,\"positions\":[]")).reason ==
        RejectReason::SrcNotAccount);
  CHECK(decoded_one("gatetwin/v1/m1119/command/console-1",
                    tick("console-1", 1, R"("t_ms":1,"actor":"a","role":"viewer","reason":"r","command":{"kind":"clear_priority"})"))
            .account == "console-1");
  // Unbound topics work unless the twin requires accounts.
  CHECK(decoded_one("gatetwin/v1/m1119/telemetry/position", tick("anyone", 1, pos)).account.empty());
  CHECK(refused("gatetwin/v1/m1119/telemetry/position", tick("anyone", 1, pos), true).reason == RejectReason::UnboundTopic);
  CHECK(!decode(topic, tick("gnss-gw-1", 1, pos), true).index());
  // A last level that is no account name is a bad topic; one level too many is unknown.
  CHECK(refused("gatetwin/v1/m1119/telemetry/position/a b", tick("a b", 1, pos)).reason == RejectReason::BadTopic);
  CHECK(refused("gatetwin/v1/m1119/telemetry/position/gw/x", tick("gw", 1, pos)).reason == RejectReason::BadTopic);
  // The twin subscribes to both forms.
  auto subs = site_subscriptions("m1119");
  CHECK(std::find(subs.begin(), subs.end(), "gatetwin/v1/m1119/event/+/+") != subs.end());
  CHECK(std::find(subs.begin(), subs.end(), "gatetwin/v1/m1119/telemetry/+/+") != subs.end());
  // Commands: every site's (one to a site the twin does not run is answered too), both forms.
  auto commands = command_subscriptions();
  CHECK(std::find(commands.begin(), commands.end(), "gatetwin/v1/+/command") != commands.end());
  CHECK(std::find(commands.begin(), commands.end(), "gatetwin/v1/+/command/+") != commands.end());
}

TEST_CASE("the shipped ACL lets a field account publish bound topics under its own name only", "[mqtt][accounts]") {
  // make-certs.sh writes literal per-account lines (mosquitto's pattern lines would hold for every account).
  std::ifstream in(std::string(GATETWIN_SOURCE_DIR) + "/tools/setup/make-certs.sh");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string script = ss.str();
  CHECK_THAT(script, Catch::Contains("topic write gatetwin/v1/%s/event/%s/%s") && Catch::Contains("topic write gatetwin/v1/%s/telemetry/+/%s"));
  // No event wildcard: a device must not be able to publish the partner customs' data.
  CHECK_THAT(script, !Catch::Contains("topic write gatetwin/v1/%s/event/#") && !Catch::Contains("topic write gatetwin/v1/%s/event/+") &&
                         !Catch::Contains("pattern write"));
}

// [SECTION] identifiers and positions -------------------------------------------------------

TEST_CASE("trucks by plate or container; container numbers checked everywhere", "[mqtt][identifiers]") {
  const std::string t = "gatetwin/v1/m1119/telemetry/position";
  const std::string where = R"(,"x":1.5,"y":-2,"heading_rad":0)";
  FieldMessage by_plate = decoded_one(t, tick("gw", 1, R"("t_ms":1,"entity":"truck","plate":"12C-34567")" + where));
  auto& p = std::get<twin::PositionReport>(by_plate.body);
  CHECK(!p.has_id);
  CHECK(p.plate == "12C-34567");
  CHECK(p.entity == twin::EntityKind::Truck);
  const std::string good = twin::make_container_number("GTW", 'U', 90001);
  FieldMessage by_box = decoded_one(t, tick("gw", 1, R"("t_ms":1,"entity":"vehicle","container":")" + good + "\"" + where));
  CHECK(!std::get<twin::PositionReport>(by_box.body).has_id);
  CHECK(std::get<twin::PositionReport>(by_box.body).container == good);
  FieldMessage both = decoded_one(t, tick("gw", 1, R"("t_ms":1,"entity":"truck","id":90001,"plate":"12C-34567")" + where));
  CHECK(std::get<twin::PositionReport>(both.body).has_id);
  CHECK(std::get<twin::PositionReport>(both.body).id == 90001);
  CHECK(refused(t, tick("gw", 1, R"("t_ms":1,"entity":"truck")" + where)).reason == RejectReason::MissingField);
  CHECK(refused(t, tick("gw", 1, R"("t_ms":1,"entity":"guide_vehicle","plate":"GV-2")" + where)).reason == RejectReason::MissingField);
  CHECK(refused(t, tick("gw", 1, R"("t_ms":1,"entity":"truck","plate":"")" + where)).reason == RejectReason::BadValue);
  // A wrong check digit: refused with container_number_problem's own words.
  std::string bad = good;
  bad.back() = bad.back() == '9' ? '0' : static_cast<char>(bad.back() + 1);
  DecodeError e = refused(t, tick("gw", 1, R"("t_ms":1,"entity":"truck","container":")" + bad + "\"" + where));
  CHECK(e.reason == RejectReason::BadContainer);
  CHECK(e.detail == *twin::container_number_problem(bad));
  const std::string decl = R"("t_ms":1,"shipment":9,"direction":"export","goods":"fruit","reefer":false,"unmanned_eligible":false,"plate":"P")";
  CHECK(refused("gatetwin/v1/m1119/event/declaration", tick("nsw", 1, decl + R"(,"container":")" + bad + "\"")).reason ==
        RejectReason::BadContainer);
  CHECK(refused("gatetwin/v1/m1119/event/partner_declaration",
                tick("p", 1, R"("t_ms":1,"shipment":9,"goods":"fruit","plate":"P","container":"GTWU9000017")"))
            .reason == RejectReason::BadContainer);  // the old docs' example number
  CHECK(refused("gatetwin/v1/m1119/event/vehicle_arrived", tick("cam", 1, R"("t_ms":1,"direction":"export","plate":"P","container":"x")"))
            .reason == RejectReason::BadContainer);
  CHECK(decoded_one("gatetwin/v1/m1119/event/vehicle_arrived", tick("cam", 1, R"("t_ms":1,"direction":"export","plate":"P","container":"")"))
            .site == site_index(sites(), "m1119"));  // no container (an empty truck) is not checked
  // In a batch, a plate-named truck is one entity: named twice, refused the second time.
  DecodeManyResult r = decode("gatetwin/v1/m1119/telemetry/positions",
                              tick("gw", 2, R"("t_ms":1,"positions":[{"entity":"truck","plate":"A-1","x":1,"y":1,"heading_rad":0},)"
                                            R"({"entity":"truck","plate":"A-2","x":1,"y":1,"heading_rad":0},)"
                                            R"({"entity":"truck","plate":"A-1","x":2,"y":1,"heading_rad":0}])"));
  REQUIRE(std::holds_alternative<DecodedMessages>(r));
  CHECK(std::get<DecodedMessages>(r).messages.size() == 2);
  REQUIRE(std::get<DecodedMessages>(r).rejected_items.size() == 1);
  CHECK_THAT(std::get<DecodedMessages>(r).rejected_items[0].detail, Catch::Contains("truck A-1 is already in this batch"));
}

TEST_CASE("WGS84 positions land within 1 cm of geo.h's conversion; compass headings turn into the site frame",
          "[mqtt][geo]") {
  const auto all = sites();
  for (const twin::SiteSpec& s : all) {
    REQUIRE(s.geo);
    INFO(s.id);
    const std::string topic = "gatetwin/v1/" + s.id + "/telemetry/position";
    for (glm::dvec2 xy : {glm::dvec2{0, 0}, glm::dvec2{600, -220}, glm::dvec2{-350.25, 410.5}, glm::dvec2{1000, 1000}}) {
      const twin::LatLon ll = twin::wgs84_from_site(*s.geo, xy);
      char fields[256];
      std::snprintf(fields, sizeof fields, R"("t_ms":1,"entity":"truck","plate":"P-1","lat":%.10f,"lon":%.10f,"heading_deg":0)",
                    ll.lat_deg, ll.lon_deg);
      FieldMessage m = decoded_one(topic, tick("gnss", 1, fields));
      const auto& p = std::get<twin::PositionReport>(m.body);
      const glm::dvec2 expect = twin::site_from_wgs84(*s.geo, ll);
      CHECK(std::hypot(p.position.x - expect.x, p.position.y - expect.y) < 0.01);
      CHECK(std::hypot(p.position.x - xy.x, p.position.y - xy.y) < 0.01);
    }
    // Heading: along the site's +x is the geo's x bearing; 90 degrees clockwise of it is -y.
    auto heading = [&](double deg) {
      char fields[160];
      std::snprintf(fields, sizeof fields, R"("t_ms":1,"entity":"guide_vehicle","id":0,"x":0,"y":0,"heading_deg":%.6f)", deg);
      return std::get<twin::PositionReport>(decoded_one(topic, tick("gnss", 1, fields)).body).heading_rad;
    };
    const double b = s.geo->x_bearing_deg, pi = 3.14159265358979;
    CHECK(heading(b) == Approx(0).margin(1e-6));
    CHECK(heading(b + 90) == Approx(-pi / 2).margin(1e-6));
    CHECK(heading(b - 90) == Approx(pi / 2).margin(1e-6));
    CHECK(std::fabs(heading(b + 180)) == Approx(pi).margin(1e-6));
    CHECK(heading(b + 45 - 360) == Approx(-pi / 4).margin(1e-6));
  }
  // A site without a geo-reference refuses WGS84 and compass headings, and says so.
  auto no_geo = all;
  no_geo[0].geo.reset();
  const std::string topic = "gatetwin/v1/" + no_geo[0].id + "/telemetry/position";
  for (const char* f : {R"("t_ms":1,"entity":"truck","plate":"P","lat":21.9,"lon":106.7,"heading_rad":0)",
                        R"("t_ms":1,"entity":"truck","plate":"P","x":1,"y":2,"heading_deg":10)"}) {
    DecodeManyResult r = decode_messages(topic, tick("gnss", 1, f), no_geo);
    REQUIRE(std::holds_alternative<DecodeError>(r));
    CHECK(std::get<DecodeError>(r).reason == RejectReason::NoGeoReference);
    CHECK_THAT(std::get<DecodeError>(r).detail, Catch::Contains(no_geo[0].id));
  }
}

// [SECTION] feeds: the link's books, and the other sources keep flowing ----------------------

TEST_CASE("hostile time and identity are refused, booked per source, and the good source flows on", "[mqtt][feeds]") {
  Link l;
  const std::string pos_topic = "gatetwin/v1/m1119/telemetry/position/gnss-gw-1";
  uint64_t good_seq = 0;
  size_t good_sent = 0;
  auto good = [&] {  // a well-behaved gateway, 200 ms behind the wall clock; a truck each time (positions are latest-wins)
    l.link.on_message(pos_topic, tick("gnss-gw-1", ++good_seq, "\"utc_ms\":" + std::to_string(l.wall - 200),
                                      R"(,"session":"s1","entity":"truck","plate":"12C-3456)" + std::to_string(good_seq) +
                                          R"(","lat":21.967,"lon":106.7005,"heading_deg":90)"));
    ++good_sent;
  };
  good();
  // A century ahead, from its own account: refused, booked, and the clock offset is not taken from it.
  l.link.on_message("gatetwin/v1/m1088/event/clock_tick/gw-clock", tick("gw-clock", 1, "\"utc_ms\":" + std::to_string(l.wall + 100LL * 365 * 86400000)));
  good();
  // One account publishing as another.
  l.link.on_message("gatetwin/v1/m1119/telemetry/position/gnss-gw-2", tick("gnss-gw-1", 99, R"("t_ms":1,"entity":"guide_vehicle","id":2,"x":0,"y":0,"heading_rad":0)"));
  good();
  // A bad container, then garbage.
  l.link.on_message("gatetwin/v1/m1119/event/vehicle_arrived", tick("gate-cam", 1, R"("t_ms":1,"direction":"export","plate":"P","container":"GTWU9000017")"));
  l.link.on_message("gatetwin/v1/m1119/event/vehicle_arrived", "{not json");
  good();
  const std::vector<FieldMessage> q = l.drain();
  CHECK(q.size() == good_sent);  // every good position, nothing else
  for (const FieldMessage& m : q) {
    CHECK(m.source == "gnss-gw-1");
    CHECK(m.time_ms == 8 * 3600 * 1000 - 200);
  }
  CHECK(l.rejected(RejectReason::TimeAhead) == 1);
  CHECK(l.rejected(RejectReason::SrcNotAccount) == 1);
  CHECK(l.rejected(RejectReason::BadContainer) == 1);
  CHECK(l.rejected(RejectReason::MalformedJson) == 1);
  CHECK(l.link.stats().utc_messages == good_sent);
  // The feeds: per source, and the untied rejections under their topics.
  l.wall += 1500;
  FeedsSnapshot f = l.link.feeds();
  std::map<std::string, FeedStatus> by;
  for (auto& s : f.sources) by[s.name] = s;
  REQUIRE(by.count("gnss-gw-1"));
  CHECK(by["gnss-gw-1"].messages == good_sent);
  CHECK(by["gnss-gw-1"].rejected_total == 0);
  CHECK(by["gnss-gw-1"].session == "s1");
  CHECK(by["gnss-gw-1"].account == "gnss-gw-1");
  CHECK(by["gnss-gw-1"].has_clock_offset);
  CHECK(by["gnss-gw-1"].clock_offset_ms == -200);
  CHECK(by["gnss-gw-1"].age_ms == 1500);
  CHECK(by["gnss-gw-1"].rate_per_s > 0);
  REQUIRE(by.count("gw-clock"));
  CHECK(by["gw-clock"].rejected.at("time_ahead") == 1);
  CHECK(by["gw-clock"].messages == 1);
  CHECK(!by["gw-clock"].has_clock_offset);
  CHECK(by["gate-cam"].rejected.at("bad_container") == 1);
  CHECK(by.count("topic:gatetwin/v1/m1119/telemetry/position/gnss-gw-2"));  // the impostor, by the topic it used
  CHECK(by["topic:gatetwin/v1/m1119/event/vehicle_arrived"].rejected.at("malformed_json") == 1);
  CHECK(by["topic:gatetwin/v1/m1119/event/vehicle_arrived"].by_topic);
  // Each rejection is logged (the first 10 of each reason), and summarised per source.
  CHECK(l.log.size() == 4);
  auto lines = l.link.feed_summaries();
  CHECK(std::find(lines.begin(), lines.end(), "feed gw-clock: 1 rejected (time_ahead 1)") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "feed gate-cam: 1 rejected (bad_container 1)") != lines.end());
  CHECK(lines.size() == 4);
  CHECK(l.link.feed_summaries().empty());  // nothing new
  // --stats shape.
  nlohmann::json j = runner::feeds_json(f);
  CHECK(j["gnss-gw-1"]["clock_offset_ms"] == -200);
  CHECK(j["gw-clock"]["rejected"]["time_ahead"] == 1);
  CHECK(j["gw-clock"]["clock_offset_ms"].is_null());
}

TEST_CASE("feed summaries: one line per source per interval, every rejection said", "[mqtt][feeds]") {
  FeedBook b(2, 1);
  for (int i = 0; i < 3; ++i) b.rejected("a", "t", "time_ahead", 1000, true);
  b.rejected("a", "t", "bad_container", 1000, true);
  CHECK(b.summaries(1000) == std::vector<std::string>{"feed a: 4 rejected (time_ahead 3, bad_container 1)"});
  b.rejected("a", "t", "seq_jump", 2000, true);
  CHECK(b.summaries(2000).empty());  // within 10 s of the last line
  CHECK(b.summaries(11000) == std::vector<std::string>{"feed a: 1 rejected (seq_jump 1)"});
  // Bounded: beyond two sources and one topic, the rest share one entry each.
  b.rejected("b", "t", "stale", 1, false);
  b.rejected("c", "t", "stale", 1, false);
  b.rejected("d", "t", "stale", 1, false);
  b.rejected("", "x", "bad_topic", 1, true);
  b.rejected("", "y", "bad_topic", 1, true);
  std::map<std::string, uint64_t> seen;
  for (auto& s : b.snapshot(20000).sources) seen[s.name] = s.rejected_total;
  CHECK(seen == std::map<std::string, uint64_t>{{"a", 5}, {"b", 1}, {FeedBook::kOtherSources, 2}, {"topic:x", 1}, {FeedBook::kOtherTopics, 1}});
}

TEST_CASE("messages that never arrived are counted apart from rejections, and left out of the rejection summaries",
          "[mqtt][feeds][lost]") {
  FeedBook b;
  b.never_arrived("lane-ctl-7", "missing", 3);
  b.never_arrived("lane-ctl-7", "missing", 2);
  b.never_arrived("gate-cam-7", "before_join", 39);
  std::map<std::string, FeedStatus> by;
  for (auto& s : b.snapshot(1000).sources) by[s.name] = s;
  CHECK(by["lane-ctl-7"].never_arrived == std::map<std::string, uint64_t>{{"missing", 5}});
  CHECK(by["lane-ctl-7"].never_arrived_total == 5);
  CHECK(by["lane-ctl-7"].rejected_total == 0);
  CHECK(by["gate-cam-7"].never_arrived.at("before_join") == 39);
  CHECK(b.summaries(1000).empty());  // the sequencer's hook logs these itself (runner/lost_messages.h)
  nlohmann::json j = runner::feeds_json(b.snapshot(1000));
  CHECK(j["lane-ctl-7"]["never_arrived"]["missing"] == 5);
  CHECK(j["lane-ctl-7"]["rejected_total"] == 0);
  // The health topic keeps a source that lost messages before quiet ones.
  nlohmann::json health{{"feeds", j}};
  health["feeds"]["quiet-1"] = {{"age_ms", 10}, {"rejected_total", 0}};
  runner::cap_health_feeds(health, 1);
  CHECK(health["feeds"].contains("lane-ctl-7"));
}

TEST_CASE("a restart with and without a session, and a seq near 2^63, through the sequencer into the feeds",
          "[mqtt][feeds][sources]") {
  Link l;
  pipeline::SequencerLimits lim;
  lim.restart_after_ms = 30000;
  pipeline::Sequencer seq(lim);
  std::vector<std::string> log;
  runner::connect_feeds(seq, l.link, [&](const std::string& s) { log.push_back(s); });
  std::vector<pipeline::SequencedEvent> ready;
  int64_t now = 0;
  auto send = [&](const std::string& topic, const std::string& payload) {
    l.link.on_message(topic, payload);
    for (FieldMessage& m : l.drain()) seq.accept(std::move(m), now, ready);
  };
  const std::string ev = "gatetwin/v1/m1119/event/handover_completed";
  auto msg = [](const std::string& src, uint64_t s, const std::string& session) {
    return tick(src, s, "\"t_ms\":1000", ",\"shipment\":" + std::to_string(s % 1000) + (session.empty() ? "" : ",\"session\":\"" + session + "\""));
  };
  for (uint64_t i = 1; i <= 3; ++i) send(ev, msg("lane-ctl", i, "A"));
  send(ev, msg("lane-ctl", 5, "A"));  // held, waiting for 4
  // Another source, all along.
  uint64_t other = 0;
  auto other_msg = [&] { send(ev, msg("scanner-1", ++other, "")); };
  other_msg();
  // seq near 2^63 from a known source: refused, and the source is not moved.
  send(ev, msg("lane-ctl", 9223372036854775807ull, "A"));
  other_msg();
  CHECK(seq.stats().seq_jump == 1);
  CHECK(seq.expected("lane-ctl") == 4);
  // Restart with a new session: its seq starts again at 1; what was held of A is dropped.
  send(ev, msg("lane-ctl", 1, "B"));
  send(ev, msg("lane-ctl", 2, "B"));
  send(ev, msg("lane-ctl", 4, "A"));  // a late message of the old run: stale, not a restart
  other_msg();
  CHECK(seq.stats().restarts == 1);
  CHECK(seq.stats().restart_dropped == 1);
  CHECK(seq.expected("lane-ctl") == 3);
  REQUIRE(log.size() == 1);
  CHECK(log[0] == "source lane-ctl restarted (session A -> B); its seq starts again, 1 held messages of the old run dropped");
  // Without a session: seq 1 soon after is stale; seq 1 after 30 s of silence is a restart.
  for (uint64_t i = 1; i <= 4; ++i) send(ev, msg("gate-cam", i, ""));
  now = 10000;
  send(ev, msg("gate-cam", 1, ""));
  other_msg();
  CHECK(seq.stats().restarts == 1);
  now = 45000;
  send(ev, msg("gate-cam", 1, ""));
  send(ev, msg("gate-cam", 2, ""));
  other_msg();
  CHECK(seq.stats().restarts == 2);
  CHECK(seq.expected("gate-cam") == 3);
  REQUIRE(log.size() == 2);
  CHECK_THAT(log[1], Catch::StartsWith("source gate-cam restarted (seq 1 after a silence, was at 5)"));
  // The other source's messages all went through, in order.
  std::vector<uint64_t> scanner;
  for (auto& e : ready)
    if (e.source == "scanner-1") scanner.push_back(e.source_seq);
  CHECK(scanner == std::vector<uint64_t>{1, 2, 3, 4, 5});
  // The feeds know all of it.
  std::map<std::string, FeedStatus> by;
  for (auto& s : l.link.feeds().sources) by[s.name] = s;
  CHECK(by["lane-ctl"].restarts == 1);
  CHECK(by["lane-ctl"].session == "B");
  CHECK(by["lane-ctl"].rejected.at("seq_jump") == 1);
  CHECK(by["lane-ctl"].rejected.at("stale") == 1);
  CHECK(by["lane-ctl"].rejected.at("restart_dropped") == 1);
  CHECK(by["gate-cam"].restarts == 1);
  CHECK(by["gate-cam"].rejected.at("stale") == 1);
  CHECK(by["scanner-1"].rejected_total == 0);
  CHECK(by["lane-ctl"].messages == 8);
}

TEST_CASE("a live recording's notes keep the session epoch", "[mqtt][time]") {
  runner::SessionEpoch e{kEpoch, "--epoch"};
  const std::string notes = sessions::live_session_notes(e.utc_ms, e.source);
  CHECK(sessions::epoch_from_notes(notes) == kEpoch);
  CHECK_THAT(notes, Catch::Contains("2026-04-30T17:00:00.000Z"));
  CHECK(!sessions::epoch_from_notes("gatetwin --headless (MQTT live)"));  // a recording from before
  runner::TwinArgs args;
  CHECK(runner::session_epoch(args, kWall).utc_ms == kEpoch);
  CHECK(runner::session_epoch(args, kWall).source == "default");
  args.epoch_utc_ms = 5;
  CHECK(runner::session_epoch(args, kWall).utc_ms == 5);
}

// [SECTION] docs/mqtt.md: every mosquitto_pub example, through the twin's boundary ----------

namespace {

struct DocBlock {
  std::string text;
  std::vector<std::string> expected;  // per pub line, in order: "" (accepted) or the reason
};

// The ```sh blocks of docs/mqtt.md that publish (they hold "mosquitto_pub" and pub / $P lines).
std::vector<DocBlock> doc_blocks() {
  std::ifstream in(std::string(GATETWIN_SOURCE_DIR) + "/docs/mqtt.md");
  REQUIRE(in);
  std::vector<DocBlock> out;
  DocBlock cur;
  bool in_sh = false;
  for (std::string line; std::getline(in, line);) {
    if (!in_sh && line == "```sh") { in_sh = true; cur = {}; continue; }
    if (in_sh && line == "```") {
      in_sh = false;
      if (cur.text.find("mosquitto_pub") != std::string::npos && !cur.expected.empty()) out.push_back(cur);
      continue;
    }
    if (!in_sh) continue;
    cur.text += line + "\n";
    if (line.rfind("pub ", 0) == 0 || line.rfind("$P ", 0) == 0) {
      const size_t mark = line.rfind("# -> rejected: ");
      cur.expected.push_back(mark == std::string::npos ? "" : line.substr(mark + 15));
    }
  }
  return out;
}

struct Published {
  std::string account, topic, payload;
};

// Runs a block in bash with mosquitto_pub replaced by a function that writes down what it
// would publish (account, topic, payload); the block's shell (dates, sessions) runs for real.
std::vector<Published> run_block(const std::string& text) {
  char dir_template[] = "/tmp/gatetwin-docs-XXXXXX";
  REQUIRE(mkdtemp(dir_template));
  const std::string dir = dir_template, script = dir + "/block.sh", out = dir + "/published";
  {
    std::ofstream f(script);
    f << "OUT='" << out << "'\n"
      << "mosquitto_pub() { local u='' t='' m=''; while [ $# -gt 0 ]; do case \"$1\" in -u) u=\"$2\"; shift 2;; -t) t=\"$2\"; shift 2;;"
         " -m) m=\"$2\"; shift 2;; -h|-p|-P|-q|--cafile|--cert|--key) shift 2;; *) shift;; esac; done;"
         " printf '%s\\n%s\\n%s\\n' \"$u\" \"$t\" \"$m\" >> \"$OUT\"; }\n"
      << text;
  }
  REQUIRE(std::system(("bash " + script + " 2>" + dir + "/stderr").c_str()) == 0);
  std::ifstream in(out);
  std::vector<Published> v;
  for (Published p; std::getline(in, p.account) && std::getline(in, p.topic) && std::getline(in, p.payload);) v.push_back(p);
  std::system(("rm -rf " + dir).c_str());
  return v;
}

int64_t system_utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("every mosquitto_pub example of docs/mqtt.md has the effect the docs give it", "[mqtt][docs]") {
  const std::vector<DocBlock> blocks = doc_blocks();
  REQUIRE(blocks.size() >= 2);  // "Payloads" and "Connect a field system"
  bool saw_connect = false;
  for (const DocBlock& b : blocks) {
    const bool connect = b.text.find("pub()") != std::string::npos;  // the "Connect a field system" walk
    saw_connect |= connect;
    const std::vector<Published> sent = run_block(b.text);
    REQUIRE(sent.size() == b.expected.size());
    // The twin of that section: its clock is this machine's (the block stamped real time),
    // its epoch the gate's midnight of today; the walk's twin requires account topics.
    Link l(connect);
    l.wall = system_utc_ms();
    TwinLinkOptions o = l.options(connect);
    o.time.epoch_utc_ms = gate_midnight_utc_ms(l.wall);
    o.wall_utc_ms = [] { return system_utc_ms(); };
    TwinLink link(sites(), o, nullptr);
    pipeline::Sequencer seq;
    std::vector<std::string> log;
    runner::connect_feeds(seq, link, [&](const std::string& s) { log.push_back(s); });
    std::vector<pipeline::SequencedEvent> ready;
    for (size_t i = 0; i < sent.size(); ++i) {
      INFO(sent[i].topic << " " << sent[i].payload);
      const TwinLinkStats before = link.stats();
      link.on_message(sent[i].topic, sent[i].payload);
      const TwinLinkStats after = link.stats();
      std::vector<FieldMessage> q;
      link.queue().drain(q, 1000, std::chrono::microseconds(0));
      if (b.expected[i].empty()) {
        CHECK(after.rejected_total == before.rejected_total);
        CHECK(!q.empty());
      } else {
        CHECK(after.rejected_total == before.rejected_total + 1);
        size_t reason = 0;
        while (reason < after.rejected.size() && after.rejected[reason] == before.rejected[reason]) ++reason;
        REQUIRE(reason < after.rejected.size());
        CHECK(to_string(static_cast<RejectReason>(reason)) == b.expected[i]);
      }
      for (FieldMessage& m : q) seq.accept(std::move(m), 0, ready);
      // A field system publishes under its own account (what the broker's ACL lets through).
      if (connect && b.expected[i] != "unbound_topic") {
        REQUIRE(!sent[i].account.empty());
        CHECK_THAT(sent[i].topic, Catch::EndsWith("/" + sent[i].account));
      }
    }
    CHECK(seq.stats().stale + seq.stats().duplicate + seq.stats().seq_jump == 0);
    if (connect) {
      // Step 7: the gateway's restart is seen and said.
      CHECK(seq.stats().restarts == 1);
      REQUIRE(log.size() == 1);
      CHECK_THAT(log[0], Catch::StartsWith("source gnss-gw-1 restarted (session boot-"));
      CHECK(link.stats().utc_messages == 5);
    }
  }
  CHECK(saw_connect);
}

TEST_CASE("the fuzz corpus's valid messages decode whole", "[mqtt][codec]") {
  const std::string dir = std::string(GATETWIN_SOURCE_DIR) + "/tests/fuzz/corpus/event_json/";
  int n = 0;
  for (const char* f : {"valid_position_wgs84_plate.msg", "valid_positions_batch_named.msg", "valid_declaration_utc_account.msg",
                        "valid_declaration.msg", "valid_vehicle_arrived.msg", "valid_partner_declaration.msg"}) {
    std::ifstream in(dir + f);
    std::string topic, payload;
    REQUIRE(std::getline(in, topic));
    std::getline(in, payload, '\0');
    INFO(f);
    DecodeManyResult r = decode(topic, payload);
    if (auto* e = std::get_if<DecodeError>(&r)) FAIL(e->message());
    CHECK(std::get<DecodedMessages>(r).rejected_items.empty());
    ++n;
  }
  CHECK(n == 6);
}

// [SECTION] the health message's feeds, capped ---------------------------------------------

TEST_CASE("the health message keeps the 64 feeds that matter: with rejections first, then the most recently heard") {
  nlohmann::json health;
  health["feeds"] = nlohmann::json::object();
  for (int i = 0; i < 200; ++i)  // gw-0 heard most recently ... gw-199 longest ago
    health["feeds"]["gw-" + std::to_string(i)] = {{"age_ms", i * 100}, {"rejected_total", 0}};
  health["feeds"]["old-but-rejecting"] = {{"age_ms", 999999}, {"rejected_total", 3}};
  runner::cap_health_feeds(health, 64);
  REQUIRE(health["feeds"].size() == 64);
  CHECK(health["feeds_omitted"] == 137);
  CHECK(health["feeds"].contains("old-but-rejecting"));
  CHECK(health["feeds"].contains("gw-0"));
  CHECK(health["feeds"].contains("gw-62"));
  CHECK_FALSE(health["feeds"].contains("gw-63"));
  nlohmann::json few;
  few["feeds"] = {{"a", {{"age_ms", 1}}}};
  runner::cap_health_feeds(few, 64);
  CHECK(few["feeds"].size() == 1);
  CHECK(few["feeds_omitted"] == 0);
}

TEST_CASE("payload text cannot forge a log line: control characters are escaped", "[mqtt][security]") {
  CHECK(printable("plain Hữu Nghị 友谊关") == "plain Hữu Nghị 友谊关");
  CHECK(printable("a\nb\r\tc\\d\x1b[31m\x7f") == "a\\nb\\r\\tc\\\\d\\x1b[31m\\x7f");
  // A src with a newline and a forged line after it, on a topic bound to another account:
  // refused (src_not_account), and the log line that names it stays one line.
  Link l;
  l.link.on_message("gatetwin/v1/m1119/event/clock_tick/gate-cam",
                    tick("x\\ngatetwin: recording day.db closed; audit chain intact", 1, "\"t_ms\":1000"));
  REQUIRE(l.rejected(RejectReason::SrcNotAccount) == 1);
  REQUIRE(l.log.size() == 1);
  CHECK(l.log[0].find('\n') == std::string::npos);
  CHECK_THAT(l.log[0], Catch::Contains("\"x\\ngatetwin: recording day.db closed"));
}
