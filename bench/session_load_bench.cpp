// TroubleshootSessions against a real API server (KUBECONFIG) and a running kdiag-controller:
//   session_load_bench NAMESPACE [N]   N sessions (default 100), one after the other: from just
//                                      before the create request (admission webhooks included)
//                                      to the watch event of the session's debug pod
// Sessions have the default spec but for recording (off: the local plane has no volume
// provisioner, and the claim is created before the pod either way). They are deleted at the end.
#include <fmt/format.h>

#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "bench/latency_stats.h"
#include "controller/client.h"
#include "controller/informer.h"
#include "controller/kubeconfig.h"
#include "reconcilers/kdiag_resources.h"
#include "reconcilers/session_objects.h"

namespace {

using Clock = std::chrono::steady_clock;
using kdiag::bench::Millis;
using kdiag::bench::Percentile;

// Notes when each session pod is first seen.
class PodWatch {
 public:
  PodWatch(kdiag::Client& client, const std::string& ns)
      : informer_(client, {.type = kdiag::resources::kPods,
                           .ns = ns,
                           .labelSelector = std::string(kdiag::kSessionUidLabel)}) {
    informer_.AddHandler([this](const kdiag::StoreChange& change) {
      if (!change.after) return;
      const auto at = Clock::now();
      std::lock_guard lock(mutex_);
      if (seen_.emplace(std::string(change.after->name()), at).second) changed_.notify_all();
    });
  }
  ~PodWatch() { informer_.Stop(); }
  PodWatch(const PodWatch&) = delete;
  PodWatch& operator=(const PodWatch&) = delete;

  bool Start() {
    informer_.Start();
    return informer_.WaitForSync({}, std::chrono::minutes(1));
  }

  std::optional<Clock::time_point> Wait(const std::string& pod, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return seen_.contains(pod); })) return std::nullopt;
    return seen_[pod];
  }

 private:
  kdiag::Informer informer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Clock::time_point> seen_;
};

nlohmann::json Session(const std::string& ns, const std::string& name) {
  return {{"apiVersion", "kdiag.dev/v1alpha1"},
          {"kind", "TroubleshootSession"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"ttl", "10m"}, {"recording", {{"enabled", false}}}}}};
}

int Latency(kdiag::Client& client, const std::string& ns, int runs) {
  PodWatch watch(client, ns);
  if (!watch.Start()) {
    std::fprintf(stderr, "the watch on pods did not sync\n");
    return 1;
  }
  const auto tag = fmt::format("{:x}", std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                               .count() %
                                           0x1000000);
  std::vector<double> millis;
  std::vector<std::string> names;
  int status = 0;
  for (int i = 0; i < runs; ++i) {
    const std::string name = fmt::format("s-{}-{}", tag, i);
    const auto start = Clock::now();
    auto created = client.Create(kdiag::kTroubleshootSessions, ns, Session(ns, name));
    if (!created) {
      std::fprintf(stderr, "create: %s\n", created.error().Describe().c_str());
      status = 1;
      break;
    }
    names.push_back(name);
    const auto seen = watch.Wait(name + "-debug", std::chrono::seconds(30));
    if (!seen) {
      std::fprintf(stderr, "no pod for session %s within 30 s\n", name.c_str());
      status = 1;
      break;
    }
    millis.push_back(Millis(*seen - start));
  }
  if (!millis.empty()) {
    std::printf(
        "session created to pod created, %zu sessions one after the other: p50 %.1f ms, p99 "
        "%.1f ms, max %.1f ms, min %.1f ms\n",
        millis.size(), Percentile(millis, 0.5), Percentile(millis, 0.99),
        *std::max_element(millis.begin(), millis.end()),
        *std::min_element(millis.begin(), millis.end()));
  }
  for (const auto& name : names) (void)client.Delete(kdiag::kTroubleshootSessions, ns, name);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s NAMESPACE [N]\n", argv[0]);
    return 2;
  }
  kdiag::Client client(kdiag::LoadClusterConfig("", ""),
                       {.timeout = std::chrono::seconds(60), .userAgent = "kdiag-bench"});
  return Latency(client, argv[1], argc > 2 ? std::stoi(argv[2]) : 100);
}
