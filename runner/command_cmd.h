// `gatetwin command`: a duty officer's or a script's operator command, sent to the twin
// through the broker, with the twin's answer printed (docs/mqtt.md "Commands and their
// answers"). Credentials as for the twin (--mqtt-config FILE or GATETWIN_MQTT_USER /
// GATETWIN_MQTT_PASSWORD), never flags. It must not decide anything itself: the twin
// (its core) accepts or refuses; this program only asks and reports.
#pragma once

namespace runner {

// argv[1] is "command". Returns the exit code: 0 accepted, 1 refused, 2 no answer within
// --timeout-s (or the broker not reached), 3 a bad command line.
int run_command_command(int argc, char** argv);

}  // namespace runner
