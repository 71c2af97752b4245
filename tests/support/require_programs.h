// Test support: the first line of a test that runs outside programs (mosquitto, its
// clients, openssl): REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub") FAILs the test case,
// naming each missing program and its Debian package (tools/setup/packages.txt), when one
// is not installed. A missing tool is a broken set-up, not a reason to pass: this must
// never skip, warn and return, or retry.
#pragma once
#include "tests/support/child_process.h"  // missing_programs

#include <catch2/catch.hpp>

#include <string>

#define REQUIRE_PROGRAMS(...)                                                 \
  do {                                                                        \
    const std::string gatetwin_missing_ = missing_programs({__VA_ARGS__});    \
    if (!gatetwin_missing_.empty()) FAIL(gatetwin_missing_);                  \
  } while (false)

// What the plain-MQTT live tests run: the broker, and mosquitto_pub / mosquitto_sub.
#define REQUIRE_MQTT_PROGRAMS() REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub", "mosquitto_sub")
// What the TLS live tests run (tls_broker.h): also mosquitto_passwd and openssl.
#define REQUIRE_TLS_PROGRAMS() REQUIRE_PROGRAMS("mosquitto", "mosquitto_pub", "mosquitto_sub", "mosquitto_passwd", "openssl")
