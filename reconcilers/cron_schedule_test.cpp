#include "reconcilers/cron_schedule.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

Timestamp At(const char* text) { return ParseTime(text).value(); }

std::string NextAfter(const char* schedule, const char* after) {
  std::string error;
  auto parsed = CronSchedule::Parse(schedule, &error);
  EXPECT_TRUE(parsed) << error;
  auto next = parsed->Next(At(after));
  return next ? FormatTime(*next) : "never";
}

TEST(CronSchedule, FindsTheNextMatchingMinute) {
  EXPECT_EQ(NextAfter("*/15 * * * *", "2026-11-23T10:07:30Z"), "2026-11-23T10:15:00Z");
  EXPECT_EQ(NextAfter("*/15 * * * *", "2026-11-23T10:15:00Z"), "2026-11-23T10:30:00Z");
  EXPECT_EQ(NextAfter("0 3 * * *", "2026-11-23T10:00:00Z"), "2026-11-24T03:00:00Z");
  EXPECT_EQ(NextAfter("@hourly", "2026-11-23T10:00:00Z"), "2026-11-23T11:00:00Z");
  EXPECT_EQ(NextAfter("30 9 1 * *", "2026-11-23T10:00:00Z"), "2026-12-01T09:30:00Z");
  EXPECT_EQ(NextAfter("0 0 29 2 *", "2026-11-23T10:00:00Z"), "2028-02-29T00:00:00Z");
  // 2026-11-23 is a Monday; 1-5 is Monday to Friday, 7 and 0 are Sunday.
  EXPECT_EQ(NextAfter("0 8 * * 6", "2026-11-23T10:00:00Z"), "2026-11-28T08:00:00Z");
  EXPECT_EQ(NextAfter("0 8 * * 7", "2026-11-23T10:00:00Z"), "2026-11-29T08:00:00Z");
}

TEST(CronSchedule, DayOfMonthOrDayOfWeekWhenBothAreSet) {
  // The 1st of the month or any Saturday, as cron reads it.
  EXPECT_EQ(NextAfter("0 0 1 * 6", "2026-11-23T10:00:00Z"), "2026-11-28T00:00:00Z");
}

TEST(CronSchedule, RejectsMalformedSchedulesNamingTheField) {
  std::string error;
  EXPECT_FALSE(CronSchedule::Parse("* * * *", &error));
  EXPECT_EQ(error, "'* * * *' does not have five fields");
  EXPECT_FALSE(CronSchedule::Parse("61 * * * *", &error));
  EXPECT_EQ(error, "the minute field '61' is not valid");
  EXPECT_FALSE(CronSchedule::Parse("* * * 0 *", &error));
  EXPECT_EQ(error, "the month field '0' is not valid");
  EXPECT_FALSE(CronSchedule::Parse("*/0 * * * *", &error));
  EXPECT_FALSE(CronSchedule::Parse("a * * * *", &error));
}

}  // namespace
}  // namespace kdiag
