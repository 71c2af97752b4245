// The programs' command-line reader. See flag_reader.h.
#include "cli/flag_reader.h"

#include <cstdio>
#include <cstdlib>

namespace cli {

FlagReader::FlagReader(int argc, char** argv, std::string program, std::string help_hint, const char* help)
    : argc_(argc), argv_(argv), program_(std::move(program)), help_hint_(std::move(help_hint)), help_(help) {}

bool FlagReader::next() {
  if (++i_ >= argc_) return false;
  flag_ = argv_[i_];
  return true;
}

bool FlagReader::help_here(int& exit_code) const {
  if (flag_ != "-h" && flag_ != "--help") return false;
  std::fputs(help_, stdout);
  exit_code = 0;
  return true;
}

bool FlagReader::help_anywhere(int& exit_code) const {
  for (int i = 1; i < argc_; ++i) {
    const std::string a = argv_[i];
    if (a == "-h" || a == "--help") {
      std::fputs(help_, stdout);
      exit_code = 0;
      return true;
    }
  }
  return false;
}

// The help names every flag; one it does not name is unknown, whatever follows it.
static bool documented(const char* help, const std::string& flag) {
  const std::string text = help ? help : "";
  auto part_of_name = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; };
  for (size_t at = text.find(flag); at != std::string::npos; at = text.find(flag, at + 1)) {
    const size_t end = at + flag.size();
    if ((at == 0 || !part_of_name(text[at - 1])) && (end == text.size() || !part_of_name(text[end]))) return true;
  }
  return false;
}

std::optional<std::string> FlagReader::value() {
  if (i_ + 1 >= argc_) {
    refuse(documented(help_, flag_) ? flag_ + " needs a value" : "unknown flag " + flag_);
    return std::nullopt;
  }
  return std::string(argv_[++i_]);
}

std::nullopt_t FlagReader::refuse(const std::string& why) const {
  std::fprintf(stderr, "%s: %s (see %s)\n", program_.c_str(), why.c_str(), help_hint_.c_str());
  return std::nullopt;
}

bool parse_number(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end && *end == '\0' && end != text.c_str();
}

bool parse_size(const std::string& text, uint32_t& width, uint32_t& height) {
  unsigned w = 0, h = 0;
  if (std::sscanf(text.c_str(), "%ux%u", &w, &h) != 2 || w < 320 || h < 240 || w > 7680 || h > 4320) return false;
  width = w;
  height = h;
  return true;
}

}  // namespace cli
