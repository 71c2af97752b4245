// The catalogue's lookup: a hash map from the English key to its entry, built once, and the
// set of keys asked for but missing. Must not: hold the entries themselves (see the .inc).
#include "controlroom/ui/text_catalogue.h"

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace controlroom::ui {
namespace {

constexpr CatalogueEntry kEntries[] = {
#include "controlroom/ui/text_catalogue_entries.inc"
};

Lang g_lang = Lang::En;

const std::unordered_map<std::string_view, const CatalogueEntry*>& index() {
  static const auto map = [] {
    std::unordered_map<std::string_view, const CatalogueEntry*> m;
    for (const CatalogueEntry& e : kEntries) m.emplace(e.en, &e);
    return m;
  }();
  return map;
}

std::mutex g_missing_mu;
std::vector<std::string> g_missing;
std::unordered_set<std::string> g_missing_seen;

}  // namespace

void set_lang(Lang lang) { g_lang = lang; }
Lang lang() { return g_lang; }

bool parse_lang(std::string_view text, Lang& lang) {
  if (text == "en") lang = Lang::En;
  else if (text == "vi") lang = Lang::Vi;
  else return false;
  return true;
}

const char* lang_code(Lang lang) { return lang == Lang::Vi ? "vi" : "en"; }

// The entries tr() found last, by the address of the text asked for: most calls pass the
// same string literals frame after frame, and hashing each (hundreds a frame) cost about a
// tenth of a millisecond. A hit is checked against the text (an address may be a buffer
// that now holds other text), so it never returns another key's entry. Per thread.
const CatalogueEntry* recently_found(const char* english) {
  struct Slot {
    const char* key = nullptr;
    const CatalogueEntry* entry = nullptr;
  };
  thread_local Slot slots[1024];
  // Literals lie close together: a multiplicative hash of the address spreads them.
  Slot& slot = slots[(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(english)) * 0x9E3779B97F4A7C15ull) >> 54];
  if (slot.key == english && std::strcmp(slot.entry->en, english) == 0) return slot.entry;
  const auto& map = index();
  const auto it = map.find(english);
  if (it == map.end()) return nullptr;
  slot = {english, it->second};
  return it->second;
}

const char* tr(const char* english) {
  const CatalogueEntry* e = recently_found(english);
  if (!e) {
    std::lock_guard lock(g_missing_mu);
    if (g_missing_seen.insert(english).second) g_missing.emplace_back(english);
    return english;
  }
  return g_lang == Lang::Vi ? e->vi : e->en;
}

std::string trf(const char* english_format, ...) {
  const char* format = tr(english_format);
  va_list args;
  va_start(args, english_format);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(out.data(), out.size() + 1, format, again);
  va_end(again);
  return out;
}

std::string tr_data(const std::string& text) {
  const auto& map = index();
  const auto it = map.find(text);
  if (it == map.end()) return text;
  return g_lang == Lang::Vi ? it->second->vi : it->second->en;
}

std::span<const CatalogueEntry> catalogue() { return kEntries; }

std::vector<std::string> missing_keys() {
  std::lock_guard lock(g_missing_mu);
  return g_missing;
}

}  // namespace controlroom::ui
