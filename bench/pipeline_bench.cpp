// Pipeline CPU time, without the API server:
//   pipeline_bench cluster [pods] [runs] [findings-file]    the whole pipeline, cluster-wide, over
//   a view that
//                                           holds every object parsed (the checks alone)
//   pipeline_bench namespace [pods] [runs] [findings-file]  one namespace of a cluster held in the
//   caches the
//                                           way the controller holds them (compact objects,
//                                           parsed as the run reads them), all kinds' stores
// Prints the median and the 99th percentile of the thread CPU time per run, and the findings.
// With a findings file, the last run's findings and step results are appended to it, one per
// line, to compare two versions of the checks.
#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/synthetic_cluster.h"
#include "checks/builtin_checks.h"
#include "checks/memory_cluster_view.h"
#include "checks/pipeline.h"
#include "controller/object_decoder.h"
#include "reconcilers/informer_cluster_view.h"
#include "reconcilers/watched_kinds.h"

namespace {

double ThreadCpuMillis() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int Arg(int argc, char** argv, int index, int fallback) {
  if (argc <= index) return fallback;
  int value = fallback;
  std::from_chars(argv[index], argv[index] + std::char_traits<char>::length(argv[index]), value);
  return value;
}

template <typename MakeView>
void Measure(const std::string& label, int runs, const std::string& findings_file,
             const kdiag::Scope& scope, MakeView make_view) {
  const kdiag::Pipeline pipeline(kdiag::BuiltinChecks(), {});
  const kdiag::RootSignals signals;
  const auto now = kdiag::ParseTime("2026-11-23T10:00:00Z").value();
  std::vector<double> millis;
  kdiag::PipelineResult last;
  for (int i = 0; i < runs; ++i) {
    const double start = ThreadCpuMillis();
    auto view = make_view();
    const kdiag::CheckContext context(*view, scope, now, signals, nullptr);
    auto result = pipeline.Run(context);
    millis.push_back(ThreadCpuMillis() - start);
    last = std::move(result);  // the previous result is freed outside the measured time
  }
  if (!findings_file.empty()) {
    std::ofstream out(findings_file, std::ios::app);
    out << label << "\n";
    for (const auto& checkpoint : last.checkpoints) {
      out << checkpoint.name << " " << kdiag::ToString(checkpoint.result) << " "
          << checkpoint.message << "\n";
    }
    for (const auto& finding : last.findings) out << kdiag::ToJson(finding).dump() << "\n";
  }
  std::sort(millis.begin(), millis.end());
  const auto p99 = millis[std::min(millis.size() - 1, millis.size() * 99 / 100)];
  fmt::print("{}: {} runs, CPU per run median {:.1f} ms, p99 {:.1f} ms; {} findings ({})\n", label,
             runs, millis[millis.size() / 2], p99, last.findings.size(), last.summary.verdict);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "cluster";
  const int pods = Arg(argc, argv, 2, mode == "cluster" ? 10000 : 1000);
  const int runs = Arg(argc, argv, 3, 20);
  const std::string findings_file = argc > 4 ? argv[4] : "";

  if (mode == "cluster") {
    kdiag::bench::ClusterShape shape;
    shape.namespaces = std::max(1, pods / 1000);
    shape.podsPerNamespace = pods / shape.namespaces;
    auto view = std::make_shared<kdiag::MemoryClusterView>();
    kdiag::bench::BuildCluster(shape, [&](nlohmann::json object) { view->Add(std::move(object)); });
    kdiag::Scope scope;
    scope.allNamespaces = true;
    Measure(fmt::format("cluster-wide, {} pods", pods), runs, findings_file, scope,
            [&] { return view; });
    return 0;
  }

  // Ten namespaces like the one diagnosed, held as the controller's caches hold them.
  kdiag::bench::ClusterShape shape;
  shape.namespaces = 10;
  shape.podsPerNamespace = pods;
  std::map<std::string, kdiag::Store, std::less<>> stores;
  std::map<std::string, kdiag::ObjectDecoder> decoders;
  for (const auto& kind : kdiag::DiagnosisWatchedKinds()) {
    decoders.emplace(kind.kind, kind.projection);
  }
  kdiag::bench::BuildCluster(shape, [&](nlohmann::json object) {
    const std::string kind = object["kind"];
    auto decoded = decoders.at(kind).DecodeObject(object.dump());
    if (decoded) stores[kind].Upsert(*decoded);
  });
  kdiag::InformerSet informers;
  std::map<std::string, std::string> api_versions;
  for (const auto& kind : kdiag::DiagnosisWatchedKinds()) {
    api_versions[kind.kind] = kind.type.ApiVersion();
  }
  for (const auto& [kind, store] : stores) informers.byKind[kind] = {&store, api_versions[kind]};
  kdiag::Scope scope;
  scope.ns = "ns-0";
  // Cold: every run parses what it reads. Warm: parses kept across runs, as the controller
  // keeps them while objects do not change.
  const auto label = fmt::format("namespace ns-0 of {} pods, {} events, from the caches", pods,
                                 pods * shape.eventsPerPod);
  std::shared_ptr<kdiag::ParsedObjectCache> cold;
  Measure(label + ", cold", runs, findings_file, scope, [&] {
    cold = std::make_shared<kdiag::ParsedObjectCache>();
    return std::make_shared<kdiag::InformerClusterView>(informers, *cold);
  });
  kdiag::ParsedObjectCache warm;
  Measure(label + ", warm", runs, findings_file, scope,
          [&] { return std::make_shared<kdiag::InformerClusterView>(informers, warm); });
  return 0;
}
