#include "controller/retry_policy.h"

#include <algorithm>

namespace kdiag {

std::optional<Duration> RetryPolicy::Delay(int retry, const ApiError& error,
                                           bool idempotent) const {
  if (retry > maxRetries || !error.IsRetryable()) return std::nullopt;
  const bool server_asked = error.kind == ErrorKind::kTooManyRequests ||
                            (error.kind == ErrorKind::kServerError && error.retryAfter);
  if (!idempotent && !server_asked) return std::nullopt;
  if (error.retryAfter) {
    return std::min<Duration>(std::chrono::duration_cast<Duration>(*error.retryAfter), maxDelay);
  }
  const auto exponential = baseDelay * (1LL << std::min(retry - 1, 16));
  return std::min<Duration>(exponential, maxDelay);
}

}  // namespace kdiag
