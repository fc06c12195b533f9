#include "daemon/daemon.h"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "controller/client.h"
#include "controller/health.h"
#include "controller/http_server.h"
#include "controller/kubeconfig.h"
#include "controller/manager.h"
#include "controller/metrics.h"
#include "daemon/diagnosis_checks.h"
#include "daemon/diagnosis_setup.h"
#include "daemon/session_setup.h"
#include "daemon/session_webhook.h"
#include "reconcilers/kdiag_resources.h"

namespace kdiag {
namespace {

// Logs one line about the process at a fixed interval, so a glance at aggregated logs shows
// that it is alive and what it is doing.
class StatusLogger {
 public:
  StatusLogger(Duration interval, std::function<std::string()> describe)
      : thread_([this, interval, describe = std::move(describe)](const std::stop_token& stop) {
          std::mutex mutex;
          std::unique_lock lock(mutex);
          while (true) {
            // Wakes when the interval has passed or the logger is being destroyed.
            wake_.wait_for(lock, stop, interval, [] { return false; });
            if (stop.stop_requested()) return;
            spdlog::info("status: {}", describe());
          }
        }) {}

 private:
  std::condition_variable_any wake_;
  std::jthread thread_;
};

std::string LeaseNamespace(const LeaderElectionConfig& config) {
  if (!config.leaseNamespace.empty()) return config.leaseNamespace;
  // Set from the downward API in the shipped Deployment.
  const char* pod_namespace = std::getenv("POD_NAMESPACE");  // NOLINT(concurrency-mt-unsafe)
  return pod_namespace != nullptr && *pod_namespace != '\0' ? pod_namespace : "kdiag-system";
}

}  // namespace

int RunDaemon(const OperatorConfig& config, const ShutdownSignal& shutdown) {
  const auto started = std::chrono::steady_clock::now();
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildGauge()
      .Name("kdiag_build_info")
      .Help("Build information of the running kdiag-controller; the value is always 1.")
      .Register(*registry)
      .Add({{"version", KDIAG_VERSION}})
      .Set(1);

  ClusterConfig cluster;
  try {
    cluster = LoadClusterConfig(config.kubernetes.kubeconfig, config.kubernetes.context);
  } catch (const std::exception& e) {
    spdlog::critical("no usable cluster configuration: {}", e.what());
    return 1;
  }
  RuntimeMetrics metrics(*registry);
  Client client(cluster, {.qps = config.kubernetes.qps,
                          .burst = config.kubernetes.burst,
                          .timeout = config.kubernetes.requestTimeout,
                          .userAgent = std::string("kdiag-controller/") + KDIAG_VERSION,
                          .metrics = &metrics});
  // Lease calls must fail fast: the elector retries every retryPeriod itself.
  Client lease_client(cluster, {.timeout = config.leaderElection.renewDeadline / 2,
                                .retry = {.maxRetries = 0},
                                .userAgent = std::string("kdiag-controller/") + KDIAG_VERSION,
                                .metrics = &metrics});
  Manager manager(client, SystemClock(), &metrics, registry.get());
  ApiEventRecorder events(client, SystemClock(),
                          {.reportingController = "kdiag.dev/controller",
                           .reportingInstance = MakeLeaderIdentity().substr(0, 128)},
                          registry.get());
  // The root checks' outside signals, polled on their own schedule so no run waits on them.
  DiagnosisChecks diagnosis_checks;
  try {
    diagnosis_checks = MakeDiagnosisChecks(config.checks, MakeCurlTransport({}));
  } catch (const std::exception& e) {
    spdlog::critical("cannot set up the Diagnosis checks: {}", e.what());
    return 1;
  }
  SourcePoller signals(std::move(diagnosis_checks.sources),
                       std::make_unique<ApiServerHealthProbe>(client),
                       config.diagnosis.apiServerProbeInterval);
  signals.Start();
  DiagnosisController diagnosis(config, std::move(diagnosis_checks.checks),
                                std::move(diagnosis_checks.pipeline), client, manager, signals,
                                events, *registry);
  Informer& sessions = manager.AddInformer({.type = kTroubleshootSessions});
  SessionController session_controller(config.sessions, client, manager, sessions, events,
                                       *registry);
  std::optional<SessionWebhook> webhook;  // on every replica, leading or not
  try {
    if (config.webhook.enabled) webhook.emplace(config, cluster, sessions, *registry, &metrics);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start the admission webhook: {}", e.what());
    return 1;
  }
  if (config.leaderElection.enabled) {
    manager.EnableLeaderElection({.leaseNamespace = LeaseNamespace(config.leaderElection),
                                  .leaseName = config.leaderElection.leaseName,
                                  .identity = MakeLeaderIdentity(),
                                  .leaseDuration = config.leaderElection.leaseDuration,
                                  .renewDeadline = config.leaderElection.renewDeadline,
                                  .retryPeriod = config.leaderElection.retryPeriod},
                                 lease_client);
  }

  HealthChecks health;
  health.Add(HealthChecks::Probe::kLiveness, "ping", [] { return std::nullopt; });
  health.Add(HealthChecks::Probe::kReadiness, "caches", [&manager]() -> std::optional<std::string> {
    if (manager.Synced()) return std::nullopt;
    return "caches not synced yet";
  });

  HttpServer server;
  AddProbeAndMetricsRoutes(server, health, registry);
  try {
    server.Start(config.server.address);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start the HTTP endpoint: {}", e.what());
    return 1;
  }

  std::optional<StatusLogger> status_logger;
  if (config.server.statusLogInterval > Duration::zero()) {
    status_logger.emplace(config.server.statusLogInterval, [started, &manager] {
      const auto uptime =
          std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started);
      return fmt::format("version={} uptime={} {}", KDIAG_VERSION, FormatDuration(uptime),
                         manager.Describe());
    });
  }
  spdlog::info("kdiag-controller {} started; API server {}", KDIAG_VERSION, cluster.server);

  std::atomic<bool> lost_leadership = false;
  std::stop_source stop;
  std::jthread runtime([&] {
    if (manager.Run(stop.get_token()) == Manager::Outcome::kLostLeadership) {
      lost_leadership = true;
      // Wakes the main thread's signal wait: the process ends and is started afresh.
      kill(getpid(), SIGTERM);
    }
  });
  const int signal = shutdown.Wait();
  if (lost_leadership) {
    spdlog::error("leadership lost; exiting so that a fresh process campaigns again");
  } else {
    spdlog::info("received signal {}, shutting down", signal);
  }
  stop.request_stop();
  runtime.join();  // controllers finish their reconciles, the lease is released
  status_logger.reset();
  signals.Stop();
  events.Flush();
  server.Stop();
  if (lost_leadership) return 1;
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace kdiag
