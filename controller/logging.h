// Process-wide logging: spdlog to stderr as human-readable text or one JSON object a line.
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <optional>
#include <string_view>

namespace kdiag {

enum class LogFormat { kText, kJson };

std::optional<LogFormat> ParseLogFormat(std::string_view name);
// Accepts trace, debug, info, warn, error, critical, off.
std::optional<spdlog::level::level_enum> ParseLogLevel(std::string_view name);

// One JSON object a line: {"ts":"2026-01-02T03:04:05.678Z","level":"info","msg":"..."}.
std::unique_ptr<spdlog::formatter> MakeJsonFormatter();

// Replaces the default logger. Safe to call again (tests reconfigure it).
void ConfigureLogging(LogFormat format, spdlog::level::level_enum level);

}  // namespace kdiag
