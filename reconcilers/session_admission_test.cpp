// The TroubleshootSession admission policy on AdmissionReviews shaped as the API server sends
// them, with a mock authorizer.
#include "reconcilers/session_admission.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/object_decoder.h"
#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::AnyNumber;
using ::testing::Field;
using ::testing::HasSubstr;
using testing::MockAuthorizer;
using ::testing::Return;

constexpr const char* kAliceOwner =
    R"({"groups":["devs","system:authenticated"],"uid":"b1a5","username":"alice"})";

// An AdmissionReview as kube-apiserver sends it for kubectl apply of a session in shop.
nlohmann::json Review(const std::string& operation = "CREATE") {
  return nlohmann::json::parse(R"({
    "kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
    "request": {
      "uid": "0df28fbd-5f5f-11e8-bc74-36e6bb280816",
      "kind": {"group": "kdiag.dev", "version": "v1alpha1", "kind": "TroubleshootSession"},
      "resource": {"group": "kdiag.dev", "version": "v1alpha1", "resource": "troubleshootsessions"},
      "requestKind": {"group": "kdiag.dev", "version": "v1alpha1", "kind": "TroubleshootSession"},
      "requestResource": {"group": "kdiag.dev", "version": "v1alpha1", "resource": "troubleshootsessions"},
      "name": "net-debug", "namespace": "shop", "operation": ")" +
                               operation + R"(",
      "userInfo": {"username": "alice", "uid": "b1a5", "groups": ["devs", "system:authenticated"]},
      "object": {
        "apiVersion": "kdiag.dev/v1alpha1", "kind": "TroubleshootSession",
        "metadata": {
          "name": "net-debug", "namespace": "shop",
          "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{}"
          },
          "creationTimestamp": null, "managedFields": []
        },
        "spec": {"ttl": "30m", "idleTimeout": "10m", "purpose": "INC-4711",
                 "recording": {"enabled": true, "keepOnDelete": true, "size": "1Gi"}}
      },
      "oldObject": null, "dryRun": false,
      "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1",
                  "fieldManager": "kubectl-client-side-apply", "fieldValidation": "Strict"}
    }
  })");
}

AdmissionRequest Request(const nlohmann::json& review) {
  auto request = ParseAdmissionReview(review.dump());
  EXPECT_TRUE(request) << request.error();
  return request.value_or(AdmissionRequest{});
}

// The review after the mutating webhook ran: the owner recorded.
nlohmann::json Mutated(nlohmann::json review, const std::string& owner = kAliceOwner) {
  review["request"]["object"]["metadata"]["annotations"]["kdiag.dev/owner"] = owner;
  return review;
}

class SessionAdmissionTest : public ::testing::Test {
 protected:
  SessionAdmissionTest() {
    options_.allowedImages = {"registry.example/debug/*"};
    options_.maxTTL = std::chrono::hours(1);
    options_.maxPerNamespace = 3;
    options_.maxPerUser = 2;
    ON_CALL(authorizer_, Check(_, _)).WillByDefault(Return(AccessDecision{true, "RBAC: allowed"}));
  }

  SessionAdmission Admission() {
    return SessionAdmission(options_, authorizer_,
                            [this](std::string_view ns, std::string_view user) {
                              asked_ = std::string(ns) + "/" + std::string(user);
                              return counts_;
                            });
  }

  // The object with the mutating webhook's patch applied.
  nlohmann::json Patched(const nlohmann::json& review) {
    const auto response = Admission().Mutate(Request(review));
    EXPECT_TRUE(response.allowed);
    EXPECT_TRUE(response.patch.is_array());
    return review["request"]["object"].patch(response.patch);
  }

  SessionOptions options_;
  ::testing::NiceMock<MockAuthorizer> authorizer_;
  std::optional<SessionCounts> counts_ = SessionCounts{};
  std::string asked_;
};

TEST_F(SessionAdmissionTest, RecordsTheRequestingUserAsOwner) {
  const auto session = Patched(Review());
  EXPECT_EQ(session["metadata"]["annotations"]["kdiag.dev/owner"], kAliceOwner);
  EXPECT_EQ(session["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
            "{}");
  const auto owner = OwnerOf(session);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->username, "alice");
  EXPECT_EQ(owner->uid, "b1a5");
  EXPECT_EQ(owner->groups, (std::vector<std::string>{"devs", "system:authenticated"}));
}

TEST_F(SessionAdmissionTest, RecordsTheOwnerWhenThereAreNoAnnotations) {
  auto review = Review();
  review["request"]["object"]["metadata"].erase("annotations");
  EXPECT_EQ(Patched(review)["metadata"]["annotations"],
            nlohmann::json({{"kdiag.dev/owner", kAliceOwner}}));
}

TEST_F(SessionAdmissionTest, OverwritesAnOwnerTheUserWrote) {
  const auto session = Patched(Mutated(Review(), R"({"username":"system:admin"})"));
  EXPECT_EQ(session["metadata"]["annotations"]["kdiag.dev/owner"], kAliceOwner);
}

TEST_F(SessionAdmissionTest, MutatesOnlyCreates) {
  auto review = Mutated(Review("UPDATE"));
  review["request"]["oldObject"] = review["request"]["object"];
  const auto response = Admission().Mutate(Request(review));
  EXPECT_TRUE(response.allowed);
  EXPECT_TRUE(response.patch.is_null());
}

TEST_F(SessionAdmissionTest, AdmitsAUserWhoMayRunAndAttachToPods) {
  EXPECT_CALL(authorizer_, Check(Field(&UserInfo::username, "alice"),
                                 AllOf(Field(&ResourceAttributes::verb, "create"),
                                       Field(&ResourceAttributes::resource, "pods"),
                                       Field(&ResourceAttributes::subresource, ""),
                                       Field(&ResourceAttributes::ns, "shop"))));
  EXPECT_CALL(authorizer_, Check(_, AllOf(Field(&ResourceAttributes::verb, "create"),
                                          Field(&ResourceAttributes::subresource, "attach"),
                                          Field(&ResourceAttributes::ns, "shop"))));
  EXPECT_CALL(authorizer_, Check(_, AllOf(Field(&ResourceAttributes::verb, "get"),
                                          Field(&ResourceAttributes::resource, "pods"),
                                          Field(&ResourceAttributes::ns, "shop"))));
  const auto response = Admission().Validate(Request(Mutated(Review())));
  EXPECT_TRUE(response.allowed) << response.message;
  EXPECT_EQ(asked_, "shop/alice");
}

TEST_F(SessionAdmissionTest, DeniesAUserWithoutPodRightsNamingThem) {
  auto review = Mutated(Review(), R"({"username":"bob"})");
  review["request"]["userInfo"] = {{"username", "bob"}};
  EXPECT_CALL(authorizer_, Check(_, _)).Times(AnyNumber());
  EXPECT_CALL(authorizer_, Check(_, Field(&ResourceAttributes::verb, "create")))
      .Times(2)
      .WillRepeatedly(Return(AccessDecision{false, ""}));
  const auto response = Admission().Validate(Request(review));
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 403);
  EXPECT_THAT(response.message,
              HasSubstr("user bob may not create pods, create pods/attach in namespace shop: a "
                        "TroubleshootSession creates a pod there on your behalf"));
}

TEST_F(SessionAdmissionTest, ChecksPodRightsWhereThePodRuns) {
  auto review = Mutated(Review());
  review["request"]["object"]["spec"]["targetNamespace"] = "payments";
  EXPECT_CALL(authorizer_, Check(_, Field(&ResourceAttributes::ns, "payments"))).Times(3);
  EXPECT_TRUE(Admission().Validate(Request(review)).allowed);

  // A temporary namespace does not exist yet: the rights asked for are the session's own
  // namespace's.
  review["request"]["object"]["spec"].erase("targetNamespace");
  review["request"]["object"]["spec"]["temporaryNamespace"] = true;
  EXPECT_CALL(authorizer_, Check(_, Field(&ResourceAttributes::ns, "shop"))).Times(3);
  EXPECT_TRUE(Admission().Validate(Request(review)).allowed);
}

TEST_F(SessionAdmissionTest, FailsClosedWhenTheCheckCannotBeMade) {
  EXPECT_CALL(authorizer_, Check(_, _))
      .WillOnce(Return(Unexpected(TransportError("connection refused", false))));
  const auto response = Admission().Validate(Request(Mutated(Review())));
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 500);
  EXPECT_THAT(response.message,
              HasSubstr("could not check whether alice may create pods in namespace shop"));
  EXPECT_THAT(response.message, HasSubstr("connection refused"));
}

TEST_F(SessionAdmissionTest, DeniesASpecTheConfigurationForbidsNamingEveryField) {
  auto review = Mutated(Review());
  review["request"]["object"]["spec"]["image"] = "docker.io/nicolaka/netshoot";
  review["request"]["object"]["spec"]["ttl"] = "2h";
  EXPECT_CALL(authorizer_, Check(_, _)).Times(0);
  const auto response = Admission().Validate(Request(review));
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 422);
  EXPECT_THAT(response.message, HasSubstr("spec.image: 'docker.io/nicolaka/netshoot' is not the "
                                          "default image nor on the operator's allow-list"));
  EXPECT_THAT(response.message, HasSubstr("; spec.ttl: must be more than 0s and at most 1h"));

  review["request"]["object"]["spec"]["image"] = "registry.example/debug/net:2";
  review["request"]["object"]["spec"]["ttl"] = "1h";
  EXPECT_CALL(authorizer_, Check(_, _)).Times(3);
  EXPECT_TRUE(Admission().Validate(Request(review)).allowed);
}

TEST_F(SessionAdmissionTest, DeniesACreateTheMutatingWebhookDidNotSee) {
  const auto response = Admission().Validate(Request(Review()));
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 500);
  EXPECT_THAT(response.message, HasSubstr("the kdiag mutating webhook did not record the owner"));
}

TEST_F(SessionAdmissionTest, DeniesAForgedOwner) {
  for (const std::string owner :
       {R"({"username":"bob"})", R"({"username":"alice"})",  // without uid and groups
        "alice", ""}) {
    const auto response = Admission().Validate(Request(Mutated(Review(), owner)));
    EXPECT_FALSE(response.allowed) << owner;
    EXPECT_EQ(response.code, 403);
    EXPECT_THAT(response.message,
                HasSubstr("the kdiag.dev/owner annotation does not name alice, who is creating"));
  }
}

TEST_F(SessionAdmissionTest, EnforcesTheLimitsNamingTheirKeys) {
  counts_ = SessionCounts{.inNamespace = 3, .ofUser = 0};
  auto response = Admission().Validate(Request(Mutated(Review())));
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 403);
  EXPECT_EQ(response.message,
            "namespace shop has 3 active TroubleshootSessions, the most allowed "
            "(sessions.maxPerNamespace: 3); end one first");

  counts_ = SessionCounts{.inNamespace = 2, .ofUser = 2};
  response = Admission().Validate(Request(Mutated(Review())));
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.message,
            "user alice has 2 active TroubleshootSessions, the most allowed per user "
            "(sessions.maxPerUser: 2); end one first");

  counts_ = SessionCounts{.inNamespace = 2, .ofUser = 1};
  EXPECT_TRUE(Admission().Validate(Request(Mutated(Review()))).allowed);
}

TEST_F(SessionAdmissionTest, AsksToRetryWhileTheSessionsAreNotKnown) {
  counts_ = std::nullopt;
  const auto response = Admission().Validate(Request(Mutated(Review())));
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 503);
  EXPECT_THAT(response.message, HasSubstr("try again in a few seconds"));
}

TEST_F(SessionAdmissionTest, KeepsTheOwnerImmutable) {
  EXPECT_CALL(authorizer_, Check(_, _)).Times(0);
  const auto update = [this](const nlohmann::json& before, const nlohmann::json& after) {
    auto review = Review("UPDATE");
    review["request"]["oldObject"] = before;
    review["request"]["object"] = after;
    return Admission().Validate(Request(review));
  };
  const auto created = Mutated(Review())["request"]["object"];
  auto changed = created;
  changed["metadata"]["annotations"]["kdiag.dev/owner"] = R"({"username":"mallory"})";
  auto removed = created;
  removed["metadata"]["annotations"].erase("kdiag.dev/owner");
  auto finalized = created;
  finalized["metadata"]["finalizers"] = {"kdiag.dev/session"};
  finalized["metadata"]["annotations"]["note"] = "looked at it";

  EXPECT_TRUE(update(created, finalized).allowed);
  for (const auto& [before, after] :
       {std::pair{created, changed}, std::pair{created, removed}, std::pair{removed, created}}) {
    const auto response = update(before, after);
    EXPECT_FALSE(response.allowed);
    EXPECT_EQ(response.code, 403);
    EXPECT_THAT(response.message,
                HasSubstr("the kdiag.dev/owner annotation cannot be added, changed or removed"));
  }
}

TEST_F(SessionAdmissionTest, LetsDeletesThrough) {
  auto review = Review("DELETE");
  review["request"]["oldObject"] = review["request"]["object"];
  review["request"]["object"] = nullptr;
  EXPECT_TRUE(Admission().Validate(Request(review)).allowed);
  EXPECT_TRUE(Admission().Mutate(Request(review)).allowed);
}

CachedObjectPtr Session(const std::string& ns, const std::string& name, const std::string& owner,
                        const std::string& phase, bool deleting = false) {
  nlohmann::json session = {
      {"apiVersion", "kdiag.dev/v1alpha1"},
      {"kind", "TroubleshootSession"},
      {"metadata", {{"name", name}, {"namespace", ns}, {"uid", ns + "-" + name}}},
      {"spec", {{"ttl", "1h"}}}};
  if (!owner.empty()) {
    session["metadata"]["annotations"]["kdiag.dev/owner"] =
        SessionOwner{owner, "", {}}.ToJson().dump();
  }
  if (!phase.empty()) session["status"]["phase"] = phase;
  if (deleting) {
    session["metadata"]["deletionTimestamp"] = "2026-11-23T21:00:00Z";
    session["metadata"]["finalizers"] = {"kdiag.dev/session"};
  }
  ObjectDecoder decoder;
  auto object = decoder.DecodeObject(session.dump());
  EXPECT_TRUE(object) << object.error().Describe();
  return *object;
}

TEST(CountActiveSessions, CountsSessionsThatAreNotOver) {
  Store store;
  store.Upsert(Session("shop", "a", "alice", "Running"));
  store.Upsert(Session("shop", "b", "alice", ""));  // just created: no status yet
  store.Upsert(Session("shop", "c", "bob", "Pending"));
  store.Upsert(Session("shop", "d", "alice", "Expired"));
  store.Upsert(Session("shop", "e", "alice", "Terminated"));
  store.Upsert(Session("shop", "f", "alice", "Failed"));
  store.Upsert(Session("shop", "g", "alice", "Running", /*deleting=*/true));
  store.Upsert(Session("payments", "h", "alice", "Running"));
  store.Upsert(Session("payments", "i", "", "Running"));  // from before the webhook

  auto counts = CountActiveSessions(store, "shop", "alice");
  EXPECT_EQ(counts.inNamespace, 3);
  EXPECT_EQ(counts.ofUser, 3);
  counts = CountActiveSessions(store, "payments", "bob");
  EXPECT_EQ(counts.inNamespace, 2);
  EXPECT_EQ(counts.ofUser, 1);
  counts = CountActiveSessions(store, "empty", "carol");
  EXPECT_EQ(counts.inNamespace, 0);
  EXPECT_EQ(counts.ofUser, 0);
}

}  // namespace
}  // namespace kdiag
