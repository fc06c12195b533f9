// Leader election among replicas on a coordination.k8s.io/v1 Lease: one replica leads at a
// time, the others take over when it stops renewing (after leaseDuration) or releases the
// lease on a clean stop (at once).
//
// Each stretch of leadership is a term with a stop token of its own, requested the moment the
// term ends: when renewals have failed for renewDeadline (checked by a timer of its own, so a
// hung request does not delay it), when someone else is seen holding the lease, or on stop.
// A controller runs its reconcilers under that token, and stops before anyone else can lead,
// since others wait leaseDuration > renewDeadline.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>

#include "controller/clock.h"
#include "controller/leader_election_settings.h"
#include "controller/leader_election_state.h"
#include "controller/lease_store.h"

namespace prometheus {
class Gauge;
class Registry;
}  // namespace prometheus

namespace kdiag {

// Called one at a time, on the elector's threads. They must return promptly (start work
// elsewhere), and may call IsLeader, Identity and Leader but no other elector method.
struct LeaderCallbacks {
  // A term began; the token is requested when it ends.
  std::function<void(std::stop_token)> onStartedLeading;
  // The term ended; its token is already requested. On a clean stop the lease is released
  // only after this returns, so a controller may wait here for its reconcilers to finish.
  std::function<void()> onStoppedLeading;
  // The holder seen in the lease changed (to us as well); empty when it was released.
  std::function<void(const std::string& identity)> onNewLeader;
};

class LeaderElector {
 public:
  // Throws std::invalid_argument when the settings are not valid. The store must be of the
  // lease named in the settings and outlive the elector. registry: where to export the
  // leader gauge, kdiag_leader_election_is_leader{lease="NAME"}; none with nullptr.
  LeaderElector(LeaderElectionSettings settings, LeaseStore& store, LeaderCallbacks callbacks = {},
                Clock& clock = SystemClock(), prometheus::Registry* registry = nullptr);
  ~LeaderElector();
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Campaigns for the lease and renews it until stop is requested; then ends the term and,
  // with releaseOnStop, releases the lease. Call once, from a thread of the caller's.
  void Run(const std::stop_token& stop);

  // Cheap, thread-safe and exact: false from the instant the renew deadline has passed, even
  // before the term's token is requested.
  bool IsLeader() const;
  const std::string& Identity() const { return settings_.identity; }
  // The holder as last seen in the lease; empty when nobody holds it.
  std::string Leader() const;

  // One attempt: reads the lease, then creates, takes over or renews it as due. Returns
  // whether we lead afterwards. Run calls it every retryPeriod; public for tests on a
  // FakeClock.
  bool TryAcquireOrRenew();
  // Ends the term if the renew deadline has passed; Run's timer calls it at the deadline.
  void EnforceRenewDeadline();
  // Ends the term, then hands the lease back if we hold it. Run calls it on stop.
  void Release();
  // How long Run waits before the next attempt.
  Duration NextDelay();

 private:
  // Starts or ends the term to match the state.
  void UpdateTerm();
  // lost: leadership was taken from us, rather than given up.
  void EndTerm(const std::string& reason, bool lost);
  void EndTermLocked(const std::string& reason, bool lost);
  void ReportLeader();
  void NoteFailure(const char* what, const ApiError& error);
  void NoteSuccess();
  void WatchRenewDeadline(const std::stop_token& stop);

  const LeaderElectionSettings settings_;
  const std::string lease_;  // "namespace/name", for logs
  LeaseStore& store_;
  const LeaderCallbacks callbacks_;
  Clock& clock_;

  mutable std::mutex state_mutex_;
  LeaderElectionState state_;
  bool failing_ = false;  // the last call failed; warn once a streak

  // Term changes and every callback, one at a time.
  std::mutex term_mutex_;
  std::stop_source term_;
  std::string reported_leader_;

  // What IsLeader reads without a lock.
  std::atomic<bool> leading_{false};
  std::atomic<Clock::TimePoint::rep> leading_until_{0};

  // Wakes the deadline timer when a term starts or is renewed.
  std::mutex deadline_mutex_;
  std::condition_variable_any deadline_moved_;
  uint64_t deadline_generation_ = 0;

  prometheus::Gauge* gauge_ = nullptr;
};

}  // namespace kdiag
