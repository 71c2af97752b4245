// The entry points of gatebench's subcommands, one per bench_*.cpp file.
#pragma once

namespace bench {
int bench_core(int argc, char** argv);
int bench_store(int argc, char** argv);   // bench_store.cpp
int bench_mqtt(int argc, char** argv);    // bench_mqtt.cpp
int bench_mqtt_lean(int argc, char** argv);  // bench_mqtt_lean.cpp: gatebench mqtt --field lean
int bench_render(int argc, char** argv);  // bench_render.cpp, only with the engine
int bench_frame(int argc, char** argv);
int bench_replay(int argc, char** argv);  // bench_replay.cpp
int bench_sweep(int argc, char** argv);
int bench_vda5050(int argc, char** argv);  // bench_vda5050.cpp: VDA 5050 vehicles against the twin's link   // bench_sweep.cpp: capacity sweep wall time on every core
}  // namespace bench
