#include "controller/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "controller/testing/objects.h"

namespace kdiag {
namespace {

using testing::Pod;

std::vector<std::string> Names(const std::vector<CachedObjectPtr>& objects) {
  std::vector<std::string> names;
  for (const auto& object : objects) names.emplace_back(object->name());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Store, UpsertsAndRemoves) {
  Store store;
  EXPECT_EQ(store.Upsert(Pod({.name = "a", .resourceVersion = "1"})), nullptr);
  const auto before = store.Upsert(Pod({.name = "a", .resourceVersion = "2"}));
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->resourceVersion(), "1");
  EXPECT_EQ(store.Get("shop", "a")->resourceVersion(), "2");
  EXPECT_EQ(store.Size(), 1U);
  EXPECT_EQ(store.Remove("shop", "a")->resourceVersion(), "2");
  EXPECT_EQ(store.Remove("shop", "a"), nullptr);
  EXPECT_EQ(store.Get("shop", "a"), nullptr);
  EXPECT_EQ(store.Size(), 0U);
  EXPECT_EQ(store.ObjectBytes(), 0U);
}

TEST(Store, ListsANamespace) {
  Store store;
  store.Upsert(Pod({.ns = "a", .name = "x"}));
  store.Upsert(Pod({.ns = "ab", .name = "y"}));
  store.Upsert(Pod({.ns = "b", .name = "z"}));
  store.Upsert(Pod({.ns = "a", .name = "w"}));
  EXPECT_THAT(Names(store.ListNamespace("a")), ::testing::ElementsAre("w", "x"));
  EXPECT_THAT(Names(store.ListNamespace("c")), ::testing::IsEmpty());
  EXPECT_EQ(store.List().size(), 4U);
}

TEST(Store, IndexesByOwnerNodeAndInvolvedObject) {
  Store store;
  store.Upsert(Pod({.name = "a",
                    .nodeName = "n1",
                    .ownerKind = "ReplicaSet",
                    .ownerName = "rs",
                    .ownerUid = "rs-1"}));
  store.Upsert(Pod({.name = "b",
                    .nodeName = "n1",
                    .ownerKind = "ReplicaSet",
                    .ownerName = "rs",
                    .ownerUid = "rs-1"}));
  store.Upsert(Pod({.name = "c", .nodeName = "n2"}));
  EXPECT_THAT(Names(store.ByIndex(StoreIndex::kOwnerUid, "rs-1")),
              ::testing::ElementsAre("a", "b"));
  EXPECT_THAT(Names(store.ByIndex(StoreIndex::kNodeName, "n1")), ::testing::ElementsAre("a", "b"));

  // Moving and removing keep the indexes right.
  store.Upsert(Pod({.name = "a", .resourceVersion = "2", .nodeName = "n2"}));
  EXPECT_THAT(Names(store.ByIndex(StoreIndex::kNodeName, "n1")), ::testing::ElementsAre("b"));
  EXPECT_THAT(Names(store.ByIndex(StoreIndex::kNodeName, "n2")), ::testing::ElementsAre("a", "c"));
  EXPECT_THAT(Names(store.ByIndex(StoreIndex::kOwnerUid, "rs-1")), ::testing::ElementsAre("b"));
  store.Remove("shop", "b");
  EXPECT_THAT(store.ByIndex(StoreIndex::kNodeName, "n1"), ::testing::IsEmpty());
  EXPECT_THAT(store.ByIndex(StoreIndex::kOwnerUid, "rs-1"), ::testing::IsEmpty());

  ObjectDecoder decoder;
  store.Upsert(*decoder.DecodeObject(
      R"({"metadata":{"name":"e","namespace":"shop","uid":"e1"},"involvedObject":{"uid":"uid-c"}})"));
  EXPECT_THAT(Names(store.ByIndex(StoreIndex::kInvolvedObjectUid, "uid-c")),
              ::testing::ElementsAre("e"));
}

TEST(Store, ReplaceReportsEveryDifferenceIncludingMissedDeletions) {
  Store store;
  store.Upsert(Pod({.name = "kept", .resourceVersion = "1"}));
  store.Upsert(Pod({.name = "changed", .resourceVersion = "1"}));
  store.Upsert(Pod({.name = "gone", .resourceVersion = "1", .nodeName = "n1"}));
  store.Upsert(Pod({.name = "recreated", .uid = "old", .resourceVersion = "1"}));

  const auto changes =
      store.Replace({Pod({.name = "kept", .resourceVersion = "1"}),
                     Pod({.name = "changed", .resourceVersion = "5"}),
                     Pod({.name = "new", .resourceVersion = "6"}),
                     Pod({.name = "recreated", .uid = "new", .resourceVersion = "1"})});
  std::vector<std::string> described;
  for (const auto& change : changes) {
    const auto& object = change.after ? change.after : change.before;
    described.push_back(std::string(object->name()) + (change.before ? "" : " added") +
                        (change.after ? "" : " deleted") +
                        (change.before && change.after ? " updated" : ""));
  }
  EXPECT_THAT(described, ::testing::UnorderedElementsAre("changed updated", "gone deleted",
                                                         "new added", "recreated updated"));
  EXPECT_EQ(store.Size(), 4U);
  EXPECT_EQ(store.Get("shop", "gone"), nullptr);
  EXPECT_THAT(store.ByIndex(StoreIndex::kNodeName, "n1"), ::testing::IsEmpty());
}

TEST(Store, ReadersKeepWhatTheyWereHandedAcrossAReplace) {
  Store store;
  store.Upsert(Pod({.name = "a"}));
  const auto held = store.Get("shop", "a");
  store.Replace({});
  EXPECT_EQ(held->name(), "a");  // still valid: shared ownership
  EXPECT_EQ(store.Size(), 0U);
}

TEST(Store, ManyReadersAndOneWriter) {
  Store store;
  std::atomic<bool> done = false;
  std::vector<std::jthread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        for (const auto& object : store.ListNamespace("shop")) ASSERT_FALSE(object->name().empty());
        (void)store.ByIndex(StoreIndex::kNodeName, "n1");
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    const std::string name = "p" + std::to_string(i % 50);
    if (i % 7 == 0) {
      store.Remove("shop", name);
    } else {
      store.Upsert(Pod(
          {.name = name, .resourceVersion = std::to_string(i), .nodeName = i % 2 ? "n1" : "n2"}));
    }
    if (i % 500 == 0) store.Replace({Pod({.name = "p1"})});
  }
  done = true;
}

}  // namespace
}  // namespace kdiag
