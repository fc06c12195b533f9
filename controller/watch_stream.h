// The framing of a watch: newline-delimited JSON events ({"type":..., "object":...}), arriving
// in chunks that split lines anywhere, even inside a UTF-8 sequence. Decoding the events is
// ObjectDecoder's.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace kdiag {

// Splits a byte stream into lines, whatever the chunk boundaries. Each byte is scanned once;
// a partial line is carried over to the next chunk. Lines are handed out as views into an
// internal buffer that keeps simdjson's padding after every line, so they can be parsed in
// place.
class LineFramer {
 public:
  // A line longer than this means the stream is not what it should be.
  static constexpr size_t kDefaultMaxLine = 64 << 20;
  explicit LineFramer(size_t max_line = kDefaultMaxLine) : max_line_(max_line) {}

  // Calls on_line(std::string_view) for every complete, non-empty line. Returns false when the
  // line being assembled exceeds the maximum (the caller drops the stream and reconnects).
  template <typename OnLine>
  bool Feed(std::string_view chunk, OnLine&& on_line);

  size_t pending() const { return buffer_.size() - start_; }

 private:
  size_t max_line_;
  std::string buffer_;
  size_t start_ = 0;  // first byte of the line being assembled
  size_t scan_ = 0;   // first byte not yet scanned for '\n'
};

template <typename OnLine>
bool LineFramer::Feed(std::string_view chunk, OnLine&& on_line) {
  // Drop what earlier calls consumed before growing the buffer, so it holds one partial line.
  if (start_ > 0) {
    buffer_.erase(0, start_);
    scan_ -= start_;
    start_ = 0;
  }
  buffer_.reserve(buffer_.size() + chunk.size() + simdjson::SIMDJSON_PADDING);
  buffer_.append(chunk);
  while (scan_ < buffer_.size()) {
    const size_t newline = buffer_.find('\n', scan_);
    if (newline == std::string::npos) {
      scan_ = buffer_.size();
      break;
    }
    size_t end = newline;
    if (end > start_ && buffer_[end - 1] == '\r') --end;
    if (end > start_) on_line(std::string_view(buffer_).substr(start_, end - start_));
    start_ = scan_ = newline + 1;
  }
  return buffer_.size() - start_ <= max_line_;
}

}  // namespace kdiag
