// Finalizer patches over a mock transport: their exact bodies, idempotency, and the re-read
// after a failed test. tests/integration/helpers_test.cpp runs them against an API server.
#include "controller/finalizers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using json = nlohmann::json;
using ::testing::_;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using testing::MockCredentialSource;
using testing::MockHttpTransport;
using ::testing::Pair;
using ::testing::ResultOf;
using ::testing::Return;

// What the API server answers to a JSON patch whose test failed.
constexpr std::string_view kFailedTest =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server rejected our request due to an error in our request","reason":"Invalid","details":{},"code":422})";

json ConfigMap(const std::string& resource_version, json finalizers = nullptr) {
  json object = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", {{"name", "cm"}, {"namespace", "ns"}, {"resourceVersion", resource_version}}}};
  if (!finalizers.is_null()) object["metadata"]["finalizers"] = std::move(finalizers);
  return object;
}

HttpResponse Ok(const json& body) { return {200, {}, body.dump()}; }

auto PatchOf(const json& body) {
  return AllOf(
      Field(&HttpRequest::method, "PATCH"),
      Field(&HttpRequest::url, "https://api/api/v1/namespaces/ns/configmaps/cm"),
      Field(&HttpRequest::headers, Contains(Pair("Content-Type", "application/json-patch+json"))),
      Field(&HttpRequest::body,
            ResultOf([](const std::string& b) { return json::parse(b); }, body)));
}

auto GetOfTheConfigMap() {
  return AllOf(Field(&HttpRequest::method, "GET"),
               Field(&HttpRequest::url, "https://api/api/v1/namespaces/ns/configmaps/cm"));
}

class FinalizersTest : public ::testing::Test {
 protected:
  FinalizersTest()
      : client_("https://api", transport_,
                std::make_unique<::testing::NiceMock<MockCredentialSource>>(),
                ClientOptions{.retry = {.maxRetries = 0}}) {}

  std::shared_ptr<MockHttpTransport> transport_ = std::make_shared<MockHttpTransport>();
  Client client_;
};

TEST(FinalizerPatch, AddsToAMissingListAfterTestingTheResourceVersion) {
  EXPECT_EQ(*AddFinalizerPatch(ConfigMap("7"), "kdiag.dev/cleanup"), json::parse(R"([
    {"op":"test","path":"/metadata/resourceVersion","value":"7"},
    {"op":"add","path":"/metadata/finalizers","value":["kdiag.dev/cleanup"]}])"));
}

TEST(FinalizerPatch, AppendsToAnExistingListAfterTestingIt) {
  EXPECT_EQ(*AddFinalizerPatch(ConfigMap("7", {"a/b"}), "kdiag.dev/cleanup"), json::parse(R"([
    {"op":"test","path":"/metadata/finalizers","value":["a/b"]},
    {"op":"add","path":"/metadata/finalizers/-","value":"kdiag.dev/cleanup"}])"));
}

TEST(FinalizerPatch, RemovesEveryOccurrenceByIndexFromTheBack) {
  EXPECT_EQ(*RemoveFinalizerPatch(ConfigMap("7", {"x/y", "a/b", "x/y~1"}), "x/y"), json::parse(R"([
    {"op":"test","path":"/metadata/finalizers/0","value":"x/y"},
    {"op":"remove","path":"/metadata/finalizers/0"}])"));
  EXPECT_EQ(*RemoveFinalizerPatch(ConfigMap("7", {"x/y", "a/b", "x/y"}), "x/y"), json::parse(R"([
    {"op":"test","path":"/metadata/finalizers/2","value":"x/y"},
    {"op":"remove","path":"/metadata/finalizers/2"},
    {"op":"test","path":"/metadata/finalizers/0","value":"x/y"},
    {"op":"remove","path":"/metadata/finalizers/0"}])"));
}

TEST(FinalizerPatch, IsNothingWhenThereIsNothingToDo) {
  EXPECT_FALSE(AddFinalizerPatch(ConfigMap("7", {"a/b"}), "a/b"));
  EXPECT_FALSE(RemoveFinalizerPatch(ConfigMap("7"), "a/b"));
  EXPECT_FALSE(RemoveFinalizerPatch(ConfigMap("7", {"a/bc"}), "a/b"));
  EXPECT_TRUE(HasFinalizer(ConfigMap("7", {"c/d", "a/b"}), "a/b"));
  EXPECT_FALSE(HasFinalizer(ConfigMap("7", {"a/bc"}), "a/b"));
}

TEST(IsFailedPatchTest, TellsFailedTestsFromValidationErrors) {
  EXPECT_TRUE(IsFailedPatchTest(ErrorFromResponse(422, kFailedTest)));
  EXPECT_TRUE(IsFailedPatchTest(ErrorFromResponse(
      409, R"({"kind":"Status","status":"Failure","reason":"Conflict","code":409})")));
  EXPECT_FALSE(IsFailedPatchTest(ErrorFromResponse(
      422,
      R"({"kind":"Status","status":"Failure","message":"ConfigMap \"cm\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted","reason":"Invalid","details":{"causes":[{"reason":"FieldValueForbidden","field":"metadata.finalizers"}]},"code":422})")));
  EXPECT_FALSE(IsFailedPatchTest(ErrorFromResponse(404, "")));
}

TEST_F(FinalizersTest, MakesNoCallWhenThereIsNothingToDo) {
  EXPECT_CALL(*transport_, Send(_)).Times(0);
  const json object = ConfigMap("7", {"a/b"});
  EXPECT_EQ(*AddFinalizer(client_, resources::kConfigMaps, object, "a/b"), object);
  EXPECT_EQ(*RemoveFinalizer(client_, resources::kConfigMaps, object, "c/d"), object);
}

TEST_F(FinalizersTest, ReturnsTheObjectAsPatched) {
  const json patched = ConfigMap("8", {"a/b"});
  EXPECT_CALL(*transport_, Send(PatchOf(*AddFinalizerPatch(ConfigMap("7"), "a/b"))))
      .WillOnce(Return(Ok(patched)));
  auto result = AddFinalizer(client_, resources::kConfigMaps, ConfigMap("7"), "a/b");
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(*result, patched);
}

TEST_F(FinalizersTest, RereadsAndRecomputesAfterAFailedTest) {
  // Someone added their finalizer between our read and our patch.
  const json theirs = ConfigMap("8", {"other/keep"});
  const ::testing::InSequence in_order;
  EXPECT_CALL(*transport_, Send(PatchOf(*AddFinalizerPatch(ConfigMap("7"), "a/b"))))
      .WillOnce(Return(HttpResponse{422, {}, std::string(kFailedTest)}));
  EXPECT_CALL(*transport_, Send(GetOfTheConfigMap())).WillOnce(Return(Ok(theirs)));
  EXPECT_CALL(*transport_, Send(PatchOf(json::parse(R"([
      {"op":"test","path":"/metadata/finalizers","value":["other/keep"]},
      {"op":"add","path":"/metadata/finalizers/-","value":"a/b"}])"))))
      .WillOnce(Return(Ok(ConfigMap("9", {"other/keep", "a/b"}))));
  auto result = AddFinalizer(client_, resources::kConfigMaps, ConfigMap("7"), "a/b");
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(result->at("metadata").at("finalizers"), json({"other/keep", "a/b"}));
}

TEST_F(FinalizersTest, StopsWhenTheRereadObjectNeedsNothing) {
  // Another instance removed it first.
  const ::testing::InSequence in_order;
  EXPECT_CALL(*transport_, Send(Field(&HttpRequest::method, "PATCH")))
      .WillOnce(Return(HttpResponse{422, {}, std::string(kFailedTest)}));
  EXPECT_CALL(*transport_, Send(GetOfTheConfigMap())).WillOnce(Return(Ok(ConfigMap("8"))));
  auto result = RemoveFinalizer(client_, resources::kConfigMaps, ConfigMap("7", {"a/b"}), "a/b");
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(*result, ConfigMap("8"));
}

TEST_F(FinalizersTest, GivesUpWithAConflictAfterMaxAttempts) {
  EXPECT_CALL(*transport_, Send(Field(&HttpRequest::method, "PATCH")))
      .Times(3)
      .WillRepeatedly(Return(HttpResponse{422, {}, std::string(kFailedTest)}));
  EXPECT_CALL(*transport_, Send(GetOfTheConfigMap()))
      .Times(3)
      .WillRepeatedly(Return(Ok(ConfigMap("8", {"a/b"}))));
  auto result = RemoveFinalizer(client_, resources::kConfigMaps, ConfigMap("7", {"a/b"}), "a/b",
                                {.maxAttempts = 3});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(result.error().message, ::testing::HasSubstr("finalizer a/b on configmaps ns/cm"));
}

TEST_F(FinalizersTest, PassesOtherErrorsThrough) {
  EXPECT_CALL(*transport_, Send(Field(&HttpRequest::method, "PATCH")))
      .WillOnce(Return(HttpResponse{
          404, {}, R"({"kind":"Status","status":"Failure","reason":"NotFound","code":404})"}));
  auto result = AddFinalizer(client_, resources::kConfigMaps, ConfigMap("7"), "a/b");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace kdiag
