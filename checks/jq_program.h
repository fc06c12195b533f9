// A jq program (libjq) compiled once and run over JSON values, confined so that it stays pure:
// it sees only its input, never the process environment, standard input, files or the clock.
// Not thread-safe: one JqProgram per thread (InProcessJqEvaluator hands them out).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "controller/micro_time.h"

struct jq_state;

namespace kdiag {

// What the first output of a run was.
struct JqOutcome {
  // kStopped: the evaluator stopped the program (too long, too much memory); only an evaluator
  // that runs programs apart from the caller gives it.
  enum class Kind { kTrue, kFalse, kNoOutput, kNotBoolean, kError, kStopped };
  Kind kind = Kind::kNoOutput;
  // The error message, the non-boolean value as JSON (shortened), or why it was stopped.
  std::string detail;
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

}  // namespace kdiag
