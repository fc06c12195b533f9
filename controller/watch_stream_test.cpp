#include "controller/watch_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kdiag {
namespace {

using ::testing::ElementsAre;

// Events as kube-apiserver v1.33 writes them (a pod trimmed for brevity, a bookmark, a 410).
const std::string kAdded =
    R"json({"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop","uid":"5d0c6f6e-3a51-4bde-9e22-0c1f3b1d7a11","resourceVersion":"1207","labels":{"app":"web","note":"caf\u00e9 ☕"}},"spec":{"nodeName":"kwok-node-0"},"status":{"phase":"Running"}}})json";
const std::string kBookmark =
    R"json({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"1310","creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}},"spec":{"containers":null},"status":{}}})json";
const std::string kGone =
    R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2213)","reason":"Expired","code":410}})json";

std::vector<std::string> Frame(const std::vector<std::string>& chunks) {
  LineFramer framer;
  std::vector<std::string> lines;
  for (const auto& chunk : chunks) {
    EXPECT_TRUE(framer.Feed(chunk, [&](std::string_view line) { lines.emplace_back(line); }));
  }
  return lines;
}

TEST(LineFramer, FramesLinesWhateverTheChunkBoundaries) {
  const std::string stream = kAdded + "\n" + kBookmark + "\r\n\n" + kGone + "\n";
  const std::vector<std::string> expected{kAdded, kBookmark, kGone};
  // Every split into two chunks, including inside the multi-byte "é" and "☕".
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    ASSERT_EQ(Frame({stream.substr(0, cut), stream.substr(cut)}), expected) << "cut at " << cut;
  }
  // Every split into three chunks, over a stride to keep it quick.
  for (size_t a = 0; a <= stream.size(); a += 7) {
    for (size_t b = a; b <= stream.size(); b += 11) {
      ASSERT_EQ(Frame({stream.substr(0, a), stream.substr(a, b - a), stream.substr(b)}), expected)
          << "cuts at " << a << ", " << b;
    }
  }
  // One byte at a time.
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  EXPECT_EQ(Frame(bytes), expected);
}

TEST(LineFramer, KeepsAnUnfinishedLineUntilItEnds) {
  LineFramer framer;
  int lines = 0;
  framer.Feed("{\"type\":", [&](std::string_view) { ++lines; });
  EXPECT_EQ(lines, 0);
  EXPECT_EQ(framer.pending(), 8u);
  framer.Feed("\"ADDED\"}\n", [&](std::string_view) { ++lines; });
  EXPECT_EQ(lines, 1);
  EXPECT_EQ(framer.pending(), 0u);
}

TEST(LineFramer, RefusesALineOverTheLimit) {
  LineFramer framer(16);
  EXPECT_TRUE(framer.Feed("0123456789", [](std::string_view) {}));
  EXPECT_FALSE(framer.Feed("0123456789", [](std::string_view) {}));
}

}  // namespace
}  // namespace kdiag
