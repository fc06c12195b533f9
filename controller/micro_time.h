// Timestamps as Kubernetes writes them: RFC 3339 in UTC. A MicroTime (a Lease's acquireTime and
// renewTime, an events.k8s.io eventTime) has six fractional digits,
// e.g. "2026-01-01T00:00:00.000000Z"; a Time (creationTimestamp, conditions) has none.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

using Timestamp = std::chrono::system_clock::time_point;

std::string FormatMicroTime(Timestamp time);
// "2026-01-01T00:00:00Z": the form of metav1.Time.
std::string FormatTime(Timestamp time);
// Any RFC 3339 time: optional fraction, "Z" or a numeric offset. nullopt on anything else.
std::optional<Timestamp> ParseTime(std::string_view text);

}  // namespace kdiag
