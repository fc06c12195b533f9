// Errors of Kubernetes API calls, typed from the API server's Status responses (and from the
// transport when no response came), so callers branch on kinds, not on message text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace kdiag {

enum class ErrorKind {
  kNotFound,         // 404
  kAlreadyExists,    // 409, reason AlreadyExists
  kConflict,         // 409: a stale resourceVersion, or a failed precondition
  kForbidden,        // 403
  kUnauthorized,     // 401
  kGone,             // 410: the resourceVersion or continue token expired; relist
  kInvalid,          // 422, with field causes
  kBadRequest,       // 400
  kTooManyRequests,  // 429
  kTimeout,          // 504, reason Timeout/ServerTimeout, or no answer in time
  kServerError,      // other 5xx
  kTransport,        // no HTTP response at all: refused, reset, TLS failure, DNS
  kDecode,           // a response that is not what the API promises
  kOther,
};

std::string_view ToString(ErrorKind kind);

struct FieldCause {
  std::string field;   // e.g. "spec.ttl"
  std::string reason;  // e.g. "FieldValueInvalid"
  std::string message;
};

struct ApiError {
  ErrorKind kind = ErrorKind::kOther;
  int httpCode = 0;     // 0 when no response came
  std::string reason;   // Status.reason as the server sent it
  std::string message;  // Status.message, or the transport's description
  std::vector<FieldCause> causes;
  std::optional<std::chrono::seconds> retryAfter;

  // "Forbidden (403): pods is forbidden: User ... cannot list resource ..."
  std::string Describe() const;
  // Worth retrying as it is: 429, 5xx, timeouts and transport failures.
  bool IsRetryable() const;
};

template <typename T>
using Result = tl::expected<T, ApiError>;
using Unexpected = tl::unexpected<ApiError>;

// Builds the error of a failed response: from its Status body when there is one, else from the
// HTTP code alone. retry_after is the Retry-After header, if any.
ApiError ErrorFromResponse(int http_code, std::string_view body,
                           std::optional<std::chrono::seconds> retry_after = std::nullopt);

ApiError TransportError(std::string message, bool timed_out);

// An error found on this side (malformed input, a refused credential, a broken protocol).
ApiError MakeError(ErrorKind kind, std::string message);

}  // namespace kdiag
