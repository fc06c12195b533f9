#include "daemon/diagnosis_setup.h"

#include <spdlog/spdlog.h>

#include <set>

#include "checks/object_fields.h"
#include "reconcilers/diagnosis_spec.h"
#include "reconcilers/kdiag_resources.h"
#include "reconcilers/watched_kinds.h"

namespace kdiag {
namespace {

// How long a kind discovered at run time may take to fill its cache before it is tried again
// at the next discovery.
constexpr auto kLateSyncTimeout = std::chrono::seconds(30);

std::string ServedKey(const ResourceType& type) { return type.ApiVersion() + "/" + type.resource; }

}  // namespace

// Whether the controller may list a kind the server serves: optional kinds (Secrets' metadata,
// node leases, custom resources) are left out rather than retried forever when RBAC forbids.
bool DiagnosisController::MayList(const WatchedKind& kind) {
  auto page = client_.List(kind.type, kind.ns, {.limit = 1});
  if (page) {
    refused_.erase(kind.kind);
    return true;
  }
  if (refused_.insert(kind.kind).second) {
    spdlog::info("not watching {} ({}): {}", kind.kind, kind.type.resource,
                 page.error().Describe());
  }
  return false;
}

DiagnosisController::DiagnosisController(const OperatorConfig& config,
                                         std::vector<CheckDefinition> checks,
                                         PipelineOptions pipeline, Client& client, Manager& manager,
                                         const RootSignalsProvider& signals, EventRecorder& events,
                                         prometheus::Registry& registry)
    : client_(client),
      manager_(manager),
      kinds_(DiagnosisWatchedKinds(config.checks.customResources)) {
  InformerSet initial;
  std::set<std::string> served;
  if (auto resources = client.ServerResources()) {
    for (const auto& resource : *resources) {
      served.insert(ServedKey(resource.type));
      initial.groupVersions.insert(resource.type.ApiVersion());
    }
  } else {
    spdlog::warn("discovery failed ({}); watching the built-in kinds only until it answers",
                 resources.error().Describe());
  }
  for (const auto& kind : kinds_) {
    if (kind.optional && (!served.contains(ServedKey(kind.type)) || !MayList(kind))) continue;
    // Started by the manager's Run, which waits for these caches before any run.
    Informer& informer =
        manager.AddInformer({.type = kind.type, .ns = kind.ns, .projection = kind.projection});
    initial.byKind[kind.kind] = {&informer.store(), kind.type.ApiVersion()};
    informerOf_[kind.kind] = &informer;
  }
  informers_.Set(std::move(initial));

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

  if (config.diagnosis.discoveryInterval > Duration::zero()) {
    rediscovery_ = std::jthread([this, interval = config.diagnosis.discoveryInterval](
                                    const std::stop_token& stop) {
      std::mutex mutex;
      std::condition_variable_any wake;  // only ever woken by the stop
      std::unique_lock lock(mutex);
      while (!wake.wait_for(lock, stop, interval, [] { return false; }) && !stop.stop_requested()) {
        Rediscover(stop);
      }
    });
  }
}

DiagnosisController::~DiagnosisController() = default;

void DiagnosisController::Rediscover(const std::stop_token& stop) {
  auto resources = client_.ServerResources();
  if (!resources) {
    spdlog::debug("discovery failed ({}); the watched kinds stay as they are",
                  resources.error().Describe());
    return;
  }
  InformerSet next = *informers_.Get();
  next.groupVersions.clear();
  std::set<std::string> served;
  for (const auto& resource : *resources) {
    served.insert(ServedKey(resource.type));
    next.groupVersions.insert(resource.type.ApiVersion());
  }
  std::vector<std::pair<const WatchedKind*, Informer*>> started;
  std::vector<std::string> dropped;
  for (const auto& kind : kinds_) {
    if (!kind.optional) continue;
    const bool is_served = served.contains(ServedKey(kind.type));
    const bool watched = next.byKind.contains(kind.kind);
    if (is_served && !watched) {
      if (!MayList(kind)) continue;
      started.emplace_back(
          &kind,
          &manager_.AddInformer({.type = kind.type, .ns = kind.ns, .projection = kind.projection}));
    } else if (!is_served && watched) {
      next.byKind.erase(kind.kind);
      dropped.push_back(kind.kind);
    } else if (!is_served) {
      refused_.erase(kind.kind);  // asked again, and said again, when it comes back
    }
  }
  for (const auto& [kind, informer] : started) {
    if (informer->WaitForSync(stop, kLateSyncTimeout)) {
      next.byKind[kind->kind] = {&informer->store(), kind->type.ApiVersion()};
      informerOf_[kind->kind] = informer;
      spdlog::info("now watching {} ({}): the server serves it since start-up", kind->kind,
                   kind->type.resource);
    } else {
      if (!stop.stop_requested()) {
        spdlog::warn("{} ({}) did not fill its cache in {} s; trying again at the next discovery",
                     kind->kind, kind->type.resource, kLateSyncTimeout.count());
      }
      manager_.RemoveInformer(*informer);
    }
  }
  // Runs started from here on read the new set; the stores of dropped kinds stay allocated
  // (Manager::RemoveInformer) for the runs still reading the old one.
  informers_.Set(std::move(next));
  for (const auto& kind : dropped) {
    manager_.RemoveInformer(*informerOf_.at(kind));
    informerOf_.erase(kind);
    spdlog::info("no longer watching {}: the server does not serve it any more", kind);
  }
}

}  // namespace kdiag
