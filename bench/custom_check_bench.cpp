// What running custom checks' expressions in kdiag-jq-worker costs against running them in the
// controller's process:
//   custom_check_bench [objects] [runs]
// Evaluates one expression over `objects` recorded pods (as the cache holds them: no
// managedFields) in the batches the custom step uses, `runs` times each way, and prints the
// median and 99th percentile of the wall time per run; the worker computes while the controller
// waits, so on an idle machine that is the CPU time of both processes.
#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/latency_stats.h"
#include "bench/realistic_pods.h"
#include "checks/jq_evaluator.h"
#include "daemon/subprocess_jq_evaluator.h"

namespace {

using kdiag::bench::Millis;
using kdiag::bench::Percentile;

int Arg(int argc, char** argv, int index, int fallback) {
  if (argc <= index) return fallback;
  int value = fallback;
  std::from_chars(argv[index], argv[index] + std::char_traits<char>::length(argv[index]), value);
  return value;
}

// The custom step's batch size (checks/custom_checks.cpp).
constexpr size_t kBatch = 128;
const std::string kExpression =
    "any(.spec.containers[]; .resources.limits.memory == null) and "
    ".metadata.labels.team == null";

void Measure(const std::string& label, kdiag::JqEvaluator& evaluator,
             const std::vector<std::string>& objects, int runs) {
  const kdiag::Timestamp now = std::chrono::system_clock::now();
  std::vector<double> millis;
  size_t fired = 0;
  for (int run = 0; run < runs; ++run) {
    fired = 0;
    const auto start = std::chrono::steady_clock::now();
    for (size_t first = 0; first < objects.size(); first += kBatch) {
      const auto batch =
          std::span(objects).subspan(first, std::min(kBatch, objects.size() - first));
      for (const auto& outcome : evaluator.Run(0, batch, now, start + std::chrono::minutes(1))) {
        fired += outcome.kind == kdiag::JqOutcome::Kind::kTrue ? 1 : 0;
      }
    }
    millis.push_back(Millis(std::chrono::steady_clock::now() - start));
  }
  fmt::print(
      "{:<12} {} objects: p50 {:.2f} ms, p99 {:.2f} ms per run ({:.1f} µs per object), {} fired\n",
      label, objects.size(), Percentile(millis, 0.5), Percentile(millis, 0.99),
      Percentile(millis, 0.5) * 1000 / static_cast<double>(objects.size()), fired);
}

}  // namespace

int main(int argc, char** argv) {
  const int count = Arg(argc, argv, 1, 1000);
  const int runs = Arg(argc, argv, 2, 20);
  std::vector<std::string> objects;
  for (int i = 0; i < count; ++i) {
    auto pod = nlohmann::json::parse(kdiag::bench::RealisticPod(i, 1));
    pod["metadata"].erase("managedFields");
    objects.push_back(pod.dump());
  }
  kdiag::InProcessJqEvaluator in_process({kExpression});
  const auto worker = std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() /
                      "daemon" / "kdiag-jq-worker";
  kdiag::SubprocessJqEvaluator subprocess(worker.string(), {kExpression}, {});
  Measure("in-process", in_process, objects, runs);
  Measure("subprocess", subprocess, objects, runs);
  return 0;
}
