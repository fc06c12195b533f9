// The client's own logic (retries, credentials, decoding) over a mock transport; the verbs
// against a real API server are in tests/integration/client_test.cpp.
#include "controller/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using ::testing::_;
using ::testing::Contains;
using ::testing::Field;
using testing::MockCredentialSource;
using testing::MockHttpTransport;
using ::testing::Pair;
using ::testing::Return;

HttpResponse Response(int status, std::string body,
                      std::map<std::string, std::string> headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

class ClientUnitTest : public ::testing::Test {
 protected:
  ClientUnitTest() {
    auto credentials = std::make_unique<MockCredentialSource>();
    credentials_ = credentials.get();
    ON_CALL(*credentials_, Authorization()).WillByDefault(Return(std::string("Bearer t")));
    client_ = std::make_unique<Client>(
        "https://api:6443", transport_, std::move(credentials),
        ClientOptions{.retry = {.maxRetries = 2, .baseDelay = std::chrono::milliseconds(1)}});
  }

  std::shared_ptr<MockHttpTransport> transport_ = std::make_shared<MockHttpTransport>();
  MockCredentialSource* credentials_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientUnitTest, SendsTheRequestAsTheApiExpects) {
  EXPECT_CALL(
      *transport_,
      Send(AllOf(Field(&HttpRequest::method, "GET"),
                 Field(&HttpRequest::url,
                       "https://api:6443/apis/apps/v1/namespaces/shop/deployments"
                       "?labelSelector=app%3Dweb%2Ctier%20in%20%28a%29&limit=5"),
                 Field(&HttpRequest::headers, Contains(Pair("Authorization", "Bearer t"))))))
      .WillOnce(Return(Response(
          200,
          R"({"kind":"DeploymentList","metadata":{"resourceVersion":"7","continue":"c1"},"items":[{"metadata":{"name":"web"}}]})")));
  auto page = client_->List(resources::kDeployments, "shop",
                            {.labelSelector = "app=web,tier in (a)", .limit = 5});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->resourceVersion, "7");
  EXPECT_EQ(page->continueToken, "c1");
}

TEST_F(ClientUnitTest, RetriesReadsOnServerErrorsAndHonoursRetryAfter) {
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Return(Response(503, "overloaded")))
      .WillOnce(Return(Response(429, "", {{"retry-after", "0"}})))
      .WillOnce(Return(Response(200, R"({"kind":"Pod"})")));
  auto pod = client_->Get(resources::kPods, "ns", "p");
  ASSERT_TRUE(pod) << pod.error().Describe();
  EXPECT_EQ((*pod)["kind"], "Pod");
}

TEST_F(ClientUnitTest, GivesUpAfterMaxRetries) {
  EXPECT_CALL(*transport_, Send(_))
      .Times(3)
      .WillRepeatedly(Return(Unexpected(TransportError("connection refused", false))));
  auto pod = client_->Get(resources::kPods, "ns", "p");
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().kind, ErrorKind::kTransport);
}

TEST_F(ClientUnitTest, DoesNotRepeatAWriteThatMayHaveBeenApplied) {
  EXPECT_CALL(*transport_, Send(_)).WillOnce(Return(Unexpected(TransportError("reset", false))));
  auto created = client_->Create(resources::kConfigMaps, "ns", {{"metadata", {{"name", "c"}}}});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorKind::kTransport);
}

TEST_F(ClientUnitTest, RereadsCredentialsOnceOnUnauthorized) {
  const std::string unauthorized =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})";
  EXPECT_CALL(*credentials_, Invalidate()).Times(1);
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Return(Response(401, unauthorized)))
      .WillOnce(Return(Response(401, unauthorized)));
  auto pod = client_->Get(resources::kPods, "ns", "p");
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().kind, ErrorKind::kUnauthorized);
}

TEST_F(ClientUnitTest, ReportsGarbageAsADecodeError) {
  EXPECT_CALL(*transport_, Send(_)).WillOnce(Return(Response(200, "<html>proxy login</html>")));
  auto pod = client_->Get(resources::kPods, "ns", "p");
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().kind, ErrorKind::kDecode);
}

TEST_F(ClientUnitTest, RefusesWritesOfObjectsWithoutName) {
  EXPECT_CALL(*transport_, Send(_)).Times(0);
  EXPECT_EQ(
      client_->Update(resources::kPods, {{"metadata", nlohmann::json::object()}}).error().kind,
      ErrorKind::kBadRequest);
  EXPECT_EQ(client_->Apply(resources::kPods, {{"metadata", {{"name", "p"}}}}, {}).error().kind,
            ErrorKind::kBadRequest);
}

TEST(ResourceType, BuildsPaths) {
  EXPECT_EQ(resources::kPods.Path(), "/api/v1/pods");
  EXPECT_EQ(resources::kPods.Path("shop", "web", "log"), "/api/v1/namespaces/shop/pods/web/log");
  EXPECT_EQ(resources::kNodes.Path("ignored", "n1"), "/api/v1/nodes/n1");
  EXPECT_EQ(resources::kLeases.Path("kdiag-system", "kdiag-controller"),
            "/apis/coordination.k8s.io/v1/namespaces/kdiag-system/leases/kdiag-controller");
  EXPECT_EQ(resources::kDeployments.ApiVersion(), "apps/v1");
}

}  // namespace
}  // namespace kdiag
