// A jq program (libjq) compiled once and run over JSON values, confined so that it stays pure:
// it sees only its input, never the process environment, standard input, files or the clock.
// Not thread-safe: one JqProgram per thread (JqProgramPool hands them out).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/micro_time.h"

struct jq_state;

namespace kdiag {

// What the first output of a run was.
struct JqOutcome {
  enum class Kind { kTrue, kFalse, kNoOutput, kNotBoolean, kError };
  Kind kind = Kind::kNoOutput;
  std::string detail;  // the error message, or the non-boolean value as JSON (shortened)
};

class JqProgram {
 public:
  // Compiles program; null, with jq's messages in *error, when it does not compile.
  static std::unique_ptr<JqProgram> Compile(std::string_view program, std::string* error);
  ~JqProgram();
  JqProgram(const JqProgram&) = delete;
  JqProgram& operator=(const JqProgram&) = delete;

  // Runs the program with input_json as `.`; `now` answers with the given time. Only the first
  // output is read, so generators (range, repeat, recurse) stop there.
  JqOutcome Run(std::string_view input_json, Timestamp now);

 private:
  JqProgram() = default;
  jq_state* jq_ = nullptr;
  std::vector<std::string> messages_;  // compile errors, collected by jq's error callback
};

// Compiled copies of one program, so checks running in several threads at once each get their
// own jq_state. Copies are compiled on demand and kept for reuse.
class JqProgramPool {
 public:
  // program must compile (checked with JqProgram::Compile first); throws std::invalid_argument
  // with jq's message otherwise.
  explicit JqProgramPool(std::string program);

  JqOutcome Run(std::string_view input_json, Timestamp now);

 private:
  std::unique_ptr<JqProgram> Take();
  void Give(std::unique_ptr<JqProgram> program);

  std::string program_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<JqProgram>> idle_;
};

}  // namespace kdiag
