#include "bench/realistic_pods.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kdiag::bench {
namespace {

const nlohmann::json& Template() {
  static const nlohmann::json pod = [] {
    std::ifstream in(std::string(KDIAG_SOURCE_DIR) + "/controller/testdata/pod.json");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = nlohmann::json::parse(text.str());
    // A third manager (a mutating admission webhook, say) brings managedFields to about 4 KB.
    auto extra = parsed["metadata"]["managedFields"][0];
    extra["manager"] = "sidecar-injector";
    extra["operation"] = "Apply";
    parsed["metadata"]["managedFields"].push_back(extra);
    return parsed;
  }();
  return pod;
}

std::string Hex(uint64_t value, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4) {
    out[static_cast<size_t>(i)] = kDigits[value & 15];
  }
  return out;
}

}  // namespace

std::string RealisticPod(int i, int resource_version) {
  nlohmann::json pod = Template();
  const auto n = static_cast<uint64_t>(i);
  auto& metadata = pod["metadata"];
  metadata["name"] = "web-c7d5bf647-" + Hex(n * 2654435761U, 5);
  metadata["namespace"] = "shop-" + std::to_string(i % 20);
  metadata["uid"] = Hex(n * 0x9e3779b9U, 8) + "-c69f-4546-8fbd-" + Hex(n, 12);
  metadata["resourceVersion"] = std::to_string(resource_version);
  metadata["ownerReferences"][0]["uid"] = Hex(n / 3, 8) + "-7581-4f28-af9c-e896b24671bd";
  metadata["ownerReferences"][0]["name"] = "web-" + Hex(n / 3, 9);
  pod["spec"]["nodeName"] = "node-" + std::to_string(i % 100);
  pod["status"]["podIP"] =
      "10.0." + std::to_string((i / 250) % 256) + "." + std::to_string(i % 250);
  // As varied as the pods of many applications: their own images, labels and times.
  const std::string app = "app-" + std::to_string(i / 30);
  metadata["labels"]["app.kubernetes.io/name"] = app;
  metadata["labels"]["pod-template-hash"] = Hex(n / 3 * 7919, 9);
  pod["spec"]["containers"][0]["image"] = "registry.example.com/" + app + "/server:1." +
                                          std::to_string(i % 17) + "." + std::to_string(i % 5);
  const std::string created = "2026-11-" + std::to_string(10 + i % 13) + "T" +
                              std::to_string(10 + i % 14) + ":" + std::to_string(10 + i % 50) +
                              ":" + std::to_string(10 + (i * 7) % 50) + "Z";
  metadata["creationTimestamp"] = created;
  pod["status"]["startTime"] = created;
  for (auto& condition : pod["status"]["conditions"]) condition["lastTransitionTime"] = created;
  for (auto& container : pod["status"]["containerStatuses"]) {
    container["state"]["running"]["startedAt"] = created;
    container["restartCount"] = (i % 11 == 0) ? i % 7 : 0;
    container["containerID"] = "containerd://" + Hex(n * 0x51ed27U, 16) + Hex(n, 16);
  }
  if (i % 50 == 0) {  // a few crash-looping
    auto& web = pod["status"]["containerStatuses"][0];
    web["ready"] = false;
    web["state"] = {{"waiting",
                     {{"reason", "CrashLoopBackOff"},
                      {"message", "back-off 5m0s restarting failed container=web pod=" +
                                      metadata["name"].get<std::string>()}}}};
    web["lastState"] = {{"terminated",
                         {{"exitCode", 137},
                          {"reason", "OOMKilled"},
                          {"startedAt", created},
                          {"finishedAt", created}}}};
  }
  return pod.dump();
}

std::string RecordedWatchStream(int pods) {
  std::string stream;
  for (const char* type : {"ADDED", "MODIFIED"}) {
    for (int i = 0; i < pods; ++i) {
      stream += R"({"type":")";
      stream += type;
      stream += R"(","object":)" + RealisticPod(i, 1000 + i) + "}\n";
    }
  }
  return stream;
}

}  // namespace kdiag::bench
