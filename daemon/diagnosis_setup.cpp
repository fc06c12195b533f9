#include "daemon/diagnosis_setup.h"

#include <spdlog/spdlog.h>

#include <set>

#include "checks/object_fields.h"
#include "reconcilers/diagnosis_spec.h"
#include "reconcilers/kdiag_resources.h"
#include "reconcilers/watched_kinds.h"

namespace kdiag {
namespace {

// Whether the controller may list a kind the server serves: optional kinds (Secrets' metadata,
// node leases, custom resources) are left out rather than retried forever when RBAC forbids.
bool MayList(Client& client, const WatchedKind& kind) {
  auto page = client.List(kind.type, kind.ns, {.limit = 1});
  if (page) return true;
  spdlog::info("not watching {} ({}): {}", kind.kind, kind.type.resource, page.error().Describe());
  return false;
}

}  // namespace

DiagnosisController::DiagnosisController(const OperatorConfig& config,
                                         std::vector<CheckDefinition> checks,
                                         PipelineOptions pipeline, Client& client, Manager& manager,
                                         const RootSignalsProvider& signals, EventRecorder& events,
                                         prometheus::Registry& registry) {
  std::set<std::string> served;  // "group/version/resource"
  if (auto resources = client.ServerResources()) {
    for (const auto& resource : *resources) {
      served.insert(resource.type.ApiVersion() + "/" + resource.type.resource);
      informers_.groupVersions.insert(resource.type.ApiVersion());
    }
  } else {
    spdlog::warn("discovery failed ({}); watching the built-in kinds only",
                 resources.error().Describe());
  }
  for (const auto& kind : DiagnosisWatchedKinds(config.checks.customResources)) {
    if (kind.optional && (!served.contains(kind.type.ApiVersion() + "/" + kind.type.resource) ||
                          !MayList(client, kind))) {
      continue;
    }
    Informer& informer =
        manager.AddInformer({.type = kind.type, .ns = kind.ns, .projection = kind.projection});
    informers_.byKind[kind.kind] = {&informer.store(), kind.type.ApiVersion()};
  }

  pipeline_ = std::make_unique<Pipeline>(std::move(checks), std::move(pipeline));
  reports_ = std::make_unique<InMemoryReportStore>();
  metrics_ = std::make_unique<DiagnosisMetrics>(registry);
  Informer& diagnoses = manager.AddInformer({.type = kDiagnoses});
  reconciler_ =
      std::make_unique<DiagnosisReconciler>(DiagnosisReconcilerDeps{.client = client,
                                                                    .diagnoses = diagnoses,
                                                                    .informers = informers_,
                                                                    .pipeline = *pipeline_,
                                                                    .signals = signals,
                                                                    .reports = *reports_,
                                                                    .events = events,
                                                                    .clock = SystemClock(),
                                                                    .metrics = metrics_.get(),
                                                                    .registry = &registry},
                                            config.diagnosis);
  auto& loop = manager.AddController({.name = "diagnosis", .workers = 4},
                                     [this](const std::string& key, const std::stop_token& stop) {
                                       return reconciler_->Reconcile(key, stop);
                                     });
  // A run is also asked for by changing the kdiag.dev/rerun annotation, which leaves the
  // generation alone.
  loop.WatchPrimary(diagnoses, [](const StoreChange& change) {
    if (SpecChanged(change)) return true;
    // Every status write comes back as an update: parse (a Diagnosis with its findings is large)
    // only objects that carry the annotation at all.
    const auto rerun = [](const CachedObjectPtr& object) {
      if (!object) return std::string();
      const std::string json = object->Json();
      if (json.find(kRerunAnnotation) == std::string::npos) return std::string();
      return std::string(Annotation(nlohmann::json::parse(json), kRerunAnnotation));
    };
    return rerun(change.before) != rerun(change.after);
  });
}

}  // namespace kdiag
