#include "controller/leader_elector.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <future>
#include <thread>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::_;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::Invoke;
using testing::MockLeaseStore;
using ::testing::Return;

ApiError ErrorOf(ErrorKind kind) { return ApiError{.kind = kind, .message = "test"}; }

LeaderElectionSettings Settings(std::string identity = "me") {
  return {.leaseNamespace = "kdiag-system",
          .leaseName = "kdiag-controller",
          .identity = std::move(identity)};
}

LeaseRecord HeldBy(std::string holder, std::string resource_version, int64_t transitions = 0) {
  return LeaseRecord{.holderIdentity = std::move(holder),
                     .leaseDurationSeconds = 15,
                     .acquireTime = "2025-12-31T00:00:00.000000Z",
                     .renewTime = "2099-01-01T00:00:00.000000Z",  // a holder with a clock ahead
                     .leaseTransitions = transitions,
                     .resourceVersion = std::move(resource_version)};
}

class LeaderElectorTest : public ::testing::Test {
 protected:
  LeaderElectorTest() {
    callbacks_.onStartedLeading = [this](std::stop_token token) {
      ++started_;
      term_ = std::move(token);
    };
    callbacks_.onStoppedLeading = [this] {
      ++stopped_;
      stopped_with_token_requested_ = term_.stop_requested();
    };
    callbacks_.onNewLeader = [this](const std::string& identity) { leaders_.push_back(identity); };
  }

  std::unique_ptr<LeaderElector> MakeElector(prometheus::Registry* registry = nullptr) {
    return std::make_unique<LeaderElector>(Settings(), store_, callbacks_, clock_, registry);
  }

  // The server's answer to a write: the record at a new resourceVersion.
  auto Stores() {
    return Invoke([this](const LeaseRecord& record) -> Result<LeaseRecord> {
      LeaseRecord stored = record;
      stored.resourceVersion = std::to_string(++version_);
      last_stored_ = stored;
      return stored;
    });
  }

  // Leads through creating the lease.
  void Lead(LeaderElector& elector) {
    EXPECT_CALL(store_, Get()).WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kNotFound))));
    EXPECT_CALL(store_, Create(_)).WillOnce(Stores());
    ASSERT_TRUE(elector.TryAcquireOrRenew());
    ::testing::Mock::VerifyAndClearExpectations(&store_);
  }

  FakeClock clock_;
  MockLeaseStore store_;
  LeaderCallbacks callbacks_;
  int version_ = 0;
  LeaseRecord last_stored_;
  int started_ = 0;
  int stopped_ = 0;
  bool stopped_with_token_requested_ = false;
  std::stop_token term_;
  std::vector<std::string> leaders_;
};

TEST_F(LeaderElectorTest, CreatesAMissingLeaseAndStartsATerm) {
  auto elector = MakeElector();
  EXPECT_CALL(store_, Get()).WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kNotFound))));
  EXPECT_CALL(store_, Create(AllOf(Field(&LeaseRecord::holderIdentity, "me"),
                                   Field(&LeaseRecord::leaseDurationSeconds, 15),
                                   Field(&LeaseRecord::renewTime, "2026-01-01T00:00:00.000000Z"))))
      .WillOnce(Stores());
  EXPECT_TRUE(elector->TryAcquireOrRenew());
  EXPECT_TRUE(elector->IsLeader());
  EXPECT_EQ(started_, 1);
  EXPECT_FALSE(term_.stop_requested());
  EXPECT_EQ(elector->Leader(), "me");
  EXPECT_THAT(leaders_, ::testing::ElementsAre("me"));
}

TEST_F(LeaderElectorTest, DoesNotLeadWhenAnotherWriterWinsTheRace) {
  auto elector = MakeElector();
  EXPECT_CALL(store_, Get())
      .WillOnce(Return(HeldBy("", "7", 1)))
      .WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kNotFound))));
  EXPECT_CALL(store_, Update(Field(&LeaseRecord::resourceVersion, "7")))
      .WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kConflict))));
  EXPECT_CALL(store_, Create(_)).WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kAlreadyExists))));
  EXPECT_FALSE(elector->TryAcquireOrRenew());
  EXPECT_FALSE(elector->TryAcquireOrRenew());
  EXPECT_FALSE(elector->IsLeader());
  EXPECT_EQ(started_, 0);
}

TEST_F(LeaderElectorTest, RenewsWithinTheSameTerm) {
  auto elector = MakeElector();
  Lead(*elector);
  for (int i = 1; i <= 5; ++i) {
    clock_.Advance(seconds(2));
    EXPECT_CALL(store_, Get()).WillOnce(Return(last_stored_));
    EXPECT_CALL(store_,
                Update(AllOf(Field(&LeaseRecord::resourceVersion, last_stored_.resourceVersion),
                             Field(&LeaseRecord::renewTime,
                                   "2026-01-01T00:00:" + fmt::format("{:02}", 2 * i) + ".000000Z"),
                             Field(&LeaseRecord::acquireTime, "2026-01-01T00:00:00.000000Z"),
                             Field(&LeaseRecord::leaseTransitions, 0))))
        .WillOnce(Stores());
    ASSERT_TRUE(elector->TryAcquireOrRenew());
  }
  EXPECT_EQ(started_, 1);
  EXPECT_EQ(stopped_, 0);
}

TEST_F(LeaderElectorTest, StopsLeadingWhenRenewalsFailForTheRenewDeadline) {
  auto elector = MakeElector();
  Lead(*elector);
  // Reads time out, then reads work but writes fail: neither renews.
  EXPECT_CALL(store_, Get())
      .WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kTimeout))))
      .WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kTransport))))
      .WillRepeatedly(Invoke([this] { return Result<LeaseRecord>(last_stored_); }));
  EXPECT_CALL(store_, Update(_))
      .WillRepeatedly(Return(Unexpected(ErrorOf(ErrorKind::kServerError))));
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(seconds(2));
    elector->TryAcquireOrRenew();
    ASSERT_TRUE(elector->IsLeader()) << "after " << 2 * (i + 1) << "s";
  }
  clock_.Advance(milliseconds(1999));
  EXPECT_TRUE(elector->IsLeader());
  clock_.Advance(milliseconds(1));
  // Exact before the timer has even run.
  EXPECT_FALSE(elector->IsLeader());
  EXPECT_FALSE(term_.stop_requested());
  elector->EnforceRenewDeadline();
  EXPECT_TRUE(term_.stop_requested());
  EXPECT_EQ(stopped_, 1);
  EXPECT_TRUE(stopped_with_token_requested_);
}

TEST_F(LeaderElectorTest, LeadsAgainInANewTermWhenARenewalGetsThroughLater) {
  auto elector = MakeElector();
  Lead(*elector);
  clock_.Advance(seconds(11));
  elector->EnforceRenewDeadline();
  const auto first_term = term_;
  EXPECT_CALL(store_, Get()).WillOnce(Return(last_stored_));
  EXPECT_CALL(store_, Update(_)).WillOnce(Stores());
  EXPECT_TRUE(elector->TryAcquireOrRenew());
  EXPECT_EQ(started_, 2);
  EXPECT_TRUE(first_term.stop_requested());
  EXPECT_FALSE(term_.stop_requested());
}

TEST_F(LeaderElectorTest, StopsAtOnceOnSeeingAnotherHolder) {
  auto elector = MakeElector();
  Lead(*elector);
  clock_.Advance(seconds(2));
  EXPECT_CALL(store_, Get()).WillOnce(Return(HeldBy("other", "99", 1)));
  EXPECT_CALL(store_, Update(_)).Times(0);
  EXPECT_FALSE(elector->TryAcquireOrRenew());
  EXPECT_FALSE(elector->IsLeader());
  EXPECT_TRUE(term_.stop_requested());
  EXPECT_EQ(stopped_, 1);
  EXPECT_EQ(elector->Leader(), "other");
  EXPECT_THAT(leaders_, ::testing::ElementsAre("me", "other"));
}

TEST_F(LeaderElectorTest, TakesOverOnlyAfterTheHolderWasSeenSilentForItsDuration) {
  auto elector = MakeElector();
  const auto lease = HeldBy("other", "31", 4);
  EXPECT_CALL(store_, Get()).WillRepeatedly(Return(lease));
  EXPECT_CALL(store_, Update(_)).Times(0);
  for (int i = 0; i < 7; ++i) {
    EXPECT_FALSE(elector->TryAcquireOrRenew());
    clock_.Advance(seconds(2));
  }
  clock_.Advance(milliseconds(999));  // 14.999 s since first seen
  EXPECT_FALSE(elector->TryAcquireOrRenew());
  ::testing::Mock::VerifyAndClearExpectations(&store_);

  clock_.Advance(milliseconds(1));
  EXPECT_CALL(store_, Get()).WillOnce(Return(lease));
  EXPECT_CALL(store_, Update(AllOf(Field(&LeaseRecord::holderIdentity, "me"),
                                   Field(&LeaseRecord::leaseTransitions, 5),
                                   Field(&LeaseRecord::resourceVersion, "31"))))
      .WillOnce(Stores());
  EXPECT_TRUE(elector->TryAcquireOrRenew());
  EXPECT_THAT(leaders_, ::testing::ElementsAre("other", "me"));
}

TEST_F(LeaderElectorTest, EndsTheTermBeforeReleasing) {
  auto elector = MakeElector();
  Lead(*elector);
  clock_.Advance(seconds(1));
  EXPECT_CALL(store_,
              Update(AllOf(Field(&LeaseRecord::holderIdentity, ""),
                           Field(&LeaseRecord::leaseDurationSeconds, 1),
                           Field(&LeaseRecord::resourceVersion, last_stored_.resourceVersion))))
      .WillOnce(Invoke([&](const LeaseRecord& record) -> Result<LeaseRecord> {
        EXPECT_TRUE(term_.stop_requested()) << "released while still leading";
        EXPECT_FALSE(elector->IsLeader());
        return record;
      }));
  elector->Release();
  EXPECT_EQ(stopped_, 1);
  EXPECT_EQ(elector->Leader(), "");
}

TEST_F(LeaderElectorTest, RereadsOnceWhenTheReleaseConflicts) {
  auto elector = MakeElector();
  Lead(*elector);
  auto newer = last_stored_;
  newer.resourceVersion = "500";  // a renewal that timed out here but was applied
  EXPECT_CALL(store_, Update(Field(&LeaseRecord::resourceVersion, last_stored_.resourceVersion)))
      .WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kConflict))));
  EXPECT_CALL(store_, Get()).WillOnce(Return(newer));
  EXPECT_CALL(store_, Update(AllOf(Field(&LeaseRecord::resourceVersion, "500"),
                                   Field(&LeaseRecord::holderIdentity, ""))))
      .WillOnce(Stores());
  elector->Release();
}

TEST_F(LeaderElectorTest, LeavesALeaseItDoesNotHoldAlone) {
  auto elector = MakeElector();
  EXPECT_CALL(store_, Get()).WillOnce(Return(HeldBy("other", "3")));
  elector->TryAcquireOrRenew();
  EXPECT_CALL(store_, Update(_)).Times(0);
  elector->Release();
  EXPECT_EQ(stopped_, 0);
}

TEST_F(LeaderElectorTest, WaitsARetryPeriodWithJitterOrUntilTheHoldersLeaseRunsOut) {
  auto elector = MakeElector();
  EXPECT_CALL(store_, Get()).WillRepeatedly(Return(HeldBy("other", "3")));
  elector->TryAcquireOrRenew();
  for (int i = 0; i < 20; ++i) {
    const auto delay = elector->NextDelay();
    EXPECT_GE(delay, seconds(2));
    EXPECT_LT(delay, milliseconds(2400));
  }
  clock_.Advance(seconds(14));
  EXPECT_EQ(elector->NextDelay(), seconds(1));
  ::testing::Mock::VerifyAndClearExpectations(&store_);

  auto leader =
      std::make_unique<LeaderElector>(Settings("leader"), store_, LeaderCallbacks{}, clock_);
  Lead(*leader);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(leader->NextDelay(), seconds(2));
}

TEST_F(LeaderElectorTest, ExportsWhetherItLeadsAsAGauge) {
  prometheus::Registry registry;
  auto elector = MakeElector(&registry);
  const auto value = [&registry] {
    for (const auto& family : registry.Collect()) {
      if (family.name != "kdiag_leader_election_is_leader") continue;
      EXPECT_EQ(family.metric.size(), 1u);
      EXPECT_EQ(family.metric.at(0).label.at(0).value, "kdiag-controller");
      return family.metric.at(0).gauge.value;
    }
    ADD_FAILURE() << "no gauge";
    return -1.0;
  };
  EXPECT_EQ(value(), 0);
  Lead(*elector);
  EXPECT_EQ(value(), 1);
  clock_.Advance(seconds(10));
  elector->EnforceRenewDeadline();
  EXPECT_EQ(value(), 0);
}

TEST(LeaderElectorSettings, AreValidatedOnConstruction) {
  FakeClock clock;
  MockLeaseStore store;
  auto settings = Settings();
  settings.renewDeadline = seconds(15);
  EXPECT_THROW(LeaderElector(settings, store, {}, clock), std::invalid_argument);
}

// A lease on an in-memory "API server", with resourceVersion checks, reached through
// connections that can be cut.
class InMemoryLease {
 public:
  class Connection : public LeaseStore {
   public:
    explicit Connection(InMemoryLease& server) : server_(server) {}
    Result<LeaseRecord> Get() override {
      if (cut) return Unexpected(ErrorOf(ErrorKind::kTransport));
      if (!server_.lease_) return Unexpected(ErrorOf(ErrorKind::kNotFound));
      return *server_.lease_;
    }
    Result<LeaseRecord> Create(const LeaseRecord& record) override {
      if (cut) return Unexpected(ErrorOf(ErrorKind::kTransport));
      if (server_.lease_) return Unexpected(ErrorOf(ErrorKind::kAlreadyExists));
      return server_.Store(record);
    }
    Result<LeaseRecord> Update(const LeaseRecord& record) override {
      if (cut) return Unexpected(ErrorOf(ErrorKind::kTransport));
      if (!server_.lease_) return Unexpected(ErrorOf(ErrorKind::kNotFound));
      if (record.resourceVersion != server_.lease_->resourceVersion) {
        return Unexpected(ErrorOf(ErrorKind::kConflict));
      }
      return server_.Store(record);
    }
    bool cut = false;

   private:
    InMemoryLease& server_;
  };

 private:
  LeaseRecord Store(LeaseRecord record) {
    record.resourceVersion = std::to_string(++version_);
    lease_ = record;
    return record;
  }
  std::optional<LeaseRecord> lease_;
  int version_ = 0;
};

// Two replicas on a fake clock, each attempting when its NextDelay says, the deadline timer's
// work done every tick.
class TwoReplicas {
 public:
  TwoReplicas() {
    for (int i = 0; i < 2; ++i) {
      auto settings = Settings(i == 0 ? "a" : "b");
      electors_[i] =
          std::make_unique<LeaderElector>(settings, connections_[i], LeaderCallbacks{}, clock_);
      next_[i] = clock_.Now() + milliseconds(100 * i);
    }
  }
  // Runs for `duration` in 50 ms ticks; returns when each replica first led, if it did.
  std::array<std::optional<Clock::TimePoint>, 2> RunFor(Duration duration) {
    std::array<std::optional<Clock::TimePoint>, 2> first_led;
    for (const auto end = clock_.Now() + duration; clock_.Now() < end;) {
      for (int i = 0; i < 2; ++i) {
        electors_[i]->EnforceRenewDeadline();
        if (clock_.Now() >= next_[i]) {
          electors_[i]->TryAcquireOrRenew();
          next_[i] = clock_.Now() + electors_[i]->NextDelay();
        }
      }
      EXPECT_FALSE(electors_[0]->IsLeader() && electors_[1]->IsLeader());
      for (int i = 0; i < 2; ++i) {
        if (!first_led[i] && electors_[i]->IsLeader()) first_led[i] = clock_.Now();
      }
      clock_.Advance(milliseconds(50));
    }
    return first_led;
  }
  int Leader() const {
    if (electors_[0]->IsLeader()) return 0;
    if (electors_[1]->IsLeader()) return 1;
    return -1;
  }

  FakeClock clock_;
  InMemoryLease server_;
  std::array<InMemoryLease::Connection, 2> connections_{InMemoryLease::Connection(server_),
                                                        InMemoryLease::Connection(server_)};
  std::array<std::unique_ptr<LeaderElector>, 2> electors_;
  std::array<Clock::TimePoint, 2> next_;
};

TEST(LeaderElection, OneOfTwoLeadsAndTheOtherTakesOverWhenItIsCutOff) {
  TwoReplicas replicas;
  replicas.RunFor(seconds(30));
  const int leader = replicas.Leader();
  ASSERT_NE(leader, -1);
  const int other = 1 - leader;

  const auto cut_at = replicas.clock_.Now();
  replicas.connections_[leader].cut = true;
  const auto other_led = replicas.RunFor(seconds(30))[other];
  ASSERT_TRUE(other_led);
  EXPECT_EQ(replicas.Leader(), other);
  // Not before the lease ran out since the last renewal was seen (at most one retry period
  // before the cut), and soon after.
  EXPECT_GE(*other_led - cut_at, seconds(15) - milliseconds(2400));
  EXPECT_LE(*other_led - cut_at, seconds(15) + milliseconds(2400) + milliseconds(100));

  // Back in touch, the former leader stays a follower.
  replicas.connections_[leader].cut = false;
  replicas.RunFor(seconds(30));
  EXPECT_EQ(replicas.Leader(), other);
}

TEST(LeaderElection, EndsTheTermAtTheDeadlineWhileARenewalHangs) {
  // Real time: Run's own timer must end the term while its loop is stuck in a request.
  MockLeaseStore store;
  LeaseRecord stored;
  std::promise<void> unhang;
  const auto hung = unhang.get_future().share();
  EXPECT_CALL(store, Get())
      .WillOnce(Return(Unexpected(ErrorOf(ErrorKind::kNotFound))))
      .WillRepeatedly(Invoke([&] { return Result<LeaseRecord>(stored); }));
  EXPECT_CALL(store, Create(_)).WillOnce(Invoke([&](const LeaseRecord& record) {
    stored = record;
    stored.resourceVersion = "1";
    return Result<LeaseRecord>(stored);
  }));
  EXPECT_CALL(store, Update(_)).WillRepeatedly(Invoke([&](const LeaseRecord&) {
    hung.wait();
    return Result<LeaseRecord>(Unexpected(ErrorOf(ErrorKind::kTimeout)));
  }));
  std::promise<void> stopped;
  std::atomic<int> stops{0};
  LeaderCallbacks callbacks{.onStoppedLeading = [&] {
    if (++stops == 1) stopped.set_value();
  }};
  LeaderElector elector({.leaseNamespace = "ns",
                         .leaseName = "lease",
                         .identity = "me",
                         .leaseDuration = milliseconds(600),
                         .renewDeadline = milliseconds(400),
                         .retryPeriod = milliseconds(100)},
                        store, callbacks);
  const auto started = std::chrono::steady_clock::now();
  std::jthread runner([&elector](const std::stop_token& stop) { elector.Run(stop); });
  // Destroyed before the runner, so the runner can be joined whatever happens below.
  const std::unique_ptr<std::promise<void>, void (*)(std::promise<void>*)> unhang_at_end(
      &unhang, [](std::promise<void>* promise) { promise->set_value(); });

  ASSERT_EQ(stopped.get_future().wait_for(seconds(10)), std::future_status::ready);
  EXPECT_FALSE(elector.IsLeader());
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(400));
  EXPECT_EQ(stops, 1);
}

}  // namespace
}  // namespace kdiag
