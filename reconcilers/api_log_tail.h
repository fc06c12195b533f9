// The bounded log fetch of a Diagnosis run: the end of a crashed container's previous log,
// through the pods/log API, within a budget of calls, bytes and time per run.
#pragma once

#include <chrono>
#include <map>
#include <mutex>

#include "checks/check.h"
#include "controller/client.h"

namespace kdiag {

struct LogTailBudget {
  int maxFetches = 5;
  int64_t tailLines = 40;
  int64_t limitBytes = 4096;
  std::chrono::milliseconds maxTotal{2000};
};

// Log tails kept across runs by container instance: a previous container's log never changes.
class LogTailCache {
 public:
  explicit LogTailCache(size_t max_entries = 10'000) : maxEntries_(max_entries) {}
  std::optional<std::string> Get(std::string_view instance) const;
  void Put(std::string_view instance, std::string tail);

 private:
  size_t maxEntries_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> tails_;
};

class ApiLogTail : public LogTailSource {
 public:
  // cache may be null (every tail fetched).
  ApiLogTail(Client& client, LogTailBudget budget, LogTailCache* cache = nullptr)
      : client_(client), budget_(budget), cache_(cache) {}

  std::optional<std::string> PreviousLogTail(std::string_view ns, std::string_view pod,
                                             std::string_view container,
                                             std::string_view instance) override;
  int fetches() const { return fetches_; }

 private:
  Client& client_;
  LogTailBudget budget_;
  LogTailCache* cache_;
  int fetches_ = 0;
  std::chrono::steady_clock::duration spent_{};
};

}  // namespace kdiag
