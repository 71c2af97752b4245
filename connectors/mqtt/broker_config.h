// Where the broker is and who we are to it: the URI, the client id and the credentials.
// Credentials come from a config file (--mqtt-config) or the environment
// (GATETWIN_MQTT_USER / GATETWIN_MQTT_PASSWORD), never from the command line, so they do
// not show in `ps` or shell history. Parsing only: it must not connect to anything.
//
// Supports: tcp://host:port and mqtt://host:port URIs (plain TCP, MQTT 3.1.1);
// ssl://host:port and mqtts://host:port (TLS, the broker verified against ca_file, an
// optional client certificate: docs/security.md). Does not support: websockets.
#pragma once
#include "connectors/result.h"
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace connectors {

struct BrokerConfig {
  std::string uri;        // tcp://host:port (the first of a list)
  // Further brokers of the same room (--broker URL1,URL2: docs/control-room.md "Two
  // brokers"): a client whose broker is gone connects to the next one in the list.
  std::vector<std::string> alternates;
  std::string client_id;  // fixed, so the broker keeps our session across reconnects
  std::string user;       // empty: anonymous
  std::string password;
  // TLS (ssl:// only): the CA that signed the broker's certificate (required), and this
  // client's certificate and key (PEM) when the broker asks for one.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool tls() const { return uri.rfind("ssl://", 0) == 0; }
  std::vector<std::string> uris() const {
    std::vector<std::string> all{uri};
    all.insert(all.end(), alternates.begin(), alternates.end());
    return all;
  }
};

struct BrokerConfigError {
  std::string text;       // what is wrong and what to do
  const std::string& message() const { return text; }
};

using BrokerConfigResult = Result<BrokerConfig, BrokerConfigError>;

// Checks uri (one, or several separated by commas, each checked alike and all of one
// scheme) and client_id; fills user/password from the file at config_path (if not
// empty) or else from env (the map stands for the process environment, for tests).
// The file holds `key = value` lines (user, password, client_id, ca_file, cert_file,
// key_file), '#' comments. An ssl:// URI needs ca_file; the files must be readable.
BrokerConfigResult make_broker_config(const std::string& uri, const std::string& client_id, const std::string& config_path,
                                      const std::map<std::string, std::string>& env);

// The process environment's GATETWIN_MQTT_USER and GATETWIN_MQTT_PASSWORD, when set.
std::map<std::string, std::string> mqtt_environment();

}  // namespace connectors
