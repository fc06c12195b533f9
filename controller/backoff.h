// Exponential back-off with jitter that starts over after a healthy period, for reconnecting
// watches. Pure: the caller says when failures happen.
#pragma once

#include <random>

#include "controller/clock.h"
#include "controller/duration.h"

namespace kdiag {

struct BackoffSettings {
  Duration initial = std::chrono::milliseconds(800);
  Duration max = std::chrono::seconds(30);
  double factor = 2.0;
  // Each delay grows by up to this fraction, at random, so clients that failed together do not
  // come back together.
  double jitter = 1.0;
  // After this long without a failure, the next delay is the initial one again.
  Duration resetAfter = std::chrono::minutes(2);
};

class Backoff {
 public:
  explicit Backoff(BackoffSettings settings = {}, uint64_t seed = std::random_device{}());
  // The delay to wait after a failure at `now`.
  Duration Next(Clock::TimePoint now);

 private:
  BackoffSettings settings_;
  std::mt19937_64 random_;
  Duration current_{0};
  Clock::TimePoint lastFailure_{};
  bool failedBefore_ = false;
};

}  // namespace kdiag
