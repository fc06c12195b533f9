#include "controller/duration.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, AcceptsGoSpellings) {
  EXPECT_EQ(ParseDuration("90s"), seconds(90));
  EXPECT_EQ(ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDuration("1.5h"), minutes(90));
  EXPECT_EQ(ParseDuration("2h0m0s"), hours(2));
  EXPECT_EQ(ParseDuration("0"), milliseconds(0));
  EXPECT_EQ(ParseDuration("1500us"), milliseconds(2));  // rounded to the millisecond
}

TEST(ParseDuration, RejectsEverythingElse) {
  for (const char* bad : {"", "1", "h", "3x", "1h30", "-5m", "1 h", "1.2.3s", "5d", "m5"}) {
    EXPECT_EQ(ParseDuration(bad), std::nullopt) << bad;
  }
}

TEST(FormatDuration, WritesTheShortestSpelling) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(hours(2)), "2h");
  EXPECT_EQ(FormatDuration(milliseconds(61'500)), "1m1.5s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (auto d : {milliseconds(1), milliseconds(999), milliseconds(3'723'004)}) {
    EXPECT_EQ(ParseDuration(FormatDuration(d)), d);
  }
}

}  // namespace
}  // namespace kdiag
