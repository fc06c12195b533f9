#include "controller/leader_election_state.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kStart = "2026-01-01T00:00:00.000000Z";  // FakeClock's wall time

LeaseRecord HeldBy(std::string holder, std::string renew_time, std::string resource_version,
                   int64_t transitions = 0) {
  return LeaseRecord{.holderIdentity = std::move(holder),
                     .leaseDurationSeconds = 15,
                     .acquireTime = "2025-12-31T23:00:00.000000Z",
                     .renewTime = std::move(renew_time),
                     .leaseTransitions = transitions,
                     .resourceVersion = std::move(resource_version)};
}

class LeaderElectionStateTest : public ::testing::Test {
 protected:
  // Writes `record` as the server would store it, at a new resourceVersion, and tells the
  // state, as if the request took `latency`.
  LeaseRecord Write(LeaseRecord record, milliseconds latency = milliseconds(0)) {
    record.resourceVersion = std::to_string(++version_);
    const auto sent = clock_.Now();
    clock_.Advance(latency);
    state_.ObserveWrite(record, sent, clock_.Now());
    return record;
  }

  FakeClock clock_;
  LeaderElectionState state_{"me", seconds(15), seconds(10)};
  int version_ = 100;
};

TEST_F(LeaderElectionStateTest, CreatesALeaseThatDoesNotExist) {
  state_.ObserveRead(std::nullopt, clock_.Now());
  ASSERT_EQ(state_.Next(clock_.Now()), LeaseAction::kCreate);
  const auto record = state_.RecordFor(LeaseAction::kCreate, clock_.WallNow());
  EXPECT_EQ(record, (LeaseRecord{.holderIdentity = "me",
                                 .leaseDurationSeconds = 15,
                                 .acquireTime = kStart,
                                 .renewTime = kStart,
                                 .leaseTransitions = 0,
                                 .resourceVersion = ""}));
  EXPECT_FALSE(state_.IsLeading(clock_.Now())) << "leading before the write succeeded";
  Write(record);
  EXPECT_TRUE(state_.IsLeading(clock_.Now()));
  EXPECT_EQ(state_.Holder(), "me");
}

TEST_F(LeaderElectionStateTest, AcquiresAFreeLeaseAtOnceAndCountsTheTransition) {
  state_.ObserveRead(HeldBy("", "2025-12-31T23:59:59.000000Z", "7", 3), clock_.Now());
  ASSERT_EQ(state_.Next(clock_.Now()), LeaseAction::kAcquire);
  const auto record = state_.RecordFor(LeaseAction::kAcquire, clock_.WallNow());
  EXPECT_EQ(record.holderIdentity, "me");
  EXPECT_EQ(record.leaseTransitions, 4);
  EXPECT_EQ(record.acquireTime, kStart);
  EXPECT_EQ(record.renewTime, kStart);
  EXPECT_EQ(record.resourceVersion, "7") << "the write must be conditional on what was read";
}

TEST_F(LeaderElectionStateTest, WaitsOutASilentHolderOnTheLocalClockWhateverItsRenewTimeSays) {
  // Its renewTime far in the past (its clock behind ours) or future (ahead) changes nothing:
  // only how long we have seen the lease unchanged counts.
  for (const char* renew_time : {"2001-01-01T00:00:00.000000Z", "2099-01-01T00:00:00.000000Z"}) {
    LeaderElectionState state("me", seconds(15), seconds(10));
    const auto seen = clock_.Now();
    const auto lease = HeldBy("other", renew_time, "42", 5);
    state.ObserveRead(lease, seen);
    EXPECT_EQ(state.Next(seen), LeaseAction::kWait) << renew_time;
    // Reading the same lease again does not restart the wait.
    state.ObserveRead(lease, seen + seconds(10));
    EXPECT_EQ(state.Next(seen + seconds(15) - milliseconds(1)), LeaseAction::kWait) << renew_time;
    EXPECT_EQ(state.ExpiresAt(), seen + seconds(15));
    EXPECT_EQ(state.Next(seen + seconds(15)), LeaseAction::kAcquire) << renew_time;
    const auto record = state.RecordFor(LeaseAction::kAcquire, clock_.WallNow());
    EXPECT_EQ(record.leaseTransitions, 6);
    EXPECT_EQ(record.resourceVersion, "42");
  }
}

TEST_F(LeaderElectionStateTest, NeverAcquiresWhileTheHolderKeepsRenewing) {
  for (int i = 0; i < 30; ++i) {
    // A renewal every 2 s, by a holder whose clock is an hour ahead of ours.
    state_.ObserveRead(HeldBy("other", "2026-01-01T01:00:" + std::to_string(10 + i) + ".000000Z",
                              std::to_string(i)),
                       clock_.Now());
    clock_.Advance(seconds(2));
    ASSERT_EQ(state_.Next(clock_.Now()), LeaseAction::kWait) << "after " << 2 * (i + 1) << "s";
  }
}

TEST_F(LeaderElectionStateTest, CountsAnyNewResourceVersionAsARenewal) {
  const auto seen = clock_.Now();
  state_.ObserveRead(HeldBy("other", "t", "1"), seen);
  clock_.Advance(seconds(14));
  state_.ObserveRead(HeldBy("other", "t", "2"), clock_.Now());
  EXPECT_EQ(state_.ExpiresAt(), seen + seconds(29));
}

TEST_F(LeaderElectionStateTest, WaitsOutTheHoldersOwnDurationOrOursWhenItGaveNone) {
  auto lease = HeldBy("other", "t", "1");
  lease.leaseDurationSeconds = 40;
  state_.ObserveRead(lease, clock_.Now());
  EXPECT_EQ(state_.ExpiresAt(), clock_.Now() + seconds(40));
  lease.leaseDurationSeconds = 0;
  lease.resourceVersion = "2";
  state_.ObserveRead(lease, clock_.Now());
  EXPECT_EQ(state_.ExpiresAt(), clock_.Now() + seconds(15));
}

TEST_F(LeaderElectionStateTest, RenewsKeepingAcquireTimeAndTransitions) {
  state_.ObserveRead(HeldBy("", "t", "7", 2), clock_.Now());
  const auto acquired = Write(state_.RecordFor(LeaseAction::kAcquire, clock_.WallNow()));
  clock_.Advance(seconds(2));
  state_.ObserveRead(acquired, clock_.Now());
  ASSERT_EQ(state_.Next(clock_.Now()), LeaseAction::kRenew);
  const auto renewed = state_.RecordFor(LeaseAction::kRenew, clock_.WallNow());
  EXPECT_EQ(renewed.holderIdentity, "me");
  EXPECT_EQ(renewed.acquireTime, kStart);
  EXPECT_EQ(renewed.renewTime, "2026-01-01T00:00:02.000000Z");
  EXPECT_EQ(renewed.leaseTransitions, 3);
  EXPECT_EQ(renewed.resourceVersion, acquired.resourceVersion);
}

TEST_F(LeaderElectionStateTest, LeadsForRenewDeadlineFromWhenTheLastRenewalWasSent) {
  state_.ObserveRead(std::nullopt, clock_.Now());
  const auto sent = clock_.Now();
  // The answer came 3 s later; the server may have stored it right after sending.
  Write(state_.RecordFor(LeaseAction::kCreate, clock_.WallNow()), seconds(3));
  EXPECT_EQ(state_.LeadingUntil(), sent + seconds(10));
  EXPECT_TRUE(state_.IsLeading(sent + seconds(10) - milliseconds(1)));
  EXPECT_FALSE(state_.IsLeading(sent + seconds(10)));
}

TEST_F(LeaderElectionStateTest, StopsLeadingOnSeeingAnotherHolder) {
  state_.ObserveRead(std::nullopt, clock_.Now());
  Write(state_.RecordFor(LeaseAction::kCreate, clock_.WallNow()));
  ASSERT_TRUE(state_.IsLeading(clock_.Now()));
  state_.ObserveRead(HeldBy("other", "t", "500", 1), clock_.Now());
  EXPECT_FALSE(state_.IsLeading(clock_.Now()));
  EXPECT_EQ(state_.Holder(), "other");
  EXPECT_EQ(state_.Next(clock_.Now()), LeaseAction::kWait);
}

TEST_F(LeaderElectionStateTest, ReleasesToNobodyWithAOneSecondDuration) {
  state_.ObserveRead(HeldBy("", "t", "7", 2), clock_.Now());
  const auto acquired = Write(state_.RecordFor(LeaseAction::kAcquire, clock_.WallNow()));
  clock_.Advance(seconds(1));
  const auto released = state_.ReleaseRecord(clock_.WallNow());
  EXPECT_EQ(released.holderIdentity, "");
  EXPECT_EQ(released.leaseDurationSeconds, 1);
  EXPECT_EQ(released.leaseTransitions, 3);
  EXPECT_EQ(released.renewTime, "2026-01-01T00:00:01.000000Z");
  EXPECT_EQ(released.resourceVersion, acquired.resourceVersion);
  Write(released);
  EXPECT_FALSE(state_.IsLeading(clock_.Now()));
  EXPECT_EQ(state_.Holder(), "");
}

TEST_F(LeaderElectionStateTest, WritesTheDurationRoundedUpToWholeSeconds) {
  LeaderElectionState state("me", milliseconds(2500), seconds(2));
  state.ObserveRead(std::nullopt, clock_.Now());
  EXPECT_EQ(state.RecordFor(LeaseAction::kCreate, clock_.WallNow()).leaseDurationSeconds, 3);
}

}  // namespace
}  // namespace kdiag
