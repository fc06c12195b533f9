#include "controller/duration.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace kdiag {
namespace {

// Longest unit names first, so "ms" is not read as "m" followed by garbage.
constexpr std::array<std::pair<std::string_view, double>, 7> kUnits{{
    {"ms", 1.0},
    {"us", 1e-3},
    {"µs", 1e-3},
    {"ns", 1e-6},
    {"h", 3'600'000.0},
    {"m", 60'000.0},
    {"s", 1'000.0},
}};

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return Duration{0};
  double total_ms = 0;
  while (!text.empty()) {
    size_t digits = 0;
    while (digits < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
    if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
    text.remove_prefix(digits);
    bool matched = false;
    for (const auto& [unit, ms] : kUnits) {
      if (text.starts_with(unit)) {
        total_ms += value * ms;
        text.remove_prefix(unit.size());
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  if (!std::isfinite(total_ms) || total_ms > 1e15) return std::nullopt;
  return Duration{static_cast<Duration::rep>(std::llround(total_ms))};
}

std::string FormatDuration(Duration d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  const auto hours = ms / 3'600'000;
  const auto minutes = ms / 60'000 % 60;
  const auto seconds = ms / 1000 % 60;
  const auto millis = ms % 1000;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (minutes > 0) out += std::to_string(minutes) + "m";
  if (seconds > 0 || millis > 0) {
    out += std::to_string(seconds);
    if (millis > 0) {
      std::string frac = std::to_string(millis + 1000).substr(1);
      while (frac.back() == '0') frac.pop_back();
      out += "." + frac;
    }
    out += "s";
  }
  return out;
}

}  // namespace kdiag
