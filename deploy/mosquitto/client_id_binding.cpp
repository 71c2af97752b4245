// A Mosquitto 2.0 plugin (plugin API version 5) that binds MQTT client ids to broker
// accounts (issue 19): an account may connect only with the client id NAME or NAME-<any>
// (gatetwin, gatetwin-stream; console-1, console-1-wall), so no account can take over,
// disconnect or destroy the persistent session of another (MQTT's session takeover: the
// broker closes the older connection of a client id, and a clean start drops its queued
// QoS 1 messages). Ids the broker assigns itself (an empty id from the client: "auto-" and
// a random UUID) are allowed with a clean session only, so they hold nothing to take.
// A refused connection is logged by the broker ("not authorised"); this plugin logs
// which id and account. It decides nothing else: the password file and the ACL still
// do (it returns "defer" for an id it allows).
//
// Supports: mosquitto 2.0.x (Debian 12: 2.0.11), per_listener_settings false. The few
// declarations it needs are written out below (Debian ships the broker's plugin headers
// only in mosquitto-dev, not installed); they are the stable ABI of mosquitto_broker.h /
// mosquitto_plugin.h 2.0. Built by CMake as gatetwin_client_ids.so; loaded with
// `plugin PATH` in mosquitto.conf (tools/setup/make-certs.sh --id-plugin PATH).
#include <cstring>

extern "C" {

struct mosquitto;
struct mosquitto_opt;
typedef struct mosquitto_plugin_id_t mosquitto_plugin_id_t;
typedef int (*MOSQ_FUNC_generic_callback)(int, void*, void*);

// mosquitto_broker.h 2.0: the basic-auth event and the calls used.
struct mosquitto_evt_basic_auth {
  void* future;
  struct mosquitto* client;
  char* username;
  char* password;
  void* future2[4];
};
int mosquitto_callback_register(mosquitto_plugin_id_t* identifier, int event, MOSQ_FUNC_generic_callback cb,
                                const void* event_data, void* userdata);
int mosquitto_callback_unregister(mosquitto_plugin_id_t* identifier, int event, MOSQ_FUNC_generic_callback cb,
                                  const void* event_data);
const char* mosquitto_client_id(const struct mosquitto* client);
bool mosquitto_client_clean_session(const struct mosquitto* client);
void mosquitto_log_printf(int level, const char* fmt, ...);

}  // extern "C"

namespace {

constexpr int kEventBasicAuth = 3;   // MOSQ_EVT_BASIC_AUTH
constexpr int kErrSuccess = 0;       // MOSQ_ERR_SUCCESS
constexpr int kErrAuth = 11;         // MOSQ_ERR_AUTH
constexpr int kErrPluginDefer = 17;  // MOSQ_ERR_PLUGIN_DEFER
constexpr int kLogNotice = 1 << 1;   // MOSQ_LOG_NOTICE
mosquitto_plugin_id_t* g_id = nullptr;

// The rule, on its own: NAME, NAME-<something>, or a broker-assigned id with a clean session.
bool id_allowed(const char* id, const char* user, bool clean_session) {
  if (!id) return false;
  if (user) {
    const size_t n = std::strlen(user);
    if (n > 0 && std::strncmp(id, user, n) == 0 && (id[n] == '\0' || (id[n] == '-' && id[n + 1] != '\0'))) return true;
  }
  return clean_session && std::strncmp(id, "auto-", 5) == 0;
}

int on_basic_auth(int, void* event_data, void*) {
  auto* ed = static_cast<mosquitto_evt_basic_auth*>(event_data);
  const char* id = mosquitto_client_id(ed->client);
  if (id_allowed(id, ed->username, mosquitto_client_clean_session(ed->client))) return kErrPluginDefer;
  mosquitto_log_printf(kLogNotice,
                       "gatetwin_client_ids: refused client id \"%s\" for account \"%s\": an account connects as NAME or "
                       "NAME-<suffix> only (docs/security.md)",
                       id ? id : "", ed->username ? ed->username : "(none)");
  return kErrAuth;
}

}  // namespace

extern "C" {

int mosquitto_plugin_version(int count, const int* versions) {
  for (int i = 0; i < count; ++i)
    if (versions[i] == 5) return 5;
  return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t* identifier, void** userdata, struct mosquitto_opt*, int) {
  g_id = identifier;
  *userdata = nullptr;
  return mosquitto_callback_register(identifier, kEventBasicAuth, on_basic_auth, nullptr, nullptr);
}

int mosquitto_plugin_cleanup(void*, struct mosquitto_opt*, int) {
  if (g_id) mosquitto_callback_unregister(g_id, kEventBasicAuth, on_basic_auth, nullptr);
  return kErrSuccess;
}

}  // extern "C"
