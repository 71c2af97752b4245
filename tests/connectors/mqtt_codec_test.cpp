// Tests the MQTT payload codec (connectors/codec/event_json) and the broker config:
// every alternative of twin::EventBody survives encode -> decode; a seeded simulated
// run folded from decoded messages reaches the in-process state hash; every file in
// tests/connectors/bad_payloads/ is rejected with the reason its name starts with (by the
// decoder, or, for UTC stamps and seq jumps, by the field clock at a fixed wall time and
// the sequencer after the source's seq 1); decisions encode with site names. No broker
// needed; never skips.
#include <catch2/catch.hpp>

#include "connectors/codec/event_json.h"
#include "connectors/mqtt/broker_config.h"
#include "connectors/mqtt/field_clock.h"
#include "connectors/codec/utc_time.h"
#include "pipeline/sequencer.h"
#include "connectors/files/site_file.h"
#include "twin/core.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <dirent.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace connectors;

namespace {

std::vector<twin::SiteSpec> all_sites() {
  auto r = load_sites("all", default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  std::vector<twin::SiteSpec> v = std::get<std::vector<twin::SiteSpec>>(r);
  for (auto& s : v) twin::derive(s);
  return v;
}

// Decodes what encode_event made; fails the test on an error.
FieldMessage round_trip(const twin::Event& e, const std::vector<twin::SiteSpec>& sites, uint64_t seq) {
  EncodedMessage m = encode_event(e, "test-src", seq, sites);
  DecodeResult r = decode_message(m.topic, m.payload, sites);
  if (auto* err = std::get_if<DecodeError>(&r)) FAIL("decode of " << m.topic << " " << m.payload << ": " << err->message());
  return std::get<FieldMessage>(r);
}

}  // namespace

TEST_CASE("issue 15's commands and a command's due time survive encode and decode; bad ones are refused", "[mqtt][codec][commands]") {
  using namespace twin;
  const auto sites = all_sites();
  const uint8_t m1119 = sites[0].id == "m1119" ? 0 : 1;
  OperatorCommand c;
  c.actor = "le.thi.b";
  c.role = Role::Supervisor;
  c.reason = "r";
  c.command.kind = CommandKind::RerouteVehicle;
  c.command.shipment = ShipmentId{90013};
  c.command.lane = static_cast<uint16_t>(sites[m1119].lane_index("E2"));
  c.at_ms = 79200000;  // d0 22:00
  FieldMessage m = round_trip(Event{0, 60000, m1119, c}, sites, 1);
  const auto& back = std::get<OperatorCommand>(m.body);
  CHECK(back.command.kind == CommandKind::RerouteVehicle);
  CHECK(back.command.shipment == ShipmentId{90013});
  CHECK(back.command.lane == c.command.lane);
  CHECK(back.at_ms == 79200000);
  CHECK(back.forged_identity.empty());
  for (CommandKind k : {CommandKind::CloseCrossing, CommandKind::ReopenCrossing}) {
    OperatorCommand x = c;
    x.command = Command{};
    x.at_ms = -1;
    x.command.kind = k;
    CHECK(std::get<OperatorCommand>(round_trip(Event{0, 60000, m1119, x}, sites, 2).body).command.kind == k);
  }
  // A forged-identity note never comes from a payload: the codec does not carry it.
  OperatorCommand f = c;
  f.forged_identity = "claimed";
  CHECK(std::get<OperatorCommand>(round_trip(Event{0, 60000, m1119, f}, sites, 3).body).forged_identity.empty());

  auto decode_cmd = [&](const std::string& extra, const std::string& command) {
    return decode_message("gatetwin/v1/m1119/command", R"({"v":1,"src":"c","id":"x","actor":"a","role":"operator","reason":"r")" + extra +
                                                          R"(,"command":)" + command + "}",
                          sites);
  };
  const std::string reroute = R"({"kind":"reroute_vehicle","shipment":90013,"lane":"E2"})";
  auto utc = decode_cmd(R"(,"at":"2026-12-01T22:00:00+07:00")", reroute);
  REQUIRE(std::holds_alternative<FieldMessage>(utc));
  CHECK(std::get<FieldMessage>(utc).command_at_utc_ms == *parse_rfc3339_ms("2026-12-01T15:00:00Z"));
  CHECK(std::get<OperatorCommand>(std::get<FieldMessage>(utc).body).at_ms == -1);  // the link sets it, knowing the epoch
  auto ms = decode_cmd(R"(,"at_utc_ms":1764601200000)", reroute);
  REQUIRE(std::holds_alternative<FieldMessage>(ms));
  CHECK(std::get<FieldMessage>(ms).command_at_utc_ms == 1764601200000);
  auto refused = [&](const std::string& extra, const std::string& command, RejectReason why, const std::string& says) {
    auto r = decode_cmd(extra, command);
    REQUIRE(std::holds_alternative<DecodeError>(r));
    INFO(std::get<DecodeError>(r).message());
    CHECK(std::get<DecodeError>(r).reason == why);
    CHECK_THAT(std::get<DecodeError>(r).message(), Catch::Contains(says));
  };
  refused(R"(,"at_t_ms":1,"at":"2026-12-01T22:00:00Z")", reroute, RejectReason::BadValue, "one due time only");
  refused(R"(,"at":"tonight")", reroute, RejectReason::BadValue, "\"at\" \"tonight\"");
  refused(R"(,"at_t_ms":-5)", reroute, RejectReason::BadValue, "must not be negative");
  refused("", R"({"kind":"reroute_vehicle","shipment":90013,"lane":"E9"})", RejectReason::UnknownEntity, "E9");
  refused("", R"({"kind":"reroute_vehicle","lane":"E2"})", RejectReason::MissingField, "shipment");
}

TEST_CASE("every event alternative survives encode and decode", "[mqtt][codec]") {
  const auto sites = all_sites();
  const int m1119 = sites[0].id == "m1119" ? 0 : 1;
  using namespace twin;
  std::vector<EventBody> bodies = {
      ClockTick{},
      DeclarationFiled{ShipmentId{42}, Direction::Import, 1, true, false, "29C-12345", "ABCU1234560"},
      PartnerDeclarationReceived{ShipmentId{42}, 0, "29C-12345", "ABCU1234560"},
      VehicleArrived{Direction::Export, "29C-12345", "ABCU1234560"},
      StepCompleted{ShipmentId{42}, CheckpointKind::Scanner, Channel::Yellow, true},
      StepCompleted{ShipmentId{42}, CheckpointKind::Quarantine, Channel::None, false},
      HandoverCompleted{ShipmentId{42}},
      PartnerReceiptConfirmed{ShipmentId{42}},
      TransferCompleted{ShipmentId{42}},
      VehicleLeft{ShipmentId{42}},
      GuideVehicleStepCompleted{5},
      EquipmentStatus{EquipmentRef{EquipmentRef::Kind::CheckpointServer, 1, 1}, false},
      EquipmentStatus{EquipmentRef{EquipmentRef::Kind::LaneBarrier, 3, 0}, true},
      EquipmentStatus{EquipmentRef{EquipmentRef::Kind::GuideVehicle, 2, 0}, false},
      PartnerLinkStatus{false},
      ReeferPower{1, false},
      PositionReport{EntityKind::Truck, 4000000000u, {123.25f, -45.5f}, 1.5f},
      PositionReport{EntityKind::GuideVehicle, 3, {-0.125f, 1e5f}, -3.0f},
  };
  for (int k = 0; k < static_cast<int>(CommandKind::Count); ++k) {
    OperatorCommand c{"le.thi.b", Role::Supervisor, "drill \"quoted\" reason, unicode: Hữu Nghị", {}};
    c.command.kind = static_cast<CommandKind>(k);
    c.command.lane = 6;
    c.command.shipment = ShipmentId{77};
    c.command.equipment = EquipmentRef{EquipmentRef::Kind::LaneBarrier, 2, 0};
    c.command.goods = 1;
    // Only the fields a kind uses travel; zero the rest so the comparison is fair.
    switch (c.command.kind) {
      case CommandKind::OpenLane: case CommandKind::CloseLane: case CommandKind::ReverseLane:
      case CommandKind::ReserveLaneForUnmanned: case CommandKind::UnreserveLane:
        c.command.shipment = {}; c.command.equipment = {}; c.command.goods = 0; break;
      case CommandKind::HoldVehicle: case CommandKind::ReleaseVehicle: case CommandKind::ForceInspection:
        c.command.lane = 0; c.command.equipment = {}; c.command.goods = 0; break;
      case CommandKind::MarkEquipmentFailed: case CommandKind::MarkEquipmentRestored:
        c.command.lane = 0; c.command.shipment = {}; c.command.goods = 0; break;
      case CommandKind::PrioritiseGoods: c.command.lane = 0; c.command.shipment = {}; c.command.equipment = {}; break;
      default: c.command = Command{}; c.command.kind = CommandKind::ClearPriority; break;
    }
    bodies.push_back(c);
  }
  std::set<size_t> seen;
  uint64_t seq = 0;
  for (const EventBody& b : bodies) {
    Event e{0, 3600000 + static_cast<SimTime>(seq), static_cast<uint8_t>(m1119), b};
    FieldMessage m = round_trip(e, sites, ++seq);
    INFO(event_name(b));
    CHECK(m.source == "test-src");
    CHECK(m.source_seq == seq);
    CHECK(m.time_ms == e.time_ms);
    CHECK(m.site == m1119);
    REQUIRE(m.body.index() == b.index());
    CHECK(m.cls == (std::holds_alternative<PositionReport>(b)    ? MessageClass::Telemetry
                   : std::holds_alternative<OperatorCommand>(b) ? MessageClass::Command
                                                                : MessageClass::Ordered));
    // Same body: the canonical JSON of both is identical.
    Event back{0, e.time_ms, m.site, m.body};
    CHECK(event_to_json(back, "x", 1, sites) == event_to_json(e, "x", 1, sites));
    seen.insert(b.index());
  }
  CHECK(seen.size() == std::variant_size_v<EventBody>);  // every alternative was covered
  // QoS: positions 0, everything else 1.
  CHECK(encode_event(Event{0, 0, 0, PositionReport{}}, "s", 1, sites).qos == 0);
  CHECK(encode_event(Event{0, 0, 0, ClockTick{}}, "s", 1, sites).qos == 1);
}

TEST_CASE("a simulated day folded from decoded messages reaches the in-process hash", "[mqtt][codec]") {
  const auto sites = all_sites();
  twin::SimOptions opt;
  opt.seed = 7;
  for (const auto& s : sites) opt.vehicles_per_day.push_back(*twin::load_per_day(s, "2030"));
  twin::Core direct(sites), via_json(sites);
  twin::Simulator sim(direct.sites(), opt);
  twin::Decisions ignored;
  std::set<std::string> topics;
  uint64_t n = twin::run_until(direct, sim, 24 * twin::kHour, [&](const twin::Event& e, const twin::Decisions&) {
    FieldMessage m = round_trip(e, sites, e.seq);
    topics.insert(m.topic.substr(m.topic.find('/', 12)));
    twin::Event back{m.source_seq, m.time_ms, m.site, std::move(m.body)};
    ignored.clear();
    via_json.apply(back, ignored);
  });
  INFO(n << " events");
  CHECK(n > 50000);
  CHECK(via_json.state_hash() == direct.state_hash());
  CHECK(topics.size() >= 10);  // the simulator uses most of the event topics
}

TEST_CASE("every payload in the bad corpus is rejected with its reason", "[mqtt][codec]") {
  const auto sites = all_sites();
  const std::string dir = std::string(GATETWIN_SOURCE_DIR) + "/tests/connectors/bad_payloads";
  DIR* d = opendir(dir.c_str());
  REQUIRE(d);
  std::vector<std::string> files;
  while (dirent* ent = readdir(d))
    if (std::string(ent->d_name).size() > 4 && std::string(ent->d_name).ends_with(".msg")) files.push_back(ent->d_name);
  closedir(d);
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);
  std::set<std::string> reasons;
  for (const std::string& f : files) {
    std::ifstream in(dir + "/" + f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const size_t nl = text.find('\n');
    REQUIRE(nl != std::string::npos);
    const std::string topic = text.substr(0, nl), payload = text.substr(nl + 1);
    const std::string expected = f.substr(0, f.find("--"));
    INFO(f);
    if (expected == "seq_jump") {
      // Refused by the sequencer, once the source has sent its seq 1 (the decoder takes it).
      DecodeResult one = decode_message(topic, payload, sites);
      REQUIRE(std::holds_alternative<FieldMessage>(one));
      FieldMessage m = std::get<FieldMessage>(one), first = m;
      first.source_seq = 1;
      pipeline::Sequencer seq;
      std::vector<pipeline::SequencedEvent> ready;
      seq.accept(first, 0, ready);
      seq.accept(m, 0, ready);
      CHECK(ready.size() == 1);
      CHECK(seq.stats().seq_jump == 1);
      continue;
    }
    DecodeManyResult r = decode_messages(topic, payload, sites, DecodeOptions{expected == "unbound_topic"});
    // UTC stamps: the link's field clock, at a fixed wall time (2026-05-01T08:00:00+07:00).
    if (auto* d = std::get_if<DecodedMessages>(&r); d && !d->messages.empty() && d->messages.front().utc) {
      const int64_t wall = *parse_rfc3339_ms("2026-05-01T08:00:00+07:00");
      FieldClock clock({gate_midnight_utc_ms(wall), 5000, 86400000});
      if (auto e = clock.stamp(d->messages.front(), wall)) r = *e;
    }
    // A whole message is rejected, or (a batch) every one of its positions is.
    DecodeError e;
    if (auto* d = std::get_if<DecodedMessages>(&r)) {
      REQUIRE(d->batch);
      CHECK(d->messages.empty());
      REQUIRE(d->rejected_items.size() == 1);
      e = d->rejected_items[0];
    } else {
      e = std::get<DecodeError>(r);
    }
    CHECK(to_string(e.reason) == expected);
    CHECK(!e.detail.empty());
    reasons.insert(expected);
  }
  // Every reason a payload can earn appears in the corpus, but no_geo_reference (both
  // shipped sites have a geo-reference; test_field_feeds strips one to see it), retained
  // (the broker's retain flag, not the payload: test_retained_live) and forged_identity
  // (the link's check against --command-accounts: test_command_live), and the partner
  // signature's two (the link's check against a pinned key: test_partner_seal).
  CHECK(reasons.size() == static_cast<size_t>(RejectReason::Count) - 5);
  CHECK(!reasons.count("no_geo_reference"));
  CHECK(!reasons.count("retained"));
  CHECK(!reasons.count("forged_identity"));
}

TEST_CASE("mangled copies of good messages never crash the decoder", "[mqtt][codec]") {
  const auto sites = all_sites();
  twin::Event e{0, 5000, 0, twin::DeclarationFiled{twin::ShipmentId{9}, twin::Direction::Export, 0, false, true, "P-1", "GTWU0000002"}};
  EncodedMessage m = encode_event(e, "fuzz", 1, sites);
  uint64_t x = 88172645463325252ull;  // xorshift: fixed seed, reproducible
  int accepted = 0, rejected = 0, rejected_without_reason = 0, accepted_wrong_kind = 0, accepted_unstable = 0;
  std::set<std::string> reasons;
  for (int i = 0; i < 20000; ++i) {
    std::string p = m.payload;
    for (int k = 0; k < 1 + i % 4; ++k) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      size_t at = x % p.size();
      switch ((x >> 32) % 3) {
        case 0: p[at] = static_cast<char>(x >> 40); break;
        case 1: p.erase(at, 1 + (x >> 48) % 8); break;
        default: p.insert(at, 1, "{}[]\",:0-e."[(x >> 44) % 11]); break;
      }
      if (p.empty()) p = "{";
    }
    DecodeResult r = decode_message(m.topic, p, sites);
    if (auto* e = std::get_if<DecodeError>(&r)) {
      // A rejection says why: a known reason and a detail a person can act on.
      ++rejected;
      if (e->detail.empty() || e->reason >= RejectReason::Count) {
        ++rejected_without_reason;
        UNSCOPED_INFO("rejected without a reason: " << p);
      }
      reasons.insert(to_string(e->reason));
    } else {
      // What is accepted is a whole declaration again: its canonical JSON decodes to itself.
      ++accepted;
      const FieldMessage& f = std::get<FieldMessage>(r);
      if (!std::holds_alternative<twin::DeclarationFiled>(f.body)) ++accepted_wrong_kind;
      const twin::Event back{0, f.time_ms, f.site, f.body};
      DecodeResult again = decode_message(m.topic, encode_event(back, f.source, f.source_seq, sites).payload, sites);
      if (!std::holds_alternative<FieldMessage>(again) ||
          event_to_json(twin::Event{0, std::get<FieldMessage>(again).time_ms, std::get<FieldMessage>(again).site,
                                    std::get<FieldMessage>(again).body},
                        f.source, f.source_seq, sites) != event_to_json(back, f.source, f.source_seq, sites))
        ++accepted_unstable;
    }
  }
  // Each count can fail: most copies are refused, each with a reason and a detail; the
  // few that still decode (a mangled plate is still a plate) are declarations that decode
  // to themselves; and the refusals are not all one reason (malformed JSON and bad values).
  CHECK(rejected > 15000);
  CHECK(accepted > 0);
  CHECK(rejected_without_reason == 0);
  CHECK(accepted_wrong_kind == 0);
  CHECK(accepted_unstable == 0);
  CHECK(reasons.count("malformed_json") == 1);
  CHECK(reasons.size() >= 3);
}

TEST_CASE("decisions encode with entity names from the site files", "[mqtt][codec]") {
  const auto sites = all_sites();
  twin::Decision d;
  d.kind = twin::DecisionKind::LaneAssigned;
  d.site = 0;
  d.shipment = twin::ShipmentId{12};
  d.resource = 1;
  d.time_ms = 7000;
  d.cause_seq = 99;
  EncodedMessage m = encode_decision(d, 5, sites);
  CHECK(m.topic == "gatetwin/v1/" + sites[0].id + "/twin/decision");
  CHECK(m.qos == 1);
  auto j = nlohmann::json::parse(m.payload);
  CHECK(j["kind"] == "lane_assigned");
  CHECK(j["lane"] == sites[0].lanes[1].id);
  CHECK(j["seq"] == 5);
  CHECK(j["cause_seq"] == 99);
  CHECK(j["v"] == kSchemaVersion);
  d.kind = twin::DecisionKind::CommandRefused;
  d.text = "lane E9 does not exist";
  m = encode_decision(d, 6, sites);
  CHECK(m.topic == "gatetwin/v1/" + sites[0].id + "/twin/command_result");
  CHECK(nlohmann::json::parse(m.payload)["text"] == d.text);
}

TEST_CASE("broker config: credentials from a file or the environment, never guessed", "[mqtt][config]") {
  std::map<std::string, std::string> env{{"GATETWIN_MQTT_USER", "twin"}, {"GATETWIN_MQTT_PASSWORD", "s3cret"}};
  auto r = make_broker_config("tcp://127.0.0.1:1883", "gatetwin", "", env);
  REQUIRE(std::holds_alternative<BrokerConfig>(r));
  CHECK(std::get<BrokerConfig>(r).user == "twin");
  CHECK(std::get<BrokerConfig>(r).password == "s3cret");

  const std::string path = std::string(GATETWIN_BINARY_DIR) + "/test_mqtt_config.conf";
  std::ofstream(path) << "# test\nuser = ops\npassword = p w\nclient_id = twin-7\n";
  r = make_broker_config("mqtt://localhost:1883", "gatetwin", path, env);
  REQUIRE(std::holds_alternative<BrokerConfig>(r));
  CHECK(std::get<BrokerConfig>(r).user == "ops");
  CHECK(std::get<BrokerConfig>(r).password == "p w");
  CHECK(std::get<BrokerConfig>(r).client_id == "twin-7");
  CHECK(std::get<BrokerConfig>(r).uri == "tcp://localhost:1883");

  std::ofstream(path) << "username = ops\n";
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("tcp://h:1", "c", path, {})));
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("tcp://h:1", "c", "/nonexistent/x.conf", {})));
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("ssl://h:8883", "c", "", {})));
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("tcp://h", "c", "", {})));
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("tcp://h:99999", "c", "", {})));
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("127.0.0.1:1883", "c", "", {})));
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("tcp://h:1", "", "", {})));
  CHECK(std::holds_alternative<BrokerConfigError>(
      make_broker_config("tcp://h:1", "c", "", {{"GATETWIN_MQTT_PASSWORD", "x"}})));
}

TEST_CASE("a position batch decodes to one telemetry message per position", "[mqtt][codec][batch]") {
  const auto sites = all_sites();
  using twin::EntityKind;
  const std::vector<twin::PositionReport> in = {
      {EntityKind::Truck, 4000000000u, {123.25f, -45.5f}, 1.5f},
      {EntityKind::GuideVehicle, 3, {-0.125f, 1e5f}, -3.0f},
      {EntityKind::Truck, 17, {0.f, 0.f}, 0.f},
  };
  EncodedMessage m = encode_position_batch(1, 3600000, in, "gnss-gw-7", 42, sites);
  CHECK(m.topic == site_topic_prefix(sites[1].id) + "telemetry/positions");
  CHECK(m.qos == 0);
  DecodeManyResult r = decode_messages(m.topic, m.payload, sites);
  REQUIRE(std::holds_alternative<DecodedMessages>(r));
  const DecodedMessages& d = std::get<DecodedMessages>(r);
  CHECK(d.batch);
  CHECK(d.rejected_items.empty());
  REQUIRE(d.messages.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const FieldMessage& f = d.messages[i];
    CHECK(f.source == "gnss-gw-7");
    CHECK(f.source_seq == 42);
    CHECK(f.time_ms == 3600000);
    CHECK(f.site == 1);
    CHECK(f.cls == MessageClass::Telemetry);
    const auto* p = std::get_if<twin::PositionReport>(&f.body);
    REQUIRE(p);
    CHECK(p->entity == in[i].entity);
    CHECK(p->id == in[i].id);
    CHECK(p->position == in[i].position);
    CHECK(p->heading_rad == in[i].heading_rad);
  }
  // A single message goes through decode_messages as a list of one, not a batch.
  EncodedMessage one = encode_event(twin::Event{0, 5, 0, in[0]}, "gnss", 1, sites);
  DecodeManyResult r1 = decode_messages(one.topic, one.payload, sites);
  REQUIRE(std::holds_alternative<DecodedMessages>(r1));
  CHECK_FALSE(std::get<DecodedMessages>(r1).batch);
  CHECK(std::get<DecodedMessages>(r1).messages.size() == 1);
  // decode_message (one event) refuses a batch and says what reads it.
  DecodeResult single = decode_message(m.topic, m.payload, sites);
  REQUIRE(std::holds_alternative<DecodeError>(single));
  CHECK(std::get<DecodeError>(single).reason == RejectReason::BadTopic);
  CHECK(std::get<DecodeError>(single).detail.find("decode_messages") != std::string::npos);
}

TEST_CASE("a bad position in a batch is rejected alone, naming its place", "[mqtt][codec][batch]") {
  const auto sites = all_sites();
  const std::string topic = site_topic_prefix(sites[0].id) + "telemetry/positions";
  const std::string payload =
      R"({"v":1,"src":"gw","seq":9,"t_ms":1000,"positions":[)"
      R"({"entity":"truck","id":5,"x":1,"y":2,"heading_rad":0},)"           // 0: good
      R"({"entity":"truck","id":6,"x":1e9,"y":2,"heading_rad":0},)"         // 1: off site
      R"({"entity":"guide_vehicle","id":999,"x":1,"y":2,"heading_rad":0},)" // 2: not in the fleet
      R"(7,)"                                                                // 3: not an object
      R"({"entity":"truck","id":5,"x":3,"y":4,"heading_rad":0},)"           // 4: truck 5 again
      R"({"entity":"truck","id":8,"y":2,"heading_rad":0},)"                 // 5: no x
      R"({"entity":"guide_vehicle","id":1,"x":-1,"y":-2,"heading_rad":3}]})"; // 6: good
  DecodeManyResult r = decode_messages(topic, payload, sites);
  REQUIRE(std::holds_alternative<DecodedMessages>(r));
  const DecodedMessages& d = std::get<DecodedMessages>(r);
  REQUIRE(d.messages.size() == 2);
  CHECK(std::get<twin::PositionReport>(d.messages[0].body).id == 5);
  CHECK(std::get<twin::PositionReport>(d.messages[0].body).position.x == 1.f);  // the first of truck 5 wins
  CHECK(std::get<twin::PositionReport>(d.messages[1].body).entity == twin::EntityKind::GuideVehicle);
  REQUIRE(d.rejected_items.size() == 5);
  const std::vector<std::pair<RejectReason, std::string>> expected = {
      {RejectReason::BadValue, "positions[1]: "},   {RejectReason::UnknownEntity, "positions[2]: "},
      {RejectReason::WrongType, "positions[3]: "},  {RejectReason::BadValue, "positions[4]: "},
      {RejectReason::MissingField, "positions[5]: "}};
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(d.rejected_items[i].message());
    CHECK(d.rejected_items[i].reason == expected[i].first);
    CHECK(d.rejected_items[i].detail.rfind(expected[i].second, 0) == 0);
  }
  CHECK(d.rejected_items[3].detail.find("already in this batch") != std::string::npos);
}

TEST_CASE("a full batch of the longest positions fits the payload limit", "[mqtt][codec][batch]") {
  const auto sites = all_sites();
  std::vector<twin::PositionReport> in;
  for (uint32_t i = 0; i < kMaxBatchPositions; ++i)
    in.push_back({twin::EntityKind::Truck, 4000000000u + i, {-123456.789f, -987654.321f}, -3.14159274f});
  EncodedMessage m = encode_position_batch(0, kMaxTime_ms, in, std::string(kMaxIdChars, 'g'), ~0ull, sites);
  INFO(m.payload.size());
  CHECK(m.payload.size() <= kMaxPayloadBytes);
  DecodeManyResult r = decode_messages(m.topic, m.payload, sites);
  REQUIRE(std::holds_alternative<DecodedMessages>(r));
  CHECK(std::get<DecodedMessages>(r).messages.size() == kMaxBatchPositions);
  // One more is refused as a whole.
  in.push_back(in.back());
  in.back().id++;
  EncodedMessage over = encode_position_batch(0, 0, in, "gw", 1, sites);
  DecodeManyResult r2 = decode_messages(over.topic, over.payload, sites);
  REQUIRE(std::holds_alternative<DecodeError>(r2));
  CHECK(std::get<DecodeError>(r2).reason == (over.payload.size() > kMaxPayloadBytes ? RejectReason::Oversized : RejectReason::BadValue));
}

TEST_CASE("broker config: a password never crosses the network in clear text unless told so", "[mqtt][config][security]") {
  const std::map<std::string, std::string> env{{"GATETWIN_MQTT_USER", "twin"}, {"GATETWIN_MQTT_PASSWORD", "s3cret"}};
  // Plain TCP to another machine with a password: refused, and the message says what to do.
  auto r = make_broker_config("tcp://broker.gate.example:1883", "gatetwin", "", env);
  REQUIRE(std::holds_alternative<BrokerConfigError>(r));
  CHECK_THAT(std::get<BrokerConfigError>(r).message(), Catch::Contains("clear text to broker.gate.example"));
  CHECK_THAT(std::get<BrokerConfigError>(r).message(), Catch::Contains("ssl://broker.gate.example:1883"));
  // The loopback never leaves the machine; anonymous plain TCP has nothing to leak.
  CHECK(std::holds_alternative<BrokerConfig>(make_broker_config("tcp://127.0.0.1:1883", "gatetwin", "", env)));
  CHECK(std::holds_alternative<BrokerConfig>(make_broker_config("tcp://broker.gate.example:1883", "gatetwin", "", {})));
  // Told explicitly: in the environment, or in the config file.
  auto told = env;
  told["GATETWIN_MQTT_PLAIN_PASSWORD"] = "allow";
  CHECK(std::holds_alternative<BrokerConfig>(make_broker_config("tcp://broker.gate.example:1883", "gatetwin", "", told)));
  const std::string path = std::string(GATETWIN_BINARY_DIR) + "/test_mqtt_plain.conf";
  std::ofstream(path) << "user = ops\npassword = p\n";
  CHECK(std::holds_alternative<BrokerConfigError>(make_broker_config("tcp://10.0.0.5:1883", "c", path, {})));
  std::ofstream(path) << "user = ops\npassword = p\nplain_password = allow\n";
  CHECK(std::holds_alternative<BrokerConfig>(make_broker_config("tcp://10.0.0.5:1883", "c", path, {})));
}
