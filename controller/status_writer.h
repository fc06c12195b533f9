// Writing an object's status without losing concurrent writes: read the latest object, change
// its status, PUT it with that resourceVersion, and on a conflict start again from a new read.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/backoff.h"
#include "controller/client.h"
#include "controller/clock.h"

namespace kdiag {

// Changes status (an empty object when the object has none yet) in place; object is the
// latest state read, e.g. for metadata.generation. Called again on each attempt, so it must
// derive the status from its arguments, not from what an earlier call did.
using StatusMutation = std::function<void(nlohmann::json& status, const nlohmann::json& object)>;

struct StatusWriteOptions {
  // Writes tried in all while they conflict.
  int maxAttempts = 5;
  // Pauses before each further attempt: growing, and jittered so that writers contending for
  // one object drift apart.
  BackoffSettings backoff{.initial = std::chrono::milliseconds(20), .max = std::chrono::seconds(1)};
  std::string fieldManager;
};

class StatusWriter {
 public:
  // clock paces the back-off. metrics, when given, gets kdiag_status_write_conflicts_total.
  StatusWriter(Client& client, Clock& clock, StatusWriteOptions options = {},
               prometheus::Registry* metrics = nullptr);

  // Reads the object, applies mutate to its status and PUTs /status when that changed
  // anything. Returns the object as written (or as read, when there was nothing to write).
  // Each write is the whole status at once, so a failure leaves the old status in place. After
  // options.maxAttempts conflicting writes, the error is the last kConflict.
  Result<nlohmann::json> Update(const ResourceType& type, std::string_view ns,
                                std::string_view name, const StatusMutation& mutate);

  // The same, starting from a copy of the object the caller already holds (an informer's),
  // which saves the read when the copy is current; a conflict falls back to reading.
  Result<nlohmann::json> Update(const nlohmann::json& cached, const ResourceType& type,
                                const StatusMutation& mutate);
  // A JSON merge patch of the status: {"status": status_patch}. Needs no read and cannot
  // conflict, but sets only what it names and cannot tell whether a value changed meanwhile.
  Result<nlohmann::json> MergePatch(const ResourceType& type, std::string_view ns,
                                    std::string_view name, const nlohmann::json& status_patch);

  // Writes that conflicted and were tried again, since construction.
  int64_t ConflictsRetried() const { return conflicts_retried_; }

 private:
  Result<nlohmann::json> UpdateFrom(const ResourceType& type, std::string_view ns,
                                    std::string_view name, const nlohmann::json* cached,
                                    const StatusMutation& mutate);

  Client& client_;
  Clock& clock_;
  StatusWriteOptions options_;
  std::atomic<int64_t> conflicts_retried_{0};
  prometheus::Counter* conflicts_metric_ = nullptr;
};

// One Update with a writer of its own on the system clock, for callers without metrics.
Result<nlohmann::json> UpdateStatusWithRetry(Client& client, const ResourceType& type,
                                             std::string_view ns, std::string_view name,
                                             const StatusMutation& mutate,
                                             const StatusWriteOptions& options = {});

}  // namespace kdiag
