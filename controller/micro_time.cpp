#include "controller/micro_time.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

namespace kdiag {
namespace {

// Reads exactly `digits` decimal digits at text[pos].
std::optional<int> Digits(std::string_view text, size_t pos, size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  const char* begin = text.data() + pos;
  const auto [end, ec] = std::from_chars(begin, begin + digits, value);
  if (ec != std::errc() || end != begin + digits) return std::nullopt;
  return value;
}

}  // namespace

std::string FormatMicroTime(Timestamp time) {
  // Floor, not truncation toward zero, so times before 1970 still get a valid fraction.
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time - seconds);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)), micros.count());
}

std::string FormatTime(Timestamp time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)));
}

std::optional<Timestamp> ParseTime(std::string_view text) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS
  const auto year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  const auto hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year(*year),
                            std::chrono::month(static_cast<unsigned>(*month)),
                            std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  auto time = sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second);
  Timestamp result = time_point_cast<system_clock::duration>(time);
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t fraction = 0;
    int64_t scale = 1'000'000'000;
    const size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale > 1) {
        scale /= 10;
        fraction += (text[pos] - '0') * scale;
      }
      ++pos;
    }
    if (pos == start) return std::nullopt;
    result += duration_cast<system_clock::duration>(nanoseconds(fraction));
  }
  if (pos == text.size()) return std::nullopt;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    return pos + 1 == text.size() ? std::optional(result) : std::nullopt;
  }
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const auto offset_hours = Digits(text, pos + 1, 2), offset_minutes = Digits(text, pos + 4, 2);
  if (!offset_hours || !offset_minutes || text.size() != pos + 6 || text[pos + 3] != ':') {
    return std::nullopt;
  }
  const auto offset = hours(*offset_hours) + minutes(*offset_minutes);
  return text[pos] == '+' ? result - offset : result + offset;
}

}  // namespace kdiag
