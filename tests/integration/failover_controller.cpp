// A minimal controller for the leader-election failover test: it watches the ConfigMaps of one
// namespace and, while it leads, "reconciles" each by writing a line to a log file:
//   <identity> <key> <start ms> <end ms>
// Usage: failover_controller NAMESPACE LOG_FILE
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <mutex>
#include <thread>

#include "controller/kubeconfig.h"
#include "controller/leader_election_settings.h"
#include "controller/manager.h"
#include "controller/shutdown_signal.h"

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s NAMESPACE LOG_FILE\n", argv[0]);
    return 2;
  }
  const kdiag::ShutdownSignal shutdown;
  const std::string ns = argv[1];
  std::ofstream log(argv[2], std::ios::app);
  std::mutex log_mutex;
  const kdiag::ClusterConfig cluster = kdiag::LoadClusterConfig("", "");
  kdiag::Client client(cluster);
  kdiag::Client lease_client(cluster,
                             {.timeout = std::chrono::seconds(3), .retry = {.maxRetries = 0}});
  kdiag::Manager manager(client);
  auto& configmaps = manager.AddInformer({.type = kdiag::resources::kConfigMaps, .ns = ns});
  const std::string identity = kdiag::MakeLeaderIdentity();
  auto& controller = manager.AddController(
      {.name = "failover"},
      [&](const std::string& key, const std::stop_token&) -> kdiag::ReconcileOutcome {
        const int64_t start = NowMs();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // some work
        const std::lock_guard lock(log_mutex);
        log << identity << ' ' << key << ' ' << start << ' ' << NowMs() << std::endl;
        return kdiag::ReconcileResult::Done();
      });
  controller.WatchPrimary(configmaps);
  manager.EnableLeaderElection({.leaseNamespace = ns,
                                .leaseName = "failover",
                                .identity = identity,
                                .leaseDuration = std::chrono::seconds(10),
                                .renewDeadline = std::chrono::seconds(7),
                                .retryPeriod = std::chrono::seconds(1)},
                               lease_client);
  std::stop_source stop;
  std::jthread runtime([&] {
    if (manager.Run(stop.get_token()) == kdiag::Manager::Outcome::kLostLeadership) {
      std::raise(SIGTERM);
    }
  });
  shutdown.Wait();
  stop.request_stop();
  return 0;
}
