#include "checks/jq_evaluator.h"

#include <stdexcept>

namespace kdiag {

InProcessJqEvaluator::Pool::Pool(std::string program) : program_(std::move(program)) {
  std::string error;
  auto first = JqProgram::Compile(program_, &error);
  if (!first) throw std::invalid_argument(error);
  idle_.push_back(std::move(first));
}

std::unique_ptr<JqProgram> InProcessJqEvaluator::Pool::Take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto program = std::move(idle_.back());
      idle_.pop_back();
      return program;
    }
  }
  // Another thread holds every compiled copy: compile one more (outside the lock; compiling
  // jq's builtins takes milliseconds).
  std::string error;
  auto program = JqProgram::Compile(program_, &error);
  if (!program) throw std::runtime_error(error);
  return program;
}

void InProcessJqEvaluator::Pool::Give(std::unique_ptr<JqProgram> program) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(program));
}

InProcessJqEvaluator::InProcessJqEvaluator(const std::vector<std::string>& programs) {
  for (const auto& program : programs) pools_.push_back(std::make_unique<Pool>(program));
}

std::vector<JqOutcome> InProcessJqEvaluator::Run(size_t program,
                                                 std::span<const std::string> inputs, Timestamp now,
                                                 Deadline deadline) {
  Pool& pool = *pools_.at(program);
  auto compiled = pool.Take();
  std::vector<JqOutcome> outcomes;
  outcomes.reserve(inputs.size());
  for (const auto& input : inputs) {
    if (std::chrono::steady_clock::now() > deadline) break;
    outcomes.push_back(compiled->Run(input, now));
  }
  pool.Give(std::move(compiled));
  return outcomes;
}

std::shared_ptr<JqEvaluator> MakeInProcessJqEvaluator(const std::vector<std::string>& programs) {
  return std::make_shared<InProcessJqEvaluator>(programs);
}

}  // namespace kdiag
