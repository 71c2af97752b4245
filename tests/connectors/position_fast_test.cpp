// Tests the codec's telemetry/position fast path (connectors/codec/position_fast.h)
// against the full decoder (decode_messages with fast_positions = false): every payload
// the field sends in practice (site metres, WGS84, trucks by id or plate, guide vehicles,
// run time or UTC, a session, unknown keys, odd spacing) is taken by the fast path and
// decodes to the same FieldMessage, field by field; and for every one-byte mutation of
// those payloads (each byte deleted, replaced or preceded by a character that matters to
// JSON), whatever the fast path accepts the full decoder accepts the same way. No broker;
// never skips.
#include <catch2/catch.hpp>

#include "connectors/codec/event_json.h"
#include "connectors/codec/position_fast.h"
#include "connectors/files/site_file.h"
#include "twin/site_plan.h"

#include <string>
#include <vector>

using namespace connectors;

namespace {

std::vector<twin::SiteSpec> all_sites() {
  auto r = load_sites("all", default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  std::vector<twin::SiteSpec> v = std::get<std::vector<twin::SiteSpec>>(r);
  for (auto& s : v) twin::derive(s);
  return v;
}

// Why two messages differ ("" when they do not).
std::string difference(const FieldMessage& a, const FieldMessage& b) {
  if (a.source != b.source) return "source";
  if (a.source_seq != b.source_seq) return "source_seq";
  if (a.time_ms != b.time_ms) return "time_ms";
  if (a.site != b.site) return "site";
  if (a.cls != b.cls) return "cls";
  if (a.topic != b.topic) return "topic";
  if (a.session != b.session) return "session";
  if (a.account != b.account) return "account";
  if (a.utc != b.utc || a.utc_ms != b.utc_ms) return "utc";
  if (a.command_id != b.command_id) return "command_id";
  const auto* p = std::get_if<twin::PositionReport>(&a.body);
  const auto* q = std::get_if<twin::PositionReport>(&b.body);
  if (!p || !q) return "body kind";
  if (p->entity != q->entity) return "entity";
  if (p->id != q->id || p->has_id != q->has_id) return "id";
  if (p->position.x != q->position.x || p->position.y != q->position.y) return "position";
  if (p->heading_rad != q->heading_rad) return "heading";
  if (p->plate != q->plate || p->container != q->container) return "plate / container";
  return "";
}

struct Check {
  size_t fast_taken = 0, tried = 0;
};

// The fast path against the full decoder for one payload. Returns whether the fast path took it.
bool agree(const std::string& topic, const std::string& payload, const std::vector<twin::SiteSpec>& sites, Check& c) {
  ++c.tried;
  const std::optional<FieldMessage> fast = decode_position_fast(topic, payload, sites, DecodeOptions{});
  if (!fast) return false;
  ++c.fast_taken;
  DecodeOptions full;
  full.fast_positions = false;
  const DecodeManyResult slow = decode_messages(topic, payload, sites, full);
  INFO("payload: " << payload);
  const auto* d = std::get_if<DecodedMessages>(&slow);
  if (!d) FAIL("the fast path took it; the full decoder refused it: " << std::get<DecodeError>(slow).message());
  REQUIRE(d->messages.size() == 1);
  REQUIRE(d->rejected_items.empty());
  CHECK(difference(*fast, d->messages.front()) == "");
  return true;
}

const std::vector<std::string> kPayloads = {
    R"({"v":1,"src":"lean-7","seq":42,"t_ms":62760000,"entity":"truck","id":1234,"x":101.25,"y":-3.5,"heading_rad":0.785})",
    R"({"v":1,"src":"lean-0","seq":1,"t_ms":0,"entity":"guide_vehicle","id":3,"lat":21.96757912,"lon":106.70024011,"heading_deg":20.5})",
    R"({"v":1,"src":"gnss-gw-1","session":"run-2026-11-30","seq":9,"utc_ms":1790000000123,"entity":"truck","plate":"98H-11223","lat":21.967579,"lon":106.700240,"heading_deg":359.9,"speed_mps":3.5})",
    R"({"v":1,"src":"gnss-gw-1/unit-4","seq":9223372036854775807,"t_ms":34560000000,"entity":"vehicle","id":4294967295,"plate":"X","x":-1e3,"y":2.5E2,"heading_rad":-12.5})",
    R"( { "v" : 1 , "src" : "s" , "seq" : 3 , "t_ms" : 5 , "entity" : "truck" , "id" : 0 , "x" : 0 , "y" : -0.0 , "heading_rad" : 0 , "note" : null , "ok" : true } )",
    "{\n\t\"v\": 1,\n\t\"src\": \"tabbed\",\n\t\"seq\": 2,\n\t\"t_ms\": 100,\n\t\"entity\": \"guide_vehicle\",\n\t\"id\": 0,\n\t\"x\": 1.5,\n\t\"y\": 2,\n\t\"heading_rad\": 3.1\n}\r\n",
    R"({"entity":"truck","heading_rad":1e-3,"y":12,"x":13,"id":77,"t_ms":1000,"seq":5,"src":"order","v":1,"extra":"text","n":12345678901234567890123})",
};

}  // namespace

TEST_CASE("position fast path: the field's payloads decode as the full decoder decodes them", "[mqtt][codec]") {
  const auto sites = all_sites();
  REQUIRE(sites.size() >= 2);
  REQUIRE(sites[0].geo);  // the WGS84 payloads need it
  Check c;
  for (const auto& site : sites)
    for (const std::string& p : kPayloads) {
      INFO("site " << site.id << ", payload " << p);
      CHECK(agree("gatetwin/v1/" + site.id + "/telemetry/position", p, sites, c));  // taken, and the same
    }
}

TEST_CASE("position fast path: topics bound to an account decode as the full decoder decodes them", "[mqtt][codec]") {
  const auto sites = all_sites();
  const std::string topic = "gatetwin/v1/" + sites[0].id + "/telemetry/position/";
  Check c;
  DecodeOptions bound;
  bound.require_account = true;
  for (const auto& [account, src] : std::vector<std::pair<std::string, std::string>>{
           {"gnss-gw-1", "gnss-gw-1"}, {"gnss-gw-1", "gnss-gw-1/unit-4"}, {"A.b_9", "A.b_9"}}) {
    const std::string p = R"({"v":1,"src":")" + src + R"(","seq":3,"t_ms":5,"entity":"truck","plate":"98H-1","lat":21.9676,"lon":106.7002,"heading_deg":20})";
    INFO(account << " " << p);
    CHECK(agree(topic + account, p, sites, c));
    const auto m = decode_position_fast(topic + account, p, sites, bound);  // an account required: this one has one
    REQUIRE(m);
    CHECK(m->account == account);
  }
  // Without an account while one is required: the full decoder refuses it (unbound_topic).
  CHECK_FALSE(decode_position_fast(topic.substr(0, topic.size() - 1), kPayloads[0], sites, bound));
}

TEST_CASE("position fast path: refuses to decide what is the full decoder's", "[mqtt][codec]") {
  const auto sites = all_sites();
  const std::string topic = "gatetwin/v1/" + sites[0].id + "/telemetry/position";
  const std::string good = kPayloads[0];
  CHECK(decode_position_fast(topic, good, sites, DecodeOptions{}));
  // Topics: bound to another account than src's, not an account name, another kind, an
  // unknown site, an account required and none given.
  CHECK_FALSE(decode_position_fast(topic + "/gw1", good, sites, DecodeOptions{}));
  CHECK_FALSE(decode_position_fast(topic + "/lean", good, sites, DecodeOptions{}));  // src "lean-7" is not "lean/..."
  CHECK_FALSE(decode_position_fast(topic + "/lean-7/x", good, sites, DecodeOptions{}));
  CHECK_FALSE(decode_position_fast(topic + "/", good, sites, DecodeOptions{}));
  CHECK_FALSE(decode_position_fast(topic + "/le an-7", good, sites, DecodeOptions{}));
  CHECK_FALSE(decode_position_fast("gatetwin/v1/" + sites[0].id + "/telemetry/positions", good, sites, DecodeOptions{}));
  CHECK_FALSE(decode_position_fast("gatetwin/v1/nowhere/telemetry/position", good, sites, DecodeOptions{}));
  DecodeOptions bound;
  bound.require_account = true;
  CHECK_FALSE(decode_position_fast(topic, good, sites, bound));
  // Payloads the full decoder refuses or reads in ways this path does not.
  for (const char* p : {
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1,"x":2})",      // duplicate
           R"({"v":1,"src":"a\u0062","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1})",     // escape
           R"({"v":1,"src":"a","seq":1,"time":"2026-11-30T10:00:00Z","entity":"truck","id":1,"x":1,"y":1,"heading_rad":1})",
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"entity":"truck","container":"CSQU3054383","x":1,"y":1,"heading_rad":1})",
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1,"speed":1e999})",  // overflow
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1,"more":{"a":1}})",
           R"({"v":1,"src":"twin-x","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1})",
           R"({"v":1,"src":"a","seq":0,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1})",
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"utc_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1})",
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"lat":1,"lon":1,"heading_rad":1})",
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"entity":"guide_vehicle","id":65535,"x":1,"y":1,"heading_rad":1})",
           R"({"v":1,"src":"a","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1} x)",
           R"({"v":1.0,"src":"a","seq":1,"t_ms":1,"entity":"truck","id":1,"x":1,"y":1,"heading_rad":1})",
       }) {
    INFO(p);
    CHECK_FALSE(decode_position_fast(topic, p, sites, DecodeOptions{}));
  }
}

TEST_CASE("position fast path: on every one-byte mutation it agrees with the full decoder or leaves it the decision",
          "[mqtt][codec]") {
  const auto sites = all_sites();
  const std::string topic = "gatetwin/v1/" + sites[0].id + "/telemetry/position";
  const std::string chars = std::string("\"\\,:{}[]-+.0159eE xtn") + '\x7f' + '\x80' + '\0' + '\t';
  Check c;
  // The topic's account level mutated as well: every one-byte change of ".../gnss-gw-1".
  const std::string bound_payload =
      R"({"v":1,"src":"gnss-gw-1/u","seq":3,"t_ms":5,"entity":"truck","id":9,"x":1,"y":2,"heading_rad":0.5})";
  const std::string account_topic = topic + "/gnss-gw-1";
  for (size_t i = 0; i <= account_topic.size(); ++i)
    for (char ch : chars) {
      if (i < account_topic.size()) {
        std::string t = account_topic;
        t[i] = ch;
        agree(t, bound_payload, sites, c);
        agree(account_topic.substr(0, i) + account_topic.substr(i + 1), bound_payload, sites, c);
      }
      agree(account_topic.substr(0, i) + ch + account_topic.substr(i), bound_payload, sites, c);
    }
  for (const std::string& base : kPayloads)
    for (size_t i = 0; i <= base.size(); ++i) {
      if (i < base.size()) agree(topic, base.substr(0, i) + base.substr(i + 1), sites, c);
      for (char ch : chars) {
        if (i < base.size()) {
          std::string r = base;
          r[i] = ch;
          agree(topic, r, sites, c);
        }
        agree(topic, base.substr(0, i) + ch + base.substr(i), sites, c);
      }
    }
  // Many mutations are still valid positions (a digit changed, a space added): the fast
  // path must have been tried on those too, not only refused everything.
  INFO(c.fast_taken << " of " << c.tried << " mutations taken by the fast path");
  CHECK(c.fast_taken > c.tried / 10);
}
