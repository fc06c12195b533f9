// The recorder over a mock transport and a fake clock: the Events it writes, series, the
// queue's bound and failures. tests/integration/helpers_test.cpp runs it against an API server.
#include "controller/api_event_recorder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <future>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Invoke;
using testing::MockCredentialSource;
using testing::MockEventRecorder;
using testing::MockHttpTransport;

constexpr std::string_view kEvents = "https://api/apis/events.k8s.io/v1/namespaces/shop/events";

const ObjectReference kWeb{"apps/v1", "Deployment", "web", "shop", "u-web", "42"};

constexpr std::string_view kTerminating =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"events.events.k8s.io \"x\" is forbidden: unable to create new content in namespace shop because it is being terminated","reason":"Forbidden","details":{"causes":[{"reason":"NamespaceTerminating","message":"namespace shop is being terminated","field":"metadata.namespace"}]},"code":403})";

struct SentRequest {
  std::string method;
  std::string url;
  json body;
};

class ApiEventRecorderTest : public ::testing::Test {
 protected:
  ApiEventRecorderTest()
      : client_("https://api", transport_,
                std::make_unique<::testing::NiceMock<MockCredentialSource>>(),
                ClientOptions{.retry = {.maxRetries = 0}}) {
    // An API server that accepts every write, unless a test says otherwise.
    ON_CALL(*transport_, Send(_)).WillByDefault(Invoke([this](const HttpRequest& request) {
      return Answer(request, HttpResponse{200, {}, request.body});
    }));
    EXPECT_CALL(*transport_, Send(_)).Times(::testing::AnyNumber());
  }

  std::unique_ptr<ApiEventRecorder> MakeRecorder(EventRecorderOptions options = {}) {
    options.reportingController = "kdiag.dev/controller";
    options.reportingInstance = "kdiag-0";
    return std::make_unique<ApiEventRecorder>(client_, clock_, std::move(options), &registry_);
  }

  // Keeps what was sent, then answers.
  HttpResponse Answer(const HttpRequest& request, HttpResponse response) {
    const std::lock_guard lock(mutex_);
    sent_.push_back({request.method, request.url, json::parse(request.body)});
    return response;
  }

  std::vector<SentRequest> Sent() {
    const std::lock_guard lock(mutex_);
    return sent_;
  }

  // Waits (in real time) until the writer has sent count requests.
  bool SentWithin(size_t count) {
    for (int i = 0; i < 1000; ++i) {
      if (Sent().size() >= count) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  std::shared_ptr<MockHttpTransport> transport_ = std::make_shared<MockHttpTransport>();
  Client client_;
  FakeClock clock_;
  prometheus::Registry registry_;
  std::mutex mutex_;
  std::vector<SentRequest> sent_;
};

TEST_F(ApiEventRecorderTest, WritesAnEventAsTheApiExpects) {
  auto recorder = MakeRecorder();
  clock_.Advance(milliseconds(1500));
  recorder->Record(kWeb, EventType::kWarning, "RolloutStuck", "Diagnose", "3 pods pending");
  recorder->Flush();

  auto sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, kEvents);
  json event = sent[0].body;
  const std::string name = event["metadata"]["name"];
  // "<regarding name>.<16 hex digits>"
  ASSERT_EQ(name.size(), 20u) << name;
  EXPECT_EQ(name.substr(0, 4), "web.");
  EXPECT_EQ(name.find_first_not_of("0123456789abcdef", 4), std::string::npos) << name;
  event["metadata"].erase("name");
  EXPECT_EQ(event, json::parse(R"({
    "apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"namespace":"shop"},
    "eventTime":"2026-01-01T00:00:01.500000Z",
    "reportingController":"kdiag.dev/controller","reportingInstance":"kdiag-0",
    "action":"Diagnose","reason":"RolloutStuck","type":"Warning","note":"3 pods pending",
    "regarding":{"apiVersion":"apps/v1","kind":"Deployment","name":"web","namespace":"shop",
                 "uid":"u-web","resourceVersion":"42"}})"));
  EXPECT_EQ(recorder->GetStats().created, 1);
  EXPECT_THAT(Metrics(), HasSubstr(R"(kdiag_events_total{result="created"} 1)"));
}

TEST_F(ApiEventRecorderTest, AggregatesRepeatsIntoOneSeries) {
  auto recorder = MakeRecorder();
  for (int i = 0; i < 5; ++i) {
    recorder->Record(kWeb, EventType::kNormal, "Checked", "Diagnose", "all good");
    clock_.Advance(seconds(1));
  }
  recorder->Flush();

  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[1].method, "PATCH");
  EXPECT_EQ(sent[1].url,
            std::string(kEvents) + "/" + sent[0].body["metadata"]["name"].get<std::string>());
  EXPECT_EQ(sent[1].body, json::parse(R"({"series":{"count":5,
                                          "lastObservedTime":"2026-01-01T00:00:04.000000Z"}})"));
  EXPECT_EQ(recorder->GetStats().created, 1);
  EXPECT_EQ(recorder->GetStats().seriesUpdated, 1);
}

TEST_F(ApiEventRecorderTest, WritesHeldCountsOnceTheyAreDueWithoutAFlush) {
  auto recorder = MakeRecorder({.scanInterval = milliseconds(5)});
  for (int i = 0; i < 3; ++i) {
    recorder->Record(kWeb, EventType::kNormal, "Checked", "Diagnose", "all good");
  }
  ASSERT_TRUE(SentWithin(1));
  // However long real time passes, nothing is due until the clock moves.
  std::this_thread::sleep_for(milliseconds(50));
  ASSERT_EQ(Sent().size(), 1u);
  clock_.Advance(seconds(30));
  ASSERT_TRUE(SentWithin(2));

  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].method, "PATCH");
  EXPECT_EQ(sent[1].body["series"]["count"], 3);
  // Written once: a flush now has nothing to add.
  recorder->Flush();
  EXPECT_EQ(Sent().size(), 2u);
}

TEST_F(ApiEventRecorderTest, ADifferentNoteIsADifferentEvent) {
  auto recorder = MakeRecorder();
  recorder->Record(kWeb, EventType::kNormal, "Checked", "Diagnose", "1 finding");
  recorder->Record(kWeb, EventType::kNormal, "Checked", "Diagnose", "2 findings");
  recorder->Record(kWeb, EventType::kWarning, "Checked", "Diagnose", "2 findings");
  recorder->Flush();
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& request : sent) EXPECT_EQ(request.method, "POST");
  EXPECT_NE(sent[0].body["metadata"]["name"], sent[1].body["metadata"]["name"]);
}

TEST_F(ApiEventRecorderTest, StartsANewEventAfterTheSeriesExpired) {
  auto recorder = MakeRecorder();
  recorder->Record(kWeb, EventType::kNormal, "Checked", "Diagnose", "all good");
  recorder->Flush();
  clock_.Advance(minutes(7));
  recorder->Record(kWeb, EventType::kNormal, "Checked", "Diagnose", "all good");
  recorder->Flush();
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_NE(sent[0].body["metadata"]["name"], sent[1].body["metadata"]["name"]);
  EXPECT_EQ(sent[1].body["eventTime"], "2026-01-01T00:07:00.000000Z");
}

TEST_F(ApiEventRecorderTest, DropsAndCountsWhenTheQueueIsFull) {
  std::promise<void> writing;
  std::promise<void> release;
  auto released = release.get_future().share();
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Invoke([&](const HttpRequest& request) {
        writing.set_value();
        released.wait();
        return Answer(request, HttpResponse{201, {}, request.body});
      }))
      .WillRepeatedly(Invoke([this](const HttpRequest& request) {
        return Answer(request, HttpResponse{201, {}, request.body});
      }));
  auto recorder = MakeRecorder({.queueCapacity = 2});
  recorder->Record(kWeb, EventType::kNormal, "R", "A", "first");
  writing.get_future().wait();  // the writer is stuck on the API with it
  for (const char* note : {"second", "third", "fourth"}) {
    recorder->Record(kWeb, EventType::kNormal, "R", "A", note);
  }
  // A repeat of the dropped one needs a create again; queued behind two others, it is dropped.
  recorder->Record(kWeb, EventType::kNormal, "R", "A", "fourth");
  release.set_value();
  recorder->Flush();

  EXPECT_EQ(Sent().size(), 3u);
  EXPECT_EQ(recorder->GetStats().created, 3);
  EXPECT_EQ(recorder->GetStats().dropped, 2);
  EXPECT_THAT(Metrics(), HasSubstr(R"(kdiag_events_total{result="dropped"} 2)"));
}

TEST_F(ApiEventRecorderTest, CountsRefusedEventsAndCreatesThemAgainOnARepeat) {
  EXPECT_CALL(*transport_, Send(_)).WillRepeatedly(Invoke([this](const HttpRequest& request) {
    return Answer(request, HttpResponse{403, {}, std::string(kTerminating)});
  }));
  auto recorder = MakeRecorder();
  recorder->Record(kWeb, EventType::kNormal, "R", "A", "note");
  recorder->Flush();
  recorder->Record(kWeb, EventType::kNormal, "R", "A", "note");
  recorder->Flush();
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(recorder->GetStats().failed, 2);
  EXPECT_EQ(recorder->GetStats().created, 0);
}

TEST_F(ApiEventRecorderTest, ContinuesASeriesWhoseEventWasDeletedInANewOne) {
  constexpr std::string_view kNotFound =
      R"({"kind":"Status","status":"Failure","reason":"NotFound","code":404})";
  auto recorder = MakeRecorder();
  recorder->Record(kWeb, EventType::kNormal, "R", "A", "note");
  recorder->Flush();
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Invoke([&](const HttpRequest& request) {
        return Answer(request, HttpResponse{404, {}, std::string(kNotFound)});
      }))
      .WillOnce(Invoke([this](const HttpRequest& request) {
        return Answer(request, HttpResponse{201, {}, request.body});
      }));
  clock_.Advance(seconds(2));
  recorder->Record(kWeb, EventType::kNormal, "R", "A", "note");
  recorder->Flush();

  auto sent = Sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].method, "PATCH");
  EXPECT_EQ(sent[2].method, "POST");
  EXPECT_EQ(sent[2].body["metadata"], sent[0].body["metadata"]);
  EXPECT_EQ(sent[2].body["series"], json::parse(R"({"count":2,
                                     "lastObservedTime":"2026-01-01T00:00:02.000000Z"})"));
  EXPECT_EQ(recorder->GetStats().created, 2);
}

TEST_F(ApiEventRecorderTest, KeepsFieldsWithinTheApisLimits) {
  auto recorder = MakeRecorder();
  std::string note = "a";
  for (int i = 0; i < 1000; ++i) note += "é";  // two bytes each
  const ObjectReference node{"v1", "Node", std::string(300, 'n'), "", "u-node", ""};
  recorder->Record(node, EventType::kNormal, std::string(200, 'R'), "A", note);
  recorder->Flush();

  auto sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://api/apis/events.k8s.io/v1/namespaces/default/events");
  const std::string sent_note = sent[0].body["note"];
  // Cut before the character that would cross 1024 bytes, not through it.
  EXPECT_EQ(sent_note.size(), 1023u);
  EXPECT_EQ(sent_note, note.substr(0, 1023));
  EXPECT_EQ(sent[0].body["reason"].get<std::string>().size(), kEventReasonLimit);
  EXPECT_EQ(sent[0].body["metadata"]["name"].get<std::string>().size(), 253u);
  EXPECT_FALSE(sent[0].body["regarding"].contains("namespace"));
}

TEST(MockEventRecorder, TakesObjectsAsReadFromTheApi) {
  MockEventRecorder recorder;
  EXPECT_CALL(recorder, Record(kWeb, EventType::kNormal, "R", "A", "note"));
  EventRecorder& as_interface = recorder;
  as_interface.Record(json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","namespace":"shop","uid":"u-web","resourceVersion":"42"}})"),
                      EventType::kNormal, "R", "A", "note");
}

}  // namespace
}  // namespace kdiag
