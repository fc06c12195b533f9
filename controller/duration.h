// Durations written the way Kubernetes and Go write them ("90s", "1h30m", "250ms").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

using Duration = std::chrono::milliseconds;

// Parses a Go-style duration: one or more <number><unit> terms, units h, m, s, ms, us, ns.
// Fractions are allowed ("1.5h"); negative values are not. nullopt on anything else.
std::optional<Duration> ParseDuration(std::string_view text);

// The shortest Go-style spelling of d ("1h30m", "250ms", "0s").
std::string FormatDuration(Duration d);

}  // namespace kdiag
