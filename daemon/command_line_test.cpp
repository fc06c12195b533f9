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

  const auto webhook = ParseCommandLine(
      {"kdiag-controller", "--webhook-enabled=false", "--webhook-address", "127.0.0.1:9444",
       "--webhook-cert-file=/tmp/tls.crt", "--webhook-key-file=/tmp/tls.key"});
  ASSERT_TRUE(webhook.commandLine);
  EXPECT_EQ(webhook.commandLine->webhookEnabled, false);
  EXPECT_EQ(webhook.commandLine->webhookAddress, "127.0.0.1:9444");
  EXPECT_EQ(webhook.commandLine->webhookCertFile, "/tmp/tls.crt");
  EXPECT_EQ(webhook.commandLine->webhookKeyFile, "/tmp/tls.key");
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
  flags.webhookAddress = "127.0.0.1:10";
  flags.webhookCertFile = "/tmp/tls.crt";
  flags.webhookKeyFile = "/tmp/tls.key";
  ApplyOverrides(flags, config);
  EXPECT_EQ(config.log.level, spdlog::level::err);
  EXPECT_EQ(config.server.address, "127.0.0.1:9");
  EXPECT_FALSE(config.leaderElection.enabled);
  EXPECT_EQ(config.webhook.address, "127.0.0.1:10");
  EXPECT_EQ(config.webhook.certFile, "/tmp/tls.crt");
  EXPECT_EQ(config.webhook.keyFile, "/tmp/tls.key");
  EXPECT_TRUE(config.webhook.enabled);
  flags.webhookEnabled = false;
  ApplyOverrides(flags, config);
  EXPECT_FALSE(config.webhook.enabled);
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
