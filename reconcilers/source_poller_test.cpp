#include "reconcilers/source_poller.h"

#include <gtest/gtest.h>

#include <atomic>

namespace kdiag {
namespace {

// Counts its polls and answers with the count.
class CountingSource : public InfrastructureSource {
 public:
  explicit CountingSource(std::string name, bool throws = false)
      : name_(std::move(name)), throws_(throws) {}
  SourceResult Poll() override {
    const int n = ++polls;
    if (throws_) throw std::runtime_error("broken source");
    return {.source = name_, .type = "httpProbe", .error = "poll " + std::to_string(n)};
  }
  std::atomic<int> polls = 0;

 private:
  std::string name_;
  bool throws_;
};

template <typename Predicate>
bool Eventually(Predicate predicate) {
  for (int i = 0; i < 200; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(SourcePoller, PollsEachSourceOnItsOwnInterval) {
  auto fast = std::make_unique<CountingSource>("fast");
  auto slow = std::make_unique<CountingSource>("slow");
  auto broken = std::make_unique<CountingSource>("broken", true);
  CountingSource* fast_ptr = fast.get();
  CountingSource* slow_ptr = slow.get();
  std::vector<PolledSource> sources;
  sources.push_back({std::move(fast), std::chrono::milliseconds(20)});
  sources.push_back({std::move(slow), std::chrono::hours(1)});
  sources.push_back({std::move(broken), std::chrono::hours(1)});
  SourcePoller poller(std::move(sources), nullptr);
  EXPECT_TRUE(poller.Snapshot().sources.empty());  // nothing before Start
  poller.Start();
  EXPECT_TRUE(Eventually([&] { return fast_ptr->polls >= 5; }));
  poller.Stop();
  EXPECT_EQ(slow_ptr->polls, 1);
  const auto signals = poller.Snapshot();
  ASSERT_EQ(signals.sources.size(), 3u);
  EXPECT_EQ(signals.sources[0].source, "fast");
  EXPECT_EQ(signals.sources[1].error, "poll 1");
  EXPECT_EQ(signals.sources[2].error, "broken source");
  EXPECT_TRUE(signals.apiServer.empty());
}

TEST(SourcePoller, StopsPromptlyWhileWaiting) {
  std::vector<PolledSource> sources;
  sources.push_back({std::make_unique<CountingSource>("idle"), std::chrono::hours(1)});
  SourcePoller poller(std::move(sources), nullptr);
  poller.Start();
  EXPECT_TRUE(Eventually([&] { return poller.Snapshot().sources.size() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  poller.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace kdiag
