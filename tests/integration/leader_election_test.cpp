// Leader election against the real local control plane (KUBECONFIG points at it; see
// tests/CMakeLists.txt): two replicas in one process, on one Lease in a namespace of the
// test's own, with short durations so takeovers happen within seconds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>

#include "controller/client.h"
#include "controller/client_lease_store.h"
#include "controller/kubeconfig.h"
#include "controller/leader_elector.h"
#include "tests/integration/test_cluster.h"

namespace kdiag {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kLeaseName = "test-controller";
constexpr Duration kLeaseDuration = seconds(3);
constexpr Duration kRenewDeadline = seconds(2);
constexpr Duration kRetryPeriod = milliseconds(500);
constexpr Duration kMaxRetryWait = milliseconds(600);  // kRetryPeriod with the most jitter

// A MicroTime as the API server stores it: 2026-01-01T00:00:00.000000Z.
bool IsMicroTime(std::string_view text) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (text.size() != kShape.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool ok = kShape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

// Passes calls through to the API server until cut off, as a network partition would.
class CuttableStore : public LeaseStore {
 public:
  explicit CuttableStore(LeaseStore& store) : store_(store) {}
  Result<LeaseRecord> Get() override { return Cut() ? Unreachable() : store_.Get(); }
  Result<LeaseRecord> Create(const LeaseRecord& record) override {
    return Cut() ? Unreachable() : store_.Create(record);
  }
  Result<LeaseRecord> Update(const LeaseRecord& record) override {
    return Cut() ? Unreachable() : store_.Update(record);
  }
  std::atomic<bool> cut{false};

 private:
  bool Cut() const { return cut.load(); }
  static Result<LeaseRecord> Unreachable() {
    return Unexpected(TransportError("cut off by the test", false));
  }
  LeaseStore& store_;
};

// One replica: its own client, elector and thread, and the terms it led.
class Replica {
 public:
  struct Term {
    Clock::time_point start;
    std::optional<Clock::time_point> end;
  };

  Replica(const ClusterConfig& config, const std::string& ns, std::string name,
          bool release_on_stop = true)
      : client_(config, {.timeout = kRenewDeadline / 2, .retry = {.maxRetries = 0}}),
        lease_store_(client_, ns, kLeaseName),
        store_(lease_store_),
        elector_({.leaseNamespace = ns,
                  .leaseName = kLeaseName,
                  .identity = std::move(name) + "_" + MakeLeaderIdentity(),
                  .leaseDuration = kLeaseDuration,
                  .renewDeadline = kRenewDeadline,
                  .retryPeriod = kRetryPeriod,
                  .releaseOnStop = release_on_stop},
                 store_,
                 {.onStartedLeading = [this](const std::stop_token&) { Record(true); },
                  .onStoppedLeading = [this] { Record(false); }}),
        thread_([this](const std::stop_token& stop) { elector_.Run(stop); }) {}

  // Stops the elector's loop and waits for it: with release_on_stop a clean shutdown, else
  // what a kill -9 leaves behind (a lease nobody renews).
  void Stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  void CutOff() { store_.cut = true; }

  bool IsLeader() const { return elector_.IsLeader(); }
  const std::string& Identity() const { return elector_.Identity(); }
  std::vector<Term> Terms() const {
    const std::lock_guard lock(mutex_);
    return terms_;
  }

 private:
  void Record(bool started) {
    const std::lock_guard lock(mutex_);
    if (started) {
      terms_.push_back({Clock::now(), std::nullopt});
    } else if (!terms_.empty()) {
      terms_.back().end = Clock::now();
    }
  }

  Client client_;
  ClientLeaseStore lease_store_;
  CuttableStore store_;
  mutable std::mutex mutex_;
  std::vector<Term> terms_;
  LeaderElector elector_;
  std::jthread thread_;
};

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = std::make_unique<Client>(testing::TestCluster());
    ns_ = testing::CreateTestNamespace(*admin_, "leader");
  }
  void TearDown() override {
    StopSampling();
    for (auto& replica : replicas_) replica->Stop();
    ExpectTermsNeverOverlap();
    replicas_.clear();
    (void)admin_->Delete(resources::kNamespaces, "", ns_);
  }

  Replica& AddReplica(const std::string& name, bool release_on_stop = true) {
    replicas_.push_back(
        std::make_unique<Replica>(testing::TestCluster(), ns_, name, release_on_stop));
    return *replicas_.back();
  }

  // Checks, every few milliseconds until StopSampling, that no two replicas lead at once.
  void SampleLeaders() {
    sampler_ = std::jthread([this](const std::stop_token& stop) {
      while (!stop.stop_requested()) {
        int leaders = 0;
        for (const auto& replica : replicas_) leaders += replica->IsLeader() ? 1 : 0;
        if (leaders > 1) ++overlaps_;
        ++samples_;
        std::this_thread::sleep_for(milliseconds(2));
      }
    });
  }
  void StopSampling() {
    if (!sampler_.joinable()) return;
    sampler_.request_stop();
    sampler_.join();
    EXPECT_EQ(overlaps_, 0) << "two replicas led at once in " << overlaps_ << " of " << samples_
                            << " samples";
  }

  // The replica that leads, once one does within `limit`; nullptr otherwise.
  Replica* WaitForLeader(Duration limit, const Replica* other_than = nullptr) {
    for (const auto end = Clock::now() + limit; Clock::now() < end;) {
      for (const auto& replica : replicas_) {
        if (replica.get() != other_than && replica->IsLeader()) return replica.get();
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return nullptr;
  }

  nlohmann::json Lease() {
    auto lease = admin_->Get(resources::kLeases, ns_, kLeaseName);
    EXPECT_TRUE(lease) << lease.error().Describe();
    return lease ? (*lease)["spec"] : nlohmann::json();
  }

  // What "no object is reconciled by both" needs: every term of one replica ended before any
  // term of another began, or began after it ended.
  void ExpectTermsNeverOverlap() {
    for (size_t i = 0; i < replicas_.size(); ++i) {
      for (size_t j = i + 1; j < replicas_.size(); ++j) {
        for (const auto& a : replicas_[i]->Terms()) {
          for (const auto& b : replicas_[j]->Terms()) {
            const bool a_first = a.end && *a.end <= b.start;
            const bool b_first = b.end && *b.end <= a.start;
            EXPECT_TRUE(a_first || b_first) << replicas_[i]->Identity() << " and "
                                            << replicas_[j]->Identity() << " led at once";
          }
        }
      }
    }
  }

  std::unique_ptr<Client> admin_;
  std::string ns_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::jthread sampler_;
  std::atomic<int> overlaps_{0};
  std::atomic<int> samples_{0};
};
TEST_F(LeaderElectionTest, ExactlyOneOfTwoLeadsAndTheLeaseSaysWhich) {
  AddReplica("a");
  AddReplica("b");
  SampleLeaders();
  Replica* leader = WaitForLeader(seconds(5));
  ASSERT_NE(leader, nullptr) << "nobody led";
  // Through several renewals.
  for (const auto end = Clock::now() + 2 * kLeaseDuration; Clock::now() < end;) {
    ASSERT_TRUE(leader->IsLeader());
    std::this_thread::sleep_for(milliseconds(50));
  }
  const auto spec = Lease();
  EXPECT_EQ(spec["holderIdentity"], leader->Identity());
  EXPECT_EQ(spec["leaseDurationSeconds"], 3);
  EXPECT_EQ(spec["leaseTransitions"], 0) << "the creator's term is not a transition";
  EXPECT_TRUE(IsMicroTime(spec.value("renewTime", ""))) << spec.dump();
  EXPECT_TRUE(IsMicroTime(spec.value("acquireTime", ""))) << spec.dump();
  EXPECT_EQ(leader->Terms().size(), 1u);
}

TEST_F(LeaderElectionTest, ACleanStopHandsTheLeaseOverAtOnce) {
  AddReplica("a");
  AddReplica("b");
  SampleLeaders();
  Replica* leader = WaitForLeader(seconds(5));
  ASSERT_NE(leader, nullptr);

  const auto stopped = Clock::now();
  leader->Stop();
  EXPECT_FALSE(leader->IsLeader());
  Replica* next = WaitForLeader(seconds(3), leader);
  ASSERT_NE(next, nullptr) << "nobody took over within 3 s of the release";
  // Well before the lease would have run out: the release, not expiry, handed it over.
  EXPECT_LT(Clock::now() - stopped, kLeaseDuration - milliseconds(500));
  const auto spec = Lease();
  EXPECT_EQ(spec["holderIdentity"], next->Identity());
  EXPECT_EQ(spec["leaseTransitions"], 1);
}

TEST_F(LeaderElectionTest, AKilledLeadersLeaseIsTakenOverOnceItRunsOut) {
  AddReplica("a", /*release_on_stop=*/false);
  AddReplica("b", /*release_on_stop=*/false);
  SampleLeaders();
  Replica* leader = WaitForLeader(seconds(5));
  ASSERT_NE(leader, nullptr);
  const std::string holder = leader->Identity();

  const auto killed = Clock::now();
  leader->Stop();
  EXPECT_EQ(Lease()["holderIdentity"], holder) << "a killed replica releases nothing";
  Replica* next = WaitForLeader(kLeaseDuration + seconds(3), leader);
  ASSERT_NE(next, nullptr) << "nobody took over";
  const auto waited = Clock::now() - killed;
  // Its last renewal was at most a retry period before the kill, and the other saw it at
  // most one of its own retry periods later.
  EXPECT_GE(waited, kLeaseDuration - kRetryPeriod);
  EXPECT_LE(waited, kLeaseDuration + kMaxRetryWait + seconds(1));
  EXPECT_EQ(Lease()["holderIdentity"], next->Identity());
}

TEST_F(LeaderElectionTest, ACutOffLeaderStepsDownBeforeTheOtherTakesOver) {
  AddReplica("a");
  AddReplica("b");
  SampleLeaders();
  Replica* leader = WaitForLeader(seconds(5));
  ASSERT_NE(leader, nullptr);

  const auto cut = Clock::now();
  leader->CutOff();
  Replica* next = WaitForLeader(kLeaseDuration + seconds(3), leader);
  ASSERT_NE(next, nullptr) << "nobody took over";
  ASSERT_EQ(leader->Terms().size(), 1u);
  const auto stepped_down = leader->Terms().back().end;
  ASSERT_TRUE(stepped_down) << "the cut-off leader went on leading";
  EXPECT_LE(*stepped_down - cut, kRenewDeadline + milliseconds(100));
  EXPECT_LT(*stepped_down, next->Terms().front().start);
}

}  // namespace
}  // namespace kdiag
