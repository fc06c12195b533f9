#include "controller/micro_time.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace kdiag {

std::string FormatMicroTime(std::chrono::system_clock::time_point time) {
  // Floor, not truncation toward zero, so times before 1970 still get a valid fraction.
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time - seconds);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)), micros.count());
}

}  // namespace kdiag
