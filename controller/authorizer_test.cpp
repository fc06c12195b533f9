// SubjectAccessReviews as the API server answers them, over a mock transport.
#include "controller/authorizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::HasSubstr;
using testing::MockCredentialSource;
using testing::MockHttpTransport;
using ::testing::Return;
using ::testing::SaveArg;

const UserInfo kAlice{.username = "alice",
                      .uid = "b1a5",
                      .groups = {"devs", "system:authenticated"},
                      .extra = {{"scopes.example.com", {"read"}}}};
const ResourceAttributes kAttach{
    .verb = "create", .group = "", .resource = "pods", .subresource = "attach", .ns = "shop"};

class SubjectAccessReviewAuthorizerTest : public ::testing::Test {
 protected:
  SubjectAccessReviewAuthorizerTest() {
    auto credentials = std::make_unique<MockCredentialSource>();
    ON_CALL(*credentials, Authorization()).WillByDefault(Return(std::string("Bearer t")));
    client_ = std::make_unique<Client>(
        "https://api:6443", transport_, std::move(credentials),
        ClientOptions{.retry = {.maxRetries = 1, .baseDelay = std::chrono::milliseconds(1)}});
  }

  // The review the server got, answered with status.
  Result<AccessDecision> CheckAnswering(int code, const std::string& body,
                                        HttpRequest* sent = nullptr) {
    HttpRequest request;
    EXPECT_CALL(*transport_, Send(_))
        .WillOnce(DoAll(SaveArg<0>(&request), Return(HttpResponse{code, {}, body})));
    SubjectAccessReviewAuthorizer authorizer(*client_);
    auto decision = authorizer.Check(kAlice, kAttach);
    if (sent != nullptr) *sent = request;
    return decision;
  }

  std::shared_ptr<MockHttpTransport> transport_ = std::make_shared<MockHttpTransport>();
  std::unique_ptr<Client> client_;
};

// What the API server returns: the review it was sent, with status filled in.
std::string Answer(const std::string& status) {
  return R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",)"
         R"("metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"shop",)"
         R"("verb":"create","resource":"pods","subresource":"attach"},"user":"alice",)"
         R"("groups":["devs","system:authenticated"],"uid":"b1a5"},"status":)" +
         status + "}";
}

TEST_F(SubjectAccessReviewAuthorizerTest, AsksForTheUserWithGroupsUidAndExtra) {
  HttpRequest sent;
  auto decision = CheckAnswering(
      201,
      Answer(
          R"({"allowed":true,"reason":"RBAC: allowed by RoleBinding \"alice-edit/shop\" of ClusterRole \"edit\" to User \"alice\""})"),
      &sent);
  ASSERT_TRUE(decision) << decision.error().Describe();
  EXPECT_TRUE(decision->allowed);
  EXPECT_THAT(decision->reason, HasSubstr("allowed by RoleBinding"));
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api:6443/apis/authorization.k8s.io/v1/subjectaccessreviews");
  EXPECT_EQ(nlohmann::json::parse(sent.body), nlohmann::json::parse(R"({
    "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
    "spec": {"resourceAttributes": {"verb": "create", "group": "", "resource": "pods",
                                    "subresource": "attach", "namespace": "shop"},
             "user": "alice", "uid": "b1a5", "groups": ["devs", "system:authenticated"],
             "extra": {"scopes.example.com": ["read"]}}})"));
}

TEST_F(SubjectAccessReviewAuthorizerTest, ReadsADenial) {
  // RBAC says no by saying nothing: allowed false, no reason.
  auto decision = CheckAnswering(201, Answer(R"({"allowed":false})"));
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->allowed);
  EXPECT_EQ(decision->reason, "");

  decision =
      CheckAnswering(201, Answer(R"({"allowed":false,"denied":true,"reason":"denied by policy",)"
                                 R"("evaluationError":"webhook authorizer unreachable"})"));
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->allowed);
  EXPECT_EQ(decision->reason, "denied by policy; webhook authorizer unreachable");
}

TEST_F(SubjectAccessReviewAuthorizerTest, ReportsAFailedCheckAsAnError) {
  auto decision = CheckAnswering(
      403,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"subjectaccessreviews.authorization.k8s.io is forbidden: User \"system:serviceaccount:kdiag-system:kdiag-controller\" cannot create resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope","reason":"Forbidden","details":{"group":"authorization.k8s.io","kind":"subjectaccessreviews"},"code":403})");
  ASSERT_FALSE(decision);
  EXPECT_EQ(decision.error().kind, ErrorKind::kForbidden);

  decision = CheckAnswering(201, R"({"kind":"SubjectAccessReview"})");
  ASSERT_FALSE(decision);
  EXPECT_EQ(decision.error().kind, ErrorKind::kDecode);

  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Return(Unexpected(TransportError("connection refused", false))));
  SubjectAccessReviewAuthorizer authorizer(*client_);
  decision = authorizer.Check(kAlice, kAttach);
  ASSERT_FALSE(decision);
  EXPECT_EQ(decision.error().kind, ErrorKind::kTransport);
}

TEST(ResourceAttributes, DescribeThemselves) {
  EXPECT_EQ(Describe(kAttach), "create pods/attach in namespace shop");
  EXPECT_EQ(Describe({.verb = "get", .group = "apps", .resource = "deployments", .name = "web"}),
            "get deployments.apps web");
}

}  // namespace
}  // namespace kdiag
