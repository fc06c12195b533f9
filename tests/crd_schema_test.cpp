// House rules for the CRDs' OpenAPI schemas, so `kubectl explain` stays useful and CEL rules stay
// within the API server's cost budget: every field is described, every string and list bounded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace {

const std::vector<std::string> kCrdFiles = {
    "crds/kdiag.dev_diagnoses.yaml",
    "crds/kdiag.dev_troubleshootsessions.yaml",
};

struct SchemaWalker {
  std::vector<std::string> undescribed;
  std::vector<std::string> unbounded;

  void Walk(const YAML::Node& schema, const std::string& path) {
    const std::string type = schema["type"] ? schema["type"].as<std::string>() : "";
    if (type == "string" && !schema["maxLength"] && !schema["enum"] && !schema["format"]) {
      unbounded.push_back(path);
    }
    if (type == "array") {
      if (!schema["maxItems"]) unbounded.push_back(path);
      Walk(schema["items"], path + "[]");
    }
    if (schema["additionalProperties"]) {
      if (!schema["maxProperties"]) unbounded.push_back(path);
      Walk(schema["additionalProperties"], path + "{}");
    }
    if (!schema["properties"]) return;
    for (const auto& property : schema["properties"]) {
      const auto name = property.first.as<std::string>();
      const auto child_path = path + "." + name;
      // Standard object fields are described and bounded by the API server itself.
      if (path.empty() && (name == "metadata" || name == "apiVersion" || name == "kind")) continue;
      if (!property.second["description"]) undescribed.push_back(child_path);
      Walk(property.second, child_path);
    }
  }
};

class CrdSchema : public ::testing::TestWithParam<std::string> {};

TEST_P(CrdSchema, EveryFieldIsDescribedAndBounded) {
  const auto crd = YAML::LoadFile(std::string(KDIAG_SOURCE_DIR) + "/" + GetParam());
  for (const auto& version : crd["spec"]["versions"]) {
    SchemaWalker walker;
    walker.Walk(version["schema"]["openAPIV3Schema"], "");
    EXPECT_THAT(walker.undescribed, ::testing::IsEmpty()) << "fields without a description";
    EXPECT_THAT(walker.unbounded, ::testing::IsEmpty()) << "strings, lists or maps without a bound";
  }
}

INSTANTIATE_TEST_SUITE_P(Crds, CrdSchema, ::testing::ValuesIn(kCrdFiles));

}  // namespace
