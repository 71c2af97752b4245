// Camera presets and the wall's framing (issue 14); filled in below.
#include <catch2/catch.hpp>
