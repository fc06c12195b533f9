// Custom checks' jq programs run in kdiag-jq-worker processes (daemon/jq_worker_main.cpp), so
// a program that never ends on one object, or builds an unbounded value, can be stopped: libjq
// has no way to interrupt an evaluation in this process. A worker runs one batch at a time;
// the evaluator keeps idle workers for reuse and starts more when several Diagnoses run custom
// checks at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "checks/jq_evaluator.h"

namespace kdiag {

struct JqWorkerLimits {
  // A program still running on one object after this long is stopped (kStopped), provided the
  // worker spent most of that time computing (a starved machine does not count against it).
  std::chrono::milliseconds timePerObject{1000};
  // Address space of a worker (RLIMIT_AS); jq aborts when an allocation fails. Not applied in
  // AddressSanitizer builds, whose shadow memory needs terabytes of address space.
  uint64_t memoryBytes = 256ull << 20;
};

class JqWorkerProcess;

class SubprocessJqEvaluator : public JqEvaluator {
 public:
  // worker_path: the kdiag-jq-worker program. Starts one worker now, so that a worker that
  // cannot start is an error at start-up (std::runtime_error) rather than in a Diagnosis.
  SubprocessJqEvaluator(std::string worker_path, std::vector<std::string> programs,
                        JqWorkerLimits limits);
  ~SubprocessJqEvaluator() override;

  // Throws std::runtime_error when no worker can be started.
  std::vector<JqOutcome> Run(size_t program, std::span<const std::string> inputs, Timestamp now,
                             Deadline deadline) override;

 private:
  std::unique_ptr<JqWorkerProcess> Take();
  void Give(std::unique_ptr<JqWorkerProcess> worker);

  const std::string workerPath_;
  const std::vector<std::string> programs_;
  const JqWorkerLimits limits_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<JqWorkerProcess>> idle_;
};

// kdiag-jq-worker in the directory of the running program (both are installed side by side).
std::string JqWorkerBesideThisProgram();

}  // namespace kdiag
