// Every operator command gets exactly one answer: the twin's book of commands by their
// sender's id. A command is named by (broker account, source, id); the first one with a
// name is applied and the core's answer (accepted or refused) is kept; a command with a name already answered is not
// applied again, its first answer is sent again (a safe retry); one whose first is still
// on its way to the core waits for that answer. The twin's own console commands, sent to
// the broker for the other consoles, come back on its subscription: that echo is dropped.
// Thread-safe (the MQTT thread admits, the core's thread binds and answers). Bounded: the
// oldest names are forgotten past max_names. It must not decode, apply or publish.
#pragma once
#include "connectors/codec/event_json.h"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace connectors {

struct CommandDeskStats {
  uint64_t admitted = 0;         // new commands passed on to the core
  uint64_t answered = 0;         // first answers given (from the core or refused here)
  uint64_t repeated = 0;         // retries answered again with the first answer
  uint64_t retry_waiting = 0;    // retries whose first was still on its way (answered once, when it is)
  uint64_t own_echoes = 0;       // the twin's own console commands, back from the broker
  uint64_t refused_unread = 0;   // commands refused because they could not be read (of answered)
  uint64_t forgotten = 0;        // names dropped to stay within max_names
};

// Who sent a command and its id: what names it, and what its answer echoes.
struct CommandName {
  std::string account, source, id;
  std::string key() const;  // the book's key
};

class CommandDesk {
 public:
  explicit CommandDesk(size_t max_names = 65536) : max_names_(max_names < 1 ? 1 : max_names) {}

  enum class Arrival : uint8_t { New, Waiting, Answered, OwnEcho };
  struct Admission {
    Arrival arrival = Arrival::New;
    EncodedMessage answer;  // Answered: the first answer, to send again
  };
  // MQTT thread: a command read from the broker.
  Admission admit(const std::string& key);
  // Core thread: this twin applies a command of its own console (not from the broker) and
  // sends it to the broker, whose echo must not apply it twice.
  void expect_echo(const std::string& key);
  // MQTT thread: true (and counted, and forgotten) when `key` is the echo of this twin's
  // own console command; checked before anything else is checked of a command.
  bool own_echo(const std::string& key);
  // Core thread: the command `name` was applied as event twin_seq.
  void bind(uint64_t twin_seq, CommandName name);
  // Core thread: the name bound to twin_seq (the core's answer to it is being published); unbinds.
  std::optional<CommandName> take(uint64_t twin_seq);
  // The first answer of `name` (any thread); a name not booked is booked answered.
  void answered(const std::string& key, const EncodedMessage& answer);
  // A command refused before the core (unreadable, unknown site, retained...): answered
  // by the link, not booked (the same bytes again are refused again).
  void note_refused_unread();

  CommandDeskStats stats() const;

 private:
  struct Entry {
    bool answered = false;
    bool echo_expected = false;
    EncodedMessage answer;
  };
  Entry& book(const std::string& name);  // with mu_ held; forgets the oldest past max_names

  const size_t max_names_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_;                        // names, oldest first
  std::unordered_map<uint64_t, CommandName> bound_;      // twin seq -> name, until answered
  CommandDeskStats stats_;
};

}  // namespace connectors
