// Time as the runtime sees it. An interface, so back-off, queues, leases and timers are tested
// on a fake clock that moves only when a test says so.
#pragma once

#include <chrono>
#include <mutex>
#include <stop_token>

namespace kdiag {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  // Monotonic time, for every interval and deadline the process keeps for itself.
  virtual TimePoint Now() const = 0;
  // Calendar time, only for timestamps written into objects and logs.
  virtual WallTime WallNow() const = 0;
  // Waits for d, or until stop is requested; false when stopped.
  virtual bool Sleep(std::chrono::nanoseconds d, const std::stop_token& stop);
};

// The real clocks.
Clock& SystemClock();

// A clock for tests: starts at an arbitrary fixed point and moves only by Advance.
class FakeClock : public Clock {
 public:
  TimePoint Now() const override;
  WallTime WallNow() const override;
  void Advance(std::chrono::nanoseconds by);
  // Returns at once, the clock moved on by d: code that waits runs at full speed in tests.
  bool Sleep(std::chrono::nanoseconds d, const std::stop_token& stop) override;
  // The total time slept so far.
  std::chrono::nanoseconds slept() const;

 private:
  mutable std::mutex mutex_;
  std::chrono::nanoseconds elapsed_{0};
  std::chrono::nanoseconds slept_{0};
};

}  // namespace kdiag
