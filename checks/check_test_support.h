// What the unit tests of the built-in checks share: JSON fixtures from checks/testdata, and a
// pipeline run of one check over a MemoryClusterView.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "checks/memory_cluster_view.h"
#include "checks/pipeline.h"

namespace kdiag::testing {

// checks/testdata/<path>, parsed.
inline nlohmann::json Fixture(const std::string& path) {
  std::ifstream in(std::string(KDIAG_SOURCE_DIR) + "/checks/testdata/" + path);
  EXPECT_TRUE(in) << "missing fixture " << path;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

class CheckTest : public ::testing::Test {
 protected:
  // The findings of one check, enriched, as the pipeline reports them.
  std::vector<Finding> Findings(CheckDefinition check) { return Run(std::move(check)).findings; }
  PipelineResult Run(CheckDefinition check) {
    Pipeline pipeline({std::move(check)}, {});
    return pipeline.Run(CheckContext(view, scope, now, signals, nullptr));
  }
  std::vector<std::string> Codes(const std::vector<Finding>& findings) {
    std::vector<std::string> codes;
    for (const auto& f : findings) codes.push_back(f.code);
    return codes;
  }

  MemoryClusterView view;
  Scope scope{.ns = "shop"};
  Timestamp now = ParseTime("2026-11-23T10:00:00Z").value();
  RootSignals signals;
};

}  // namespace kdiag::testing
