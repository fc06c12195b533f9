#include "reconcilers/session_metrics.h"

namespace kdiag {

SessionMetrics::SessionMetrics(prometheus::Registry& registry)
    : active_(prometheus::BuildGauge()
                  .Name("kdiag_sessions_active")
                  .Help("TroubleshootSessions that have not ended")
                  .Register(registry)
                  .Add({})),
      started_(prometheus::BuildCounter()
                   .Name("kdiag_sessions_started_total")
                   .Help("TroubleshootSessions whose debug pod was created")
                   .Register(registry)
                   .Add({})),
      ended_(prometheus::BuildCounter()
                 .Name("kdiag_sessions_ended_total")
                 .Help("TroubleshootSessions ended, by reason: ttl, idle, deleted, exited, "
                       "pod-failed")
                 .Register(registry)),
      timeToRunning_(prometheus::BuildHistogram()
                         .Name("kdiag_session_time_to_running_seconds")
                         .Help("From a session's creation to its shell running")
                         .Register(registry)
                         .Add({}, prometheus::Histogram::BucketBoundaries{0.5, 1, 2, 5, 10, 20, 30,
                                                                          60, 120, 300})),
      duration_(prometheus::BuildHistogram()
                    .Name("kdiag_session_duration_seconds")
                    .Help("How long sessions lasted, from creation to their end")
                    .Register(registry)
                    .Add({}, prometheus::Histogram::BucketBoundaries{60, 300, 600, 1200, 1800, 3600,
                                                                     5400, 7200})),
      recordingBytes_(
          prometheus::BuildHistogram()
              .Name("kdiag_session_recording_bytes")
              .Help("Size of finished session recordings (the terminal output)")
              .Register(registry)
              .Add({}, prometheus::Histogram::BucketBoundaries{1e3, 1e4, 1e5, 1e6, 1e7, 1e8})),
      recordingFailures_(prometheus::BuildCounter()
                             .Name("kdiag_session_recording_failures_total")
                             .Help("Sessions whose recording could not be written or finished")
                             .Register(registry)
                             .Add({})) {}

void SessionMetrics::Ended(EndReason reason, std::chrono::duration<double> lasted) {
  ended_.Add({{"reason", std::string(ToString(reason))}}).Increment();
  duration_.Observe(lasted.count());
}

}  // namespace kdiag
