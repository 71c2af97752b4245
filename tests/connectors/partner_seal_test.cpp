// Tests the partner customs' signed data (issue 19; docs/mqtt.md "Signed partner data",
// docs/site-format.md "partner"): the site file's pinned key (accepted, refused with its
// JSON path), the envelope signed here and by the openssl command line of docs/mqtt.md,
// and the twin's link with a key pinned (signed data decoded; unsigned, other-key,
// altered and other-topic data refused, counted by reason, booked in the feeds and
// logged) and without one (taken unsigned, said once at start-up). Last, the partner-
// silence watch fed by the link: forged partner_link / receipt messages do not keep it
// quiet. TwinLink is driven through on_message: no broker, no thread. Fails when the
// openssl command line is missing (package openssl).
#include <catch2/catch.hpp>

#include "connectors/codec/event_json.h"
#include "connectors/files/site_file.h"
#include "connectors/mqtt/partner_seal.h"
#include "connectors/mqtt/twin_link.h"
#include "pipeline/partner_watch.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace connectors;

namespace {

std::vector<twin::SiteSpec> sites() {
  auto r = load_sites("all", default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(r));
  return std::get<std::vector<twin::SiteSpec>>(r);
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh Ed25519 key pair in dir (openssl, as docs/mqtt.md makes one).
std::string make_key(const std::string& name) {
  const std::string path = "/tmp/gatetwin-partner-test-" + std::to_string(::getpid()) + "-" + name + ".key";
  REQUIRE(std::system(("openssl genpkey -algorithm ed25519 -out " + path + " 2>/dev/null").c_str()) == 0);
  return path;
}

std::shared_ptr<const PartnerSigner> signer(const std::string& path) {
  auto r = PartnerSigner::load(path);
  if (auto* f = std::get_if<Failure>(&r)) FAIL(f->text);
  return std::get<std::shared_ptr<const PartnerSigner>>(r);
}

const std::string kDeclTopic = "gatetwin/v1/m1119/event/partner_declaration";
const std::string kReceiptTopic = "gatetwin/v1/m1119/event/receipt_confirmed";
const std::string kLinkTopic = "gatetwin/v1/m1119/event/partner_link";
const std::string kTickTopic = "gatetwin/v1/m1119/event/clock_tick";

std::string decl(uint64_t seq, int64_t t_ms, const std::string& plate = "29C-123.45") {
  return "{\"v\":1,\"src\":\"partner-cn\",\"seq\":" + std::to_string(seq) + ",\"t_ms\":" + std::to_string(t_ms) +
         ",\"shipment\":7,\"goods\":\"fruit\",\"plate\":\"" + plate + "\",\"container\":\"GTWU0000002\"}";
}
std::string simple(const std::string& src, uint64_t seq, int64_t t_ms, const std::string& extra = "") {
  return "{\"v\":1,\"src\":\"" + src + "\",\"seq\":" + std::to_string(seq) + ",\"t_ms\":" + std::to_string(t_ms) + extra + "}";
}

// A twin link that is never started, with m1119's partner key pinned (or not).
struct Link {
  std::vector<std::string> log;
  TwinLink link;
  explicit Link(const std::string& pinned_key)
      : link(pinned(pinned_key), options(), [this](const std::string& l) { log.push_back(l); }) {}
  static std::vector<twin::SiteSpec> pinned(const std::string& key) {
    auto s = sites();
    for (auto& site : s)
      if (site.id == "m1119") {
        site.partner_public_key = key;
        site.partner_key_source = "test: made by partner_seal_test";
      }
    return s;
  }
  static TwinLinkOptions options() {
    TwinLinkOptions o;
    o.broker.uri = "tcp://127.0.0.1:1";
    o.broker.client_id = "partner-seal-test";
    o.wall_utc_ms = [] { return int64_t{1777600000000}; };
    return o;
  }
  std::vector<FieldMessage> drain() {
    std::vector<FieldMessage> out;
    link.queue().drain(out, 100000, std::chrono::microseconds(0));
    return out;
  }
  uint64_t rejected(RejectReason r) const { return link.stats().rejected[static_cast<size_t>(r)]; }
  bool logged(const std::string& needle) const {
    for (const auto& l : link.partner_trust())  // what start() logs
      if (l.find(needle) != std::string::npos) return true;
    for (const auto& l : log)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

// [SECTION] the site file's pinned key -------------------------------------------------------

TEST_CASE("a site file pins the partner's key; a malformed or unsourced key is refused with its path", "[partner][site]") {
  std::string text = read(default_sites_dir() + "/m1119.json");
  const size_t brace = text.rfind('}');
  const std::string key = signer(make_key("site"))->public_key_base64();
  REQUIRE(key.size() == 60);
  auto with = [&](const std::string& partner) { return text.substr(0, brace) + ",\n\"partner\": " + partner + "\n}\n"; };

  auto ok = parse_site(with("{\"public_key\": \"" + key + "\", \"source\": \"partner customs, handed over 2026-11-30\"}"), "m1119.json");
  REQUIRE(std::holds_alternative<twin::SiteSpec>(ok));
  CHECK(std::get<twin::SiteSpec>(ok).partner_public_key == key);
  CHECK(std::get<twin::SiteSpec>(ok).partner_key_source == "partner customs, handed over 2026-11-30");

  auto bad = parse_site(with("{\"public_key\": \"" + key.substr(0, 40) + "\", \"source\": \"x\"}"), "m1119.json");
  REQUIRE(std::holds_alternative<SiteFileError>(bad));
  CHECK(std::get<SiteFileError>(bad).field == "partner.public_key");
  CHECK_THAT(std::get<SiteFileError>(bad).why, Catch::Contains("openssl pkey"));

  auto unsourced = parse_site(with("{\"public_key\": \"" + key + "\", \"source\": \"\"}"), "m1119.json");
  REQUIRE(std::holds_alternative<SiteFileError>(unsourced));
  CHECK(std::get<SiteFileError>(unsourced).field == "partner.source");

  auto typo = parse_site(with("{\"publickey\": \"" + key + "\", \"source\": \"x\"}"), "m1119.json");
  REQUIRE(std::holds_alternative<SiteFileError>(typo));
  CHECK_THAT(std::get<SiteFileError>(typo).message(), Catch::Contains("public_key"));

  // The shipped files pin none: the demo runs unauthenticated and says so.
  for (const auto& s : sites()) CHECK(s.partner_public_key.empty());
}

// [SECTION] the envelope -----------------------------------------------------------------

TEST_CASE("the envelope: signed here, opened with the pinned key, refused when anything changes", "[partner][seal]") {
  auto partner = signer(make_key("genuine"));
  auto other = signer(make_key("other"));
  auto v = PartnerVerifier::from_base64(partner->public_key_base64());
  REQUIRE(std::holds_alternative<std::shared_ptr<const PartnerVerifier>>(v));
  auto& verifier = *std::get<std::shared_ptr<const PartnerVerifier>>(v);
  const std::string body = decl(1, 1000);
  const std::string sealed = partner->seal(kDeclTopic, body);

  auto opened = verifier.open(kDeclTopic, sealed);
  REQUIRE(std::holds_alternative<std::string>(opened));
  CHECK(std::get<std::string>(opened) == body);

  auto reason = [&](const std::string& topic, const std::string& payload) {
    auto r = verifier.open(topic, payload);
    return std::holds_alternative<DecodeError>(r) ? to_string(std::get<DecodeError>(r).reason) : std::string("opened");
  };
  CHECK(reason(kDeclTopic, body) == "partner_unsigned");
  CHECK(reason(kDeclTopic, other->seal(kDeclTopic, body)) == "partner_bad_signature");
  CHECK(reason(kReceiptTopic, sealed) == "partner_bad_signature");  // replayed on another topic
  CHECK(reason(kDeclTopic + "/partner-cn", sealed) == "partner_bad_signature");
  std::string altered = sealed;
  altered.replace(altered.find("29C-123.45"), 10, "29C-999.99");
  CHECK(reason(kDeclTopic, altered) == "partner_bad_signature");
  CHECK(reason(kDeclTopic, R"({"body":"{}","sig":"not base64!"})") == "partner_bad_signature");
  CHECK(reason(kDeclTopic, R"({"body":"{}","sig":"AAAA","extra":1})") == "partner_unsigned");
}

TEST_CASE("the openssl command lines of docs/mqtt.md make a key and an envelope the twin opens", "[partner][seal][doc]") {
  REQUIRE(std::system("openssl version >/dev/null 2>&1") == 0);  // the twin's own build needs OpenSSL; its CLI is in the same package
  // The ```sh block of "Signed partner data", run as it is written in a fresh folder, with
  // mosquitto_pub replaced by a function that keeps the file it would publish.
  std::ifstream in(std::string(GATETWIN_SOURCE_DIR) + "/docs/mqtt.md");
  REQUIRE(in);
  std::string block, line;
  bool in_sh = false, found = false;
  while (std::getline(in, line) && !found) {
    if (!in_sh && line == "```sh") { in_sh = true; block.clear(); continue; }
    if (in_sh && line == "```") { in_sh = false; found = block.find("gatetwin-partner/1") != std::string::npos; continue; }
    if (in_sh) block += line + "\n";
  }
  REQUIRE(found);
  char dir_template[] = "/tmp/gatetwin-partner-doc-XXXXXX";
  REQUIRE(mkdtemp(dir_template));
  const std::string dir = dir_template;
  {
    std::ofstream f(dir + "/block.sh");
    f << "set -e\nmosquitto_pub() { while [ $# -gt 0 ]; do case \"$1\" in -t) echo \"$2\" > published.topic; shift 2;; "
         "-f) cp \"$2\" published.payload; shift 2;; *) shift;; esac; done; }\n"
      << block;
  }
  REQUIRE(std::system(("cd " + dir + " && bash block.sh > stdout 2> stderr").c_str()) == 0);
  std::string pinned = read(dir + "/stdout");  // the one line the block prints: the key to pin
  while (!pinned.empty() && pinned.back() == '\n') pinned.pop_back();
  CHECK(pinned.size() == 60);
  CHECK(pinned == signer(dir + "/partner.key")->public_key_base64());
  auto v = PartnerVerifier::from_base64(pinned);
  REQUIRE(std::holds_alternative<std::shared_ptr<const PartnerVerifier>>(v));
  std::string topic = read(dir + "/published.topic");
  while (!topic.empty() && topic.back() == '\n') topic.pop_back();
  CHECK(topic == kDeclTopic);
  const std::string payload = read(dir + "/published.payload");
  auto opened = std::get<std::shared_ptr<const PartnerVerifier>>(v)->open(topic, payload);
  if (auto* e = std::get_if<DecodeError>(&opened)) FAIL(e->message() << "\n" << payload);
  CHECK(std::get<std::string>(opened) == decl(1, 1000));
  // And the twin's link, with that key pinned, decodes it.
  Link l(pinned);
  l.link.on_message(topic, payload);
  CHECK(l.drain().size() == 1);
  CHECK(l.link.stats().rejected_total == 0);
  std::system(("rm -rf " + dir).c_str());
}

// [SECTION] the twin's link --------------------------------------------------------------

TEST_CASE("with a key pinned the link decodes signed partner data and refuses the rest, counted and logged", "[partner][link]") {
  auto partner = signer(make_key("link"));
  auto forger = signer(make_key("forger"));
  Link l(partner->public_key_base64());
  CHECK(l.logged("site m1119: partner data must be signed by the pinned partner key"));
  CHECK(l.logged("partner customs data of m1088 is NOT authenticated"));
  CHECK(l.link.partner_trust().size() == 2);

  l.link.on_message(kDeclTopic, partner->seal(kDeclTopic, decl(1, 1000)));
  auto got = l.drain();
  REQUIRE(got.size() == 1);
  CHECK(std::holds_alternative<twin::PartnerDeclarationReceived>(got[0].body));

  l.link.on_message(kDeclTopic, decl(2, 2000, "29C-666.66"));                                  // unsigned
  l.link.on_message(kDeclTopic, forger->seal(kDeclTopic, decl(3, 3000, "29C-666.66")));        // another key
  l.link.on_message(kReceiptTopic, forger->seal(kReceiptTopic, simple("partner-cn", 4, 4000, ",\"shipment\":7")));
  l.link.on_message(kLinkTopic + "/partner-cn", simple("partner-cn", 5, 5000, ",\"up\":true"));  // unsigned, bound topic
  CHECK(l.drain().empty());
  CHECK(l.rejected(RejectReason::PartnerUnsigned) == 2);
  CHECK(l.rejected(RejectReason::PartnerBadSignature) == 2);
  CHECK(l.logged("partner_unsigned"));
  CHECK(l.logged("partner_bad_signature"));
  uint64_t booked = 0;
  for (const auto& f : l.link.feeds().sources)
    for (const auto& [reason, n] : f.rejected)
      if (reason.rfind("partner_", 0) == 0) booked += n;
  CHECK(booked == 4);

  // Field data and the other site's (no key pinned) partner data pass as before.
  l.link.on_message(kTickTopic, simple("gate-clock", 1, 6000));
  l.link.on_message("gatetwin/v1/m1088/event/receipt_confirmed", simple("partner-cn", 6, 6000, ",\"shipment\":7"));
  CHECK(l.drain().size() == 2);
}

TEST_CASE("without a pinned key partner data is taken unsigned or in an envelope, and start-up says so", "[partner][link]") {
  Link l("");
  REQUIRE(l.link.partner_trust().size() == 1);  // one line for all the sites without a key
  CHECK((l.logged("partner customs data of m1088, m1119 is NOT authenticated") ||
         l.logged("partner customs data of m1119, m1088 is NOT authenticated")));
  auto partner = signer(make_key("unpinned"));
  l.link.on_message(kDeclTopic, decl(1, 1000));
  l.link.on_message(kDeclTopic, partner->seal(kDeclTopic, decl(2, 2000)));
  CHECK(l.drain().size() == 2);
  CHECK(l.link.stats().rejected_total == 0);
}

// [SECTION] the partner-silence watch ------------------------------------------------------

TEST_CASE("forged partner_link and receipt messages do not keep the partner-silence watch quiet", "[partner][watch]") {
  auto partner = signer(make_key("watch"));
  auto forger = signer(make_key("watch-forger"));
  Link l(partner->public_key_base64());
  pipeline::PartnerWatch watch(pipeline::PartnerWatchOptions{10 * 60 * 1000, 60 * 1000});
  auto feed = [&] {
    for (const FieldMessage& m : l.drain()) {
      watch.before(m);
      watch.after(m);
    }
  };
  l.link.on_message(kDeclTopic, partner->seal(kDeclTopic, decl(1, 1000)));
  feed();
  // 30 minutes: the field's clock every minute, and every minute a forged receipt and a
  // forged "link up" (one unsigned, one by another key): refused, so the watch calls it.
  uint64_t seq = 2;
  for (int64_t t = 60000; t <= 30 * 60000; t += 60000) {
    l.link.on_message(kTickTopic, simple("gate-clock", static_cast<uint64_t>(t / 60000), t));
    l.link.on_message(kReceiptTopic, forger->seal(kReceiptTopic, simple("partner-cn", seq++, t, ",\"shipment\":7")));
    l.link.on_message(kLinkTopic, simple("partner-cn", seq++, t, ",\"up\":true"));
    feed();
  }
  CHECK(watch.stats().marked_stale == 1);
  CHECK(watch.stats().stale);
  CHECK(l.rejected(RejectReason::PartnerBadSignature) == 30);
  CHECK(l.rejected(RejectReason::PartnerUnsigned) == 30);
  // Genuine partner data for a minute and more: the link counts as back.
  for (int64_t t = 31 * 60000; t <= 33 * 60000; t += 10000) {
    l.link.on_message(kReceiptTopic, partner->seal(kReceiptTopic, simple("partner-cn", seq++, t, ",\"shipment\":7")));
    l.link.on_message(kTickTopic, simple("gate-clock", static_cast<uint64_t>(t / 10000), t));
    feed();
  }
  CHECK(watch.stats().marked_fresh == 1);
  CHECK_FALSE(watch.stats().stale);
}
