#include "controller/health.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

TEST(HealthChecks, PassesWithNoChecks) {
  HealthChecks health;
  const auto report = health.Evaluate(HealthChecks::Probe::kReadiness, false);
  EXPECT_TRUE(report.healthy);
  EXPECT_EQ(report.body, "ok");
}

TEST(HealthChecks, ReadinessFailsOnAFailingReadinessCheckButLivenessDoesNot) {
  HealthChecks health;
  health.Add(HealthChecks::Probe::kLiveness, "ping", [] { return std::nullopt; });
  health.Add(HealthChecks::Probe::kReadiness, "informers-synced",
             [] { return std::optional<std::string>("pods not synced"); });

  const auto ready = health.Evaluate(HealthChecks::Probe::kReadiness, false);
  EXPECT_FALSE(ready.healthy);
  EXPECT_EQ(ready.body,
            "[+]ping ok\n[-]informers-synced failed: pods not synced\nreadyz check failed\n");

  const auto live = health.Evaluate(HealthChecks::Probe::kLiveness, true);
  EXPECT_TRUE(live.healthy);
  EXPECT_EQ(live.body, "[+]ping ok\nlivez check passed\n");
}

}  // namespace
}  // namespace kdiag
