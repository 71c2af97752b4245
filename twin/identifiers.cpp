// ISO 6346 check digits. See identifiers.h.
#include "twin/identifiers.h"

#include <array>

namespace twin {

namespace {
// Letter values skip the multiples of 11 (A=10, B=12 ... K=21, L=23 ... U=32, V=34 ...).
// Counted once, at compile time: the check digit is computed for every container the
// simulator makes (gatebench core).
constexpr std::array<int, 26> kLetterValues = [] {
  std::array<int, 26> values{};
  int v = 10;
  for (int i = 0; i < 26; ++i) {
    values[i] = v;
    ++v;
    if (v % 11 == 0) ++v;
  }
  return values;
}();
int letter_value(char ch) { return kLetterValues[ch - 'A']; }  // ch is 'A'..'Z' (upper())
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

int iso6346_check_digit(std::string_view s) {
  if (s.size() < 10) return -1;
  long sum = 0;
  for (size_t i = 0; i < 10; ++i) {
    int v;
    if (i < 4) {
      if (!upper(s[i])) return -1;
      v = letter_value(s[i]);
    } else {
      if (!digit(s[i])) return -1;
      v = s[i] - '0';
    }
    sum += static_cast<long>(v) << i;  // weight 2^i
  }
  return static_cast<int>(sum % 11 % 10);
}

std::optional<std::string> container_number_problem(std::string_view c) {
  const std::string shown = "\"" + std::string(c.substr(0, 20)) + (c.size() > 20 ? "...\"" : "\"");
  if (c.size() != 11) return "container " + shown + " is not 11 characters (ISO 6346: owner, category, 6 digits, check digit)";
  for (size_t i = 0; i < 3; ++i)
    if (!upper(c[i])) return "container " + shown + ": the owner code is not 3 capital letters";
  if (c[3] != 'U' && c[3] != 'J' && c[3] != 'Z') return "container " + shown + ": the category letter is not U, J or Z";
  for (size_t i = 4; i < 11; ++i)
    if (!digit(c[i])) return "container " + shown + ": the serial and check digit are not 7 digits";
  const int check = iso6346_check_digit(c);
  if (check != c[10] - '0')
    return "container " + shown + ": check digit " + std::string(1, c[10]) + " is wrong (ISO 6346 gives " +
           std::to_string(check) + ")";
  return std::nullopt;
}

std::string make_container_number(std::string_view owner3, char category, unsigned serial) {
  // What snprintf("%.3s%c%06u") wrote, without its format parsing: up to 3 characters
  // of the owner (to a NUL, as %.3s of c_str()), the category, 6 digits zero-padded.
  std::string s;
  for (size_t i = 0; i < owner3.size() && i < 3 && owner3[i] != '\0'; ++i) s.push_back(owner3[i]);
  if (category != '\0') {  // a NUL category ended the string there
    s.push_back(category);
    char digits[6];
    for (unsigned n = serial % 1000000, i = 6; i-- > 0; n /= 10) digits[i] = static_cast<char>('0' + n % 10);
    s.append(digits, 6);
  }
  const int check = iso6346_check_digit(s);
  s.push_back(static_cast<char>('0' + (check < 0 ? 0 : check)));
  return s;
}

}  // namespace twin
