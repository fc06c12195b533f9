#include "controller/backoff.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, DoublesFromTheInitialDelayToTheMaximum) {
  Backoff backoff({.jitter = 0}, 1);
  FakeClock clock;
  std::vector<int64_t> delays;
  for (int i = 0; i < 8; ++i) {
    delays.push_back(backoff.Next(clock.Now()).count());
    clock.Advance(seconds(1));
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{800, 1600, 3200, 6400, 12800, 25600, 30000, 30000}));
}

TEST(Backoff, JitterStaysWithinBounds) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Backoff backoff({}, seed);
    FakeClock clock;
    const auto first = backoff.Next(clock.Now());
    EXPECT_GE(first, milliseconds(800));
    EXPECT_LT(first, milliseconds(1600));
    for (int i = 0; i < 10; ++i) EXPECT_LE(backoff.Next(clock.Now()), seconds(30));
  }
}

TEST(Backoff, StartsOverAfterAHealthyPeriod) {
  Backoff backoff({.jitter = 0}, 1);
  FakeClock clock;
  backoff.Next(clock.Now());
  backoff.Next(clock.Now());
  EXPECT_EQ(backoff.Next(clock.Now()), milliseconds(3200));
  clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(backoff.Next(clock.Now()), milliseconds(800));
}

}  // namespace
}  // namespace kdiag
