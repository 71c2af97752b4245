// Broker address and credentials. See broker_config.h.
#include "connectors/mqtt/broker_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace connectors {

namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

std::map<std::string, std::string> mqtt_environment() {
  std::map<std::string, std::string> env;
  for (const char* k : {"GATETWIN_MQTT_USER", "GATETWIN_MQTT_PASSWORD", "GATETWIN_MQTT_PLAIN_PASSWORD"})
    if (const char* v = std::getenv(k)) env[k] = v;
  return env;
}

BrokerConfigResult make_broker_config(const std::string& uri, const std::string& client_id, const std::string& config_path,
                                      const std::map<std::string, std::string>& env) {
  if (const size_t comma = uri.find(','); comma != std::string::npos) {  // a list: each checked alike
    std::vector<std::string> list;
    size_t at = 0;
    for (;;) {
      const size_t c = uri.find(',', at);
      list.push_back(uri.substr(at, c == std::string::npos ? std::string::npos : c - at));
      if (c == std::string::npos) break;
      at = c + 1;
    }
    BrokerConfigResult first = make_broker_config(list.front(), client_id, config_path, env);
    if (std::holds_alternative<BrokerConfigError>(first)) return first;
    BrokerConfig c = std::get<BrokerConfig>(first);
    for (size_t i = 1; i < list.size(); ++i) {
      BrokerConfigResult next = make_broker_config(list[i], client_id, config_path, env);
      if (auto* e = std::get_if<BrokerConfigError>(&next)) return BrokerConfigError{"broker " + std::to_string(i + 1) + " of the list: " + e->text};
      const BrokerConfig& n = std::get<BrokerConfig>(next);
      if (n.tls() != c.tls()) return BrokerConfigError{"the brokers of a list are all tcp:// or all ssl:// (one login, one CA)"};
      c.alternates.push_back(n.uri);
    }
    return c;
  }
  BrokerConfig c;
  c.uri = uri;
  c.client_id = client_id;
  const std::string scheme_end = "://";
  size_t p = uri.find(scheme_end);
  if (p == std::string::npos)
    return BrokerConfigError{"broker \"" + uri + "\" is not a URI; write it as tcp://host:port (e.g. tcp://127.0.0.1:1883)"};
  const std::string scheme = uri.substr(0, p);
  if (scheme != "tcp" && scheme != "mqtt" && scheme != "ssl" && scheme != "mqtts")
    return BrokerConfigError{"broker scheme \"" + scheme + "\" is not supported; use tcp:// (plain) or ssl:// (TLS)"};
  const std::string hostport = uri.substr(p + scheme_end.size());
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= hostport.size())
    return BrokerConfigError{"broker \"" + uri + "\" needs a host and a port: tcp://host:port"};
  for (size_t i = colon + 1; i < hostport.size(); ++i)
    if (hostport[i] < '0' || hostport[i] > '9') return BrokerConfigError{"broker port in \"" + uri + "\" is not a number"};
  long port = std::strtol(hostport.c_str() + colon + 1, nullptr, 10);
  if (port <= 0 || port > 65535) return BrokerConfigError{"broker port in \"" + uri + "\" is outside 1-65535"};
  const std::string host = hostport.substr(0, colon);
  const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
  bool plain_password_allowed = false;
  if (scheme == "mqtt") c.uri = "tcp://" + hostport;
  if (scheme == "mqtts") c.uri = "ssl://" + hostport;

  if (!config_path.empty()) {
    std::ifstream in(config_path);
    if (!in) return BrokerConfigError{"cannot read the MQTT config file " + config_path + " (check the path and permissions)"};
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      size_t eq = line.find('=');
      if (eq == std::string::npos)
        return BrokerConfigError{config_path + ":" + std::to_string(n) + ": expected key = value (keys: user, password, client_id)"};
      std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
      if (key == "user") c.user = value;
      else if (key == "password") c.password = value;
      else if (key == "client_id") c.client_id = value;
      else if (key == "ca_file") c.ca_file = value;
      else if (key == "cert_file") c.cert_file = value;
      else if (key == "key_file") c.key_file = value;
      else if (key == "plain_password" && value == "allow") plain_password_allowed = true;
      else return BrokerConfigError{config_path + ":" + std::to_string(n) + ": unknown key \"" + key +
                                    "\" (keys: user, password, client_id, ca_file, cert_file, key_file, plain_password = allow)"};
    }
  } else {
    if (auto it = env.find("GATETWIN_MQTT_USER"); it != env.end()) c.user = it->second;
    if (auto it = env.find("GATETWIN_MQTT_PASSWORD"); it != env.end()) c.password = it->second;
    if (auto it = env.find("GATETWIN_MQTT_PLAIN_PASSWORD"); it != env.end() && it->second == "allow") plain_password_allowed = true;
  }
  if (c.client_id.empty() || c.client_id.size() > 64)
    return BrokerConfigError{"the MQTT client id must be 1 to 64 characters"};
  if (c.tls() && c.ca_file.empty())
    return BrokerConfigError{"ssl:// needs ca_file = the CA certificate that signed the broker's (in --mqtt-config); "
                             "the twin does not connect to a broker it cannot verify"};
  if (!c.tls() && !(c.ca_file.empty() && c.cert_file.empty() && c.key_file.empty()))
    return BrokerConfigError{"ca_file / cert_file / key_file are set but the broker URI is not ssl://; use ssl://host:port"};
  if (c.cert_file.empty() != c.key_file.empty())
    return BrokerConfigError{"cert_file and key_file go together: set both (the client certificate and its key) or neither"};
  for (const std::string* f : {&c.ca_file, &c.cert_file, &c.key_file})
    if (!f->empty() && !std::ifstream(*f))
      return BrokerConfigError{"cannot read " + *f + " (named in " + config_path + "); check the path and permissions"};
  // A password over plain TCP to another machine can be read by anyone on the way: only
  // when told so explicitly (the loopback never leaves this machine).
  if (!c.password.empty() && !c.tls() && !loopback && !plain_password_allowed)
    return BrokerConfigError{"an MQTT password would cross the network in clear text to " + host +
                             ": use ssl://" + hostport + " (docs/security.md), or, knowingly, plain_password = allow in the "
                             "config file (GATETWIN_MQTT_PLAIN_PASSWORD=allow)"};
  if (!c.password.empty() && c.user.empty())
    return BrokerConfigError{"an MQTT password is set without a user; set GATETWIN_MQTT_USER or user = in the config file"};
  return c;
}

}  // namespace connectors
