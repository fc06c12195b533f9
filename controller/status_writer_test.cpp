#include "controller/status_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using json = nlohmann::json;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;
using testing::MockCredentialSource;
using testing::MockHttpTransport;
using ::testing::ResultOf;
using ::testing::Return;

const ResourceType kWidgets{"example.dev", "v1", "widgets", true};
constexpr std::string_view kObjectUrl = "https://api/apis/example.dev/v1/namespaces/ns/widgets/w";
constexpr std::string_view kStatusUrl =
    "https://api/apis/example.dev/v1/namespaces/ns/widgets/w/status?fieldManager=kdiag-test";
constexpr std::string_view kConflict =
    R"({"kind":"Status","status":"Failure","reason":"Conflict","message":"the object has been modified; please apply your changes to the latest version and try again","code":409})";

json Widget(const std::string& resource_version, json status = nullptr) {
  json object = {{"apiVersion", "example.dev/v1"},
                 {"kind", "Widget"},
                 {"metadata",
                  {{"name", "w"},
                   {"namespace", "ns"},
                   {"resourceVersion", resource_version},
                   {"generation", 3}}},
                 {"spec", {{"size", 1}}}};
  if (!status.is_null()) object["status"] = std::move(status);
  return object;
}

HttpResponse Ok(const json& body) { return {200, {}, body.dump()}; }

auto Get() {
  return AllOf(Field(&HttpRequest::method, "GET"), Field(&HttpRequest::url, kObjectUrl));
}

auto PutOf(const json& object) {
  return AllOf(Field(&HttpRequest::method, "PUT"), Field(&HttpRequest::url, kStatusUrl),
               Field(&HttpRequest::body,
                     ResultOf([](const std::string& b) { return json::parse(b); }, object)));
}

// Sets the phase and records which generation it saw.
void MarkReady(json& status, const json& object) {
  status["phase"] = "Ready";
  status["observedGeneration"] = object["metadata"]["generation"];
}

class StatusWriterTest : public ::testing::Test {
 protected:
  StatusWriterTest()
      : client_("https://api", transport_,
                std::make_unique<::testing::NiceMock<MockCredentialSource>>(),
                ClientOptions{.retry = {.maxRetries = 0}}) {}

  // Without jitter, so the pauses are exact: 20 ms, then 40 ms, 80 ms, ...
  StatusWriter Writer(int max_attempts = 5) {
    return StatusWriter(client_, clock_,
                        {.maxAttempts = max_attempts,
                         .backoff = {.initial = std::chrono::milliseconds(20), .jitter = 0},
                         .fieldManager = "kdiag-test"},
                        &registry_);
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  std::shared_ptr<MockHttpTransport> transport_ = std::make_shared<MockHttpTransport>();
  Client client_;
  FakeClock clock_;
  prometheus::Registry registry_;
};

TEST_F(StatusWriterTest, WritesTheMutatedStatusWithTheResourceVersionRead) {
  const json written = Widget("8", {{"phase", "Ready"}, {"observedGeneration", 3}});
  const ::testing::InSequence in_order;
  EXPECT_CALL(*transport_, Send(Get())).WillOnce(Return(Ok(Widget("7"))));
  EXPECT_CALL(*transport_,
              Send(PutOf(Widget("7", {{"phase", "Ready"}, {"observedGeneration", 3}}))))
      .WillOnce(Return(Ok(written)));
  auto writer = Writer();
  auto result = writer.Update(kWidgets, "ns", "w", MarkReady);
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(*result, written);
  EXPECT_EQ(writer.ConflictsRetried(), 0);
}

TEST_F(StatusWriterTest, SkipsTheWriteWhenNothingChanged) {
  const json current = Widget("7", {{"phase", "Ready"}, {"observedGeneration", 3}});
  EXPECT_CALL(*transport_, Send(Get())).WillOnce(Return(Ok(current)));
  auto result = Writer().Update(kWidgets, "ns", "w", MarkReady);
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(*result, current);
}

TEST_F(StatusWriterTest, RereadsAndRetriesOnConflict) {
  const ::testing::InSequence in_order;
  EXPECT_CALL(*transport_, Send(Get())).WillOnce(Return(Ok(Widget("7"))));
  EXPECT_CALL(*transport_, Send(Field(&HttpRequest::method, "PUT")))
      .WillOnce(Return(HttpResponse{409, {}, std::string(kConflict)}));
  // Someone else wrote a status field meanwhile; ours is applied on top of it.
  EXPECT_CALL(*transport_, Send(Get())).WillOnce(Return(Ok(Widget("8", {{"other", "x"}}))));
  EXPECT_CALL(
      *transport_,
      Send(PutOf(Widget("8", {{"other", "x"}, {"phase", "Ready"}, {"observedGeneration", 3}}))))
      .WillOnce(Return(Ok(Widget("9"))));
  auto writer = Writer();
  ASSERT_TRUE(writer.Update(kWidgets, "ns", "w", MarkReady));
  EXPECT_EQ(writer.ConflictsRetried(), 1);
  EXPECT_EQ(clock_.slept(), std::chrono::milliseconds(20));
  EXPECT_THAT(Metrics(), HasSubstr("kdiag_status_write_conflicts_total 1"));
}

TEST_F(StatusWriterTest, GivesUpAfterMaxAttempts) {
  EXPECT_CALL(*transport_, Send(Get())).Times(3).WillRepeatedly(Return(Ok(Widget("7"))));
  EXPECT_CALL(*transport_, Send(Field(&HttpRequest::method, "PUT")))
      .Times(3)
      .WillRepeatedly(Return(HttpResponse{409, {}, std::string(kConflict)}));
  auto writer = Writer(3);
  auto result = writer.Update(kWidgets, "ns", "w", MarkReady);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(writer.ConflictsRetried(), 2);
  // A pause between attempts, none after the last.
  EXPECT_EQ(clock_.slept(), std::chrono::milliseconds(20 + 40));
}

TEST_F(StatusWriterTest, DoesNotRetryOtherErrors) {
  EXPECT_CALL(*transport_, Send(Get())).WillOnce(Return(Ok(Widget("7"))));
  EXPECT_CALL(*transport_, Send(Field(&HttpRequest::method, "PUT")))
      .WillOnce(Return(HttpResponse{
          422, {}, R"({"kind":"Status","status":"Failure","reason":"Invalid","code":422})"}));
  auto result = Writer().Update(kWidgets, "ns", "w", MarkReady);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalid);
}

TEST_F(StatusWriterTest, MergePatchesTheStatusSubresource) {
  EXPECT_CALL(
      *transport_,
      Send(AllOf(Field(&HttpRequest::method, "PATCH"), Field(&HttpRequest::url, kStatusUrl),
                 Field(&HttpRequest::headers, ::testing::Contains(::testing::Pair(
                                                  "Content-Type", "application/merge-patch+json"))),
                 Field(&HttpRequest::body, R"({"status":{"phase":"Failed"}})"))))
      .WillOnce(Return(Ok(Widget("8", {{"phase", "Failed"}}))));
  auto result = Writer().MergePatch(kWidgets, "ns", "w", {{"phase", "Failed"}});
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ((*result)["status"]["phase"], "Failed");
}

TEST_F(StatusWriterTest, TheOneOffFormRetriesToo) {
  EXPECT_CALL(*transport_, Send(Get())).Times(2).WillRepeatedly(Return(Ok(Widget("7"))));
  EXPECT_CALL(*transport_, Send(Field(&HttpRequest::method, "PUT")))
      .WillOnce(Return(HttpResponse{409, {}, std::string(kConflict)}))
      .WillOnce(Return(Ok(Widget("8"))));
  EXPECT_TRUE(UpdateStatusWithRetry(
      client_, kWidgets, "ns", "w", MarkReady,
      {.backoff = {.initial = std::chrono::milliseconds(1)}, .fieldManager = "kdiag-test"}));
}

}  // namespace
}  // namespace kdiag
