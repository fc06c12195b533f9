#include "controller/object_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "controller/watch_stream.h"

namespace kdiag {
namespace {

using json = nlohmann::json;

// A pod of a Deployment as kube-apiserver v1.33 returned it, managedFields included.
std::string PodFixture() {
  std::ifstream in(std::string(KDIAG_SOURCE_DIR) + "/controller/testdata/pod.json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Events as kube-apiserver v1.33 writes them (a pod trimmed for brevity, bookmarks, a 410).
const std::string kAdded =
    R"json({"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop","uid":"5d0c6f6e-3a51-4bde-9e22-0c1f3b1d7a11","resourceVersion":"1207","labels":{"app":"web","note":"caf\u00e9 ☕"}},"spec":{"nodeName":"kwok-node-0"},"status":{"phase":"Running"}}})json";
const std::string kBookmark =
    R"json({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"1310","creationTimestamp":null},"spec":{"containers":null},"status":{}}})json";
const std::string kInitialEventsEnd =
    R"json({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"1311","creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}},"spec":{"containers":null},"status":{}}})json";
const std::string kGone =
    R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2213)","reason":"Expired","code":410}})json";

class ObjectDecoderTest : public ::testing::Test {
 protected:
  // Through the framer, which provides the padding the decoder relies on.
  Result<WatchEvent> Decode(const std::string& line) {
    LineFramer framer;
    Result<WatchEvent> result = Unexpected(ApiError{});
    framer.Feed(line + "\n",
                [&](std::string_view framed) { result = decoder_.DecodeWatchEvent(framed); });
    return result;
  }

  ObjectDecoder decoder_;
};

TEST_F(ObjectDecoderTest, DecodesAnObjectEvent) {
  const auto event = Decode(kAdded);
  ASSERT_TRUE(event) << event.error().Describe();
  EXPECT_EQ(event->type, WatchEventType::kAdded);
  EXPECT_EQ(event->resourceVersion, "1207");
  const CachedObject& pod = *event->object;
  EXPECT_EQ(pod.name(), "web-0");
  EXPECT_EQ(pod.ns(), "shop");
  EXPECT_EQ(pod.uid(), "5d0c6f6e-3a51-4bde-9e22-0c1f3b1d7a11");
  EXPECT_EQ(pod.resourceVersion(), "1207");
  EXPECT_EQ(pod.nodeName(), "kwok-node-0");
  EXPECT_EQ(pod.Key(), "shop/web-0");
  EXPECT_EQ(pod.Parse(), json::parse(kAdded)["object"]);
  EXPECT_EQ(pod.Parse()["metadata"]["labels"]["note"], "café ☕");
}

TEST_F(ObjectDecoderTest, DecodesBookmarks) {
  const auto bookmark = Decode(kBookmark);
  ASSERT_TRUE(bookmark) << bookmark.error().Describe();
  EXPECT_EQ(bookmark->type, WatchEventType::kBookmark);
  EXPECT_EQ(bookmark->resourceVersion, "1310");
  EXPECT_FALSE(bookmark->initialEventsEnd);
  EXPECT_EQ(bookmark->object, nullptr);

  const auto end = Decode(kInitialEventsEnd);
  ASSERT_TRUE(end) << end.error().Describe();
  EXPECT_TRUE(end->initialEventsEnd);
  EXPECT_EQ(end->resourceVersion, "1311");
}

TEST_F(ObjectDecoderTest, DecodesAnErrorEventAsATypedError) {
  const auto event = Decode(kGone);
  ASSERT_TRUE(event) << event.error().Describe();
  EXPECT_EQ(event->type, WatchEventType::kError);
  ASSERT_TRUE(event->error);
  EXPECT_EQ(event->error->kind, ErrorKind::kGone);
  EXPECT_EQ(event->error->httpCode, 410);
  EXPECT_THAT(event->error->message, ::testing::HasSubstr("too old resource version"));
}

TEST_F(ObjectDecoderTest, ReadsAnObjectThatComesBeforeItsType) {
  const std::string line =
      R"({"object":{"metadata":{"name":"a","uid":"u-1","resourceVersion":"9"}},"type":"MODIFIED"})";
  const auto event = Decode(line);
  ASSERT_TRUE(event) << event.error().Describe();
  EXPECT_EQ(event->type, WatchEventType::kModified);
  EXPECT_EQ(event->object->name(), "a");
  EXPECT_EQ(event->resourceVersion, "9");
}

TEST_F(ObjectDecoderTest, ReportsGarbageWithoutThrowing) {
  for (const std::string bad :
       {"garbage", "[1,2]", R"({"type":"ADDED"})", R"({"type":"EXPLODED","object":{}})",
        R"({"type":"ADDED","object":{"kind":"Pod"}})",
        R"({"type":"ADDED","object":{"metadata":{"name":"x"}}})", R"({"type":"ADDED","object":)",
        R"({"type":"ADDED","object":{"metadata":{"name":"x","uid":7}}})",
        R"({"type":"ADDED","object":{"metadata":{"name":"x","uid":"u","ownerReferences":{}}}})",
        R"({"type":"BOOKMARK","object":{"metadata":{}}})", R"({"type":7,"object":{}})",
        "\xff\xfe\x00"}) {
    const auto event = Decode(bad);
    ASSERT_FALSE(event) << bad;
    EXPECT_EQ(event.error().kind, ErrorKind::kDecode) << bad;
    EXPECT_THAT(event.error().message, ::testing::StartsWith("malformed watch event")) << bad;
  }
  // The decoder is still usable after garbage.
  EXPECT_TRUE(Decode(kAdded));
}

TEST_F(ObjectDecoderTest, KeepsEverythingButManagedFieldsAndTheLastAppliedAnnotation) {
  json pod = json::parse(PodFixture());
  ASSERT_TRUE(pod["metadata"].contains("managedFields"));
  pod["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
      R"({"apiVersion":"v1","kind":"Pod"})";
  const auto decoded = decoder_.DecodeObject(pod.dump());
  ASSERT_TRUE(decoded) << decoded.error().Describe();

  json expected = pod;
  expected["metadata"].erase("managedFields");
  expected["metadata"]["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
  EXPECT_EQ((*decoded)->Parse(), expected);
  EXPECT_EQ((*decoded)->nodeName(), pod["spec"]["nodeName"]);
  EXPECT_EQ((*decoded)->generation(), 1);
  EXPECT_FALSE((*decoded)->deleting());
}

TEST_F(ObjectDecoderTest, KeepsOnlyWhatAProjectionNames) {
  ObjectDecoder decoder(Projection::Only({"spec.containers.name", "spec.containers.image", "status",
                                          "-status.conditions.lastProbeTime"}));
  const json pod = json::parse(PodFixture());
  const auto decoded = decoder.DecodeObject(pod.dump());
  ASSERT_TRUE(decoded) << decoded.error().Describe();
  const json kept = (*decoded)->Parse();

  EXPECT_EQ(kept["metadata"]["labels"], pod["metadata"]["labels"]);
  EXPECT_EQ(kept["metadata"]["ownerReferences"], pod["metadata"]["ownerReferences"]);
  EXPECT_FALSE(kept["metadata"].contains("managedFields"));
  EXPECT_FALSE(kept.contains("kind"));
  // Lists are transparent: the rule applies to every container.
  ASSERT_EQ(kept["spec"]["containers"].size(), 2U);
  EXPECT_EQ(kept["spec"]["containers"][1],
            json({{"name", "sidecar"}, {"image", "registry.example.com/shop/log-shipper:2.3.0"}}));
  EXPECT_FALSE(kept["spec"].contains("volumes"));
  // Fields the cache indexes by are read even when the projection leaves them out.
  EXPECT_FALSE(kept["spec"].contains("nodeName"));
  EXPECT_EQ((*decoded)->nodeName(), pod["spec"]["nodeName"]);
  EXPECT_EQ(kept["status"]["phase"], "Running");
  EXPECT_FALSE(kept["status"]["conditions"][0].contains("lastProbeTime"));
  EXPECT_TRUE(kept["status"]["conditions"][0].contains("lastTransitionTime"));
  EXPECT_LT((*decoded)->Json().size(), pod.dump().size() / 3);
}

TEST_F(ObjectDecoderTest, ReadsOwnerReferences) {
  const auto decoded = decoder_.DecodeObject(PodFixture());
  ASSERT_TRUE(decoded);
  const auto owners = (*decoded)->owners();
  ASSERT_EQ(owners.size(), 1U);
  EXPECT_EQ(owners[0].apiVersion, "apps/v1");
  EXPECT_EQ(owners[0].kind, "ReplicaSet");
  EXPECT_EQ(owners[0].name, "web-c7d5bf647");
  EXPECT_EQ(owners[0].uid, "c82f6edd-7581-4f28-af9c-e896b24671bd");
  EXPECT_TRUE(owners[0].controller);
  ASSERT_TRUE((*decoded)->controllerOwner());
  EXPECT_EQ((*decoded)->controllerOwner()->name, "web-c7d5bf647");

  // Dropped by the projection: still read.
  ObjectDecoder slim(Projection::Only({"status.phase", "-metadata.ownerReferences"}));
  const auto slimmed = slim.DecodeObject(PodFixture());
  ASSERT_TRUE(slimmed);
  EXPECT_FALSE((*slimmed)->Parse()["metadata"].contains("ownerReferences"));
  ASSERT_EQ((*slimmed)->owners().size(), 1U);
  EXPECT_EQ((*slimmed)->owners()[0].uid, "c82f6edd-7581-4f28-af9c-e896b24671bd");
}

TEST_F(ObjectDecoderTest, UnescapesIndexedFieldsWrittenWithEscapes) {
  const auto decoded = decoder_.DecodeObject(
      R"({"metadata":{"name":"a\u0026b","uid":"u\"1","deletionTimestamp":"2026-01-01T00:00:00Z",
          "generation":4}})");
  ASSERT_TRUE(decoded) << decoded.error().Describe();
  EXPECT_EQ((*decoded)->name(), "a&b");
  EXPECT_EQ((*decoded)->uid(), "u\"1");
  EXPECT_EQ((*decoded)->Parse()["metadata"]["name"], "a&b");
  EXPECT_TRUE((*decoded)->deleting());
  EXPECT_EQ((*decoded)->generation(), 4);
}

TEST_F(ObjectDecoderTest, ReadsWhatAnEventIsAbout) {
  const auto core = decoder_.DecodeObject(
      R"({"metadata":{"name":"web-0.1","namespace":"shop","uid":"e1"},"involvedObject":{"kind":"Pod","name":"web-0","uid":"p1"},"reason":"BackOff"})");
  ASSERT_TRUE(core);
  EXPECT_EQ((*core)->involvedObjectUid(), "p1");
  const auto modern = decoder_.DecodeObject(
      R"({"metadata":{"name":"web-0.2","namespace":"shop","uid":"e2"},"regarding":{"kind":"Pod","name":"web-0","uid":"p2"},"reason":"BackOff"})");
  ASSERT_TRUE(modern);
  EXPECT_EQ((*modern)->involvedObjectUid(), "p2");
}

TEST_F(ObjectDecoderTest, DecodesAListPage) {
  const json pod = json::parse(PodFixture());
  json list = {
      {"kind", "PodList"},
      {"apiVersion", "v1"},
      {"metadata", {{"resourceVersion", "4242"}, {"continue", "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"}}},
      {"items", {pod, pod}}};
  list["items"][1]["metadata"]["name"] = "web-2";
  const auto page = decoder_.DecodeList(simdjson::padded_string(list.dump()));
  ASSERT_TRUE(page) << page.error().Describe();
  EXPECT_EQ(page->resourceVersion, "4242");
  EXPECT_EQ(page->continueToken, "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ");
  ASSERT_EQ(page->items.size(), 2U);
  EXPECT_EQ(page->items[1]->name(), "web-2");

  const auto empty = decoder_.DecodeList(simdjson::padded_string(
      std::string(R"({"kind":"PodList","metadata":{"resourceVersion":"7"},"items":null})")));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->items.empty());
  EXPECT_TRUE(empty->continueToken.empty());

  const auto bad = decoder_.DecodeList(
      simdjson::padded_string(std::string(R"({"items":[{"metadata":{"name":"x"}}]})")));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kDecode);
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

std::vector<std::string> Samples(ObjectDecoder& decoder, int count) {
  std::vector<std::string> samples;
  json pod = json::parse(PodFixture());
  for (int i = 0; i < count; ++i) {
    pod["metadata"]["name"] = "web-" + std::to_string(i);
    pod["metadata"]["uid"] = "uid-" + std::to_string(i);
    pod["status"]["podIP"] = "10.0.0." + std::to_string(i % 250);
    samples.push_back((*decoder.DecodeObject(pod.dump()))->Json());
  }
  return samples;
}

TEST(ObjectCompression, KeepsObjectsCompressedOnceADictionaryIsTrained) {
  ObjectDecoder decoder;
  EXPECT_EQ(CompressionDictionary::Train(Samples(decoder, 10)), nullptr);  // too few
  auto dictionary = CompressionDictionary::Train(Samples(decoder, 300));
  ASSERT_NE(dictionary, nullptr);

  const auto plain = *decoder.DecodeObject(PodFixture());
  decoder.SetDictionary(dictionary);
  const auto compressed = *decoder.DecodeObject(PodFixture());
  EXPECT_FALSE(plain->compressed());
  EXPECT_TRUE(compressed->compressed());
  EXPECT_EQ(compressed->Json(), plain->Json());
  EXPECT_LT(compressed->MemoryUsage() * 3, plain->MemoryUsage());
  // Every indexed field reads the same.
  EXPECT_EQ(compressed->name(), plain->name());
  EXPECT_EQ(compressed->ns(), plain->ns());
  EXPECT_EQ(compressed->uid(), plain->uid());
  EXPECT_EQ(compressed->resourceVersion(), plain->resourceVersion());
  EXPECT_EQ(compressed->nodeName(), plain->nodeName());
  EXPECT_EQ(compressed->generation(), plain->generation());
  ASSERT_EQ(compressed->owners().size(), 1U);
  EXPECT_EQ(compressed->owners()[0].uid, plain->owners()[0].uid);
  EXPECT_EQ(compressed->owners()[0].name, plain->owners()[0].name);

  // Objects decoded before the dictionary are converted to the same form.
  const auto converted = decoder.Recompress(*plain);
  EXPECT_TRUE(converted->compressed());
  EXPECT_EQ(converted->Json(), plain->Json());
  EXPECT_EQ(converted->owners()[0].kind, "ReplicaSet");
  EXPECT_EQ(converted->Key(), plain->Key());
}

TEST(ObjectCompression, DecompressesOnManyThreadsAtOnce) {
  ObjectDecoder decoder;
  decoder.SetDictionary(CompressionDictionary::Train(Samples(decoder, 300)));
  const auto object = *decoder.DecodeObject(PodFixture());
  const std::string expected = object->Json();
  std::vector<std::jthread> readers;
  std::atomic<int> mismatches = 0;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) mismatches += object->Json() == expected ? 0 : 1;
    });
  }
  readers.clear();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace kdiag
