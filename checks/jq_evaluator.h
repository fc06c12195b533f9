// Where custom checks' jq programs run. The checks hand over a batch of objects and a deadline;
// an implementation runs them in this process (tests, benchmarks) or in a separate process the
// daemon can stop (daemon/subprocess_jq_evaluator.h), since libjq cannot interrupt a program.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "checks/jq_program.h"

namespace kdiag {

class JqEvaluator {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  virtual ~JqEvaluator() = default;

  // Runs program number `program` (its position in the list the evaluator was made with) on
  // each input in order, with `now` as the run's time. Returns one outcome per input evaluated:
  // fewer than the inputs when the deadline passed first, the last one kStopped when the
  // evaluator had to stop the program on that input. Thread-safe.
  virtual std::vector<JqOutcome> Run(size_t program, std::span<const std::string> inputs,
                                     Timestamp now, Deadline deadline) = 0;
};

// Makes an evaluator for these programs; each compiles (JqProgram::Compile).
using JqEvaluatorFactory =
    std::function<std::shared_ptr<JqEvaluator>(const std::vector<std::string>& programs)>;

// Runs the programs in the calling thread. The deadline is tested between inputs: a program
// that never ends on one input is not stopped.
class InProcessJqEvaluator : public JqEvaluator {
 public:
  // Throws std::invalid_argument with jq's message when a program does not compile.
  explicit InProcessJqEvaluator(const std::vector<std::string>& programs);

  std::vector<JqOutcome> Run(size_t program, std::span<const std::string> inputs, Timestamp now,
                             Deadline deadline) override;

 private:
  // Compiled copies of one program: jq's state is not thread-safe, so each thread running the
  // program at the same time takes its own. Copies are compiled on demand and kept for reuse.
  class Pool {
   public:
    explicit Pool(std::string program);
    std::unique_ptr<JqProgram> Take();
    void Give(std::unique_ptr<JqProgram> program);

   private:
    std::string program_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<JqProgram>> idle_;
  };

  std::vector<std::unique_ptr<Pool>> pools_;
};

std::shared_ptr<JqEvaluator> MakeInProcessJqEvaluator(const std::vector<std::string>& programs);

}  // namespace kdiag
