#include "controller/backoff.h"

#include <algorithm>

namespace kdiag {

Backoff::Backoff(BackoffSettings settings, uint64_t seed) : settings_(settings), random_(seed) {}

Duration Backoff::Next(Clock::TimePoint now) {
  const bool healthy_since = !failedBefore_ || now - lastFailure_ >= settings_.resetAfter;
  current_ = healthy_since
                 ? settings_.initial
                 : std::min(std::chrono::duration_cast<Duration>(current_ * settings_.factor),
                            settings_.max);
  failedBefore_ = true;
  lastFailure_ = now;
  std::uniform_real_distribution<double> spread(0.0, settings_.jitter);
  const auto jittered = std::chrono::duration_cast<Duration>(current_ * (1.0 + spread(random_)));
  return std::min(jittered, settings_.max);
}

}  // namespace kdiag
