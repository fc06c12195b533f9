#include "controller/reconcile_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "controller/testing/objects.h"

namespace kdiag {
namespace {

using testing::Pod;

TEST(SpecChanged, CountsSpecChangesDeletionsAndNewObjectsOnly) {
  const auto v1 = Pod({.name = "a", .resourceVersion = "1", .generation = 1});
  const auto status_only = Pod({.name = "a", .resourceVersion = "2", .generation = 1});
  const auto spec = Pod({.name = "a", .resourceVersion = "3", .generation = 2});
  const auto deleting =
      Pod({.name = "a", .resourceVersion = "4", .generation = 2, .deleting = true});
  const auto recreated =
      Pod({.name = "a", .uid = "other", .resourceVersion = "5", .generation = 1});
  EXPECT_TRUE(SpecChanged({nullptr, v1}));
  EXPECT_TRUE(SpecChanged({v1, nullptr}));
  EXPECT_FALSE(SpecChanged({v1, status_only}));
  EXPECT_TRUE(SpecChanged({status_only, spec}));
  EXPECT_TRUE(SpecChanged({spec, deleting}));
  EXPECT_TRUE(SpecChanged({v1, recreated}));
  // Without generations (ConfigMaps, ...), every update counts.
  EXPECT_TRUE(SpecChanged(
      {Pod({.name = "c", .resourceVersion = "1"}), Pod({.name = "c", .resourceVersion = "2"})}));
}

TEST(ReconcileLoop, ReconcilesRetriesFailuresAndRequeues) {
  std::mutex mutex;
  std::map<std::string, int> calls;
  std::stop_source stop;
  ReconcileLoop loop(
      {.name = "test", .workers = 2, .queue = {.baseDelay = std::chrono::milliseconds(1)}},
      [&](const std::string& key, std::stop_token) -> ReconcileOutcome {
        int call = 0;
        {
          const std::lock_guard lock(mutex);
          call = ++calls[key];
        }
        if (key == "shop/flaky" && call < 3) return tl::unexpected(std::string("not yet"));
        if (key == "shop/periodic" && call < 3) {
          return ReconcileResult::RequeueAfter(std::chrono::milliseconds(5));
        }
        if (key == "shop/throws") throw std::runtime_error("boom");
        return ReconcileResult::Done();
      });
  loop.Enqueue("shop/ok");
  loop.Enqueue("shop/flaky");
  loop.Enqueue("shop/periodic");
  loop.Enqueue("shop/throws");
  std::jthread runner([&] { loop.Run(stop.get_token()); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      const std::lock_guard lock(mutex);
      if (calls["shop/flaky"] >= 3 && calls["shop/periodic"] >= 3 && calls["shop/throws"] >= 2)
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop.request_stop();
  runner.join();
  const std::lock_guard lock(mutex);
  EXPECT_EQ(calls["shop/ok"], 1);
  EXPECT_EQ(calls["shop/flaky"], 3);
  EXPECT_EQ(calls["shop/periodic"], 3);
  EXPECT_GE(calls["shop/throws"], 2);  // retried, the process not lost
}

TEST(ControllerOwnerKey, MapsOwnedObjectsToTheirControllerOfTheRightKind) {
  const auto owned = Pod({.name = "debug-pod",
                          .ownerKind = "TroubleshootSession",
                          .ownerApiVersion = "kdiag.dev/v1alpha1",
                          .ownerName = "s1",
                          .ownerUid = "u1"});
  EXPECT_EQ(ControllerOwnerKey(*owned, "kdiag.dev", "TroubleshootSession"), "shop/s1");
  EXPECT_EQ(ControllerOwnerKey(*owned, "other.dev", "TroubleshootSession"), std::nullopt);
  const auto foreign =
      Pod({.name = "web-0", .ownerKind = "ReplicaSet", .ownerName = "rs", .ownerUid = "u2"});
  EXPECT_EQ(ControllerOwnerKey(*foreign, "kdiag.dev", "TroubleshootSession"), std::nullopt);
  EXPECT_EQ(ControllerOwnerKey(*foreign, "apps", "ReplicaSet"), "shop/rs");
  EXPECT_EQ(ControllerOwnerKey(*Pod({.name = "bare"}), "apps", "ReplicaSet"), std::nullopt);
}

}  // namespace
}  // namespace kdiag
