#include "reconcilers/finding_history.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

Finding Crash(std::string pod) {
  Finding f;
  f.code = "KD1011";
  f.resource = {"v1", "Pod", "shop", std::move(pod), "uid"};
  return f;
}

class FindingHistoryTest : public ::testing::Test {
 protected:
  // One run finding the given pods; returns what the history filled in.
  std::vector<Finding> RunFinding(std::vector<std::string> pods,
                                  const nlohmann::json& previous = nlohmann::json::array()) {
    std::vector<Finding> findings;
    for (auto& pod : pods) findings.push_back(Crash(pod));
    history.Record("shop/diag", "d-1", now, findings, previous);
    now += std::chrono::minutes(1);
    return findings;
  }

  FindingHistory history;
  Timestamp now = ParseTime("2026-11-23T10:00:00Z").value();
};

TEST_F(FindingHistoryTest, CarriesFirstSeenAndUpdatesLastSeen) {
  auto first = RunFinding({"web"});
  EXPECT_EQ(first[0].firstSeen, "2026-11-23T10:00:00Z");
  auto second = RunFinding({"web"});
  EXPECT_EQ(second[0].firstSeen, "2026-11-23T10:00:00Z");
  EXPECT_EQ(second[0].lastSeen, "2026-11-23T10:01:00Z");
  EXPECT_FALSE(second[0].flapping);
}

TEST_F(FindingHistoryTest, AFindingThatComesAndGoesIsFlapping) {
  RunFinding({"web"});
  RunFinding({});
  auto back = RunFinding({"web", "api"});
  EXPECT_TRUE(back[0].flapping);
  EXPECT_FALSE(back[1].flapping);  // api is new, not back
}

TEST_F(FindingHistoryTest, FlappingEndsWhenTheAbsenceLeavesTheWindow) {
  RunFinding({"web"});
  RunFinding({});
  for (int i = 0; i < FindingHistory::kWindow; ++i) RunFinding({"web"});
  EXPECT_FALSE(RunFinding({"web"})[0].flapping);
}

TEST_F(FindingHistoryTest, AfterARestartStartsFromTheStatus) {
  const auto previous = nlohmann::json::parse(R"([{"code": "KD1011", "severity": "warning",
    "title": "t", "resource": {"kind": "Pod", "namespace": "shop", "name": "web"},
    "firstSeen": "2026-11-20T08:00:00Z", "lastSeen": "2026-11-23T09:59:00Z"}])");
  auto findings = RunFinding({"web"}, previous);
  EXPECT_EQ(findings[0].firstSeen, "2026-11-20T08:00:00Z");
}

TEST_F(FindingHistoryTest, ANewDiagnosisUnderTheSameNameStartsAfresh) {
  RunFinding({"web"});
  std::vector<Finding> findings = {Crash("web")};
  history.Record("shop/diag", "d-2", now, findings, nlohmann::json::array());
  EXPECT_EQ(findings[0].firstSeen, FormatTime(now));
}

}  // namespace
}  // namespace kdiag
