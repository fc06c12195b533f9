// Polls the infrastructure sources and the API server's health endpoints on a background
// thread, each on its own interval, and hands out the latest results: a Diagnosis run reads
// them without waiting on an outside system.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "controller/http_transport.h"
#include "reconcilers/api_server_health_probe.h"
#include "reconcilers/infrastructure_source.h"
#include "reconcilers/root_signals_provider.h"
#include "reconcilers/source_options.h"

namespace kdiag {

struct PolledSource {
  std::unique_ptr<InfrastructureSource> source;
  Duration interval = std::chrono::minutes(1);
};

// The source a spec describes, reaching it through transport.
std::unique_ptr<InfrastructureSource> MakeInfrastructureSource(
    const InfrastructureSourceSpec& spec, std::shared_ptr<HttpTransport> transport);

class SourcePoller : public RootSignalsProvider {
 public:
  // api_server may be null (not probed). Nothing is polled before Start().
  SourcePoller(std::vector<PolledSource> sources, std::unique_ptr<ApiServerHealthProbe> api_server,
               Duration api_server_interval = std::chrono::seconds(30));
  ~SourcePoller() override;
  SourcePoller(const SourcePoller&) = delete;
  SourcePoller& operator=(const SourcePoller&) = delete;

  // Polls everything once at once, then each on its interval, until Stop() or destruction.
  void Start();
  void Stop();

  // The latest result of every source (in configuration order; a source not yet polled is
  // left out) and of the API server probe. Thread-safe.
  RootSignals Snapshot() const override;

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  void Run(const std::stop_token& stop);

  std::vector<PolledSource> sources_;
  std::unique_ptr<ApiServerHealthProbe> apiServer_;
  Duration apiServerInterval_;

  mutable std::mutex mutex_;
  std::vector<std::optional<SourceResult>> results_;
  ApiServerHealth apiServerHealth_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace kdiag
