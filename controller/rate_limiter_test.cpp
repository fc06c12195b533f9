#include "controller/rate_limiter.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucket, AllowsABurstThenRefillsAtTheRate) {
  TokenBucket bucket(10, 3);                                          // 10 a second, 3 at once
  const auto t0 = TokenBucket::Clock::now() + std::chrono::hours(1);  // after the initial fill
  bucket.TryTake(t0);
  bucket.TryTake(t0);
  bucket.TryTake(t0);
  const auto wait = bucket.TryTake(t0);
  EXPECT_GT(wait, milliseconds(99));
  EXPECT_LE(wait, milliseconds(100));
  EXPECT_EQ(bucket.TryTake(t0 + milliseconds(100)), TokenBucket::Clock::duration::zero());
  EXPECT_GT(bucket.TryTake(t0 + milliseconds(100)), TokenBucket::Clock::duration::zero());
}

TEST(TokenBucket, IsOffWithoutARate) {
  TokenBucket bucket(0, 0);
  const auto now = TokenBucket::Clock::now();
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(bucket.TryTake(now), TokenBucket::Clock::duration::zero());
}

}  // namespace
}  // namespace kdiag
