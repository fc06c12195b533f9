// The test cluster, for the GoogleTest programs run against it (tests/CMakeLists.txt points
// KUBECONFIG at it).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "controller/client.h"
#include "controller/kubeconfig.h"

namespace kdiag::testing {

// The admin configuration, loaded from $KUBECONFIG on first use (before any thread of the test
// starts, so reading the environment is safe).
inline const ClusterConfig& TestCluster() {
  static const ClusterConfig config = [] {
    const char* path = std::getenv("KUBECONFIG");  // NOLINT(concurrency-mt-unsafe)
    if (path == nullptr) {
      std::fprintf(stderr, "KUBECONFIG must point at the test cluster\n");
      std::abort();
    }
    return LoadKubeconfig(path);
  }();
  return config;
}

inline const ResourceType kDiagnoses{"kdiag.dev", "v1alpha1", "diagnoses", true};

// Creates a Diagnosis with every spec field defaulted.
inline Result<nlohmann::json> CreateDiagnosis(Client& client, const std::string& ns,
                                              const std::string& name) {
  return client.Create(kDiagnoses, ns,
                       {{"apiVersion", "kdiag.dev/v1alpha1"},
                        {"kind", "Diagnosis"},
                        {"metadata", {{"name", name}}},
                        {"spec", nlohmann::json::object()}});
}

// Creates the namespace "<prefix>-<random number>" and returns its name.
inline std::string CreateTestNamespace(Client& client, const std::string& prefix) {
  const std::string name = prefix + "-" + std::to_string(std::random_device{}() % 1'000'000);
  const auto created =
      client.Create(resources::kNamespaces, "",
                    {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
  EXPECT_TRUE(created) << created.error().Describe();
  return name;
}

}  // namespace kdiag::testing
