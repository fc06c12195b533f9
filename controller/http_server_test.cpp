#include "controller/http_server.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>

namespace kdiag {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<prometheus::Registry>();
    prometheus::BuildCounter()
        .Name("kdiag_test_total")
        .Help("A counter for the test.")
        .Register(*registry_)
        .Add({})
        .Increment(3);
    health_.Add(HealthChecks::Probe::kReadiness, "synced", [this]() -> std::optional<std::string> {
      if (synced_) return std::nullopt;
      return "caches not synced";
    });
    AddProbeAndMetricsRoutes(server_, health_, registry_);
    server_.Start("127.0.0.1:0");
  }

  httplib::Result Get(const std::string& path) {
    httplib::Client client("127.0.0.1", server_.port());
    return client.Get(path);
  }

  std::shared_ptr<prometheus::Registry> registry_;
  HealthChecks health_;
  std::atomic<bool> synced_ = false;
  HttpServer server_;
};

TEST_F(HttpServerTest, ServesProbes) {
  auto healthz = Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
  EXPECT_EQ(healthz->body, "ok");

  auto not_ready = Get("/readyz?verbose");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 500);
  EXPECT_NE(not_ready->body.find("[-]synced failed: caches not synced"), std::string::npos);

  synced_ = true;
  auto ready = Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
}

TEST_F(HttpServerTest, ServesMetricsInPrometheusTextFormat) {
  auto metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics->body.find("kdiag_test_total 3"), std::string::npos) << metrics->body;
}

TEST_F(HttpServerTest, StopsAndRefusesConnections) {
  const int port = server_.port();
  server_.Stop();
  server_.Stop();  // idempotent
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  EXPECT_FALSE(client.Get("/healthz"));
}

TEST(HttpServer, RejectsAnAddressWithoutPort) {
  HttpServer server;
  EXPECT_THROW(server.Start("127.0.0.1"), std::runtime_error);
  EXPECT_THROW(server.Start("127.0.0.1:http"), std::runtime_error);
}

}  // namespace
}  // namespace kdiag
