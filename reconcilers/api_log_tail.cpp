#include "reconcilers/api_log_tail.h"

#include <spdlog/spdlog.h>

namespace kdiag {

std::optional<std::string> LogTailCache::Get(std::string_view instance) const {
  std::lock_guard lock(mutex_);
  const auto it = tails_.find(instance);
  if (it == tails_.end()) return std::nullopt;
  return it->second;
}

void LogTailCache::Put(std::string_view instance, std::string tail) {
  std::lock_guard lock(mutex_);
  if (tails_.size() >= maxEntries_) tails_.clear();  // rare: the next runs fetch again
  tails_.insert_or_assign(std::string(instance), std::move(tail));
}

std::optional<std::string> ApiLogTail::PreviousLogTail(std::string_view ns, std::string_view pod,
                                                       std::string_view container,
                                                       std::string_view instance) {
  if (cache_) {
    if (auto kept = cache_->Get(instance)) return kept;
  }
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
  if (cache_) cache_->Put(instance, *log);
  return std::move(*log);
}

}  // namespace kdiag
