#include "controller/channel_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records what the decoder delivers, output per channel as one string.
class RecordingSink : public ChannelSink {
 public:
  void OnOutput(Channel channel, std::string_view data) override {
    (channel == Channel::kStdout ? out : err) += data;
    ++outputCalls;
  }
  void OnStatus(Result<ExitStatus> status) override { statuses.push_back(std::move(status)); }
  void OnStreamClosed(Channel channel) override { closed.push_back(channel); }

  std::string out;
  std::string err;
  int outputCalls = 0;
  std::vector<Result<ExitStatus>> statuses;
  std::vector<Channel> closed;
};

std::string Message(Channel channel, std::string_view payload) {
  return static_cast<char>(channel) + std::string(payload);
}

TEST(ChannelProtocolTest, NamesTheSubprotocols) {
  EXPECT_EQ(ProtocolName(ChannelProtocol::kV5), "v5.channel.k8s.io");
  EXPECT_EQ(ProtocolName(ChannelProtocol::kV4), "v4.channel.k8s.io");
  EXPECT_EQ(ParseProtocolName("v5.channel.k8s.io"), ChannelProtocol::kV5);
  EXPECT_EQ(ParseProtocolName("v4.channel.k8s.io"), ChannelProtocol::kV4);
  EXPECT_EQ(ParseProtocolName("channel.k8s.io"), std::nullopt);
  EXPECT_EQ(ParseProtocolName(""), std::nullopt);
}

TEST(ChannelProtocolTest, EncodesClientMessages) {
  EXPECT_EQ(EncodeStdin("hi\n"), std::string("\x00hi\n", 4));
  EXPECT_EQ(EncodeStdin(""), std::string(1, '\0'));
  EXPECT_EQ(EncodeResize({.width = 120, .height = 40}), "\x04{\"Height\":40,\"Width\":120}");
}

TEST(ChannelProtocolTest, OnlyV5HalfClosesStdin) {
  auto v5 = EncodeCloseStdin(ChannelProtocol::kV5);
  ASSERT_TRUE(v5);
  EXPECT_EQ(*v5, std::string("\xff\x00", 2));

  auto v4 = EncodeCloseStdin(ChannelProtocol::kV4);
  ASSERT_FALSE(v4);
  EXPECT_EQ(v4.error().kind, ErrorKind::kBadRequest);
  EXPECT_THAT(v4.error().message, HasSubstr("v4.channel.k8s.io cannot half-close stdin"));
}

TEST(DecodeStatusTest, SuccessIsExitCodeZero) {
  auto status = DecodeStatus(R"({"metadata":{},"status":"Success"})");
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ(status->exitCode, 0);
  EXPECT_EQ(status->message, "");
}

TEST(DecodeStatusTest, NonZeroExitCodeCarriesTheCodeInItsCause) {
  auto status = DecodeStatus(R"({"metadata":{},"status":"Failure",
      "message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
      "reason":"NonZeroExitCode",
      "details":{"causes":[{"reason":"Other","message":"x"},{"reason":"ExitCode","message":"3"}]}})");
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ(status->exitCode, 3);
  EXPECT_THAT(status->message, HasSubstr("non-zero exit code"));
}

TEST(DecodeStatusTest, NonZeroExitCodeWithoutAUsableCauseIsADecodeError) {
  for (const char* json : {
           R"({"status":"Failure","reason":"NonZeroExitCode"})",
           R"({"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[]}})",
           R"({"status":"Failure","reason":"NonZeroExitCode",
               "details":{"causes":[{"reason":"ExitCode","message":"three"}]}})",
           R"({"status":"Failure","reason":"NonZeroExitCode",
               "details":{"causes":[{"reason":"ExitCode","message":"-1"}]}})",
           R"({"status":"Failure","reason":"NonZeroExitCode",
               "details":{"causes":[{"reason":"ExitCode","message":3}]}})",
       }) {
    auto status = DecodeStatus(json);
    ASSERT_FALSE(status) << json;
    EXPECT_EQ(status.error().kind, ErrorKind::kDecode) << json;
  }
}

TEST(DecodeStatusTest, GoExitStatusInTheMessageIsTheExitCode) {
  // What kwok sends: os/exec's error inside an internal error.
  auto status = DecodeStatus(R"({"metadata":{},"status":"Failure","message":
      "Internal error occurred: error executing command in container: cmd wait: sh -c echo out; exit 3: exit status 3",
      "reason":"InternalError","details":{"causes":[{"message":"x"}]},"code":500})");
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ(status->exitCode, 3);
  EXPECT_THAT(status->message, HasSubstr("exit status 3"));

  // Captured stderr may follow on the next lines; the phrase in the quoted command does not
  // end a line.
  auto with_stderr = DecodeStatus(
      R"({"status":"Failure","message":"cmd wait: sh -c echo exit status 9 ; false: exit status 1\nexit status 7 said stderr"})");
  ASSERT_TRUE(with_stderr) << with_stderr.error().Describe();
  EXPECT_EQ(with_stderr->exitCode, 1);
}

TEST(DecodeStatusTest, OtherFailuresAreTypedErrors) {
  auto gone = DecodeStatus(R"json({"metadata":{},"status":"Failure",
      "message":"container not found (\"c\")","reason":"NotFound","code":404})json");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(gone.error().httpCode, 404);
  EXPECT_EQ(gone.error().message, "container not found (\"c\")");

  auto internal = DecodeStatus(
      R"({"status":"Failure","message":"error executing command in container: signal: killed","reason":"InternalError","code":500})");
  ASSERT_FALSE(internal);
  EXPECT_EQ(internal.error().kind, ErrorKind::kServerError);
  EXPECT_THAT(internal.error().message, HasSubstr("signal: killed"));

  auto uncoded = DecodeStatus(R"({"status":"Failure","message":"exit status"})");
  ASSERT_FALSE(uncoded);
  EXPECT_EQ(uncoded.error().kind, ErrorKind::kOther);
}

TEST(DecodeStatusTest, MalformedStatusesAreDecodeErrors) {
  for (const char* json : {"", "not json", "[1,2]", R"("Success")", R"({"status":"Pending"})",
                           R"({"status":7})", "{\"status\":\"Succ"}) {
    auto status = DecodeStatus(json);
    ASSERT_FALSE(status) << json;
    EXPECT_EQ(status.error().kind, ErrorKind::kDecode) << json;
  }
}

TEST(ChannelDecoderTest, DeliversOutputPerChannel) {
  ChannelDecoder decoder(ChannelProtocol::kV5);
  RecordingSink sink;
  ASSERT_TRUE(decoder.Feed(Message(Channel::kStdout, "out\n"), true, sink));
  ASSERT_TRUE(decoder.Feed(Message(Channel::kStderr, "err\n"), true, sink));
  ASSERT_TRUE(decoder.Feed(Message(Channel::kStdout, "more"), true, sink));
  ASSERT_TRUE(decoder.Feed(Message(Channel::kStatus, R"({"status":"Success"})"), true, sink));
  EXPECT_EQ(sink.out, "out\nmore");
  EXPECT_EQ(sink.err, "err\n");
  ASSERT_EQ(sink.statuses.size(), 1u);
  ASSERT_TRUE(sink.statuses[0]);
  EXPECT_EQ(sink.statuses[0]->exitCode, 0);
}

TEST(ChannelDecoderTest, FragmentsCarryTheChannelByteOnlyFirst) {
  ChannelDecoder decoder(ChannelProtocol::kV4);
  RecordingSink sink;
  // The first fragment may even be empty: the channel byte then comes with the next one.
  ASSERT_TRUE(decoder.Feed("", false, sink));
  ASSERT_TRUE(decoder.Feed(std::string("\x02") + "ab", false, sink));
  ASSERT_TRUE(
      decoder.Feed("\x01"
                   "cd",
                   false, sink));  // not a channel byte: payload
  ASSERT_TRUE(decoder.Feed("ef", true, sink));
  EXPECT_EQ(sink.err,
            "ab\x01"
            "cdef");
  EXPECT_EQ(sink.out, "");

  const std::string status =
      R"({"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"42"}]}})";
  ASSERT_TRUE(decoder.Feed(Message(Channel::kStatus, status.substr(0, 10)), false, sink));
  EXPECT_TRUE(sink.statuses.empty());
  ASSERT_TRUE(decoder.Feed(status.substr(10), true, sink));
  ASSERT_EQ(sink.statuses.size(), 1u);
  ASSERT_TRUE(sink.statuses[0]);
  EXPECT_EQ(sink.statuses[0]->exitCode, 42);
}

TEST(ChannelDecoderTest, EmptyMessagesOnKnownChannelsAreHarmless) {
  ChannelDecoder decoder(ChannelProtocol::kV4);
  RecordingSink sink;
  for (Channel channel : {Channel::kStdin, Channel::kStdout, Channel::kStderr, Channel::kResize}) {
    ASSERT_TRUE(decoder.Feed(Message(channel, ""), true, sink));
  }
  EXPECT_EQ(sink.outputCalls, 0);
  EXPECT_TRUE(sink.statuses.empty());
}

TEST(ChannelDecoderTest, V5CloseNamesTheStreamV4HasNoSuchChannel) {
  ChannelDecoder v5(ChannelProtocol::kV5);
  RecordingSink sink;
  ASSERT_TRUE(v5.Feed(std::string("\xff\x01", 2), true, sink));
  EXPECT_THAT(sink.closed, ElementsAre(Channel::kStdout));

  ChannelDecoder v4(ChannelProtocol::kV4);
  auto result = v4.Feed(std::string("\xff\x01", 2), true, sink);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kDecode);
  EXPECT_THAT(result.error().message, HasSubstr("unknown channel 255"));
}

TEST(ChannelDecoderTest, MalformedMessagesAreErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "without a channel byte"},
      {"\x07hello", "unknown channel 7"},
      {std::string("\x00typed", 6), "client channel 0"},
      {"\x04{}", "client channel 4"},
      {"\xff", "names no stream"},
      {std::string("\xff\x01\x02", 3), "names no stream"},
      {"\xff\x03", "names no stream"},
  };
  for (const auto& [message, why] : cases) {
    ChannelDecoder decoder(ChannelProtocol::kV5);
    RecordingSink sink;
    auto result = decoder.Feed(message, true, sink);
    ASSERT_FALSE(result) << why;
    EXPECT_EQ(result.error().kind, ErrorKind::kDecode);
    EXPECT_THAT(result.error().message, HasSubstr(why));
  }
}

TEST(ChannelDecoderTest, StatusComesOnceAndWithinItsBound) {
  ChannelDecoder decoder(ChannelProtocol::kV5, /*max_status=*/32);
  RecordingSink sink;
  ASSERT_TRUE(decoder.Feed(Message(Channel::kStatus, R"({"status":"Success"})"), true, sink));
  auto again = decoder.Feed(Message(Channel::kStatus, R"({"status":"Success"})"), true, sink);
  ASSERT_FALSE(again);
  EXPECT_THAT(again.error().message, HasSubstr("second status"));

  ChannelDecoder bounded(ChannelProtocol::kV5, /*max_status=*/32);
  ASSERT_TRUE(bounded.Feed(Message(Channel::kStatus, std::string(20, ' ')), false, sink));
  auto over = bounded.Feed(std::string(20, ' '), true, sink);
  ASSERT_FALSE(over);
  EXPECT_THAT(over.error().message, HasSubstr("over 32 bytes"));
  EXPECT_EQ(sink.statuses.size(), 1u);
}

TEST(ChannelDecoderTest, AMalformedStatusIsDeliveredAsAnError) {
  ChannelDecoder decoder(ChannelProtocol::kV5);
  RecordingSink sink;
  ASSERT_TRUE(decoder.Feed(Message(Channel::kStatus, "{not json"), true, sink));
  ASSERT_EQ(sink.statuses.size(), 1u);
  ASSERT_FALSE(sink.statuses[0]);
  EXPECT_EQ(sink.statuses[0].error().kind, ErrorKind::kDecode);
}

TEST(ChannelDecoderTest, EveryChannelByteIsAcceptedOrRefused) {
  // Only output and status are what a server sends with a payload like this one.
  for (auto protocol : {ChannelProtocol::kV4, ChannelProtocol::kV5}) {
    for (int byte = 0; byte < 256; ++byte) {
      ChannelDecoder decoder(protocol);
      RecordingSink sink;
      const std::string message{static_cast<char>(byte), '\x01', '{', '\xff'};
      const bool expected = byte == 1 || byte == 2 || byte == 3;
      EXPECT_EQ(decoder.Feed(message, true, sink).has_value(), expected)
          << "channel " << byte << " in " << ProtocolName(protocol);
    }
  }
}

}  // namespace
}  // namespace kdiag
