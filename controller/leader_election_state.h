// The decisions of leader election, without I/O: given the lease as last read or written,
// when that was observed on our own monotonic clock, and our identity, what to do next and
// whether we lead.
//
// Expiry is judged only from local observation: another holder's lease runs out
// leaseDurationSeconds after we last saw it change (holder, renewTime or resourceVersion), as
// measured by our clock. The holder's renewTime is never compared with our wall clock, so
// clocks set differently on different machines cannot hand the lease to two holders.
#pragma once

#include <optional>
#include <string>

#include "controller/clock.h"
#include "controller/duration.h"
#include "controller/lease_record.h"

namespace kdiag {

enum class LeaseAction {
  kCreate,   // there is no lease: create it, held by us
  kAcquire,  // nobody holds it, or its holder stopped renewing: take it over
  kRenew,    // we hold it: write a fresh renewTime
  kWait,     // someone else holds it and has renewed within its duration, as far as we saw
};

class LeaderElectionState {
 public:
  using TimePoint = Clock::TimePoint;

  // lease_duration: what we write as leaseDurationSeconds (rounded up to whole seconds), and
  // how long to wait out a holder that did not write one.
  LeaderElectionState(std::string identity, Duration lease_duration, Duration renew_deadline);

  // A successful read of the lease (nullopt: there is none), answered by local time now.
  void ObserveRead(const std::optional<LeaseRecord>& lease, TimePoint now);
  // Our write succeeded and the server stored `written`. sent: when the request left; the
  // server stored it after that, so a renewal counts from then, never later than others saw it.
  void ObserveWrite(const LeaseRecord& written, TimePoint sent, TimePoint now);

  // What to do about the lease as last observed. Meaningful after a read.
  LeaseAction Next(TimePoint now) const;
  // When the current holder's lease runs out by local observation (for kWait: when to look
  // again).
  TimePoint ExpiresAt() const;
  // The record that carries out action (kCreate, kAcquire or kRenew), stamped with wall_now.
  LeaseRecord RecordFor(LeaseAction action, Clock::WallTime wall_now) const;
  // The record that hands the lease back: no holder, a one-second duration.
  LeaseRecord ReleaseRecord(Clock::WallTime wall_now) const;

  // We hold the lease as last observed, and our last successful write is within renewDeadline.
  bool IsLeading(TimePoint now) const;
  // Until when we lead without another successful renewal; meaningful while IsLeading.
  TimePoint LeadingUntil() const;
  // The holder as last observed; empty when nobody holds it or there is no lease.
  std::string Holder() const;
  const std::string& Identity() const { return identity_; }

 private:
  int64_t DurationSecondsToWrite() const;

  std::string identity_;
  Duration lease_duration_;
  Duration renew_deadline_;
  std::optional<LeaseRecord> observed_;  // nullopt: no lease (or none read yet)
  TimePoint observed_at_{};              // when observed_ last changed
  std::optional<TimePoint> renewed_at_;  // when our last successful write holding it was sent
};

}  // namespace kdiag
