// Cold start against a real API server (KUBECONFIG):
//   cold_start_bench create N   create pods until the cluster holds N of them (bound to the fake
//                               nodes, so the simulated kubelets run them)
//   cold_start_bench sync       start an informer on every pod, wait for it to sync, print the
//                               time since the program started and the resident memory
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/realistic_pods.h"
#include "controller/informer.h"
#include "controller/kubeconfig.h"
#include "reconcilers/watched_kinds.h"

namespace {

const auto kStarted = std::chrono::steady_clock::now();

long ResidentKilobytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

int Create(kdiag::Client& client, int wanted) {
  auto existing = client.ListAll(kdiag::resources::kPods, "",
                                 {.labelSelector = "bench=cold-start", .limit = 500});
  if (!existing) {
    std::fprintf(stderr, "list: %s\n", existing.error().Describe().c_str());
    return 1;
  }
  const int have = static_cast<int>(existing->items.size());
  std::printf("pods present: %d, wanted: %d\n", have, wanted);
  for (int n = 0; n < 20; ++n) {
    nlohmann::json ns = {{"apiVersion", "v1"},
                         {"kind", "Namespace"},
                         {"metadata", {{"name", "shop-" + std::to_string(n)}}}};
    (void)client.Create(kdiag::resources::kNamespaces, "", ns);
  }
  std::atomic<int> next = have;
  std::atomic<int> failures = 0;
  std::vector<std::jthread> workers;
  workers.reserve(8);
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < wanted; i = next++) {
        auto pod = nlohmann::json::parse(kdiag::bench::RealisticPod(i, 1));
        auto& metadata = pod["metadata"];
        // What the server assigns itself; managedFields are kept as a client may send them.
        for (const char* field :
             {"uid", "resourceVersion", "creationTimestamp", "generateName", "ownerReferences"}) {
          metadata.erase(field);
        }
        metadata["name"] = "cold-" + std::to_string(i);
        metadata["labels"]["bench"] = "cold-start";
        pod.erase("status");
        pod["spec"]["nodeName"] = i % 2 == 0 ? "kwok-node-0" : "kwok-node-1";
        pod["spec"]["volumes"].erase(1);  // the token volume: the server adds its own
        for (auto& container : pod["spec"]["containers"]) {
          container["volumeMounts"] = {container["volumeMounts"][0]};
        }
        pod["spec"]["containers"][1].erase("volumeMounts");
        auto created =
            client.Create(kdiag::resources::kPods, metadata["namespace"].get<std::string>(), pod);
        if (!created && created.error().kind != kdiag::ErrorKind::kAlreadyExists) {
          if (failures++ < 3) {
            std::fprintf(stderr, "create: %s\n", created.error().Describe().c_str());
          }
        }
      }
    });
  }
  workers.clear();
  return failures > 0 ? 1 : 0;
}

int Sync(kdiag::Client& client, const std::string& projection) {
  kdiag::ReflectorOptions options{.type = kdiag::resources::kPods};
  if (projection == "diagnosis") options.projection = kdiag::DiagnosisPodProjection();
  kdiag::Informer informer(client, options);
  informer.Start();
  if (!informer.WaitForSync({}, std::chrono::minutes(5))) {
    std::fprintf(stderr, "not synced: %s\n", informer.reflector().lastError().c_str());
    return 1;
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - kStarted;
  malloc_trim(0);
  std::printf("synced %zu pods in %.3f s; RSS %.1f MB; cached object bytes %.0f per pod\n",
              informer.store().Size(), elapsed.count(),
              static_cast<double>(ResidentKilobytes()) / 1024.0,
              static_cast<double>(informer.store().ObjectBytes()) /
                  static_cast<double>(std::max<size_t>(1, informer.store().Size())));
  informer.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "sync";
  kdiag::Client client(kdiag::LoadClusterConfig("", ""), {.timeout = std::chrono::seconds(120)});
  if (mode == "create") return Create(client, argc > 2 ? std::stoi(argv[2]) : 10000);
  return Sync(client, argc > 2 ? argv[2] : "diagnosis");
}
