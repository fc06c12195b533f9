// A token bucket: at most `burst` calls at once, refilled at `qps` a second. Blocking.
#pragma once

#include <chrono>
#include <mutex>

namespace kdiag {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  // qps <= 0 turns the limit off.
  TokenBucket(double qps, int burst);
  // Takes a token, or says how long to wait for one (zero when taken).
  Clock::duration TryTake(Clock::time_point now);
  // Takes a token even when there is none (the bucket goes into debt) and says how long the
  // caller should wait before using it: for delays that must spread out under load.
  Clock::duration Reserve(Clock::time_point now);
  // Takes a token, sleeping until one is there.
  void Take();

 private:
  double qps_;
  double burst_;
  std::mutex mutex_;
  double tokens_;
  Clock::time_point last_;

  void Refill(Clock::time_point now);
};

}  // namespace kdiag
