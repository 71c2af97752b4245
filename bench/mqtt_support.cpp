// gatebench's shared MQTT bench pieces (mqtt_support.h): broker, peak, child processes.
#include "bench/mqtt_support.h"
#include "bench/proc_stat.h"

#include "connectors/files/site_file.h"
#include "twin/run.h"
#include "twin/site_plan.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace bench {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool Broker::start() {
  char tmpl[] = "/tmp/gatebench-mosquitto-XXXXXX";
  if (!mkdtemp(tmpl)) return false;
  dir_ = tmpl;
  chmod(dir_.c_str(), 0777);  // run as root, mosquitto drops to its own user
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  port_ = ntohs(a.sin_port);
  const std::string conf = dir_ + "/mosquitto.conf";
  // As root, the broker stays root: a change of user would clear the signal that ends it
  // with the bench, and an orphan would hold the caller's output open. Its log goes to a
  // file, shown if it does not start.
  std::ofstream(conf) << "listener " << port_ << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                      << "max_queued_messages 0\nmax_inflight_messages 0\nset_tcp_nodelay true\nlog_type error\n"
                      << "log_dest file " << dir_ << "/mosquitto.log\n" << (geteuid() == 0 ? "user root\n" : "");
  pid_ = spawn({"/usr/sbin/mosquitto", "-c", conf}, -1, -1, true);
  if (pid_ < 0) return false;
  for (int i = 0; i < 250; ++i) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_port = htons(static_cast<uint16_t>(port_));
    bool ok = connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(c);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream log(dir_ + "/mosquitto.log");
  for (std::string line; std::getline(log, line);) std::fprintf(stderr, "mosquitto: %s\n", line.c_str());
  return false;
}

Broker::~Broker() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
}

double Broker::cpu_seconds() const {
  return pid_ > 0 ? stat_file_cpu_seconds("/proc/" + std::to_string(pid_) + "/stat") : -1;
}

std::vector<Entity> vehicles_in_area(const twin::Core& core) {
  std::vector<Entity> v;
  const auto& w = core.state();
  for (size_t s = 0; s < w.sites.size(); ++s) {
    for (const twin::Shipment& sh : w.sites[s].shipments)
      if (sh.arrived_ms >= 0 && sh.phase != twin::Phase::Cleared && sh.phase != twin::Phase::Left)
        v.push_back({static_cast<uint8_t>(s), twin::EntityKind::Truck, sh.id.value});
    for (size_t g = 0; g < w.sites[s].fleet.size(); ++g)
      v.push_back({static_cast<uint8_t>(s), twin::EntityKind::GuideVehicle, static_cast<uint32_t>(g)});
  }
  return v;
}

std::optional<BenchSites> load_bench_sites(uint64_t seed) {
  auto loaded = connectors::load_sites("all", connectors::default_sites_dir());
  if (auto* err = std::get_if<connectors::SiteFileError>(&loaded)) {
    std::fprintf(stderr, "gatebench: %s\n", err->message().c_str());
    return std::nullopt;
  }
  BenchSites b;
  b.sites = std::get<std::vector<twin::SiteSpec>>(std::move(loaded));
  b.opt.seed = seed;
  for (const auto& s : b.sites) b.opt.vehicles_per_day.push_back(*twin::load_per_day(s, "2030"));
  return b;
}

Peak find_peak(const std::vector<twin::SiteSpec>& sites, const twin::SimOptions& opt) {
  Peak p;
  twin::Core core(sites);
  twin::Simulator sim(core.sites(), opt);
  for (twin::SimTime t = twin::kMinute; t <= twin::kDay; t += twin::kMinute) {
    twin::run_until(core, sim, t);
    size_t n = vehicles_in_area(core).size();
    if (n > p.vehicles) p = {n, t};
  }
  return p;
}

std::unique_ptr<twin::Core> core_at(const std::vector<twin::SiteSpec>& sites, const twin::SimOptions& opt, twin::SimTime at_ms) {
  auto core = std::make_unique<twin::Core>(sites);
  twin::Simulator sim(core->sites(), opt);
  twin::run_until(*core, sim, at_ms);
  return core;
}

void number_after(pipeline::Sequencer& sequencer, const twin::Core& core) {
  std::vector<pipeline::SequencedEvent> discard;
  while (sequencer.last_seq() < core.state().last_seq) {
    connectors::FieldMessage m;
    m.time_ms = core.state().now_ms;
    sequencer.insert(std::move(m), discard);
    discard.clear();
  }
}

pid_t spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, bool quiet_stderr) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the bench, even if it crashes
    const int null = open("/dev/null", O_RDWR);
    dup2(stdin_fd >= 0 ? stdin_fd : null, 0);
    dup2(stdout_fd >= 0 ? stdout_fd : null, 1);
    if (quiet_stderr) dup2(null, 2);
    for (int fd = 3; fd < 1024; ++fd) close(fd);  // no pipe ends kept open by accident
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(std::min<double>(v.size() - 1, std::floor(p * (v.size() - 1) + 0.5)));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace bench
