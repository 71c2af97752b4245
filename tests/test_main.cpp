// The one Catch2 main shared by every test executable. Nothing else belongs here.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
