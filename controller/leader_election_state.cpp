#include "controller/leader_election_state.h"

#include "controller/micro_time.h"

namespace kdiag {
namespace {

// Any write shows in the resourceVersion; holder and renewTime are compared as well so a store
// without versions still counts renewals.
bool Changed(const LeaseRecord& before, const LeaseRecord& after) {
  return before.holderIdentity != after.holderIdentity || before.renewTime != after.renewTime ||
         before.resourceVersion != after.resourceVersion;
}

}  // namespace

LeaderElectionState::LeaderElectionState(std::string identity, Duration lease_duration,
                                         Duration renew_deadline)
    : identity_(std::move(identity)),
      lease_duration_(lease_duration),
      renew_deadline_(renew_deadline) {}

void LeaderElectionState::ObserveRead(const std::optional<LeaseRecord>& lease, TimePoint now) {
  const bool changed = lease.has_value() != observed_.has_value() ||
                       (lease && observed_ && Changed(*observed_, *lease));
  observed_ = lease;
  if (changed) observed_at_ = now;
}

void LeaderElectionState::ObserveWrite(const LeaseRecord& written, TimePoint sent, TimePoint now) {
  observed_ = written;
  observed_at_ = now;
  if (written.holderIdentity == identity_) {
    renewed_at_ = sent;
  } else {
    renewed_at_.reset();
  }
}

LeaseAction LeaderElectionState::Next(TimePoint now) const {
  if (!observed_) return LeaseAction::kCreate;
  if (observed_->holderIdentity == identity_) return LeaseAction::kRenew;
  if (observed_->holderIdentity.empty() || now >= ExpiresAt()) return LeaseAction::kAcquire;
  return LeaseAction::kWait;
}

LeaderElectionState::TimePoint LeaderElectionState::ExpiresAt() const {
  // The holder's own word on how long its lease lasts, measured on our clock.
  const Duration duration = observed_ && observed_->leaseDurationSeconds > 0
                                ? std::chrono::seconds(observed_->leaseDurationSeconds)
                                : lease_duration_;
  return observed_at_ + duration;
}

int64_t LeaderElectionState::DurationSecondsToWrite() const {
  // Rounded up: others must never wait less than we promise to keep leading.
  return std::chrono::ceil<std::chrono::seconds>(lease_duration_).count();
}

LeaseRecord LeaderElectionState::RecordFor(LeaseAction action, Clock::WallTime wall_now) const {
  const std::string now = FormatMicroTime(wall_now);
  // Built on the record read, so the write carries its resourceVersion as precondition.
  LeaseRecord record =
      action == LeaseAction::kCreate ? LeaseRecord{} : observed_.value_or(LeaseRecord{});
  if (action == LeaseAction::kAcquire) {
    // A change of holder, also from nobody: a released lease taken up again.
    ++record.leaseTransitions;
  }
  if (action != LeaseAction::kRenew || record.acquireTime.empty()) record.acquireTime = now;
  record.holderIdentity = identity_;
  record.leaseDurationSeconds = DurationSecondsToWrite();
  record.renewTime = now;
  return record;
}

LeaseRecord LeaderElectionState::ReleaseRecord(Clock::WallTime wall_now) const {
  LeaseRecord record = observed_.value_or(LeaseRecord{});
  record.holderIdentity.clear();
  record.leaseDurationSeconds = 1;
  record.acquireTime = record.renewTime = FormatMicroTime(wall_now);
  return record;
}

bool LeaderElectionState::IsLeading(TimePoint now) const {
  return observed_ && observed_->holderIdentity == identity_ && renewed_at_ && now < LeadingUntil();
}

LeaderElectionState::TimePoint LeaderElectionState::LeadingUntil() const {
  return renewed_at_.value_or(TimePoint{}) + renew_deadline_;
}

std::string LeaderElectionState::Holder() const {
  return observed_ ? observed_->holderIdentity : std::string();
}

}  // namespace kdiag
