#include "reconcilers/source_poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "reconcilers/alertmanager_source.h"
#include "reconcilers/http_probe_source.h"
#include "reconcilers/status_page_source.h"

namespace kdiag {

std::unique_ptr<InfrastructureSource> MakeInfrastructureSource(
    const InfrastructureSourceSpec& spec, std::shared_ptr<HttpTransport> transport) {
  switch (spec.type) {
    case SourceType::kAlertmanager:
      return std::make_unique<AlertmanagerSource>(spec, std::move(transport));
    case SourceType::kStatusPage:
      return std::make_unique<StatusPageSource>(spec, std::move(transport));
    case SourceType::kHttpProbe:
      return std::make_unique<HttpProbeSource>(spec, std::move(transport));
  }
  return nullptr;
}

SourcePoller::SourcePoller(std::vector<PolledSource> sources,
                           std::unique_ptr<ApiServerHealthProbe> api_server,
                           Duration api_server_interval)
    : sources_(std::move(sources)),
      apiServer_(std::move(api_server)),
      apiServerInterval_(api_server_interval),
      results_(sources_.size()) {}

SourcePoller::~SourcePoller() { Stop(); }

void SourcePoller::Start() {
  thread_ = std::jthread([this](const std::stop_token& stop) { Run(stop); });
}

void SourcePoller::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  wake_.notify_all();
  thread_.join();
}

RootSignals SourcePoller::Snapshot() const {
  RootSignals signals;
  std::lock_guard lock(mutex_);
  for (const auto& result : results_) {
    if (result) signals.sources.push_back(*result);
  }
  signals.apiServer = apiServerHealth_.endpoints;
  signals.apiLatency = apiServerHealth_.latency;
  return signals;
}

void SourcePoller::Run(const std::stop_token& stop) {
  // One thread polls everything in turn: sources are few and their timeouts bounded, so a slow
  // one delays the others by at most its timeout.
  const auto now = std::chrono::steady_clock::now();
  std::vector<SteadyTime> due(sources_.size(), now);
  SteadyTime api_server_due = now;
  while (!stop.stop_requested()) {
    for (size_t i = 0; i < sources_.size() && !stop.stop_requested(); ++i) {
      if (std::chrono::steady_clock::now() < due[i]) continue;
      SourceResult result;
      try {
        result = sources_[i].source->Poll();
      } catch (const std::exception& e) {
        // Sources report failures in the result; an exception is a bug, kept off this thread.
        result.error = e.what();
      }
      if (!result.error.empty()) {
        spdlog::debug("source {} failed: {}", result.source, result.error);
      }
      {
        std::lock_guard lock(mutex_);
        results_[i] = std::move(result);
      }
      due[i] = std::chrono::steady_clock::now() + sources_[i].interval;
    }
    if (apiServer_ && std::chrono::steady_clock::now() >= api_server_due &&
        !stop.stop_requested()) {
      auto health = apiServer_->Probe();
      {
        std::lock_guard lock(mutex_);
        apiServerHealth_ = std::move(health);
      }
      api_server_due = std::chrono::steady_clock::now() + apiServerInterval_;
    }
    SteadyTime next = SteadyTime::max();
    for (const auto& time : due) next = std::min(next, time);
    if (apiServer_) next = std::min(next, api_server_due);
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, stop, next, [] { return false; });
  }
}

}  // namespace kdiag
