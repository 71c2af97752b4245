// The one catalogue of the strings the control room shows, each in English and Vietnamese;
// tr() returns the text in the language chosen by --lang or the window's switch.
// Must not: format numbers, know panels, or hold text that is data (plates, lane ids).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace controlroom::ui {

enum class Lang { En, Vi };

struct CatalogueEntry {
  const char* en;  // also the key: the English text as written at the call site
  const char* vi;
};

// The language tr() answers in (English until set).
void set_lang(Lang lang);
Lang lang();
// "en" or "vi" into lang; false for anything else.
bool parse_lang(std::string_view text, Lang& lang);
const char* lang_code(Lang lang);

// The catalogue's text for `english` in the current language. A key that is not in the
// catalogue is returned as given and remembered, so a test can show it is never asked for.
// printf-style keys keep the same conversions, in the same order, in both languages.
const char* tr(const char* english);
// tr(english_format), then printf-formatted: the English key is checked against the
// arguments by the compiler, the Vietnamese one by the catalogue test (same conversions).
std::string trf(const char* english_format, ...) __attribute__((format(printf, 1, 2)));
// Text that is data but often one of the catalogue's fixed phrases (a refusal reason, an
// enum's name): its translation when the catalogue has it, else the text as given (not
// remembered as missing).
std::string tr_data(const std::string& text);

// Every entry, in the order of text_catalogue_entries.inc.
std::span<const CatalogueEntry> catalogue();
// Keys asked of tr() that the catalogue lacks, in first-asked order.
std::vector<std::string> missing_keys();

}  // namespace controlroom::ui
