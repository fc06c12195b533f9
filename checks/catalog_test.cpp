// The catalog as a whole: codes unique and well formed, every entry complete, and
// docs/checks.md up to date with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "checks/builtin_checks.h"
#include "checks/catalog_markdown.h"

namespace kdiag {
namespace {

using ::testing::ElementsAre;

TEST(Catalog, RootChecksComeFirst) {
  std::vector<std::string> names;
  for (const auto& check : BuiltinChecks()) names.push_back(check.name);
  EXPECT_THAT(names, ElementsAre("global", "cluster", "management-namespaces", "pods", "workloads",
                                 "networking", "storage", "capacity", "releases"));
}

TEST(Catalog, EveryCodeIsUniqueAndComplete) {
  std::set<std::string> codes;
  std::set<std::string> names;
  for (const auto& check : BuiltinChecks()) {
    EXPECT_TRUE(names.insert(check.name).second) << "two checks named " << check.name;
    for (const auto& code : check.codes) {
      // The management-namespaces root check lists the namespace checks' codes it runs.
      if (check.name == "management-namespaces" && !code.code.starts_with("KD02")) continue;
      EXPECT_TRUE(codes.insert(code.code).second) << code.code << " is declared twice";
      EXPECT_EQ(code.code.size(), 6u) << code.code;
      EXPECT_TRUE(code.code.starts_with("KD")) << code.code;
      EXPECT_FALSE(code.title.empty()) << code.code;
      EXPECT_FALSE(code.category.empty()) << code.code;
      EXPECT_FALSE(code.description.empty()) << code.code;
      EXPECT_FALSE(code.docs.empty()) << code.code << " has no documentation link";
      EXPECT_FALSE(code.nextSteps.empty()) << code.code << " has no next step";
      for (const auto& link : code.docs) {
        EXPECT_TRUE(link.url.starts_with("https://")) << code.code << ": " << link.url;
      }
    }
  }
}

TEST(Catalog, DocsChecksMdIsGeneratedFromTheChecks) {
  std::ifstream file(KDIAG_SOURCE_DIR "/docs/checks.md");
  std::stringstream content;
  content << file.rdbuf();
  EXPECT_EQ(content.str(), CatalogMarkdown(BuiltinChecks()))
      << "docs/checks.md is out of date: regenerate it with "
         "build/default/checks/kdiag-catalog > docs/checks.md";
}

}  // namespace
}  // namespace kdiag
