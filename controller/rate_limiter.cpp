#include "controller/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace kdiag {

TokenBucket::TokenBucket(double qps, int burst)
    : qps_(qps), burst_(std::max(1, burst)), tokens_(burst_), last_(Clock::now()) {}

void TokenBucket::Refill(Clock::time_point now) {
  const std::chrono::duration<double> elapsed = now - last_;
  if (elapsed.count() > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * qps_);
    last_ = now;
  }
}

TokenBucket::Clock::duration TokenBucket::Reserve(Clock::time_point now) {
  if (qps_ <= 0) return Clock::duration::zero();
  std::lock_guard lock(mutex_);
  Refill(now);
  tokens_ -= 1;
  if (tokens_ >= 0) return Clock::duration::zero();
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(-tokens_ / qps_));
}

TokenBucket::Clock::duration TokenBucket::TryTake(Clock::time_point now) {
  if (qps_ <= 0) return Clock::duration::zero();
  std::lock_guard lock(mutex_);
  Refill(now);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return Clock::duration::zero();
  }
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>((1 - tokens_) / qps_));
}

void TokenBucket::Take() {
  while (true) {
    const auto wait = TryTake(Clock::now());
    if (wait == Clock::duration::zero()) return;
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace kdiag
