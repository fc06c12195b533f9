#include "daemon/daemon.h"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "controller/health.h"
#include "controller/http_server.h"

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

  HealthChecks health;
  health.Add(HealthChecks::Probe::kLiveness, "ping", [] { return std::nullopt; });

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
    status_logger.emplace(config.server.statusLogInterval, [started] {
      const auto uptime =
          std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started);
      return fmt::format("version={} uptime={}", KDIAG_VERSION, FormatDuration(uptime));
    });
  }
  spdlog::info("kdiag-controller {} started", KDIAG_VERSION);

  const int signal = shutdown.Wait();
  spdlog::info("received signal {}, shutting down", signal);
  status_logger.reset();
  server.Stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace kdiag
