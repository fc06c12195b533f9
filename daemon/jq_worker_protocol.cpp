#include "daemon/jq_worker_protocol.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace kdiag::jq_worker {
namespace {

template <typename T>
void AppendRaw(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
T LoadRaw(const char* bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

constexpr size_t kReadChunk = size_t{64} * 1024;

}  // namespace

void AppendU32(std::string& out, uint32_t value) { AppendRaw(out, value); }

void AppendString(std::string& out, std::string_view text) {
  AppendU32(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

std::string EncodePrograms(const std::vector<std::string>& programs) {
  std::string out;
  AppendU32(out, static_cast<uint32_t>(programs.size()));
  for (const auto& program : programs) AppendString(out, program);
  return out;
}

std::string EncodeBatch(uint32_t program, Timestamp now, std::span<const std::string> inputs) {
  std::string out;
  size_t size = 16;
  for (const auto& input : inputs) size += 4 + input.size();
  out.reserve(size);
  AppendU32(out, program);
  AppendRaw<int64_t>(
      out, std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
  AppendU32(out, static_cast<uint32_t>(inputs.size()));
  for (const auto& input : inputs) AppendString(out, input);
  return out;
}

std::string EncodeOutcome(const JqOutcome& outcome) {
  std::string out;
  out.push_back(static_cast<char>(outcome.kind));
  AppendString(out, outcome.detail);
  return out;
}

namespace {

// The string at the front of bytes and the bytes it takes; nullopt while it is incomplete.
std::optional<std::pair<std::string, size_t>> StringAt(std::string_view bytes) {
  if (bytes.size() < sizeof(uint32_t)) return std::nullopt;
  const auto length = LoadRaw<uint32_t>(bytes.data());
  if (length > kMaxString) throw std::runtime_error("malformed reply: string too long");
  if (bytes.size() < sizeof(uint32_t) + length) return std::nullopt;
  return std::pair{std::string(bytes.substr(sizeof(uint32_t), length)), sizeof(uint32_t) + length};
}

}  // namespace

std::optional<std::string> TakeString(std::string& buffer) {
  auto string = StringAt(buffer);
  if (!string) return std::nullopt;
  buffer.erase(0, string->second);
  return std::move(string->first);
}

std::optional<JqOutcome> TakeOutcome(std::string& buffer) {
  if (buffer.empty()) return std::nullopt;
  const auto kind = static_cast<uint8_t>(buffer[0]);
  if (kind > static_cast<uint8_t>(JqOutcome::Kind::kStopped)) {
    throw std::runtime_error("malformed reply: outcome kind " + std::to_string(kind));
  }
  auto detail = StringAt(std::string_view(buffer).substr(1));
  if (!detail) return std::nullopt;
  buffer.erase(0, 1 + detail->second);
  return JqOutcome{static_cast<JqOutcome::Kind>(kind), std::move(detail->first)};
}

bool Stream::Fill() {
  buffer_.erase(0, position_);
  position_ = 0;
  const size_t kept = buffer_.size();
  buffer_.resize(kept + kReadChunk);
  for (;;) {
    const ssize_t got = read(fd_, buffer_.data() + kept, kReadChunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw std::system_error(errno, std::generic_category(), "reading");
    buffer_.resize(kept + static_cast<size_t>(got));
    return got > 0;
  }
}

void Stream::ReadExact(char* out, size_t size) {
  while (buffer_.size() - position_ < size) {
    if (!Fill()) throw std::runtime_error("the stream ended in the middle of a message");
  }
  std::memcpy(out, buffer_.data() + position_, size);
  position_ += size;
}

std::optional<uint32_t> Stream::ReadU32OrEnd() {
  if (position_ == buffer_.size() && !Fill()) return std::nullopt;
  return ReadU32();
}

uint32_t Stream::ReadU32() {
  char bytes[sizeof(uint32_t)];
  ReadExact(bytes, sizeof bytes);
  return LoadRaw<uint32_t>(bytes);
}

int64_t Stream::ReadI64() {
  char bytes[sizeof(int64_t)];
  ReadExact(bytes, sizeof bytes);
  return LoadRaw<int64_t>(bytes);
}

std::string Stream::ReadString() {
  const uint32_t length = ReadU32();
  if (length > kMaxString) throw std::runtime_error("string too long");
  std::string text(length, '\0');
  ReadExact(text.data(), length);
  return text;
}

void Stream::Write(std::string_view bytes) const {
  while (!bytes.empty()) {
    const ssize_t wrote = write(fd_, bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) throw std::system_error(errno, std::generic_category(), "writing");
    bytes.remove_prefix(static_cast<size_t>(wrote));
  }
}

}  // namespace kdiag::jq_worker
