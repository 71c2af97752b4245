// ISO 6346 container numbers (twin/identifiers.h): the check digit against published
// examples, every kind of malformed number refused with its reason, and the simulator's
// numbers valid.
#include "twin/identifiers.h"

#include <catch2/catch.hpp>

using namespace twin;

TEST_CASE("ISO 6346 check digits of published container numbers") {
  CHECK(iso6346_check_digit("CSQU305438") == 3);   // the standard's example, CSQU 305438 3
  CHECK_FALSE(container_number_problem("CSQU3054383"));
  CHECK(iso6346_check_digit("csqu305438") == -1);
  CHECK(iso6346_check_digit("CSQU30543") == -1);
}

TEST_CASE("malformed container numbers are refused with a reason a person can act on") {
  CHECK_THAT(*container_number_problem("CSQU3054384"), Catch::Contains("check digit 4 is wrong (ISO 6346 gives 3)"));
  CHECK_THAT(*container_number_problem("CSQU305438"), Catch::Contains("not 11 characters"));
  CHECK_THAT(*container_number_problem("CS1U3054383"), Catch::Contains("owner code"));
  CHECK_THAT(*container_number_problem("CSQX3054383"), Catch::Contains("category letter"));
  CHECK_THAT(*container_number_problem("CSQU30543A3"), Catch::Contains("7 digits"));
  CHECK_THAT(*container_number_problem(std::string(100, 'A')), Catch::Contains("..."));
}

TEST_CASE("made container numbers carry their check digit") {
  for (unsigned serial : {0u, 1u, 90001u, 999999u, 1234567u}) {
    const std::string c = make_container_number("GTW", 'U', serial);
    INFO(c);
    CHECK(c.size() == 11);
    CHECK_FALSE(container_number_problem(c));
  }
}
