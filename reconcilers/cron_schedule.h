// Cron schedules as spec.schedule takes them: five fields (minute hour day-of-month month
// day-of-week) in UTC with *, lists, ranges and steps, or @hourly/@daily/@weekly/@monthly/
// @yearly. Day-of-month and day-of-week combine as in cron: either matches when both are set.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "controller/micro_time.h"

namespace kdiag {

class CronSchedule {
 public:
  // nullopt and the reason in *error when the text is not a schedule.
  static std::optional<CronSchedule> Parse(std::string_view text, std::string* error);

  // The first minute strictly after `after` that the schedule matches (within 5 years).
  std::optional<Timestamp> Next(Timestamp after) const;

 private:
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool anyDay_ = true;
  bool anyWeekday_ = true;
};

}  // namespace kdiag
