// docs/capacity.md's CI-sized capacity table is the tool's: the test reads the block
// between "<!-- capacity-ci begin -->" and "<!-- capacity-ci end -->", whose first line
// is the gatesim command (in a sh fence) and the rest its output, runs that command on
// this build and compares line by line. A doc edited by hand, or a change to the core
// or the capacity library that moves the figures, fails it: regenerate the block with
// the command. About 40 s on 2 cores. Never skips itself.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  CHECK(pclose(p) == 0);
  return out;
}

}  // namespace

TEST_CASE("docs/capacity.md's CI-sized table is what gatesim prints for it", "[capacity][doc]") {
  const std::string doc = read_file(std::string(GATETWIN_SOURCE_DIR) + "/docs/capacity.md");
  const std::string begin = "<!-- capacity-ci begin -->", end = "<!-- capacity-ci end -->";
  const size_t b = doc.find(begin), e = doc.find(end);
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  std::string block = doc.substr(b + begin.size(), e - b - begin.size());
  // ```sh\nCOMMAND\n```\n then ```text\nOUTPUT```
  const std::string sh = "```sh\n", text = "```text\n";
  const size_t c0 = block.find(sh);
  REQUIRE(c0 != std::string::npos);
  const size_t c1 = block.find('\n', c0 + sh.size());
  std::string command = block.substr(c0 + sh.size(), c1 - c0 - sh.size());
  const std::string prefix = "build/tools/gatesim/gatesim ";
  REQUIRE(command.rfind(prefix, 0) == 0);
  const size_t o0 = block.find(text, c1);
  REQUIRE(o0 != std::string::npos);
  const size_t o1 = block.find("```", o0 + text.size());
  const std::string expected = block.substr(o0 + text.size(), o1 - o0 - text.size());
  const std::string cmd = std::string(GATETWIN_BINARY_DIR) + "/tools/gatesim/gatesim " + command.substr(prefix.size()) +
                          " --sites-dir " + GATETWIN_SOURCE_DIR + "/assets/sites 2>/dev/null";
  INFO("command: " << cmd);
  const std::string actual = run(cmd);
  std::istringstream a(actual), x(expected);
  std::string la, lx;
  int line = 0;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, la)), more_x = static_cast<bool>(std::getline(x, lx));
    ++line;
    if (!more_a && !more_x) break;
    INFO("line " << line);
    REQUIRE(more_a == more_x);
    CHECK(la == lx);
  }
}
