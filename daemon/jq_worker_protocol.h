// The messages between the controller and kdiag-jq-worker, the process in which custom checks'
// jq programs run (daemon/subprocess_jq_evaluator.h). They travel over a stream socket, the
// worker's standard input and output. Integers are in the machine's byte order: both ends are
// the same build on the same machine. A string is a u32 length and its bytes.
//
//   controller → worker, once:          u32 count, count × string (the programs)
//   worker → controller, once:          string (empty: every program compiled; else why not)
//   controller → worker, for a batch:   u32 program, i64 now (µs since the epoch),
//                                       u32 count, count × string (the inputs, JSON)
//   worker → controller, for each input, as soon as it is evaluated:
//                                       u8 JqOutcome::Kind, string (the detail)
//
// The worker reads a whole batch before it answers, so neither side blocks writing while the
// other does.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/jq_program.h"

namespace kdiag::jq_worker {

// Longest string either side accepts: more is a broken peer, not a Kubernetes object.
constexpr uint32_t kMaxString = 64u << 20;

void AppendU32(std::string& out, uint32_t value);
void AppendString(std::string& out, std::string_view text);

std::string EncodePrograms(const std::vector<std::string>& programs);
std::string EncodeBatch(uint32_t program, Timestamp now, std::span<const std::string> inputs);
std::string EncodeOutcome(const JqOutcome& outcome);

// Reads a string from the front of buffer and removes it; nullopt while it is incomplete.
// Throws std::runtime_error when it is longer than kMaxString.
std::optional<std::string> TakeString(std::string& buffer);
// Reads an outcome from the front of buffer and removes it; nullopt while it is incomplete.
// Throws std::runtime_error when the bytes cannot be one.
std::optional<JqOutcome> TakeOutcome(std::string& buffer);

// Buffered, blocking reads and writes on a file descriptor, for the worker's side. Read*
// throw std::runtime_error on end of input, an error, or a string over kMaxString.
class Stream {
 public:
  explicit Stream(int fd) : fd_(fd) {}
  // nullopt when the peer closed the stream before the first byte: the normal end.
  std::optional<uint32_t> ReadU32OrEnd();
  uint32_t ReadU32();
  int64_t ReadI64();
  std::string ReadString();
  void Write(std::string_view bytes) const;

 private:
  // False at the end of input.
  bool Fill();
  void ReadExact(char* out, size_t size);

  int fd_;
  std::string buffer_;
  size_t position_ = 0;
};

}  // namespace kdiag::jq_worker
