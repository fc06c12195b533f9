#include "checks/finding.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kdiag {
namespace {

TEST(Severity, RoundTripsThroughItsName) {
  for (auto s : {Severity::kCritical, Severity::kWarning, Severity::kInfo}) {
    EXPECT_EQ(ParseSeverity(ToString(s)), s);
  }
  EXPECT_EQ(ParseSeverity("fatal"), std::nullopt);
}

TEST(Finding, SerializesAsAStatusFindingLeavingOutEmptyFields) {
  Finding f;
  f.code = "KD1001";
  f.title = "Image cannot be pulled";
  f.severity = Severity::kCritical;
  f.category = "pods";
  f.resource = {"v1", "Pod", "shop", "web-7d4b9", "0b5e0c1e-1111-2222-3333-444455556666"};
  f.nextSteps = {"kubectl -n shop describe pod web-7d4b9"};
  f.docs = {{"Images", "https://kubernetes.io/docs/concepts/containers/images/"}};
  f.logLinks = {{"loki", "https://grafana.example/explore?x"}};

  const auto json = ToJson(f);
  EXPECT_EQ(json, nlohmann::json::parse(R"({
    "code": "KD1001",
    "title": "Image cannot be pulled",
    "severity": "critical",
    "category": "pods",
    "resource": {"apiVersion": "v1", "kind": "Pod", "namespace": "shop", "name": "web-7d4b9",
                 "uid": "0b5e0c1e-1111-2222-3333-444455556666"},
    "nextSteps": ["kubectl -n shop describe pod web-7d4b9"],
    "docs": [{"title": "Images", "url": "https://kubernetes.io/docs/concepts/containers/images/"}],
    "logLinks": [{"driver": "loki", "url": "https://grafana.example/explore?x"}]
  })"));
}

TEST(Finding, MarksSuppressedFindingsWithTheirReason) {
  Finding f;
  f.code = "KD1201";
  f.suppressed = true;
  f.suppressionReason = "batch job, restarts expected";
  const auto json = ToJson(f);
  EXPECT_EQ(json["suppressed"], true);
  EXPECT_EQ(json["suppressionReason"], "batch job, restarts expected");
  EXPECT_FALSE(json.contains("rootCause"));
}

}  // namespace
}  // namespace kdiag
