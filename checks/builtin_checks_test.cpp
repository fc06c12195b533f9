#include "checks/builtin_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace kdiag {
namespace {

using ::testing::ElementsAre;

TEST(BuiltinChecks, RootChecksComeFirst) {
  std::vector<std::string> names;
  for (const auto& check : BuiltinChecks()) names.push_back(check.name);
  EXPECT_THAT(names, ElementsAre("global", "cluster", "capacity", "releases"));
}

TEST(BuiltinChecks, EveryCodeIsUniqueAndDocumented) {
  const std::regex code_format("KD[0-9]{4}");
  std::set<std::string> seen;
  auto checks = BuiltinChecks();
  checks.push_back(ManagementNamespacesRootCheck({}, {}));
  for (const auto& check : checks) {
    for (const auto& code : check.codes) {
      EXPECT_TRUE(std::regex_match(code.code, code_format)) << code.code;
      EXPECT_TRUE(seen.insert(code.code).second) << code.code;
      EXPECT_FALSE(code.title.empty()) << code.code;
      EXPECT_FALSE(code.category.empty()) << code.code;
      EXPECT_FALSE(code.description.empty()) << code.code;
      EXPECT_FALSE(code.docs.empty()) << code.code;
      EXPECT_FALSE(code.nextSteps.empty()) << code.code;
      for (const auto& link : code.docs) EXPECT_TRUE(link.url.starts_with("https://")) << code.code;
    }
  }
  EXPECT_EQ(seen.size(), 3u + 8u + 2u + 6u + 5u);
}

}  // namespace
}  // namespace kdiag
