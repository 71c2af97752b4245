// Every mosquitto_pub example of docs/mqtt.md has the effect it describes, in the order
// shown (issue 12): each line `$P ... -t TOPIC -m 'PAYLOAD'` of the document is decoded by
// the twin's codec, ordered by the twin's sequencer and folded by a core of both sites, as
// `gatetwin --site all` would; none may be rejected, and none may be ignored by the core or
// contradict it (a divergence, docs/field.md). The document is the test's input: edit an
// example and this test checks it.
#include "connectors/codec/event_json.h"
#include "connectors/files/site_file.h"
#include "pipeline/sequencer.h"
#include "twin/core.h"
#include "twin/site_plan.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

struct Example {
  int line = 0;
  std::string topic, payload;
};

std::vector<Example> examples_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<Example> out;
  const std::regex pub(R"(^\$P .*-t (\S+) -m '(.*)'\s*$)");
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    std::smatch m;
    if (std::regex_match(line, m, pub)) out.push_back({n, m[1], m[2]});
  }
  return out;
}

}  // namespace

TEST_CASE("every example of docs/mqtt.md is accepted and has its effect in the order shown", "[docs]") {
  // GATETWIN_DOCS_MQTT: another copy of the document, for trying a change to the examples.
  const char* other = std::getenv("GATETWIN_DOCS_MQTT");
  const std::string doc = other ? other : std::string(GATETWIN_SOURCE_DIR) + "/docs/mqtt.md";
  const std::vector<Example> examples = examples_of(doc);
  REQUIRE(examples.size() >= (other ? 1u : 16u));
  auto loaded = connectors::load_sites("all", connectors::default_sites_dir());
  REQUIRE(std::holds_alternative<std::vector<twin::SiteSpec>>(loaded));
  std::vector<twin::SiteSpec> sites;
  for (const auto& s : std::get<std::vector<twin::SiteSpec>>(loaded))
    sites.push_back(twin::with_plan(s, twin::LanePlan::Expanded, twin::UnmannedPlan::On));
  twin::Core core(sites);
  pipeline::Sequencer sequencer;
  std::ostringstream effects;
  int64_t ignored_before = 0;
  for (const Example& ex : examples) {
    INFO("docs/mqtt.md line " << ex.line << ": " << ex.topic << " " << ex.payload);
    auto decoded = connectors::decode_messages(ex.topic, ex.payload, core.sites());
    if (auto* e = std::get_if<connectors::DecodeError>(&decoded)) FAIL("rejected: " << e->message());
    const auto& d = std::get<connectors::DecodedMessages>(decoded);
    CHECK(d.rejected_items.empty());
    std::vector<pipeline::SequencedEvent> ready;
    for (const auto& m : d.messages) sequencer.accept(m, 0, ready);
    CHECK(!ready.empty());  // nothing held back waiting for a missing seq
    for (const auto& r : ready) {
      twin::Decisions ds;
      core.apply(r.event, ds);
      effects << "line " << ex.line << " " << twin::event_name(r.event.body) << ":";
      for (const auto& dec : ds) effects << " " << twin::to_string(dec.kind) << (dec.text.empty() ? "" : "(" + dec.text + ")");
      effects << "\n";
    }
    int64_t ignored = 0;
    for (const auto& [reason, n] : core.state().ignored_by_reason) ignored += n;
    if (ignored != ignored_before) {
      std::string why;
      for (const auto& [reason, n] : core.state().ignored_by_reason) why += reason + " x" + std::to_string(n) + "; ";
      FAIL_CHECK("ignored by the core: " << why << "\neffects so far:\n" << effects.str());
      ignored_before = ignored;
    }
  }
  INFO(effects.str());
  CHECK(core.state().ignored_by_reason.empty());
  if (std::getenv("GATETWIN_DOCS_MQTT")) std::printf("%s", effects.str().c_str());
}
