// The check pipeline: root checks, gating, namespace checks, correlation, enrichment,
// suppression, and the summary. Runs in the calling thread; pure over its context.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/enrichment.h"

namespace kdiag {

enum class StepResult { kPassed, kFailed, kSkipped, kError };
std::string_view ToString(StepResult result);

// One step of the flowchart: status.checkpoints[].
struct Checkpoint {
  std::string name;
  Stage stage = Stage::kNamespace;
  StepResult result = StepResult::kPassed;
  std::string message;
  std::chrono::milliseconds duration{0};
};

struct Summary {
  int critical = 0;
  int warning = 0;
  int info = 0;
  int suppressed = 0;
  bool healthy = true;
  std::string verdict;
};

struct PipelineResult {
  std::vector<Checkpoint> checkpoints;
  // Root causes first, then by severity, code and object.
  std::vector<Finding> findings;
  Summary summary;
  bool rootFailed = false;
};

struct PipelineOptions {
  EnrichmentOptions enrichment;
  // A check running longer stops at its next budget test and is reported as an Error.
  std::chrono::milliseconds checkBudget{2000};
};

class Pipeline {
 public:
  Pipeline(std::vector<CheckDefinition> checks, PipelineOptions options);

  PipelineResult Run(const CheckContext& context) const;

  const std::vector<CheckDefinition>& checks() const { return checks_; }
  // The catalog entry of a code, or null.
  const CheckCode* FindCode(std::string_view code) const;

 private:
  std::vector<CheckDefinition> checks_;
  PipelineOptions options_;
  std::map<std::string, const CheckCode*, std::less<>> codes_;
};

}  // namespace kdiag
