// The sources over a mock transport (what they ask, how they read answers), and over a real
// local HTTP server through libcurl (timeouts, refused connections, garbage).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http_server.h"
#include "controller/testing/mocks.h"
#include "reconcilers/alertmanager_source.h"
#include "reconcilers/api_server_health_probe.h"
#include "reconcilers/http_probe_source.h"
#include "reconcilers/source_poller.h"
#include "reconcilers/status_page_source.h"

namespace kdiag {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MockCredentialSource;
using testing::MockHttpTransport;
using ::testing::Return;

HttpResponse Answer(int status, std::string body) { return {status, {}, std::move(body)}; }

constexpr std::string_view kAlerts = R"([
  {"labels": {"alertname": "NodeDown", "severity": "critical", "instance": "node-1"},
   "annotations": {"summary": "node-1 is down", "description": "no scrape for 5m"},
   "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
   "startsAt": "2026-01-01T00:00:00Z", "fingerprint": "a1"},
  {"labels": {"alertname": "DiskFilling", "severity": "info"},
   "annotations": {"description": "disk at 70%"},
   "status": {"state": "active"}, "fingerprint": "b2"},
  {"labels": {"alertname": "HighLatency"},
   "annotations": {"description": "p99 over 1s"},
   "status": {"state": "active"}, "fingerprint": "c3"}
])";

InfrastructureSourceSpec Alertmanager(std::vector<std::string> matchers = {}) {
  return {.name = "prod-alerts",
          .type = SourceType::kAlertmanager,
          .url = "http://alertmanager:9093/",
          .matchers = std::move(matchers)};
}

TEST(AlertmanagerSource, AsksForActiveUnsilencedAlertsMatchingTheMatchers) {
  auto transport = std::make_shared<MockHttpTransport>();
  AlertmanagerSource source(Alertmanager({R"(severity="critical")", R"(alertname=~"Node.*")"}),
                            transport);
  EXPECT_EQ(source.AlertsUrl(),
            "http://alertmanager:9093/api/v2/alerts?active=true&silenced=false&inhibited=false"
            "&filter=severity%3D%22critical%22&filter=alertname%3D~%22Node.%2A%22");
  EXPECT_CALL(*transport, Send(Field(&HttpRequest::url, source.AlertsUrl())))
      .WillOnce(Return(Answer(200, "[]")));
  const auto result = source.Poll();
  EXPECT_EQ(result.source, "prod-alerts");
  EXPECT_EQ(result.type, "alertmanager");
  EXPECT_EQ(result.error, "");
  EXPECT_THAT(result.problems, IsEmpty());
}

TEST(AlertmanagerSource, ReportsFiringAlertsAtOrAboveTheMinimumSeverity) {
  auto transport = std::make_shared<MockHttpTransport>();
  EXPECT_CALL(*transport, Send(_)).WillOnce(Return(Answer(200, std::string(kAlerts))));
  const auto result = AlertmanagerSource(Alertmanager(), transport).Poll();
  ASSERT_EQ(result.problems.size(), 2u);  // the info alert is below the default minimum
  EXPECT_EQ(result.problems[0].name, "NodeDown");
  EXPECT_EQ(result.problems[0].severity, Severity::kCritical);
  EXPECT_EQ(result.problems[0].message, "node-1 is down");
  EXPECT_THAT(result.problems[0].details,
              ElementsAre("alertname=NodeDown", "instance=node-1", "severity=critical"));
  EXPECT_EQ(result.problems[1].name, "HighLatency");
  EXPECT_EQ(result.problems[1].severity, Severity::kWarning);  // no severity label
  EXPECT_EQ(result.problems[1].message, "p99 over 1s");
}

TEST(AlertmanagerSource, ReportsUnreadableAnswersAsErrors) {
  auto transport = std::make_shared<MockHttpTransport>();
  EXPECT_CALL(*transport, Send(_))
      .WillOnce(Return(Answer(200, "<html>login</html>")))
      .WillOnce(Return(Answer(200, R"({"alerts": []})")))
      .WillOnce(Return(Answer(503, "")))
      .WillOnce(Return(Unexpected(TransportError("Connection refused", false))));
  AlertmanagerSource source(Alertmanager(), transport);
  EXPECT_THAT(source.Poll().error, HasSubstr("not a list of alerts"));
  EXPECT_THAT(source.Poll().error, HasSubstr("not a list of alerts"));
  EXPECT_THAT(source.Poll().error, HasSubstr("HTTP 503"));
  EXPECT_THAT(source.Poll().error, HasSubstr("cannot reach Alertmanager: Connection refused"));
}

InfrastructureSourceSpec StatusPage() {
  return {.name = "cloud-status",
          .type = SourceType::kStatusPage,
          .url = "https://status.example.com/api/v2/status.json"};
}

TEST(StatusPageSource, ReadsAtlassianStatuspage) {
  auto transport = std::make_shared<MockHttpTransport>();
  EXPECT_CALL(*transport, Send(_))
      .WillOnce(Return(Answer(200, R"({"page": {"id": "x"},
          "status": {"indicator": "none", "description": "All Systems Operational"}})")))
      .WillOnce(Return(Answer(200, R"({"page": {"id": "x"},
          "status": {"indicator": "major", "description": "Partial System Outage"}})")));
  StatusPageSource source(StatusPage(), transport);
  const auto healthy = source.Poll();
  EXPECT_EQ(healthy.error, "");
  EXPECT_THAT(healthy.problems, IsEmpty());
  const auto incident = source.Poll();
  ASSERT_EQ(incident.problems.size(), 1u);
  EXPECT_EQ(incident.problems[0].name, "cloud-status");
  EXPECT_EQ(incident.problems[0].message, "Partial System Outage");
  EXPECT_THAT(incident.problems[0].details, ::testing::Contains("status.indicator=major"));
}

TEST(StatusPageSource, TakesJsonPointersAndOtherHealthyValues) {
  auto spec = StatusPage();
  spec.statusPath = "/components/0/healthy";
  spec.healthyValue = "true";
  auto transport = std::make_shared<MockHttpTransport>();
  EXPECT_CALL(*transport, Send(_))
      .WillOnce(Return(Answer(200, R"({"components": [{"healthy": true}]})")))
      .WillOnce(Return(Answer(200, R"({"components": [{"healthy": false}]})")))
      .WillOnce(Return(Answer(200, R"({"components": []})")))
      .WillOnce(Return(Answer(200, "garbage")));
  StatusPageSource source(spec, transport);
  EXPECT_THAT(source.Poll().problems, IsEmpty());
  EXPECT_EQ(source.Poll().problems.at(0).message, "/components/0/healthy is false");
  EXPECT_THAT(source.Poll().error, HasSubstr("has no /components/0/healthy"));
  EXPECT_THAT(source.Poll().error, HasSubstr("has no"));
}

// A real server on loopback, reached through libcurl.
class LocalServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.routes().Get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("fine", "text/plain");
    });
    server_.routes().Get("/broken",
                         [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    server_.routes().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    server_.routes().Get("/api/v2/alerts", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("[{\"labels\": ", "application/json");  // cut short
    });
    server_.routes().Get("/readyz", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 500;
      res.set_content(req.has_param("verbose")
                          ? "[+]ping ok\n[-]etcd failed: reason withheld\n[+]log ok\n"
                            "readyz check failed\n"
                          : "readyz check failed",
                      "text/plain");
    });
    server_.routes().Get("/livez", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("[+]ping ok\nlivez check passed\n", "text/plain");
    });
    server_.routes().Get("/version", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"major": "1", "minor": "31"})", "application/json");
    });
    server_.Start("127.0.0.1:0");
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  InfrastructureSourceSpec Probe(const std::string& path) const {
    return {.name = "gateway",
            .type = SourceType::kHttpProbe,
            .url = Url(path),
            .timeout = std::chrono::milliseconds(500)};
  }

  std::shared_ptr<HttpTransport> transport_ = MakeCurlTransport({});
  HttpServer server_;
};

TEST_F(LocalServerTest, HttpProbeReportsWrongStatusesAndTimeouts) {
  EXPECT_THAT(HttpProbeSource(Probe("/ok"), transport_).Poll().problems, IsEmpty());
  const auto broken = HttpProbeSource(Probe("/broken"), transport_).Poll();
  ASSERT_EQ(broken.problems.size(), 1u);
  EXPECT_THAT(broken.problems[0].message, HasSubstr("answered HTTP 500, expected 200"));
  const auto slow = HttpProbeSource(Probe("/slow"), transport_).Poll();
  ASSERT_EQ(slow.problems.size(), 1u);
  EXPECT_THAT(slow.problems[0].message, HasSubstr("no answer"));
  auto expecting_500 = Probe("/broken");
  expecting_500.expectedStatus = 500;
  EXPECT_THAT(HttpProbeSource(expecting_500, transport_).Poll().problems, IsEmpty());
}

TEST_F(LocalServerTest, SourcesReportUnreachableAndGarbageAnswersAsErrors) {
  auto alertmanager = Alertmanager();
  alertmanager.url = Url("");
  EXPECT_THAT(AlertmanagerSource(alertmanager, transport_).Poll().error,
              HasSubstr("not a list of alerts"));
  const int port = server_.port();
  server_.Stop();
  alertmanager.url = "http://127.0.0.1:" + std::to_string(port);
  const auto refused = AlertmanagerSource(alertmanager, transport_).Poll();
  EXPECT_THAT(refused.error, HasSubstr("cannot reach Alertmanager"));
  EXPECT_THAT(refused.problems, IsEmpty());
}

TEST_F(LocalServerTest, ApiServerProbeListsFailingChecksAndMeasuresLatency) {
  auto credentials = std::make_unique<MockCredentialSource>();
  ON_CALL(*credentials, Authorization()).WillByDefault(Return(std::string()));
  Client client(Url(""), transport_, std::move(credentials));
  ApiServerHealthProbe probe(client);
  const auto health = probe.Probe();
  ASSERT_EQ(health.endpoints.size(), 2u);
  EXPECT_EQ(health.endpoints[0].path, "/readyz");
  EXPECT_FALSE(health.endpoints[0].ok);
  EXPECT_EQ(health.endpoints[0].detail, "HTTP 500: etcd failed: reason withheld");
  EXPECT_EQ(health.endpoints[1].path, "/livez");
  EXPECT_TRUE(health.endpoints[1].ok);
  ASSERT_TRUE(health.latency.has_value());
  EXPECT_LT(*health.latency, std::chrono::seconds(1));
}

TEST(FailingHealthChecks, FallsBackToTheBody) {
  EXPECT_EQ(FailingHealthChecks("[-]a failed\n[+]b ok\n[-]c failed: x\n"), "a failed; c failed: x");
  EXPECT_EQ(FailingHealthChecks("Internal Server Error\n"), "Internal Server Error");
}

TEST(InfrastructureSourceSpec, ValidatesFields) {
  InfrastructureSourceSpec spec = Alertmanager({R"(severity="critical")", "severity=critical"});
  spec.interval = std::chrono::seconds(2);
  spec.timeout = std::chrono::seconds(5);
  const auto problems = spec.Validate();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "matchers[1]");
  EXPECT_EQ(problems[1].field, "timeout");
  EXPECT_TRUE(IsLabelMatcher(R"(alertname!~"Watchdog|InfoInhibitor")"));
  EXPECT_TRUE(IsLabelMatcher(R"(team = "a \"quoted\" name")"));
  EXPECT_FALSE(IsLabelMatcher(R"(1abc="x")"));
  EXPECT_EQ(InfrastructureSourceSpec{.url = "ftp://x"}.Validate().size(), 2u);  // name, url
}

}  // namespace
}  // namespace kdiag
