#include "controller/api_error.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kdiag {
namespace {

// Bodies exactly as kube-apiserver v1.33 sends them.
constexpr std::string_view kNotFound =
    R"json({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web\" not found","reason":"NotFound","details":{"name":"web","kind":"pods"},"code":404})json";
constexpr std::string_view kInvalid =
    R"json({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"TroubleshootSession.kdiag.dev \"x\" is invalid: spec.ttl: Invalid value: \"string\": ttl must be a duration greater than 0s and at most 2h","reason":"Invalid","details":{"name":"x","group":"kdiag.dev","kind":"TroubleshootSession","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \"string\": ttl must be a duration greater than 0s and at most 2h","field":"spec.ttl"}]},"code":422})json";
constexpr std::string_view kExpired =
    R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2213)","reason":"Expired","code":410}})json";
constexpr std::string_view kTooMany =
    R"json({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"causes":[{"message":"client: etcd ..."}],"retryAfterSeconds":1},"code":429})json";
constexpr std::string_view kConflict =
    R"json({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on diagnoses.kdiag.dev \"d\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"d","group":"kdiag.dev","kind":"diagnoses"},"code":409})json";

TEST(ErrorFromResponse, TypesStatusResponses) {
  const auto not_found = ErrorFromResponse(404, kNotFound);
  EXPECT_EQ(not_found.kind, ErrorKind::kNotFound);
  EXPECT_EQ(not_found.message, "pods \"web\" not found");
  EXPECT_FALSE(not_found.IsRetryable());

  const auto conflict = ErrorFromResponse(409, kConflict);
  EXPECT_EQ(conflict.kind, ErrorKind::kConflict);

  const auto invalid = ErrorFromResponse(422, kInvalid);
  EXPECT_EQ(invalid.kind, ErrorKind::kInvalid);
  ASSERT_EQ(invalid.causes.size(), 1u);
  EXPECT_EQ(invalid.causes[0].field, "spec.ttl");
  EXPECT_EQ(invalid.causes[0].reason, "FieldValueInvalid");
  EXPECT_NE(invalid.Describe().find("Invalid (422): "), std::string::npos);
  EXPECT_NE(invalid.Describe().find("; spec.ttl: Invalid value"), std::string::npos);

  const auto too_many = ErrorFromResponse(429, kTooMany);
  EXPECT_EQ(too_many.kind, ErrorKind::kTooManyRequests);
  EXPECT_EQ(too_many.retryAfter, std::chrono::seconds(1));
  EXPECT_TRUE(too_many.IsRetryable());
}

TEST(ErrorFromResponse, TheRetryAfterHeaderWins) {
  EXPECT_EQ(ErrorFromResponse(429, kTooMany, std::chrono::seconds(7)).retryAfter,
            std::chrono::seconds(7));
}

TEST(ErrorFromResponse, FallsBackToTheHttpCode) {
  EXPECT_EQ(ErrorFromResponse(410, "").kind, ErrorKind::kGone);
  EXPECT_EQ(ErrorFromResponse(503, "<html>Service Unavailable</html>").kind,
            ErrorKind::kServerError);
  EXPECT_EQ(ErrorFromResponse(503, "<html>Service Unavailable</html>").message,
            "<html>Service Unavailable</html>");
  EXPECT_EQ(ErrorFromResponse(401, "Unauthorized").kind, ErrorKind::kUnauthorized);
  EXPECT_EQ(ErrorFromResponse(504, "").kind, ErrorKind::kTimeout);
  EXPECT_EQ(ErrorFromResponse(418, "").kind, ErrorKind::kOther);
}

TEST(ErrorFromResponse, ReadsTheStatusOfAWatchErrorEvent) {
  // Watch streams carry errors as {"type":"ERROR","object":Status}; the watcher hands the object.
  const auto event = nlohmann::json::parse(kExpired);
  const auto gone = ErrorFromResponse(event["object"]["code"], event["object"].dump());
  EXPECT_EQ(gone.kind, ErrorKind::kGone);
  EXPECT_EQ(gone.reason, "Expired");
}

TEST(TransportError, IsRetryable) {
  EXPECT_EQ(TransportError("connection refused", false).kind, ErrorKind::kTransport);
  EXPECT_EQ(TransportError("timed out", true).kind, ErrorKind::kTimeout);
  EXPECT_TRUE(TransportError("x", false).IsRetryable());
}

}  // namespace
}  // namespace kdiag
