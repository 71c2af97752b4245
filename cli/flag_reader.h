// The one command-line reader of the programs (gatesim, gatetwin, gatetwin --replay):
// walks argv flag by flag, takes a flag's value, reads numbers and sizes, and prints a
// refusal the same way for every program ("gatesim: --days takes ... (see gatesim --help)").
// It knows no flag of its own beyond -h/--help: each program's parser decides what a
// flag means. It must not exit the process or print anything but help and refusals.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace cli {

class FlagReader {
 public:
  // program: the name refusals start with ("gatetwin"); help_hint: where --help is
  // ("gatetwin --replay --help"); help: printed on stdout for -h / --help.
  FlagReader(int argc, char** argv, std::string program, std::string help_hint, const char* help);

  // Moves to the next argument; false after the last. flag() is the argument.
  bool next();
  const std::string& flag() const { return flag_; }
  bool is(const char* name) const { return flag_ == name; }
  // True when any argument is -h or --help: the help is printed and the exit code is 0.
  bool help_anywhere(int& exit_code) const;
  // True when the current argument is -h or --help (printed, exit code 0).
  bool help_here(int& exit_code) const;
  // The flag's value (the next argument), or empty after a refusal "--x needs a value".
  std::optional<std::string> value();
  // Prints "<program>: <why> (see <help_hint>)" on stderr; returns nullopt for the caller.
  std::nullopt_t refuse(const std::string& why) const;

 private:
  int argc_;
  char** argv_;
  int i_ = 0;
  std::string flag_;
  std::string program_, help_hint_;
  const char* help_;
};

// A whole decimal number ("12", "2.5", "1e3"); false for "", "12x".
bool parse_number(const std::string& text, double& out);
// WIDTHxHEIGHT within 320x240 and 7680x4320 (a window or screenshot size).
bool parse_size(const std::string& text, uint32_t& width, uint32_t& height);
// The refusal for a bad --size, the same in every program.
inline const char* size_rule() { return "--size takes WIDTHxHEIGHT, e.g. 1920x1080"; }

}  // namespace cli
