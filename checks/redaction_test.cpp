#include "checks/redaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdiag {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(RedactLogTailTest, MasksValuesAfterSecretKeys) {
  EXPECT_EQ(RedactLogTail("connecting with password=hunter2 to db\n"),
            "connecting with password=[REDACTED] to db");
  EXPECT_EQ(RedactLogTail("DB_PASSWORD: s3cr3t"), "DB_PASSWORD: [REDACTED]");
  EXPECT_EQ(RedactLogTail(R"({"level":"info","api_key":"abc123","user":"bob"})"),
            R"({"level":"info","api_key":"[REDACTED]","user":"bob"})");
  EXPECT_EQ(RedactLogTail("GET /cb?code=1&access_token=xyz&state=2"),
            "GET /cb?code=1&access_token=[REDACTED]&state=2");
  EXPECT_EQ(RedactLogTail("client_secret = 'abc def'"), "client_secret = '[REDACTED]'");
}

TEST(RedactLogTailTest, MasksAuthorizationHeadersAndBearerTokens) {
  EXPECT_EQ(RedactLogTail("> Authorization: Bearer eyJhbGciOi.x.y\n> Accept: */*"),
            "> Authorization: [REDACTED]\n> Accept: */*");
  EXPECT_EQ(RedactLogTail("authorization=Basic dXNlcjpwYXNz"), "authorization=[REDACTED]");
  EXPECT_EQ(RedactLogTail("retrying with bearer abc.def-ghi after 401"),
            "retrying with bearer [REDACTED] after 401");
}

TEST(RedactLogTailTest, MasksAwsKeysAndLongBlobs) {
  EXPECT_EQ(RedactLogTail("using key AKIAIOSFODNN7EXAMPLE for s3"), "using key [REDACTED] for s3");
  EXPECT_EQ(RedactLogTail("cert MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1L7VLPHCgc end"),
            "cert [REDACTED] end");
  EXPECT_EQ(
      RedactLogTail("digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
      "digest [REDACTED]");
}

TEST(RedactLogTailTest, LeavesOrdinaryLogLinesAlone) {
  const std::string lines =
      "2026-11-23T10:00:00.123Z INFO starting server on :8080\n"
      "Traceback (most recent call last):\n"
      "  File \"/usr/local/lib/python3.12/site-packages/app/main.py\", line 12, in <module>\n"
      "KeyError: 'DATABASE_URL'\n"
      "token bucket refilled; secret rotation disabled\n"
      "pod my-deployment-name-7c9d8f6b5d-x2x4z ready";
  EXPECT_EQ(RedactLogTail(lines), lines);
}

TEST(RedactLogTailTest, KeepsTheLastWholeLinesWithinTheLimit) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "line " + std::to_string(i) + " of output\n";
  const auto tail = RedactLogTail(text);
  EXPECT_LE(tail.size(), kLogTailLimit);
  EXPECT_THAT(tail, StartsWith("[...]\nline "));
  EXPECT_THAT(tail, HasSubstr("line 499 of output"));
  EXPECT_THAT(tail, Not(HasSubstr("line 0 of")));
  EXPECT_EQ(tail.back(), 't');
}

TEST(RedactLogTailTest, ReplacesBytesThatAreNotUtf8AndControlCharacters) {
  EXPECT_EQ(RedactLogTail("caf\xC3\xA9 \xFF\xFE ok\r\n\x1B[31mred"), "caf\xC3\xA9 ?? ok\n [31mred");
  const std::string long_line(3000, 'a');
  const auto tail = RedactLogTail("\xC3\xA9" + long_line);
  EXPECT_LE(tail.size(), kLogTailLimit);
}

}  // namespace
}  // namespace kdiag
