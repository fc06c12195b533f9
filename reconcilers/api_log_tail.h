// The bounded log fetch of a Diagnosis run: the end of a crashed container's previous log,
// through the pods/log API, within a budget of calls, bytes and time per run.
#pragma once

#include <chrono>

#include "checks/check.h"
#include "controller/client.h"

namespace kdiag {

struct LogTailBudget {
  int maxFetches = 5;
  int64_t tailLines = 40;
  int64_t limitBytes = 4096;
  std::chrono::milliseconds maxTotal{2000};
};

class ApiLogTail : public LogTailSource {
 public:
  ApiLogTail(Client& client, LogTailBudget budget) : client_(client), budget_(budget) {}

  std::optional<std::string> PreviousLogTail(std::string_view ns, std::string_view pod,
                                             std::string_view container) override;
  int fetches() const { return fetches_; }

 private:
  Client& client_;
  LogTailBudget budget_;
  int fetches_ = 0;
  std::chrono::steady_clock::duration spent_{};
};

}  // namespace kdiag
