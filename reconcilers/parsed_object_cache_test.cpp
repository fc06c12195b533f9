#include "reconcilers/parsed_object_cache.h"

#include <gtest/gtest.h>

#include "controller/object_decoder.h"
#include "reconcilers/api_log_tail.h"

namespace kdiag {
namespace {

CachedObjectPtr Decode(std::string_view json) {
  ObjectDecoder decoder;
  auto decoded = decoder.DecodeObject(json);
  EXPECT_TRUE(decoded);
  return *decoded;
}

constexpr std::string_view kPod =
    R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop",
        "uid": "5d2c8a4e-1b7f-4c3a-9e0d-2f6b8a1c4d7e", "resourceVersion": "41"}})";

TEST(ParsedObjectCache, ParsesAnObjectOnceWhileItIsAlive) {
  ParsedObjectCache cache;
  int parses = 0;
  auto parse = [&](const CachedObject& object) {
    ++parses;
    return std::make_shared<const nlohmann::json>(object.Parse());
  };
  const auto pod = Decode(kPod);
  const auto first = cache.Get(pod, parse);
  const auto second = cache.Get(pod, parse);
  EXPECT_EQ(first, second);
  EXPECT_EQ(parses, 1);
  EXPECT_EQ((*first)["metadata"]["name"], "web");

  // A new version of the object is a new cached object: parsed afresh.
  const auto updated = Decode(kPod);
  EXPECT_NE(cache.Get(updated, parse), first);
  EXPECT_EQ(parses, 2);
}

TEST(ParsedObjectCache, StaysWithinItsBound) {
  ParsedObjectCache cache(2);
  auto parse = [](const CachedObject& object) {
    return std::make_shared<const nlohmann::json>(object.Parse());
  };
  std::vector<CachedObjectPtr> alive;
  for (int i = 0; i < 5; ++i) {
    alive.push_back(Decode(kPod));
    cache.Get(alive.back(), parse);
  }
  EXPECT_LE(cache.Size(), 2u);
}

TEST(LogTailCache, KeepsATailByContainerInstance) {
  LogTailCache cache(2);
  EXPECT_FALSE(cache.Get("uid/app/3"));
  cache.Put("uid/app/3", "panic: nil map");
  EXPECT_EQ(cache.Get("uid/app/3"), "panic: nil map");
  EXPECT_FALSE(cache.Get("uid/app/4"));  // the next crash is another log
}

}  // namespace
}  // namespace kdiag
