#include "controller/channel_protocol.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <utility>

namespace kdiag {
namespace {

constexpr std::string_view kV4Name = "v4.channel.k8s.io";
constexpr std::string_view kV5Name = "v5.channel.k8s.io";

std::string StringField(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int> ParseExitCode(std::string_view text) {
  int code = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (error != std::errc() || end != text.data() + text.size() || code < 0) return std::nullopt;
  return code;
}

// The code of a NonZeroExitCode Status: its details.causes entry of reason ExitCode.
std::optional<int> ExitCodeCause(const nlohmann::json& status) {
  const auto details = status.find("details");
  if (details == status.end() || !details->is_object()) return std::nullopt;
  const auto causes = details->find("causes");
  if (causes == details->end() || !causes->is_array()) return std::nullopt;
  for (const auto& cause : *causes) {
    if (cause.is_object() && StringField(cause, "reason") == "ExitCode") {
      return ParseExitCode(StringField(cause, "message"));
    }
  }
  return std::nullopt;
}

// "... exit status 3", as Go's os/exec words a non-zero exit. A server may append the command's
// captured stderr after a newline, so the code ends the text or a line; the first such phrase
// is Go's.
std::optional<int> ExitCodeInMessage(std::string_view message) {
  constexpr std::string_view kPhrase = "exit status ";
  for (size_t at = message.find(kPhrase); at != std::string_view::npos;
       at = message.find(kPhrase, at + 1)) {
    const size_t digits = at + kPhrase.size();
    size_t end = digits;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    if (end == digits || (end < message.size() && message[end] != '\n')) continue;
    if (auto code = ParseExitCode(message.substr(digits, end - digits))) return code;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ProtocolName(ChannelProtocol protocol) {
  return protocol == ChannelProtocol::kV5 ? kV5Name : kV4Name;
}

std::optional<ChannelProtocol> ParseProtocolName(std::string_view name) {
  if (name == kV5Name) return ChannelProtocol::kV5;
  if (name == kV4Name) return ChannelProtocol::kV4;
  return std::nullopt;
}

std::string EncodeStdin(std::string_view data) {
  std::string frame;
  frame.reserve(data.size() + 1);
  frame += static_cast<char>(Channel::kStdin);
  frame += data;
  return frame;
}

std::string EncodeResize(TerminalSize size) {
  // The server decodes this into a remotecommand.TerminalSize, whose fields carry no JSON tags.
  const nlohmann::json body = {{"Width", size.width}, {"Height", size.height}};
  return static_cast<char>(Channel::kResize) + body.dump();
}

Result<std::string> EncodeCloseStdin(ChannelProtocol protocol) {
  if (protocol != ChannelProtocol::kV5) {
    ApiError error;
    error.kind = ErrorKind::kBadRequest;
    error.message =
        std::string(kV4Name) + " cannot half-close stdin; only " + std::string(kV5Name) + " can";
    return Unexpected(std::move(error));
  }
  return std::string{static_cast<char>(Channel::kClose), static_cast<char>(Channel::kStdin)};
}

Result<ExitStatus> DecodeStatus(std::string_view json) {
  const auto status = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!status.is_object()) {
    return Unexpected(MakeError(ErrorKind::kDecode, "the status message is not a JSON object: " +
                                                        std::string(json.substr(0, 200))));
  }
  const std::string outcome = StringField(status, "status");
  if (outcome == "Success") return ExitStatus{};
  if (outcome != "Failure") {
    return Unexpected(MakeError(ErrorKind::kDecode, "the status message has status \"" + outcome +
                                                        "\", neither Success nor Failure"));
  }
  std::string message = StringField(status, "message");
  if (StringField(status, "reason") == "NonZeroExitCode") {
    const auto code = ExitCodeCause(status);
    if (!code) {
      return Unexpected(MakeError(ErrorKind::kDecode,
                                  "a NonZeroExitCode status without a valid ExitCode cause: " +
                                      std::string(json.substr(0, 200))));
    }
    return ExitStatus{*code, std::move(message)};
  }
  if (const auto code = ExitCodeInMessage(message)) return ExitStatus{*code, std::move(message)};

  // Not an exit of the command: type it like any Status. These come without a kind, which
  // ErrorFromResponse needs to read the body as a Status.
  auto typed = status;
  typed["kind"] = "Status";
  const auto http_code = status.find("code");
  return Unexpected(ErrorFromResponse(
      http_code != status.end() && http_code->is_number_integer() ? http_code->get<int>() : 0,
      typed.dump()));
}

Result<void> ChannelDecoder::Feed(std::string_view fragment, bool last, ChannelSink& sink) {
  if (!in_message_) {
    if (fragment.empty()) {
      if (last) {
        return Unexpected(MakeError(ErrorKind::kDecode, "a message without a channel byte"));
      }
      return {};  // the channel byte comes with the next fragment
    }
    const auto byte = static_cast<uint8_t>(fragment.front());
    fragment.remove_prefix(1);
    const auto channel = static_cast<Channel>(byte);
    switch (channel) {
      case Channel::kStdin:
      case Channel::kStdout:
      case Channel::kStderr:
      case Channel::kStatus:
      case Channel::kResize:
        break;
      case Channel::kClose:
        if (protocol_ == ChannelProtocol::kV5) break;
        [[fallthrough]];
      default:
        return Unexpected(
            MakeError(ErrorKind::kDecode, "a message on unknown channel " + std::to_string(byte) +
                                              " (" + std::string(ProtocolName(protocol_)) + ")"));
    }
    if (channel == Channel::kStatus && status_seen_) {
      return Unexpected(MakeError(ErrorKind::kDecode, "a second status message"));
    }
    channel_ = channel;
    in_message_ = true;
    gathered_.clear();
  }

  switch (channel_) {
    case Channel::kStdout:
    case Channel::kStderr:
      if (!fragment.empty()) sink.OnOutput(channel_, fragment);
      break;
    case Channel::kStdin:
    case Channel::kResize:
      // Empty messages on them are harmless; data means the peer is not speaking this protocol.
      if (!fragment.empty()) {
        in_message_ = false;
        return Unexpected(MakeError(
            ErrorKind::kDecode,
            "the server wrote on client channel " + std::to_string(static_cast<int>(channel_))));
      }
      break;
    default:
      if (gathered_.size() + fragment.size() > max_status_) {
        in_message_ = false;
        return Unexpected(MakeError(
            ErrorKind::kDecode, "a status message over " + std::to_string(max_status_) + " bytes"));
      }
      gathered_.append(fragment);
  }
  if (!last) return {};
  in_message_ = false;
  return Finish(sink);
}

Result<void> ChannelDecoder::Finish(ChannelSink& sink) {
  if (channel_ == Channel::kStatus) {
    status_seen_ = true;
    sink.OnStatus(DecodeStatus(gathered_));
  } else if (channel_ == Channel::kClose) {
    const auto closed = gathered_.empty()
                            ? Channel::kClose
                            : static_cast<Channel>(static_cast<uint8_t>(gathered_[0]));
    if (gathered_.size() != 1 ||
        (closed != Channel::kStdout && closed != Channel::kStderr && closed != Channel::kStdin)) {
      return Unexpected(MakeError(ErrorKind::kDecode, "a close message that names no stream"));
    }
    sink.OnStreamClosed(closed);
  }
  gathered_.clear();
  return {};
}

}  // namespace kdiag
