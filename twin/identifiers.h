// How the field names a vehicle: ISO 6346 container numbers (owner code, category,
// serial, check digit) and number plates. Pure functions on strings; the codec uses them
// to refuse a bad identifier at the boundary, the simulator to make valid ones. Must not
// look anything up in the state.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace twin {

// The ISO 6346 check digit of the first 10 characters (4 letters, 6 digits): 0-9, or -1
// when those characters are not of that form.
int iso6346_check_digit(std::string_view first10);

// Why a container number is not a valid ISO 6346 number (form "ABCU1234565": owner code
// of 3 letters, category U, J or Z, 6 digits, the check digit), or nothing when it is.
std::optional<std::string> container_number_problem(std::string_view container);

// The container number with serial `serial` (0-999999) and owner `owner3` + category
// `category`, its check digit appended.
std::string make_container_number(std::string_view owner3, char category, unsigned serial);

}  // namespace twin
