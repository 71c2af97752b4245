// Validates the simulator and the core against queueing theory: Poisson arrivals and
// exponential service on one checkpoint with c servers (an M/M/c queue). The simulated
// mean wait must be within 5% of the Erlang C formula at utilisation 0.5, 0.8 and 0.95.
// Every other stage of the site takes no time, so only the gate-in queue matters.
// Takes about half a minute: it is the suite's longest core test.
#include "twin/kpi.h"
#include "twin/run.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

using namespace twin;

namespace {

Distribution fixed(double s) {
  Distribution d;
  d.kind = Distribution::Kind::Fixed;
  d.mean_s = s;
  d.source = "test";
  return d;
}

SiteSpec mmc_site(int servers, double service_mean_s, double per_day) {
  SiteSpec s;
  s.id = "mmc";
  s.goods = {{"general", false, 0.0}};
  LaneSpec lane;
  lane.id = "E1";
  lane.polyline = {{0, 0}, {1, 0}};
  s.lanes = {lane};
  CheckpointSpec gate;
  gate.id = "gate-in";
  gate.kind = CheckpointKind::GateIn;
  gate.servers = servers;
  gate.service.kind = Distribution::Kind::Exponential;
  gate.service.mean_s = service_mean_s;
  CheckpointSpec scan;
  scan.id = "scanner";
  scan.kind = CheckpointKind::Scanner;
  scan.servers = 1000;
  scan.service = fixed(0);
  s.checkpoints = {gate, scan};
  s.timing.handover = fixed(0);
  s.timing.partner_confirm = fixed(0);
  s.timing.transfer = fixed(0);
  s.timing.divert_exit = fixed(0);
  s.timing.truck_speed_mps = 1e9;
  s.arrivals.per_day_2030 = per_day;
  s.arrivals.export_share = 1.0;
  s.arrivals.hourly_weight.fill(1.0);
  s.arrivals.export_goods_mix = {1.0};
  s.arrivals.import_goods_mix = {1.0};
  s.rates.green = 1;
  s.rates.yellow = s.rates.red = 0;
  s.declaration_lead_s = 0;
  s.partner_delay_s = 0;
  s.queue_alert_vehicles = 0;
  return s;
}

// Erlang C: probability of waiting, then the mean wait in queue.
double erlang_c_wait_s(int c, double lambda_per_s, double mu_per_s) {
  const double a = lambda_per_s / mu_per_s, rho = a / c;
  double sum = 0, term = 1;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const double last = term * a / c / (1 - rho);  // a^c / c! / (1 - rho)
  const double p_wait = last / (sum + last);
  return p_wait / (c * mu_per_s - lambda_per_s);
}

}  // namespace

TEST_CASE("M/M/c at one checkpoint matches Erlang C within 5%") {
  // Near saturation one long run is noisy (at 0.95 a run of 1.6 million vehicles still
  // varies by about 5%), so each load pools independent replications, seeds seed..seed+n-1.
  const uint64_t seed = std::getenv("GATETWIN_SEED") ? std::strtoull(std::getenv("GATETWIN_SEED"), nullptr, 10) : 7;
  struct Case { double rho; int days; int replications; };
  for (Case tc : {Case{0.5, 60, 2}, Case{0.8, 120, 2}, Case{0.95, 400, 6}}) {
    const int c = 3;
    const double service_s = 60;
    const double lambda = tc.rho * c / service_s;  // per second
    int64_t wait_ms = 0, served = 0;
    for (int r = 0; r < tc.replications; ++r) {
      Core core({mmc_site(c, service_s, lambda * 86400)});
      SimOptions opt;
      opt.seed = seed + r;
      opt.tick_ms = 0;
      opt.vehicles_per_day = {lambda * 86400};
      Simulator sim(core.sites(), opt);
      run_until(core, sim, tc.days * kDay);
      const CheckpointState& gate = core.state().sites[0].checkpoints[0];
      wait_ms += gate.wait_ms_sum;
      served += gate.served;
    }
    const double simulated = static_cast<double>(wait_ms) / served / 1000.0;
    const double theory = erlang_c_wait_s(c, lambda, 1.0 / service_s);
    INFO("seed " << seed << " rho " << tc.rho << ": simulated " << simulated << " s, Erlang C " << theory << " s over "
                 << served << " vehicles");
    CHECK(served > 1000 * tc.days * tc.replications);
    CHECK(std::abs(simulated - theory) / theory < 0.05);
  }
}
