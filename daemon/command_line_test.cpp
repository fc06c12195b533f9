#include "daemon/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdiag {
namespace {

using ::testing::HasSubstr;

TEST(CommandLine, ParsesFlags) {
  const auto parsed = ParseCommandLine({"kdiag-controller", "--log-level", "debug",
                                        "--listen-address=127.0.0.1:0", "--leader-elect=false"});
  ASSERT_TRUE(parsed.commandLine);
  EXPECT_EQ(parsed.commandLine->logLevel, "debug");
  EXPECT_EQ(parsed.commandLine->leaderElect, false);
  EXPECT_TRUE(parsed.commandLine->configPath.empty());
}

TEST(CommandLine, RejectsUnknownFlagsAndMissingFiles) {
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  EXPECT_FALSE(ParseCommandLine({"kdiag-controller", "--colour"}).commandLine);
  EXPECT_NE(ParseCommandLine({"kdiag-controller", "--colour"}).exitCode, 0);
  EXPECT_FALSE(ParseCommandLine({"kdiag-controller", "--config", "/nonexistent.yaml"}).commandLine);
  testing::internal::GetCapturedStdout();
  EXPECT_THAT(testing::internal::GetCapturedStderr(), HasSubstr("--colour"));
}

TEST(CommandLine, FlagsOverrideTheFile) {
  OperatorConfig config = ParseOperatorConfig("log: {level: info}\nserver: {address: ':1'}", "f");
  CommandLine flags;
  flags.logLevel = "error";
  flags.listenAddress = "127.0.0.1:9";
  flags.leaderElect = false;
  ApplyOverrides(flags, config);
  EXPECT_EQ(config.log.level, spdlog::level::err);
  EXPECT_EQ(config.server.address, "127.0.0.1:9");
  EXPECT_FALSE(config.leaderElection.enabled);
}

TEST(CommandLine, NamesTheFlagWithABadValue) {
  OperatorConfig config;
  CommandLine flags;
  flags.logFormat = "xml";
  try {
    ApplyOverrides(flags, config);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--log-format: 'xml' is not one of text, json"));
  }
}

}  // namespace
}  // namespace kdiag
