#include "controller/retry_policy.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

ApiError Error(ErrorKind kind, std::optional<seconds> retry_after = std::nullopt) {
  ApiError e;
  e.kind = kind;
  e.retryAfter = retry_after;
  return e;
}

TEST(RetryPolicy, BacksOffExponentiallyUpToTheCap) {
  const RetryPolicy policy{
      .maxRetries = 10, .baseDelay = milliseconds(200), .maxDelay = seconds(1)};
  const auto error = Error(ErrorKind::kServerError);
  EXPECT_EQ(policy.Delay(1, error, true), milliseconds(200));
  EXPECT_EQ(policy.Delay(2, error, true), milliseconds(400));
  EXPECT_EQ(policy.Delay(3, error, true), milliseconds(800));
  EXPECT_EQ(policy.Delay(4, error, true), seconds(1));
  EXPECT_EQ(policy.Delay(11, error, true), std::nullopt);
}

TEST(RetryPolicy, HonoursRetryAfterWithinTheCap) {
  const RetryPolicy policy{.maxDelay = seconds(10)};
  EXPECT_EQ(policy.Delay(1, Error(ErrorKind::kTooManyRequests, seconds(3)), false), seconds(3));
  EXPECT_EQ(policy.Delay(1, Error(ErrorKind::kTooManyRequests, seconds(60)), false), seconds(10));
}

TEST(RetryPolicy, RetriesWritesOnlyWhenTheServerDidNotActOnThem) {
  const RetryPolicy policy;
  EXPECT_TRUE(policy.Delay(1, Error(ErrorKind::kTooManyRequests), false));
  EXPECT_TRUE(policy.Delay(1, Error(ErrorKind::kServerError, seconds(1)), false));
  EXPECT_FALSE(policy.Delay(1, Error(ErrorKind::kServerError), false));
  EXPECT_FALSE(policy.Delay(1, Error(ErrorKind::kTransport), false));
  EXPECT_TRUE(policy.Delay(1, Error(ErrorKind::kTransport), true));
}

TEST(RetryPolicy, NeverRetriesAnswersThatWillNotChange) {
  const RetryPolicy policy;
  for (auto kind : {ErrorKind::kNotFound, ErrorKind::kConflict, ErrorKind::kForbidden,
                    ErrorKind::kInvalid, ErrorKind::kGone, ErrorKind::kAlreadyExists}) {
    EXPECT_EQ(policy.Delay(1, Error(kind), true), std::nullopt) << ToString(kind);
  }
}

}  // namespace
}  // namespace kdiag
