#include "controller/clock.h"

#include <condition_variable>

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

bool Clock::Sleep(std::chrono::nanoseconds d, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  // Nothing notifies: the wait ends by time or by the stop request.
  wake.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

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

bool FakeClock::Sleep(std::chrono::nanoseconds d, const std::stop_token& stop) {
  if (stop.stop_requested()) return false;
  const std::lock_guard lock(mutex_);
  elapsed_ += d;
  slept_ += d;
  return true;
}

std::chrono::nanoseconds FakeClock::slept() const {
  const std::lock_guard lock(mutex_);
  return slept_;
}

}  // namespace kdiag
