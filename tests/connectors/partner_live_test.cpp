// Tests signed partner data end to end (issue 19) against a real mosquitto on a loopback
// port (mosquitto_fixture) and the real gatesim: with the partner's key pinned for every
// site, a seeded hour published by gatesim --partner-key is applied whole and ends in
// the in-process state hash (nothing refused); then a partner declaration signed by
// another key and an unsigned one (mosquitto_pub, as a partner account could send it)
// are refused and counted by reason and never reach the core, and the genuine one,
// signed, is applied. The twin runs in-process as gatetwin --headless runs it. Fails
// (naming the Debian package) when mosquitto, mosquitto_pub or openssl is missing.
#include <catch2/catch.hpp>

#include "tests/support/child_process.h"
#include "tests/support/live_twin.h"
#include "tests/support/mosquitto_fixture.h"
#include "tests/support/require_programs.h"

#include "connectors/codec/event_json.h"
#include "connectors/codec/kpi_json.h"
#include "connectors/mqtt/field_publisher.h"
#include "connectors/mqtt/partner_seal.h"
#include "connectors/mqtt/twin_link.h"
#include "pipeline/frame_loop.h"
#include "pipeline/sequencer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>
#include <unistd.h>

using namespace connectors;
using namespace pipeline;
using namespace std::chrono_literals;

namespace {

const std::string kGatesim = testsupport::gatesim_path();

std::string make_key(const std::string& name) {
  const std::string path = "/tmp/gatetwin-partner-live-" + std::to_string(::getpid()) + "-" + name + ".key";
  REQUIRE(std::system(("openssl genpkey -algorithm ed25519 -out " + path + " 2>/dev/null").c_str()) == 0);
  return path;
}

std::shared_ptr<const PartnerSigner> signer(const std::string& path) {
  auto r = PartnerSigner::load(path);
  if (auto* f = std::get_if<Failure>(&r)) FAIL(f->text);
  return std::get<std::shared_ptr<const PartnerSigner>>(r);
}

// The shipped sites, each pinning `key` as its partner's.
std::vector<twin::SiteSpec> pinned_sites(const std::string& key) {
  auto s = testsupport::shipped_sites();
  for (auto& site : s) {
    site.partner_public_key = key;
    site.partner_key_source = "test: partner_live_test";
  }
  return s;
}

struct LiveTwin {
  twin::Core core;
  TwinLink link;
  Sequencer sequencer;
  FrameLoop loop;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  static TwinLinkOptions options(const std::string& uri) {
    TwinLinkOptions o;
    o.broker.uri = uri;
    o.broker.client_id = "twin-partner-live";
    return o;
  }
  LiveTwin(const std::string& uri, const std::string& key)
      : core(pinned_sites(key)),
        link(core.sites(), options(uri), [](const std::string& l) { UNSCOPED_INFO(l); }),
        loop(core, link.queue(), sequencer, &link, nullptr, FrameLoopOptions{65536, std::chrono::microseconds(2000)}) {
    link.start();
  }
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return testsupport::run_frames_until(loop, start, done, timeout);
  }
  uint64_t rejected(RejectReason r) const { return link.stats().rejected[static_cast<size_t>(r)]; }
  const twin::Shipment* shipment(int site, uint32_t id) const {
    for (const twin::Shipment& sh : core.state().sites[site].shipments)
      if (sh.id == twin::ShipmentId{id}) return &sh;
    return nullptr;
  }
};

// A publisher of one source, signing its partner messages with `key` (none: unsigned).
std::unique_ptr<FieldPublisher> publisher(const std::vector<twin::SiteSpec>& sites, const std::string& uri, const std::string& source,
                                          std::shared_ptr<const PartnerSigner> key) {
  FieldPublisherOptions o;
  o.broker.uri = uri;
  o.broker.client_id = "pub-" + source;
  o.source = source;
  o.partner_signer = std::move(key);
  auto p = std::make_unique<FieldPublisher>(sites, o, nullptr);
  REQUIRE(p->start(10s));
  return p;
}

}  // namespace

TEST_CASE("gatesim --partner-key against a pinned key: applied whole; forged and unsigned declarations refused, the genuine applied",
          "[mqtt][live][partner]") {
  REQUIRE_MQTT_PROGRAMS();
  MosquittoFixture broker(false);
  REQUIRE(broker.start());
  const std::string genuine_key = make_key("genuine");
  auto genuine = signer(genuine_key);
  auto forger = signer(make_key("forger"));
  const auto ref = testsupport::in_process(1, 7);
  const uint64_t events = ref.first;
  const std::string hash = ref.second;
  LiveTwin twin(broker.uri(), genuine->public_key_base64());
  REQUIRE(twin.link.wait_connected(5s));

  // A seeded hour, gatesim playing the field and the partner, signing as the partner.
  int rc = -1;
  std::string out;
  std::thread sim([&] {
    out = run_command(kGatesim + " --hours 1 --seed 7 --json --no-progress --speed max --source e2e --partner-key " + genuine_key +
                          " --broker " + broker.uri() + " 2>/dev/null",
                      &rc);
  });
  const bool done = twin.run_until([&] { return twin.loop.stats().applied >= events; }, 60s);
  sim.join();
  REQUIRE(rc == 0);
  REQUIRE(done);
  twin.run_until([] { return false; }, 200ms);
  const auto j = nlohmann::json::parse(out, nullptr, false);
  CHECK(j["published"] == events);
  CHECK(twin.loop.stats().applied == events);
  CHECK(hash_hex(twin.core.state_hash()) == hash);
  CHECK(twin.link.stats().rejected_total == 0);

  // One more shipment of m1119, declared by the field; then its partner declaration three
  // ways: signed by another key, unsigned, and genuine (each its own source, seq 1).
  int site = -1;
  for (size_t i = 0; i < twin.core.sites().size(); ++i)
    if (twin.core.sites()[i].id == "m1119") site = static_cast<int>(i);
  REQUIRE(site >= 0);
  const auto& sites = twin.core.sites();
  const uint16_t goods = static_cast<uint16_t>(sites[site].goods_index("fruit"));
  const twin::SimTime t = twin.core.state().now_ms + 1000;
  const uint32_t id = 900001;
  auto field = publisher(sites, broker.uri(), "nsw-e2e", nullptr);
  REQUIRE(field->publish(twin::Event{0, t, static_cast<uint8_t>(site),
                                     twin::DeclarationFiled{twin::ShipmentId{id}, twin::Direction::Export, goods, false, true, "29C-123.45", "GTWU0000002"}},
                         1) == PublishStatus::Ok);
  REQUIRE(twin.run_until([&] { return twin.shipment(site, id) != nullptr; }, 10s));

  auto forged = publisher(sites, broker.uri(), "partner-forged", forger);
  REQUIRE(forged->publish(twin::Event{0, t + 1000, static_cast<uint8_t>(site),
                                      twin::PartnerDeclarationReceived{twin::ShipmentId{id}, goods, "29C-666.66", "GTWU0000002"}},
                          1) == PublishStatus::Ok);
  run_command("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker.port()) +
                  " -q 1 -t gatetwin/v1/m1119/event/partner_declaration -m '{\"v\":1,\"src\":\"partner-unsigned\",\"seq\":1,\"t_ms\":" +
                  std::to_string(t + 1000) + ",\"shipment\":" + std::to_string(id) +
                  ",\"goods\":\"fruit\",\"plate\":\"29C-666.66\",\"container\":\"GTWU0000002\"}'",
              &rc);
  REQUIRE(rc == 0);
  REQUIRE(twin.run_until([&] { return twin.rejected(RejectReason::PartnerBadSignature) == 1 && twin.rejected(RejectReason::PartnerUnsigned) == 1; },
                         10s));
  twin.run_until([] { return false; }, 200ms);
  CHECK_FALSE(twin.shipment(site, id)->partner_received);

  auto partner = publisher(sites, broker.uri(), "partner-e2e", genuine);
  REQUIRE(partner->publish(twin::Event{0, t + 2000, static_cast<uint8_t>(site),
                                       twin::PartnerDeclarationReceived{twin::ShipmentId{id}, goods, "29C-123.45", "GTWU0000002"}},
                           1) == PublishStatus::Ok);
  REQUIRE(twin.run_until([&] { return twin.shipment(site, id)->partner_received; }, 10s));
  const twin::Shipment& sh = *twin.shipment(site, id);
  CHECK(sh.partner_agrees);
  CHECK(sh.partner_plate == "29C-123.45");
  CHECK_FALSE(sh.partner_conflict);
  CHECK(twin.link.stats().rejected_total == 2);
  field->finish(5s);
  forged->finish(5s);
  partner->finish(5s);
}
