// What the tests of the check areas share: fixtures read from checks/testdata, and a run of one
// area's check through the pipeline, so findings come out enriched as users see them.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "checks/builtin_checks.h"
#include "checks/memory_cluster_view.h"
#include "checks/object_fields.h"
#include "checks/pipeline.h"

namespace kdiag {

// A fixture under checks/testdata, e.g. "workloads/deployments.json".
inline nlohmann::json LoadFixture(const std::string& relative) {
  const std::string path = std::string(KDIAG_SOURCE_DIR) + "/checks/testdata/" + relative;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// The item of a List fixture with this kind and name, for a test to change before adding it.
inline nlohmann::json& Item(nlohmann::json& list, std::string_view kind, std::string_view name) {
  for (auto& item : list["items"]) {
    if (Kind(item) == kind && Name(item) == name) return item;
  }
  ADD_FAILURE() << "no " << kind << " " << name << " in the fixture";
  static nlohmann::json missing;
  return missing;
}

class CheckAreaTest : public ::testing::Test {
 protected:
  // Defaults but the addons: these checks do not read them.
  static BuiltinCheckOptions Options() { return BuiltinCheckOptions{.addons = {}}; }

  // One check through the pipeline: its findings enriched as users see them, and the whole
  // result when checkpoints matter.
  std::vector<Finding> Run(CheckDefinition check) { return RunPipeline(std::move(check)).findings; }
  PipelineResult RunPipeline(CheckDefinition check) {
    Pipeline pipeline({std::move(check)}, {});
    return pipeline.Run(CheckContext(view, scope, now, signals, nullptr));
  }

  static std::vector<std::string> Codes(const std::vector<Finding>& findings) {
    std::vector<std::string> codes;
    for (const auto& finding : findings) codes.push_back(finding.code);
    return codes;
  }

  // "KD2001 Deployment/shop/web" for each finding, to compare whole runs at once.
  static std::vector<std::string> Keys(const std::vector<Finding>& findings) {
    std::vector<std::string> keys;
    for (const auto& finding : findings) keys.push_back(FindingKey(finding));
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  static const Finding& Only(const std::vector<Finding>& findings, std::string_view code,
                             std::string_view name) {
    for (const auto& finding : findings) {
      if (finding.code == code && finding.resource.name == name) return finding;
    }
    ADD_FAILURE() << "no finding " << code << " on " << name;
    static const Finding missing;
    return missing;
  }

  MemoryClusterView view;
  Scope scope{.ns = "shop"};
  Timestamp now = ParseTime("2026-11-23T10:00:00Z").value();
  RootSignals signals;
};

}  // namespace kdiag
