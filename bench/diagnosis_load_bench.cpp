// Diagnoses against a real API server (KUBECONFIG) and a running kdiag-controller:
//   diagnosis_load_bench populate            namespace bench-latency: 100 Deployments of 10 pods
//                                            (bound to kwok's nodes) with a Service each, 5,000
//                                            Events about the pods, 20 broken Deployments (pod
//                                            status written as a kubelet would: 10 crash-looping,
//                                            10 failing to pull); and the 50 namespaces
//                                            bench-burst-N, one small Deployment and Service each
//   diagnosis_load_bench latency [N]         N Diagnoses (default 100) of bench-latency, one after
//                                            the other: from just before the create request to the
//                                            watch event showing status.phase Completed
//   diagnosis_load_bench burst METRICS_URL   500 Diagnoses, 10 in each burst namespace, created at
//                                            once from 8 threads: time until all are Completed,
//                                            and the controller's API requests (its /metrics,
//                                            kdiag_api_requests_total) per Diagnosis by verb
// Diagnoses have the default spec (their own namespace, root checks on).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/latency_stats.h"
#include "checks/object_fields.h"
#include "controller/client.h"
#include "controller/http_transport.h"
#include "controller/informer.h"
#include "controller/kubeconfig.h"
#include "controller/micro_time.h"
#include "reconcilers/kdiag_resources.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kLatencyNamespace = "bench-latency";
constexpr int kDeployments = 100;
constexpr int kReplicas = 10;
constexpr int kEventsPerPod = 5;
constexpr int kCrashLooping = 10;  // app-0 … app-9
constexpr int kPullFailing = 10;   // app-10 … app-19
constexpr int kBurstNamespaces = 50;
constexpr int kBurstPerNamespace = 10;
constexpr int kThreads = 8;

std::string BurstNamespace(int n) { return fmt::format("bench-burst-{}", n); }

// Runs work(i) for i in [0, count) on kThreads threads; returns the number of failures.
template <typename Work>
int Parallel(int count, Work work) {
  std::atomic<int> next = 0;
  std::atomic<int> failures = 0;
  {
    std::vector<std::jthread> workers;
    workers.reserve(kThreads);
    for (int w = 0; w < kThreads; ++w) {
      workers.emplace_back([&] {
        for (int i = next++; i < count; i = next++) {
          if (!work(i)) ++failures;
        }
      });
    }
  }
  return failures;
}

// A create that may find the object there from an earlier run.
bool Created(const kdiag::Result<nlohmann::json>& created, std::string_view what) {
  if (created || created.error().kind == kdiag::ErrorKind::kAlreadyExists) return true;
  std::fprintf(stderr, "create %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               created.error().Describe().c_str());
  return false;
}

nlohmann::json Namespace(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

nlohmann::json Deployment(const std::string& ns, const std::string& app, int replicas,
                          const std::string& node) {
  const nlohmann::json labels = {{"app", app}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", app}, {"namespace", ns}, {"labels", {{"bench", "diagnosis"}}}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", {{"app", app}, {"bench", "diagnosis"}}}}},
              {"spec",
               {{"nodeName", node},
                {"containers",
                 {{{"name", "app"},
                   {"image", fmt::format("registry.example/{}:1.0", app)},
                   {"ports", {{{"name", "http"}, {"containerPort", 8080}}}},
                   {"resources", {{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}}}}}}}}}}}}}};
}

nlohmann::json Service(const std::string& ns, const std::string& app) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", app}, {"namespace", ns}}},
          {"spec",
           {{"selector", {{"app", app}}}, {"ports", {{{"port", 80}, {"targetPort", "http"}}}}}}};
}

// The pods of a namespace that kwok has started (they have an IP), by name.
std::map<std::string, nlohmann::json> StartedPods(kdiag::Client& client, const std::string& ns) {
  std::map<std::string, nlohmann::json> started;
  auto pods = client.ListAll(kdiag::resources::kPods, ns, {.limit = 500});
  if (!pods) return started;
  for (auto& pod : pods->items) {
    if (!pod["status"].value("podIP", "").empty()) {
      started.emplace(pod["metadata"]["name"].get<std::string>(), std::move(pod));
    }
  }
  return started;
}

std::map<std::string, nlohmann::json> WaitForPods(kdiag::Client& client, const std::string& ns,
                                                  size_t count) {
  const auto deadline = Clock::now() + std::chrono::minutes(10);
  for (;;) {
    auto started = StartedPods(client, ns);
    if (started.size() >= count || Clock::now() > deadline) {
      std::printf("%s: %zu of %zu pods started\n", ns.c_str(), started.size(), count);
      return started;
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
}

int AppOf(const nlohmann::json& pod) {
  return std::stoi(pod["metadata"]["labels"]["app"].get<std::string>().substr(4));
}

// What the kubelet writes about a container crash-looping, or failing to pull its image.
nlohmann::json BrokenStatus(const nlohmann::json& pod, bool crash_looping) {
  const std::string name = pod["metadata"]["name"];
  const std::string image = pod["spec"]["containers"][0]["image"];
  const nlohmann::json unready = {{"type", "Ready"},
                                  {"status", "False"},
                                  {"reason", "ContainersNotReady"},
                                  {"message", "containers with unready status: [app]"}};
  nlohmann::json containers_ready = unready;
  containers_ready["type"] = "ContainersReady";
  nlohmann::json container = {
      {"name", "app"}, {"ready", false}, {"started", false}, {"image", image}};
  if (crash_looping) {
    container["restartCount"] = 7;
    container["imageID"] = image + "@sha256:4c1e";
    container["containerID"] = "containerd://9f3a" + name;
    container["state"] = {
        {"waiting",
         {{"reason", "CrashLoopBackOff"},
          {"message", "back-off 5m0s restarting failed container=app pod=" + name}}}};
    container["lastState"] = {{"terminated",
                               {{"reason", "Error"},
                                {"exitCode", 1},
                                {"startedAt", "2026-11-23T10:00:00Z"},
                                {"finishedAt", "2026-11-23T10:00:04Z"},
                                {"containerID", "containerd://9f3a" + name}}}};
  } else {
    container["restartCount"] = 0;
    container["imageID"] = "";
    container["state"] = {{"waiting",
                           {{"reason", "ImagePullBackOff"},
                            {"message", fmt::format("Back-off pulling image \"{}\"", image)}}}};
  }
  return {{"status",
           {{"phase", crash_looping ? "Running" : "Pending"},
            {"conditions", {unready, containers_ready}},
            {"containerStatuses", {container}}}}};
}

// The kubelet's events about a pod: the routine ones, and the failures of a broken one.
std::vector<nlohmann::json> PodEvents(const nlohmann::json& pod, int app) {
  const std::string name = pod["metadata"]["name"];
  const std::string image = pod["spec"]["containers"][0]["image"];
  const std::string node = pod["spec"]["nodeName"];
  struct Line {
    const char* reason;
    std::string message;
    const char* type;
    int count;
    bool container;
  };
  std::vector<Line> lines = {
      {"Scheduled", fmt::format("Successfully assigned bench-latency/{} to {}", name, node),
       "Normal", 1, false},
      {"Pulled", fmt::format("Container image \"{}\" already present on machine", image), "Normal",
       1, true},
      {"Created", "Created container: app", "Normal", 1, true},
      {"Started", "Started container app", "Normal", 1, true},
      {"Pulling", fmt::format("Pulling image \"{}\"", image), "Normal", 1, true}};
  if (app < kCrashLooping) {
    lines[4] = {"BackOff", fmt::format("Back-off restarting failed container app in pod {}", name),
                "Warning", 20, true};
  } else if (app < kCrashLooping + kPullFailing) {
    lines[1] = {"Failed",
                fmt::format("Failed to pull image \"{}\": rpc error: code = NotFound desc = "
                            "failed to pull and unpack image \"{}\": not found",
                            image, image),
                "Warning", 4, true};
    lines[4] = {"BackOff", fmt::format("Back-off pulling image \"{}\"", image), "Normal", 12, true};
  }
  const auto now = std::chrono::system_clock::now();
  std::vector<nlohmann::json> events;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto time = kdiag::FormatTime(now - std::chrono::minutes(5) + std::chrono::minutes(i));
    events.push_back({{"apiVersion", "v1"},
                      {"kind", "Event"},
                      {"metadata", {{"name", fmt::format("{}.{:x}", name, 0x1800000000 + i)}}},
                      {"involvedObject",
                       {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"namespace", kLatencyNamespace},
                        {"name", name},
                        {"uid", pod["metadata"]["uid"]},
                        {"fieldPath", lines[i].container ? "spec.containers{app}" : ""}}},
                      {"reason", lines[i].reason},
                      {"message", lines[i].message},
                      {"type", lines[i].type},
                      {"count", lines[i].count},
                      {"firstTimestamp", time},
                      {"lastTimestamp", time},
                      {"source", {{"component", "kubelet"}, {"host", node}}}});
  }
  return events;
}

int Populate(kdiag::Client& client) {
  const std::string ns = kLatencyNamespace;
  int failures = 0;
  if (!Created(client.Create(kdiag::resources::kNamespaces, "", Namespace(ns)), ns)) return 1;
  failures += Parallel(kDeployments, [&](int d) {
    const std::string app = fmt::format("app-{}", d);
    const std::string node = d % 2 == 0 ? "kwok-node-0" : "kwok-node-1";
    return Created(client.Create(kdiag::resources::kDeployments, ns,
                                 Deployment(ns, app, kReplicas, node)),
                   app) &&
           Created(client.Create(kdiag::resources::kServices, ns, Service(ns, app)), app);
  });
  failures += Parallel(kBurstNamespaces, [&](int n) {
    const std::string burst = BurstNamespace(n);
    return Created(client.Create(kdiag::resources::kNamespaces, "", Namespace(burst)), burst) &&
           Created(client.Create(kdiag::resources::kDeployments, burst,
                                 Deployment(burst, "web", 1, "kwok-node-0")),
                   burst) &&
           Created(client.Create(kdiag::resources::kServices, burst, Service(burst, "web")), burst);
  });

  // The ReplicaSet controller creates the pods, kwok starts them; then the kubelet's part.
  const auto pods = WaitForPods(client, ns, static_cast<size_t>(kDeployments) * kReplicas);
  std::vector<const nlohmann::json*> list;
  list.reserve(pods.size());
  for (const auto& [name, pod] : pods) list.push_back(&pod);
  failures += Parallel(static_cast<int>(list.size()), [&](int i) {
    const auto& pod = *list[static_cast<size_t>(i)];
    const int app = AppOf(pod);
    if (app >= kCrashLooping + kPullFailing) return true;
    auto patched =
        client.Patch(kdiag::resources::kPods, ns, pod["metadata"]["name"].get<std::string>(),
                     kdiag::PatchType::kMerge, BrokenStatus(pod, app < kCrashLooping).dump(),
                     {.subresource = "status"});
    if (!patched) std::fprintf(stderr, "patch: %s\n", patched.error().Describe().c_str());
    return static_cast<bool>(patched);
  });
  failures += Parallel(static_cast<int>(list.size()), [&](int i) {
    const auto& pod = *list[static_cast<size_t>(i)];
    bool ok = true;
    for (const auto& event : PodEvents(pod, AppOf(pod))) {
      ok = Created(client.Create(kdiag::resources::kEvents, ns, event), "event") && ok;
    }
    return ok;
  });
  (void)WaitForPods(client, BurstNamespace(kBurstNamespaces - 1), 1);
  std::printf("populated: %zu pods, %zu events in %s; %d failures\n", pods.size(),
              pods.size() * kEventsPerPod, ns.c_str(), failures);
  return failures > 0 ? 1 : 0;
}

// Watches every Diagnosis and notes when each is first seen Completed.
class CompletionWatch {
 public:
  explicit CompletionWatch(kdiag::Client& client) : informer_(client, {.type = kdiag::kDiagnoses}) {
    informer_.AddHandler([this](const kdiag::StoreChange& change) {
      if (!change.after) return;
      const auto at = Clock::now();
      const auto object = change.after->Parse();
      if (kdiag::Str(kdiag::Obj(object, "status"), "phase") != "Completed") return;
      const std::string key = fmt::format("{}/{}", change.after->ns(), change.after->name());
      std::lock_guard lock(mutex_);
      if (completed_.emplace(key, at).second) changed_.notify_all();
    });
  }
  ~CompletionWatch() { informer_.Stop(); }
  CompletionWatch(const CompletionWatch&) = delete;
  CompletionWatch& operator=(const CompletionWatch&) = delete;

  bool Start() {
    informer_.Start();
    return informer_.WaitForSync({}, std::chrono::minutes(1));
  }

  // When these Diagnoses were all Completed; nullopt on timeout.
  std::optional<Clock::time_point> Wait(const std::vector<std::string>& keys,
                                        std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    Clock::time_point last{};
    const bool done = changed_.wait_for(lock, timeout, [&] {
      for (const auto& key : keys) {
        const auto it = completed_.find(key);
        if (it == completed_.end()) return false;
        last = std::max(last, it->second);
      }
      return true;
    });
    return done ? std::optional(last) : std::nullopt;
  }

  size_t CompletedCount(const std::vector<std::string>& keys) {
    std::lock_guard lock(mutex_);
    return static_cast<size_t>(std::count_if(
        keys.begin(), keys.end(), [&](const auto& key) { return completed_.contains(key); }));
  }

 private:
  kdiag::Informer informer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Clock::time_point> completed_;
};

nlohmann::json Diagnosis(const std::string& ns, const std::string& name) {
  return {{"apiVersion", "kdiag.dev/v1alpha1"},
          {"kind", "Diagnosis"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", nlohmann::json::object()}};
}

// A run's own suffix, so that repeated runs never meet their earlier Diagnoses.
std::string RunTag() {
  return fmt::format("{:x}", std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                     .count() %
                                 0x1000000);
}

using kdiag::bench::Millis;
using kdiag::bench::Percentile;

int Latency(kdiag::Client& client, int runs) {
  CompletionWatch watch(client);
  if (!watch.Start()) {
    std::fprintf(stderr, "the watch on diagnoses did not sync\n");
    return 1;
  }
  const std::string tag = RunTag();
  std::vector<double> millis;
  for (int i = 0; i < runs; ++i) {
    const std::string name = fmt::format("latency-{}-{}", tag, i);
    const auto start = Clock::now();
    auto created =
        client.Create(kdiag::kDiagnoses, kLatencyNamespace, Diagnosis(kLatencyNamespace, name));
    if (!created) {
      std::fprintf(stderr, "create: %s\n", created.error().Describe().c_str());
      return 1;
    }
    const auto done =
        watch.Wait({fmt::format("{}/{}", kLatencyNamespace, name)}, std::chrono::seconds(60));
    if (!done) {
      std::fprintf(stderr, "%s not Completed within 60 s\n", name.c_str());
      return 1;
    }
    millis.push_back(Millis(*done - start));
  }
  std::printf(
      "latency, %d Diagnoses of %s one after the other: p50 %.1f ms, p99 %.1f ms, max "
      "%.1f ms, min %.1f ms\n",
      runs, kLatencyNamespace, Percentile(millis, 0.5), Percentile(millis, 0.99),
      *std::max_element(millis.begin(), millis.end()),
      *std::min_element(millis.begin(), millis.end()));
  return 0;
}

// kdiag_api_requests_total by verb (summed over codes), and kdiag_events_total by result.
std::map<std::string, double> Scrape(kdiag::HttpTransport& http, const std::string& url) {
  std::map<std::string, double> counts;
  auto response = http.Send({.method = "GET", .url = url + "/metrics"});
  if (!response || response->status != 200) {
    std::fprintf(stderr, "scraping %s/metrics failed\n", url.c_str());
    return counts;
  }
  std::string_view body = response->body;
  while (!body.empty()) {
    const size_t end = body.find('\n');
    const std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    for (const auto& [family, label] : {std::pair{"kdiag_api_requests_total{", "verb=\""},
                                        std::pair{"kdiag_events_total{", "result=\""}}) {
      if (!line.starts_with(family)) continue;
      const size_t at = line.find(label);
      const size_t space = line.rfind(' ');
      if (at == std::string_view::npos || space == std::string_view::npos) continue;
      const size_t begin = at + std::string_view(label).size();
      const std::string value(line.substr(begin, line.find('"', begin) - begin));
      const std::string key =
          std::string(family).starts_with("kdiag_api") ? "api " + value : "events " + value;
      counts[key] += std::stod(std::string(line.substr(space + 1)));
    }
  }
  return counts;
}

std::map<std::string, double> Delta(const std::map<std::string, double>& after,
                                    const std::map<std::string, double>& before) {
  std::map<std::string, double> delta;
  for (const auto& [key, value] : after) {
    const auto it = before.find(key);
    if (const double d = value - (it == before.end() ? 0 : it->second); d != 0) delta[key] = d;
  }
  return delta;
}

void PrintCounts(const char* title, const std::map<std::string, double>& counts, double per) {
  std::printf("%s\n", title);
  for (const auto& [key, value] : counts) {
    std::printf("  %-28s %7.0f  %6.2f per Diagnosis\n", key.c_str(), value, value / per);
  }
}

int Burst(kdiag::Client& client, const std::string& metrics_url) {
  auto http = kdiag::MakeCurlTransport({});
  CompletionWatch watch(client);
  if (!watch.Start()) {
    std::fprintf(stderr, "the watch on diagnoses did not sync\n");
    return 1;
  }
  // What the controller asks of the API server while idle, over as long as the burst may take.
  const auto idle_before = Scrape(*http, metrics_url);
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const auto idle = Delta(Scrape(*http, metrics_url), idle_before);

  const std::string tag = RunTag();
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, std::string>> diagnoses;
  for (int n = 0; n < kBurstNamespaces; ++n) {
    for (int i = 0; i < kBurstPerNamespace; ++i) {
      diagnoses.emplace_back(BurstNamespace(n), fmt::format("burst-{}-{}", tag, i));
      keys.push_back(diagnoses.back().first + "/" + diagnoses.back().second);
    }
  }
  const auto before = Scrape(*http, metrics_url);
  const auto start = Clock::now();
  std::vector<double> create_millis(diagnoses.size());
  const int failures = Parallel(static_cast<int>(diagnoses.size()), [&](int i) {
    const auto& [ns, name] = diagnoses[static_cast<size_t>(i)];
    const auto sent = Clock::now();
    const bool ok = Created(client.Create(kdiag::kDiagnoses, ns, Diagnosis(ns, name)), name);
    create_millis[static_cast<size_t>(i)] = Millis(Clock::now() - sent);
    return ok;
  });
  const auto created = Clock::now();
  const auto done = watch.Wait(keys, std::chrono::seconds(120));
  const auto at_completion = Scrape(*http, metrics_url);
  if (failures > 0 || !done) {
    std::fprintf(stderr, "%d creates failed; %zu of %zu Completed\n", failures,
                 watch.CompletedCount(keys), keys.size());
    return 1;
  }
  // The event recorder writes in the background: wait until its counts stop moving.
  auto settled = at_completion;
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    auto now = Scrape(*http, metrics_url);
    const bool still = now == settled;
    settled = std::move(now);
    if (still) break;
  }
  const auto total = static_cast<double>(keys.size());
  std::printf(
      "burst: %zu Diagnoses in %d namespaces, created in %.2f s, all Completed %.2f s "
      "after the first create\n",
      keys.size(), kBurstNamespaces, Millis(created - start) / 1000, Millis(*done - start) / 1000);
  std::printf("create requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              Percentile(create_millis, 0.5), Percentile(create_millis, 0.99),
              *std::max_element(create_millis.begin(), create_millis.end()));
  PrintCounts(
      "controller API requests (and Events written) from before the creates until all "
      "Completed:",
      Delta(at_completion, before), total);
  PrintCounts("… until the event recorder settled:", Delta(settled, before), total);
  PrintCounts("idle, 10 s before the burst (background: health probes, watches):", idle, total);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  kdiag::Client client(kdiag::LoadClusterConfig("", ""),
                       {.timeout = std::chrono::seconds(60), .userAgent = "kdiag-bench"});
  if (mode == "populate") return Populate(client);
  if (mode == "latency") return Latency(client, argc > 2 ? std::stoi(argv[2]) : 100);
  if (mode == "burst" && argc > 2) return Burst(client, argv[2]);
  std::fprintf(stderr, "usage: %s populate | latency [N] | burst METRICS_URL\n", argv[0]);
  return 2;
}
