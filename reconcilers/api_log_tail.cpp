#include "reconcilers/api_log_tail.h"

#include <spdlog/spdlog.h>

namespace kdiag {

std::optional<std::string> ApiLogTail::PreviousLogTail(std::string_view ns, std::string_view pod,
                                                       std::string_view container) {
  if (fetches_ >= budget_.maxFetches || spent_ >= budget_.maxTotal) return std::nullopt;
  ++fetches_;
  const auto start = std::chrono::steady_clock::now();
  auto log = client_.PodLogs(ns, pod,
                             {.container = std::string(container),
                              .tailLines = budget_.tailLines,
                              .limitBytes = budget_.limitBytes,
                              .previous = true});
  spent_ += std::chrono::steady_clock::now() - start;
  if (!log) {
    // Expected: the previous container's log is gone, or the node is unreachable.
    spdlog::debug("previous log of {}/{} container {}: {}", ns, pod, container,
                  log.error().Describe());
    return std::nullopt;
  }
  return std::move(*log);
}

}  // namespace kdiag
