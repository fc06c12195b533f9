// Metrics of TroubleshootSessions. Labels are bounded (the end reason) — never a user, a
// namespace or a session name.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>

#include "reconcilers/session_pod_state.h"

namespace kdiag {

class SessionMetrics {
 public:
  explicit SessionMetrics(prometheus::Registry& registry);

  void Active(size_t sessions) { active_.Set(static_cast<double>(sessions)); }
  void Started() { started_.Increment(); }
  void Running(std::chrono::duration<double> since_created) {
    timeToRunning_.Observe(since_created.count());
  }
  void Ended(EndReason reason, std::chrono::duration<double> lasted);
  void Recorded(int64_t bytes) { recordingBytes_.Observe(static_cast<double>(bytes)); }
  void RecordingFailed() { recordingFailures_.Increment(); }

 private:
  prometheus::Gauge& active_;
  prometheus::Counter& started_;
  prometheus::Family<prometheus::Counter>& ended_;
  prometheus::Histogram& timeToRunning_;
  prometheus::Histogram& duration_;
  prometheus::Histogram& recordingBytes_;
  prometheus::Counter& recordingFailures_;
};

}  // namespace kdiag
