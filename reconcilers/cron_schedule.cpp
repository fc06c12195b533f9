#include "reconcilers/cron_schedule.h"

#include <charconv>
#include <vector>

namespace kdiag {
namespace {

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::optional<int> Number(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Sets the bits of one field ("*/15", "1-5", "0,30"); false when malformed or out of range.
template <size_t N>
bool ParseField(std::string_view field, int low, int high, std::bitset<N>& bits) {
  for (auto item : Split(field, ',')) {
    int step = 1;
    if (const size_t slash = item.find('/'); slash != std::string_view::npos) {
      auto parsed = Number(item.substr(slash + 1));
      if (!parsed || *parsed <= 0) return false;
      step = *parsed;
      item = item.substr(0, slash);
    }
    int from = low;
    int to = high;
    if (item != "*") {
      const size_t dash = item.find('-');
      auto first = Number(item.substr(0, dash));
      if (!first) return false;
      from = *first;
      to = *first;
      if (dash != std::string_view::npos) {
        auto last = Number(item.substr(dash + 1));
        if (!last) return false;
        to = *last;
      } else if (step != 1) {
        to = high;  // "5/15": from 5 on
      }
    }
    if (from < low || to > high || from > to) return false;
    for (int v = from; v <= to; v += step) bits.set(static_cast<size_t>(v));
  }
  return true;
}

}  // namespace

std::optional<CronSchedule> CronSchedule::Parse(std::string_view text, std::string* error) {
  if (text == "@hourly") text = "0 * * * *";
  if (text == "@daily") text = "0 0 * * *";
  if (text == "@weekly") text = "0 0 * * 0";
  if (text == "@monthly") text = "0 0 1 * *";
  if (text == "@yearly") text = "0 0 1 1 *";
  std::vector<std::string_view> fields;
  for (auto part : Split(text, ' ')) {
    if (!part.empty()) fields.push_back(part);
  }
  if (fields.size() != 5) {
    *error = "'" + std::string(text) + "' does not have five fields";
    return std::nullopt;
  }
  CronSchedule s;
  std::bitset<8> weekdays;  // 7 is Sunday too
  const char* names[] = {"minute", "hour", "day of month", "month", "day of week"};
  const bool ok[] = {ParseField(fields[0], 0, 59, s.minutes_),
                     ParseField(fields[1], 0, 23, s.hours_), ParseField(fields[2], 1, 31, s.days_),
                     ParseField(fields[3], 1, 12, s.months_),
                     ParseField(fields[4], 0, 7, weekdays)};
  for (int i = 0; i < 5; ++i) {
    if (!ok[i]) {
      *error =
          "the " + std::string(names[i]) + " field '" + std::string(fields[i]) + "' is not valid";
      return std::nullopt;
    }
  }
  for (size_t d = 0; d < 7; ++d) s.weekdays_[d] = weekdays[d] || (d == 0 && weekdays[7]);
  s.anyDay_ = fields[2] == "*";
  s.anyWeekday_ = fields[4] == "*";
  return s;
}

std::optional<Timestamp> CronSchedule::Next(Timestamp after) const {
  using namespace std::chrono;
  auto t = floor<minutes>(after) + minutes(1);
  const auto limit = t + hours(24 * 366 * 5);
  while (t < limit) {
    const auto day = floor<days>(t);
    const year_month_day date{day};
    const auto month = static_cast<unsigned>(date.month());
    if (!months_[month]) {
      // First minute of the next month.
      const auto next = year_month_day{date.year() / date.month() / 1} + std::chrono::months(1);
      t = sys_days(next);
      continue;
    }
    const bool day_ok = days_[static_cast<unsigned>(date.day())];
    const bool weekday_ok = weekdays_[weekday(day).c_encoding()];
    const bool matches_day =
        (anyDay_ || anyWeekday_) ? (day_ok && weekday_ok) : (day_ok || weekday_ok);
    if (!matches_day) {
      t = day + days(1);
      continue;
    }
    const hh_mm_ss hms{t - day};
    if (!hours_[static_cast<size_t>(hms.hours().count())]) {
      t = day + hms.hours() + hours(1);
      continue;
    }
    if (minutes_[static_cast<size_t>(hms.minutes().count())]) {
      return time_point_cast<system_clock::duration>(t);
    }
    t += minutes(1);
  }
  return std::nullopt;
}

}  // namespace kdiag
