#include "controller/logging.h"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <nlohmann/json.hpp>

namespace kdiag {
namespace {

TEST(JsonFormatter, WritesOneValidJsonObjectALine) {
  const auto formatter = MakeJsonFormatter();
  const std::string payload = "pod \"web\" failed\n\tagain";
  const spdlog::details::log_msg msg("", spdlog::level::warn, payload);
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  const std::string line(out.data(), out.size());

  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a line break inside the message leaked out";
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["level"], "warning");
  EXPECT_EQ(json["msg"], payload);
  EXPECT_EQ(json["ts"].get<std::string>().size(), std::string("2026-01-02T03:04:05.678Z").size());
}

TEST(ParseLogLevel, AcceptsSpdlogNamesAndWarn) {
  EXPECT_EQ(ParseLogLevel("debug"), spdlog::level::debug);
  EXPECT_EQ(ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(ParseLogLevel("warning"), spdlog::level::warn);
  EXPECT_EQ(ParseLogLevel("loud"), std::nullopt);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml"), std::nullopt);
}

}  // namespace
}  // namespace kdiag
