// When a failed API call is tried again, and after how long. Kept apart from the mechanics of
// sending, so it is tested on its own.
#pragma once

#include <optional>

#include "controller/api_error.h"
#include "controller/duration.h"

namespace kdiag {

struct RetryPolicy {
  int maxRetries = 3;
  Duration baseDelay = std::chrono::milliseconds(200);
  Duration maxDelay = std::chrono::seconds(10);

  // The delay before retry number `retry` (1-based) of a call that failed with error, or
  // nullopt to give up. idempotent: the call may have reached the server and can be repeated
  // (reads; writes with a precondition). Other calls are retried only when the server said so
  // (429, or a 5xx with Retry-After), since then it did not act on them.
  std::optional<Duration> Delay(int retry, const ApiError& error, bool idempotent) const;
};

}  // namespace kdiag
