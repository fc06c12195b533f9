// Timestamps in the form Kubernetes writes a MicroTime: RFC 3339 in UTC with six fractional
// digits, e.g. "2026-01-01T00:00:00.000000Z" (a Lease's acquireTime and renewTime).
#pragma once

#include <chrono>
#include <string>

namespace kdiag {

std::string FormatMicroTime(std::chrono::system_clock::time_point time);

}  // namespace kdiag
