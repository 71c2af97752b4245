// The book of operator commands by id. See command_desk.h.
#include "connectors/mqtt/command_desk.h"

namespace connectors {

std::string CommandName::key() const {
  // \x1f (unit separator) occurs in no account (letters, digits, . _ -) and no id
  // (printable ASCII); it keeps the three parts apart.
  return account + '\x1f' + source + '\x1f' + id;
}

CommandDesk::Entry& CommandDesk::book(const std::string& name) {
  auto [it, fresh] = entries_.try_emplace(name);
  if (fresh) {
    order_.push_back(name);
    while (order_.size() > max_names_) {
      entries_.erase(order_.front());
      order_.pop_front();
      stats_.forgotten++;
    }
    it = entries_.find(name);
  }
  return it->second;
}

CommandDesk::Admission CommandDesk::admit(const std::string& name) {
  std::lock_guard lock(mu_);
  Admission a;
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    book(name);
    stats_.admitted++;
    return a;
  }
  Entry& e = it->second;
  if (e.echo_expected) {
    e.echo_expected = false;
    stats_.own_echoes++;
    a.arrival = Arrival::OwnEcho;
  } else if (e.answered) {
    stats_.repeated++;
    a.arrival = Arrival::Answered;
    a.answer = e.answer;
  } else {
    stats_.retry_waiting++;
    a.arrival = Arrival::Waiting;
  }
  return a;
}

bool CommandDesk::own_echo(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it == entries_.end() || !it->second.echo_expected) return false;
  it->second.echo_expected = false;
  stats_.own_echoes++;
  return true;
}

void CommandDesk::expect_echo(const std::string& name) {
  std::lock_guard lock(mu_);
  book(name).echo_expected = true;
}

void CommandDesk::bind(uint64_t twin_seq, CommandName name) {
  std::lock_guard lock(mu_);
  if (bound_.size() >= max_names_) bound_.clear();  // answers that never came (a sink that publishes nothing)
  bound_[twin_seq] = std::move(name);
}

std::optional<CommandName> CommandDesk::take(uint64_t twin_seq) {
  std::lock_guard lock(mu_);
  auto it = bound_.find(twin_seq);
  if (it == bound_.end()) return std::nullopt;
  CommandName name = std::move(it->second);
  bound_.erase(it);
  return name;
}

void CommandDesk::answered(const std::string& name, const EncodedMessage& answer) {
  std::lock_guard lock(mu_);
  Entry& e = book(name);
  if (e.answered) return;  // the first answer stands
  e.answered = true;
  e.answer = answer;
  stats_.answered++;
}

void CommandDesk::note_refused_unread() {
  std::lock_guard lock(mu_);
  stats_.answered++;
  stats_.refused_unread++;
}

CommandDeskStats CommandDesk::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace connectors
