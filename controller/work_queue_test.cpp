#include "controller/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace kdiag {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class WorkQueueTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  WorkQueue queue_{{.name = "test"}, clock_};
};

TEST_F(WorkQueueTest, HandsOutKeysInOrderOnce) {
  queue_.Add("a");
  queue_.Add("b");
  queue_.Add("a");
  EXPECT_EQ(queue_.Len(), 2U);
  EXPECT_EQ(queue_.TryGet(), "a");
  EXPECT_EQ(queue_.TryGet(), "b");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, AKeyBeingWorkedOnComesBackOnlyWhenDone) {
  queue_.Add("a");
  ASSERT_EQ(queue_.TryGet(), "a");
  queue_.Add("a");  // changed again while a worker holds it
  queue_.Add("a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);  // never to a second worker at once
  queue_.Done("a");
  EXPECT_EQ(queue_.TryGet(), "a");
  queue_.Done("a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, DelaysAddsAndKeepsTheEarliestTime) {
  queue_.AddAfter("a", seconds(10));
  queue_.AddAfter("a", seconds(3));
  queue_.AddAfter("a", seconds(20));
  clock_.Advance(seconds(2));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(seconds(1));
  EXPECT_EQ(queue_.TryGet(), "a");
  queue_.Done("a");
  clock_.Advance(seconds(30));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);  // the later times were merged into the first
}

TEST_F(WorkQueueTest, BacksOffPerKeyExponentiallyUpToTheMaximum) {
  // A queue without the overall bucket, to see the per-key delays alone.
  WorkQueue queue({.qps = 0}, clock_);
  const auto delay_of_next_failure = [&] {
    queue.AddRateLimited("a");
    Duration waited{0};
    while (!queue.TryGet()) {
      clock_.Advance(milliseconds(1));
      waited += milliseconds(1);
    }
    queue.Done("a");
    return waited.count();
  };
  EXPECT_EQ(delay_of_next_failure(), 5);
  EXPECT_EQ(delay_of_next_failure(), 10);
  EXPECT_EQ(delay_of_next_failure(), 20);
  EXPECT_EQ(queue.Retries("a"), 3);
  queue.Forget("a");
  EXPECT_EQ(queue.Retries("a"), 0);
  EXPECT_EQ(delay_of_next_failure(), 5);

  for (int i = 0; i < 40; ++i) {  // 5 ms * 2^40 is far over the cap
    queue.AddRateLimited("b");
    clock_.Advance(seconds(1000));
    ASSERT_EQ(queue.TryGet(), "b");
    queue.Done("b");
  }
  queue.AddRateLimited("b");
  clock_.Advance(seconds(999));
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  clock_.Advance(seconds(1));
  EXPECT_EQ(queue.TryGet(), "b");
}

TEST_F(WorkQueueTest, TheOverallBucketSpreadsOutManyFailingKeys) {
  WorkQueue queue({.qps = 10, .burst = 2}, clock_);
  for (int i = 0; i < 5; ++i) queue.AddRateLimited("k" + std::to_string(i));
  clock_.Advance(milliseconds(5));
  // The burst of two is due after the per-key 5 ms; the rest wait for tokens, 100 ms apart.
  EXPECT_TRUE(queue.TryGet());
  EXPECT_TRUE(queue.TryGet());
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  clock_.Advance(milliseconds(100));
  EXPECT_TRUE(queue.TryGet());
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  clock_.Advance(milliseconds(200));
  EXPECT_TRUE(queue.TryGet());
  EXPECT_TRUE(queue.TryGet());
}

TEST_F(WorkQueueTest, ShutDownStopsHandingOutAndDrainWaitsForWorkers) {
  WorkQueue queue;  // the real clock: Get blocks for real
  queue.Add("a");
  queue.Add("b");
  const auto held = queue.Get({});
  ASSERT_EQ(held, "a");
  std::atomic<bool> drained = false;
  std::jthread drainer([&] {
    queue.ShutDownAndDrain();
    drained = true;
  });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(drained);  // "a" is still being worked on
  EXPECT_EQ(queue.Get({}), std::nullopt);
  queue.Add("c");
  queue.Done("a");
  drainer.join();
  EXPECT_TRUE(drained);
  EXPECT_EQ(queue.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, GetWaitsForADelayedKeyAndWakesOnStop) {
  WorkQueue queue;
  queue.AddAfter("a", milliseconds(30));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(queue.Get({}), "a");
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(25));

  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(milliseconds(30));
    stop.request_stop();
  });
  EXPECT_EQ(queue.Get(stop.get_token()), std::nullopt);
}

TEST_F(WorkQueueTest, ConcurrentWorkersNeverShareAKey) {
  WorkQueue queue;
  std::mutex mutex;
  std::set<std::string> in_progress;
  std::atomic<int> handled = 0;
  std::atomic<bool> overlap = false;
  std::stop_source stop;
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.Get(stop.get_token())) {
        {
          const std::lock_guard lock(mutex);
          if (!in_progress.insert(*key).second) overlap = true;
        }
        std::this_thread::yield();
        {
          const std::lock_guard lock(mutex);
          in_progress.erase(*key);
        }
        ++handled;
        queue.Done(*key);
      }
    });
  }
  for (int i = 0; i < 5000; ++i) queue.Add("k" + std::to_string(i % 7));
  while (queue.Len() > 0) std::this_thread::yield();
  queue.ShutDownAndDrain();
  stop.request_stop();
  workers.clear();
  EXPECT_FALSE(overlap);
  EXPECT_GE(handled.load(), 7);
}

}  // namespace
}  // namespace kdiag
