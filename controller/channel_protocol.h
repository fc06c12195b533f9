// The framing of exec and attach over WebSockets (subprotocols v4.channel.k8s.io and
// v5.channel.k8s.io): every binary message starts with a channel byte naming the stream it
// carries. No I/O here, so the framing is tested on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "controller/api_error.h"

namespace kdiag {

enum class ChannelProtocol {
  kV4,  // v4.channel.k8s.io: the exit status as a JSON Status; stdin cannot be half-closed
  kV5,  // v5.channel.k8s.io: v4 plus a close signal, so stdin can end while output goes on
};

// The name offered in Sec-WebSocket-Protocol.
std::string_view ProtocolName(ChannelProtocol protocol);
// The protocol the server chose; nullopt for any other name (or none).
std::optional<ChannelProtocol> ParseProtocolName(std::string_view name);

enum class Channel : uint8_t {
  kStdin = 0,
  kStdout = 1,
  kStderr = 2,
  kStatus = 3,   // server to client, once, at the end: a metav1.Status
  kResize = 4,   // client to server: the terminal's size as JSON
  kClose = 255,  // v5 only: the payload is the one channel byte of a stream that ended
};

struct TerminalSize {
  uint16_t width = 0;   // columns
  uint16_t height = 0;  // rows
};

// The largest stdin payload put in one message; longer input is split.
inline constexpr size_t kMaxStdinFrame = size_t{32} * 1024;

// Messages to the server: the channel byte, then the payload.
std::string EncodeStdin(std::string_view data);
std::string EncodeResize(TerminalSize size);
// Half-closes stdin: the command reads end-of-file. Only v5 can say so; under v4 it is a
// kBadRequest error (the command sees stdin end only when the connection closes).
Result<std::string> EncodeCloseStdin(ChannelProtocol protocol);

// How a command ended.
struct ExitStatus {
  int exitCode = 0;
  std::string message;  // the server's words for a non-zero exit; empty on success
};

// Decodes the status channel's metav1.Status: "Success" is exit code 0; a failure with reason
// NonZeroExitCode carries the code in its details.causes entry of reason ExitCode. Servers
// that run the command with Go's os/exec and report the error as it is (kwok does) send a
// failure whose message ends in "exit status N": that is exit code N too. Any other failure
// (the container is gone, the runtime refused) is an error typed from the Status; JSON that
// is not a Status is a kDecode error.
Result<ExitStatus> DecodeStatus(std::string_view json);

// Where a ChannelDecoder delivers what the server's messages carry.
class ChannelSink {
 public:
  virtual ~ChannelSink() = default;
  // Output of the command, in order; channel is kStdout or kStderr.
  virtual void OnOutput(Channel channel, std::string_view data) = 0;
  // The status message, decoded; it comes once, as the last message.
  virtual void OnStatus(Result<ExitStatus> status) = 0;
  // v5: the server ended one of its streams.
  virtual void OnStreamClosed(Channel channel) = 0;
};

// Decodes the server's messages as the WebSocket delivers them: a message may come in several
// fragments, with the channel byte only at the start of the first. Output is handed on as it
// arrives; the status and close messages are gathered (up to a bound) and decoded when whole.
class ChannelDecoder {
 public:
  static constexpr size_t kDefaultMaxStatus = size_t{64} * 1024;

  explicit ChannelDecoder(ChannelProtocol protocol, size_t max_status = kDefaultMaxStatus)
      : protocol_(protocol), max_status_(max_status) {}

  // One fragment; last: the message ends with it. A message that breaks the protocol (an
  // unknown channel, input on a channel the server does not write, a second status, a status
  // over the bound) is a kDecode error, after which the connection should be dropped.
  Result<void> Feed(std::string_view fragment, bool last, ChannelSink& sink);

 private:
  Result<void> Finish(ChannelSink& sink);

  ChannelProtocol protocol_;
  size_t max_status_;
  bool in_message_ = false;  // a message has started and its channel byte been read
  Channel channel_ = Channel::kStdout;
  std::string gathered_;  // the status or close message being assembled
  bool status_seen_ = false;
};

}  // namespace kdiag
