#include "controller/clock.h"

namespace kdiag {
namespace {

class RealClock : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
};

// 2026-01-01T00:00:00Z: a fixed, readable start for timestamps written by tests.
constexpr std::chrono::seconds kFakeEpoch{1767225600};

}  // namespace

Clock& SystemClock() {
  static RealClock clock;
  return clock;
}

Clock::TimePoint FakeClock::Now() const {
  const std::lock_guard lock(mutex_);
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(kFakeEpoch + elapsed_));
}

Clock::WallTime FakeClock::WallNow() const {
  const std::lock_guard lock(mutex_);
  return WallTime(std::chrono::duration_cast<WallTime::duration>(kFakeEpoch + elapsed_));
}

void FakeClock::Advance(std::chrono::nanoseconds by) {
  const std::lock_guard lock(mutex_);
  elapsed_ += by;
}

}  // namespace kdiag
