#include "checks/log_link_templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/enrichment.h"

namespace kdiag {
namespace {

using ::testing::HasSubstr;

// The template filled as enrichment fills it, then decoded, to read it as a person would.
std::string Filled(const LoggingSystemSettings& settings) {
  return FillTemplate(DefaultLogUrlTemplate(settings),
                      {{"namespace", "shop"},
                       {"pod", "api-7d9f"},
                       {"cluster", "prod"},
                       {"start", "2026-01-01T00:00:00Z"},
                       {"end", "2026-01-01T01:00:00Z"},
                       {"startMillis", "1767225600000"},
                       {"endMillis", "1767229200000"},
                       {"startSeconds", "1767225600"},
                       {"endSeconds", "1767229200"}},
                      true);
}

std::string Decoded(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST(LogLinkTemplates, EncodesEverythingButPlaceholders) {
  EXPECT_EQ(EncodeKeepingPlaceholders(R"({namespace="{namespace}"} {unknown})"),
            "%7Bnamespace%3D%22{namespace}%22%7D%20%7Bunknown%7D");
}

TEST(LogLinkTemplates, LokiOpensGrafanaExploreWithALogQLSelector) {
  const auto url = Filled({LoggingSystem::kLoki, "https://grafana.example.com/"});
  EXPECT_TRUE(url.starts_with("https://grafana.example.com/explore?orgId=1&left=")) << url;
  EXPECT_THAT(Decoded(url), HasSubstr(R"("expr":"{namespace=\"shop\", pod=\"api-7d9f\"}")"));
  EXPECT_THAT(Decoded(url), HasSubstr(R"("from":"1767225600000","to":"1767229200000")"));
}

TEST(LogLinkTemplates, KibanaSplunkDatadogAndCloudWatch) {
  const auto kibana = Decoded(Filled({LoggingSystem::kKibana, "https://kibana.example.com"}));
  EXPECT_THAT(kibana, HasSubstr("/app/discover#/?_g=(time:(from:'2026-01-01T00:00:00Z',"
                                "to:'2026-01-01T01:00:00Z'))"));
  EXPECT_THAT(kibana, HasSubstr("kubernetes.namespace:\"shop\" and kubernetes.pod.name:api-7d9f*"));
  const auto splunk = Decoded(Filled({LoggingSystem::kSplunk, "https://splunk.example.com:8000"}));
  EXPECT_THAT(splunk, HasSubstr("search?q=search index=* kubernetes.namespace=\"shop\""));
  EXPECT_THAT(splunk, HasSubstr("&earliest=1767225600&latest=1767229200"));
  const auto datadog = Decoded(Filled({LoggingSystem::kDatadog, "https://app.datadoghq.eu"}));
  EXPECT_EQ(datadog,
            "https://app.datadoghq.eu/logs?query=kube_namespace:shop pod_name:api-7d9f*"
            "&from_ts=1767225600000&to_ts=1767229200000&live=false");
  const auto cloudwatch = Filled({LoggingSystem::kCloudWatch, "", "eu-west-1"});
  EXPECT_TRUE(cloudwatch.starts_with(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:"
      "logs-insights"))
      << cloudwatch;
  EXPECT_THAT(cloudwatch, HasSubstr("*2Faws*2Fcontainerinsights*2Fprod*2Fapplication"));
  EXPECT_EQ(DefaultLogUrlTemplate({LoggingSystem::kCustom, "https://logs.example.com"}), "");
}

}  // namespace
}  // namespace kdiag
