// The one set-up and run loop of a twin, shared by the primary (run_headless, with or
// without a window) and a follower (run_follower): sites from the site files with the
// lane plan, the broker configurations of the field link and the event stream, the
// recording, the stop signals, the frame pacing with --run-for / --until-applied and a
// once-a-second report, and the --stats file. It must not decide what a primary or a
// follower does with its frames: the callers pass that in.
#pragma once
#include "connectors/mqtt/stream_seal.h"
#include "runner/twin_args.h"
#include "runner/field_feeds.h"

#include "pipeline/frame_loop.h"
#include "pipeline/recording_log.h"

#include "connectors/mqtt/broker_config.h"
#include "connectors/mqtt/twin_link.h"
#include "twin/site.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace runner {

class TwinLoopHooks;

// What every twin needs before its core starts.
struct TwinSetup {
  std::vector<twin::SiteSpec> sites;  // with the lane and unmanned plan applied
  std::string site_ids;               // "m1088,m1119": for logs and the recording
  connectors::BrokerConfig field;     // the field link (client id --client-id)
  connectors::BrokerConfig stream;    // the control room's event stream (client id + "-stream")
  std::unique_ptr<pipeline::RecordingLog> recording;  // null without --record
  SessionEpoch epoch;                 // the UTC instant of run time 0 (kept in the recording's notes)
  std::map<std::string, twin::Role> command_roles;  // --command-accounts (empty: commands' identity not checked)
  // --stream-key: the primary's signer, or a follower's pinned key (null: unsealed stream).
  std::shared_ptr<const connectors::StreamSigner> stream_signer;
  std::shared_ptr<const connectors::StreamVerifier> stream_verifier;
};
// A set-up that failed: the message a person can act on, and the exit code.
struct SetupFailure {
  std::string message;
  int exit_code = 1;                  // 1: site file or recording; 2: broker configuration
};
// Loads the sites, makes both broker configurations, opens the recording, in that order.
std::variant<TwinSetup, SetupFailure> prepare_twin(const TwinArgs& args);

// The field link's options for this run: a primary publishes decisions and maps UTC
// through the session epoch; a follower's link only carries its console's commands.
enum class TwinRole : uint8_t { Primary, Follower };
connectors::TwinLinkOptions link_options(const TwinArgs& args, const TwinSetup& setup, TwinRole role);

// With --run-for, a twin that has not reached its broker within this long (or by the end
// of a shorter run) stops and exits kExitBrokerUnreachable: a scripted run must not
// "succeed" with no data. Without --run-for it keeps retrying (the log says each failure).
constexpr int64_t kBrokerDeadlineMs = 10000;
constexpr int kExitBrokerUnreachable = 4;
// True (and logged once) when that deadline has passed with no connection.
bool broker_unreachable(const TwinArgs& args, const connectors::TwinLink& link, int64_t now_ms, bool run_over = false);

// "gatetwin: <line>" on stderr: every log line of a running twin.
void log_line(const std::string& line);

// SIGINT and SIGTERM ask the running twin to stop (one flag for the process).
void install_stop_signals();
bool stop_requested();

// Wall time since the twin started running frames, in ms: the only clock of the loop.
class RunClock {
 public:
  int64_t ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Runs frames until a stop signal, --run-for, --until-applied, a hook's frame returning
// false, or every_second returning false. A frame is loop.run_frame, or hooks->frame when
// there are hooks. every_second(now_ms) runs at the first frame and then about once a
// second.
void run_frames(const TwinArgs& args, pipeline::FrameLoop& loop, TwinLoopHooks* hooks, const RunClock& clock,
                const std::function<bool(int64_t now_ms)>& every_second);

// Writes --stats (nothing when the path is empty); false, logged, when it cannot.
bool write_stats_file(const std::string& path, const nlohmann::json& stats);

}  // namespace runner
