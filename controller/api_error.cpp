#include "controller/api_error.h"

#include <nlohmann/json.hpp>
#include <utility>

namespace kdiag {
namespace {

// Each kind with the Status reason the API server gives it (and its name in messages).
constexpr std::pair<ErrorKind, std::string_view> kReasons[] = {
    {ErrorKind::kNotFound, "NotFound"},
    {ErrorKind::kAlreadyExists, "AlreadyExists"},
    {ErrorKind::kConflict, "Conflict"},
    {ErrorKind::kForbidden, "Forbidden"},
    {ErrorKind::kUnauthorized, "Unauthorized"},
    {ErrorKind::kGone, "Gone"},
    {ErrorKind::kInvalid, "Invalid"},
    {ErrorKind::kBadRequest, "BadRequest"},
    {ErrorKind::kTooManyRequests, "TooManyRequests"},
    {ErrorKind::kTimeout, "Timeout"},
    {ErrorKind::kServerError, "ServerError"},
    {ErrorKind::kTransport, "Transport"},
    {ErrorKind::kDecode, "Decode"},
    {ErrorKind::kOther, "Other"},
};

ErrorKind KindOf(int code, std::string_view reason) {
  // Reasons that share a kind with another name.
  if (reason == "Expired") return ErrorKind::kGone;
  if (reason == "ServerTimeout") return ErrorKind::kTimeout;
  for (const auto& [kind, name] : kReasons) {
    if (!reason.empty() && reason == name && kind != ErrorKind::kOther) return kind;
  }
  switch (code) {
    case 400:
      return ErrorKind::kBadRequest;
    case 401:
      return ErrorKind::kUnauthorized;
    case 403:
      return ErrorKind::kForbidden;
    case 404:
      return ErrorKind::kNotFound;
    case 409:
      return ErrorKind::kConflict;
    case 410:
      return ErrorKind::kGone;
    case 422:
      return ErrorKind::kInvalid;
    case 429:
      return ErrorKind::kTooManyRequests;
    case 504:
      return ErrorKind::kTimeout;
    default:
      return code >= 500 ? ErrorKind::kServerError : ErrorKind::kOther;
  }
}

}  // namespace

std::string_view ToString(ErrorKind kind) {
  for (const auto& [k, name] : kReasons) {
    if (k == kind) return name;
  }
  return "Other";
}

std::string ApiError::Describe() const {
  std::string out(ToString(kind));
  if (httpCode != 0) out += " (" + std::to_string(httpCode) + ")";
  if (!message.empty()) out += ": " + message;
  for (const auto& cause : causes) {
    out += "; " + (cause.field.empty() ? std::string() : cause.field + ": ") + cause.message;
  }
  return out;
}

bool ApiError::IsRetryable() const {
  switch (kind) {
    case ErrorKind::kTooManyRequests:
    case ErrorKind::kTimeout:
    case ErrorKind::kServerError:
    case ErrorKind::kTransport:
      return true;
    default:
      return false;
  }
}

ApiError ErrorFromResponse(int http_code, std::string_view body,
                           std::optional<std::chrono::seconds> retry_after) {
  ApiError error;
  error.httpCode = http_code;
  error.retryAfter = retry_after;
  const auto status = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    error.reason = status.value("reason", "");
    error.message = status.value("message", "");
    if (const auto details = status.find("details");
        details != status.end() && details->is_object()) {
      if (const auto causes = details->find("causes");
          causes != details->end() && causes->is_array()) {
        for (const auto& cause : *causes) {
          if (!cause.is_object()) continue;
          error.causes.push_back(
              {cause.value("field", ""), cause.value("reason", ""), cause.value("message", "")});
        }
      }
      const auto seconds = details->find("retryAfterSeconds");
      if (!error.retryAfter && seconds != details->end() && seconds->is_number_integer()) {
        error.retryAfter = std::chrono::seconds(seconds->get<int64_t>());
      }
    }
  } else {
    // Not a Status: a proxy or load balancer answered. Keep a bounded piece of what it said.
    error.message = std::string(body.substr(0, 256));
  }
  error.kind = KindOf(http_code, error.reason);
  return error;
}

ApiError MakeError(ErrorKind kind, std::string message) {
  ApiError error;
  error.kind = kind;
  error.message = std::move(message);
  return error;
}

ApiError TransportError(std::string message, bool timed_out) {
  ApiError error;
  error.kind = timed_out ? ErrorKind::kTimeout : ErrorKind::kTransport;
  error.message = std::move(message);
  return error;
}

}  // namespace kdiag
