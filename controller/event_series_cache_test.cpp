#include "controller/event_series_cache.h"

#include <gtest/gtest.h>

#include "controller/micro_time.h"

namespace kdiag {
namespace {

using json = nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;

json Event(const std::string& name) {
  return {{"metadata", {{"name", name}, {"namespace", "ns"}}}};
}

class EventSeriesCacheTest : public ::testing::Test {
 protected:
  std::vector<EventWrite> Observe(const std::string& key, const std::string& event_name) {
    return cache_.Observe(key, Event(event_name), clock_.Now(), clock_.WallNow());
  }

  FakeClock clock_;
  EventSeriesCache cache_{{.maxKeys = 3, .flushInterval = seconds(30), .expiry = minutes(6)}};
};

TEST_F(EventSeriesCacheTest, CreatesTheFirstOccurrenceAtOnce) {
  auto writes = Observe("k", "e1");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].kind, EventWrite::Kind::kCreate);
  EXPECT_EQ(writes[0].key, "k");
  EXPECT_EQ(writes[0].event, Event("e1"));
  EXPECT_EQ(writes[0].count, 1);
}

TEST_F(EventSeriesCacheTest, HoldsRepeatsUntilTheFlushInterval) {
  Observe("k", "e1");
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(seconds(5));
    // The event passed with a repeat is not used: the series stays on e1.
    EXPECT_TRUE(Observe("k", "ignored").empty());
  }
  const auto last_repeat = clock_.WallNow();
  EXPECT_TRUE(cache_.TakeDue(clock_.Now()).empty());  // 20 s since the create

  clock_.Advance(seconds(10));
  auto due = cache_.TakeDue(clock_.Now());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].kind, EventWrite::Kind::kSeries);
  EXPECT_EQ(due[0].event, Event("e1"));
  EXPECT_EQ(due[0].count, 5);
  EXPECT_EQ(FormatMicroTime(due[0].lastObserved), FormatMicroTime(last_repeat));
  EXPECT_TRUE(cache_.TakeDue(clock_.Now()).empty());  // nothing new since
}

TEST_F(EventSeriesCacheTest, WritesABusySeriesAtMostOncePerInterval) {
  Observe("k", "e1");
  int writes = 0;
  int64_t last_count = 0;
  // A repeat every second for two minutes: the count goes out every 30 s, not 120 times.
  for (int second = 1; second <= 120; ++second) {
    clock_.Advance(seconds(1));
    EXPECT_TRUE(Observe("k", "ignored").empty());
    for (const auto& write : cache_.TakeDue(clock_.Now())) {
      ++writes;
      EXPECT_EQ(write.count, second + 1);
      last_count = write.count;
    }
  }
  EXPECT_EQ(writes, 4);
  EXPECT_EQ(last_count, 121);
}

TEST_F(EventSeriesCacheTest, TakeAllWritesHeldCountsAtOnce) {
  Observe("a", "ea");
  Observe("a", "ignored");
  Observe("b", "eb");  // a single occurrence: nothing held
  auto all = cache_.TakeAll(clock_.Now());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].event, Event("ea"));
  EXPECT_EQ(all[0].count, 2);
  EXPECT_TRUE(cache_.TakeAll(clock_.Now()).empty());
  // The interval now runs from that write.
  Observe("a", "ignored");
  clock_.Advance(seconds(29));
  EXPECT_TRUE(cache_.TakeDue(clock_.Now()).empty());
}

TEST_F(EventSeriesCacheTest, StartsANewEventAfterTheSeriesExpired) {
  Observe("k", "e1");
  clock_.Advance(minutes(5));
  EXPECT_TRUE(Observe("k", "ignored").empty());
  clock_.Advance(minutes(6));
  // The held count of the old series goes out first, then the new Event.
  auto writes = Observe("k", "e2");
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].kind, EventWrite::Kind::kSeries);
  EXPECT_EQ(writes[0].event, Event("e1"));
  EXPECT_EQ(writes[0].count, 2);
  EXPECT_EQ(writes[1].kind, EventWrite::Kind::kCreate);
  EXPECT_EQ(writes[1].event, Event("e2"));
}

TEST_F(EventSeriesCacheTest, ForgetsExpiredSeriesWhenScanning) {
  Observe("k", "e1");
  clock_.Advance(minutes(5));
  EXPECT_TRUE(cache_.TakeDue(clock_.Now()).empty());
  EXPECT_EQ(cache_.Size(), 1u);
  clock_.Advance(minutes(1));
  EXPECT_TRUE(cache_.TakeDue(clock_.Now()).empty());
  EXPECT_EQ(cache_.Size(), 0u);
}

TEST_F(EventSeriesCacheTest, KeepsDifferentKeysApart) {
  Observe("a", "ea");
  auto writes = Observe("b", "eb");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].kind, EventWrite::Kind::kCreate);
  EXPECT_EQ(writes[0].event, Event("eb"));
  EXPECT_EQ(cache_.Size(), 2u);
}

TEST_F(EventSeriesCacheTest, EvictsTheLeastRecentlySeenKey) {
  Observe("a", "ea");
  Observe("a", "ignored");  // a has a held count
  Observe("b", "eb");
  Observe("c", "ec");
  Observe("b", "ignored");  // b is now more recent than c, a the oldest
  auto writes = Observe("d", "ed");
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].kind, EventWrite::Kind::kCreate);
  EXPECT_EQ(writes[1].kind, EventWrite::Kind::kSeries);  // a's final count
  EXPECT_EQ(writes[1].event, Event("ea"));
  EXPECT_EQ(writes[1].count, 2);
  EXPECT_EQ(cache_.Size(), 3u);
  // c is still known, a starts over.
  EXPECT_TRUE(Observe("c", "ignored").empty());
  EXPECT_EQ(Observe("a", "ea2")[0].kind, EventWrite::Kind::kCreate);
}

TEST_F(EventSeriesCacheTest, ForgetsOnlyTheSeriesOfTheNamedEvent) {
  Observe("k", "e1");
  cache_.Forget("k", "e0");
  EXPECT_TRUE(Observe("k", "ignored").empty());
  cache_.Forget("k", "e1");
  auto writes = Observe("k", "e2");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].kind, EventWrite::Kind::kCreate);
  EXPECT_EQ(writes[0].event, Event("e2"));
}

}  // namespace
}  // namespace kdiag
