#include "controller/quantity.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace kdiag {
namespace {

constexpr std::array<std::pair<std::string_view, double>, 15> kSuffixes{{
    {"Ki", 0x1p10},
    {"Mi", 0x1p20},
    {"Gi", 0x1p30},
    {"Ti", 0x1p40},
    {"Pi", 0x1p50},
    {"Ei", 0x1p60},
    {"n", 1e-9},
    {"u", 1e-6},
    {"m", 1e-3},
    {"", 1},
    {"k", 1e3},
    {"M", 1e6},
    {"G", 1e9},
    {"T", 1e12},
    {"P", 1e15},
}};

}  // namespace

std::optional<Quantity> ParseQuantity(std::string_view text) {
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  const size_t number_start = pos;
  bool seen_digit = false;
  bool seen_dot = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      seen_digit = true;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return std::nullopt;
  double number = 0;
  const char* first = text.data() + number_start;
  const char* last = text.data() + pos;
  if (auto [end, ec] = std::from_chars(first, last, number); ec != std::errc() || end != last) {
    return std::nullopt;
  }
  if (text[0] == '-') number = -number;

  const std::string_view suffix = text.substr(pos);
  if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    int exponent = 0;
    const char* exp_first = suffix.data() + 1;
    if (*exp_first == '+') ++exp_first;
    const char* exp_last = suffix.data() + suffix.size();
    auto [end, ec] = std::from_chars(exp_first, exp_last, exponent);
    if (ec != std::errc() || end != exp_last) return std::nullopt;
    return Quantity{number * std::pow(10.0, exponent)};
  }
  // "E" alone is the exa suffix, not an exponent.
  if (suffix == "E") return Quantity{number * 1e18};
  for (const auto& [name, factor] : kSuffixes) {
    if (suffix == name) return Quantity{number * factor};
  }
  return std::nullopt;
}

}  // namespace kdiag
