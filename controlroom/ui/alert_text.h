// An alert's text in the language shown: the core writes its alerts in English, from a few
// fixed phrasings with data in them ("queue at scanner over 30"); each phrasing is matched
// here and rewritten through the catalogue's printf key for it (the data kept, station and
// yard ids translated when the catalogue knows them). Text no phrasing matches is shown as
// the core wrote it. Must not: change what an alert says, only its language.
#pragma once

#include <string>

namespace controlroom::ui {

// "m1119: queue at scanner over 30" -> "m1119: hàng chờ tại máy soi vượt 30" in Vietnamese;
// the text as it is in English. The site prefix ("m1119: ") is kept.
std::string alert_text(const std::string& english);

}  // namespace controlroom::ui
