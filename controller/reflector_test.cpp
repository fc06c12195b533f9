// The watch protocol over a scripted transport: every call the reflector makes is checked
// against the script, and answered with what a real API server sends in that situation.
#include "controller/reflector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "controller/testing/mocks.h"
#include "controller/testing/objects.h"

namespace kdiag {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PodSpec;
using ::testing::Return;
using testing::WatchLine;

std::string List(const std::vector<PodSpec>& pods, std::string_view rv,
                 std::string_view next = {}) {
  std::string items;
  for (const auto& pod : pods) items += (items.empty() ? "" : ",") + testing::PodJson(pod);
  return R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":")" +
         std::string(rv) + R"(")" +
         (next.empty() ? "" : R"(,"continue":")" + std::string(next) + R"(")") + R"(},"items":[)" +
         items + "]}";
}

std::string Status(int code, std::string_view reason, std::string_view message) {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" +
         std::string(message) + R"(","reason":")" + std::string(reason) + R"(","code":)" +
         std::to_string(code) + "}";
}

std::string Bookmark(std::string_view rv, bool initial_events_end = false) {
  return R"({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":")" +
         std::string(rv) + R"(")" +
         (initial_events_end ? R"(,"annotations":{"k8s.io/initial-events-end":"true"})" : "") +
         "}}}\n";
}

struct Step {
  std::string urlContains;
  int status = 200;
  std::vector<std::string> chunks;  // the body, in pieces as they arrive
  bool transportFailure = false;
  std::string urlLacks;  // a query parameter that must not be there
};

// Answers each call with the next step of a script; when the script is done, stops the reflector.
class ScriptedTransport : public HttpTransport {
 public:
  explicit ScriptedTransport(std::stop_source& stop) : stop_(stop) {}

  void Then(Step step) { steps_.push_back(std::move(step)); }
  const std::vector<std::string>& urls() const { return urls_; }
  bool done() const { return steps_.empty(); }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    auto step = Next(request);
    if (!step) return Unexpected(TransportError("script finished", false));
    if (step->transportFailure) return Unexpected(TransportError("connection refused", false));
    std::string body;
    for (const auto& chunk : step->chunks) body += chunk;
    return HttpResponse{step->status, {}, body};
  }

  Result<HttpResponse> Stream(
      const HttpRequest& request,
      const std::function<StreamControl(std::string_view)>& on_chunk) override {
    auto step = Next(request);
    if (!step) return HttpResponse{200, {}, ""};
    if (step->transportFailure) return Unexpected(TransportError("connection reset", false));
    if (step->status >= 400) return HttpResponse{step->status, {}, step->chunks.at(0)};
    for (const auto& chunk : step->chunks) {
      if (on_chunk(chunk) == StreamControl::kStop) break;
    }
    return HttpResponse{200, {}, ""};
  }

 private:
  std::optional<Step> Next(const HttpRequest& request) {
    urls_.push_back(request.url);
    if (steps_.empty()) {
      stop_.request_stop();
      return std::nullopt;
    }
    Step step = std::move(steps_.front());
    steps_.pop_front();
    EXPECT_THAT(request.url, HasSubstr(step.urlContains)) << "call " << urls_.size();
    if (!step.urlLacks.empty()) {
      EXPECT_THAT(request.url, Not(HasSubstr(step.urlLacks)));
    }
    return step;
  }

  std::stop_source& stop_;
  std::deque<Step> steps_;
  std::vector<std::string> urls_;
};

class ReflectorTest : public ::testing::Test {
 protected:
  ReflectorTest() {
    auto credentials = std::make_unique<testing::MockCredentialSource>();
    ON_CALL(*credentials, Authorization()).WillByDefault(Return(std::string()));
    client_ = std::make_unique<Client>("https://api:6443", transport_, std::move(credentials),
                                       ClientOptions{.retry = {.maxRetries = 0}});
  }

  // Runs the reflector until the script is done; returns the changes it reported.
  std::vector<std::string> Run(ReflectorOptions options = {}) {
    options.type = resources::kPods;
    reflector_ = std::make_unique<Reflector>(
        *client_, store_, options,
        [&](const StoreChange& change) {
          const auto& object = change.after ? change.after : change.before;
          changes_.push_back(std::string(!change.before  ? "+"
                                         : !change.after ? "-"
                                                         : "~") +
                             std::string(object->name()) + "@" +
                             std::string(object->resourceVersion()));
        },
        clock_, &metrics_);
    reflector_->Run(stop_.get_token());
    EXPECT_TRUE(transport_->done()) << "the reflector stopped before the script's end";
    return changes_;
  }

  std::stop_source stop_;
  std::shared_ptr<ScriptedTransport> transport_ = std::make_shared<ScriptedTransport>(stop_);
  std::unique_ptr<Client> client_;
  FakeClock clock_;
  prometheus::Registry registry_;
  RuntimeMetrics metrics_{registry_};
  Store store_;
  std::unique_ptr<Reflector> reflector_;
  std::vector<std::string> changes_;
};

TEST_F(ReflectorTest, ListsInPagesThenWatchesFromTheListsVersion) {
  transport_->Then({.urlContains = "/api/v1/pods?&limit=500",
                    .chunks = {List({{.name = "a", .resourceVersion = "5"}}, "10", "next-page")}});
  transport_->Then({.urlContains = "continue=next-page",
                    .chunks = {List({{.name = "b", .resourceVersion = "7"}}, "10")}});
  // The stream splits events anywhere.
  const std::string events = WatchLine("ADDED", {.name = "c", .resourceVersion = "11"}) +
                             WatchLine("MODIFIED", {.name = "a", .resourceVersion = "12"}) +
                             WatchLine("DELETED", {.name = "b", .resourceVersion = "13"}) +
                             Bookmark("20");
  transport_->Then({.urlContains = "watch=1&allowWatchBookmarks=true&timeoutSeconds=",
                    .chunks = {events.substr(0, 7), events.substr(7, 300), events.substr(307)}});
  transport_->Then({.urlContains = "resourceVersion=20"});  // the next watch, from the bookmark
  const auto changes = Run({.streamingList = false});
  EXPECT_EQ(changes, (std::vector<std::string>{"+a@5", "+b@7", "+c@11", "~a@12", "-b@7"}));
  EXPECT_TRUE(reflector_->HasSynced());
  EXPECT_EQ(store_.Size(), 2U);
  EXPECT_THAT(transport_->urls()[2], HasSubstr("resourceVersion=10"));
  EXPECT_EQ(clock_.slept(), Duration(0));  // a watch the server ended needs no back-off
}

TEST_F(ReflectorTest, RelistsOnGoneInTheStreamAndReportsMissedDeletions) {
  transport_->Then(
      {.urlContains = "limit=500", .chunks = {List({{.name = "a"}, {.name = "b"}}, "10")}});
  transport_->Then(
      {.urlContains = "resourceVersion=10",
       .chunks = {R"({"type":"ERROR","object":)" +
                  Status(410, "Expired", "too old resource version: 10 (40)") + "}\n"}});
  // b was deleted while the watch was gone; a changed.
  transport_->Then({.urlContains = "limit=500",
                    .chunks = {List({{.name = "a", .resourceVersion = "30"}}, "40")}});
  transport_->Then({.urlContains = "resourceVersion=40"});
  const auto changes = Run({.streamingList = false});
  EXPECT_EQ(changes, (std::vector<std::string>{"+a@1", "+b@1", "~a@30", "-b@1"}));
  EXPECT_EQ(store_.Size(), 1U);
  EXPECT_EQ(metrics_.relists.Add({{"resource", "pods"}}).Value(), 2);
}

TEST_F(ReflectorTest, RelistsOnGoneAsTheHttpStatusAndOnTooLargeResourceVersion) {
  transport_->Then({.urlContains = "limit=500", .chunks = {List({{.name = "a"}}, "10")}});
  transport_->Then({.urlContains = "resourceVersion=10",
                    .status = 410,
                    .chunks = {Status(410, "Gone", "too old resource version")}});
  transport_->Then({.urlContains = "limit=500", .chunks = {List({{.name = "a"}}, "50")}});
  transport_->Then(
      {.urlContains = "resourceVersion=50",
       .status = 504,
       .chunks = {
           R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Timeout: Too large resource version: 50, current: 45","reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":1},"code":504})"}});
  transport_->Then({.urlContains = "limit=500", .chunks = {List({{.name = "a"}}, "60")}});
  transport_->Then({.urlContains = "resourceVersion=60"});
  Run({.streamingList = false});
  EXPECT_EQ(reflector_->resourceVersion(), "60");
}

TEST_F(ReflectorTest, ListsWithoutPagesWhenTheContinueTokenExpired) {
  transport_->Then({.urlContains = "limit=500", .chunks = {List({{.name = "a"}}, "10", "tok")}});
  transport_->Then(
      {.urlContains = "continue=tok",
       .status = 410,
       .chunks = {Status(410, "Expired", "The provided continue parameter is too old")}});
  transport_->Then({.urlContains = "/api/v1/pods?",
                    .chunks = {List({{.name = "a"}, {.name = "b"}}, "20")},
                    .urlLacks = "limit="});
  transport_->Then({.urlContains = "resourceVersion=20"});
  const auto changes = Run({.streamingList = false});
  EXPECT_EQ(changes, (std::vector<std::string>{"+a@1", "+b@1"}));
}

TEST_F(ReflectorTest, StreamsTheListWhenTheServerCan) {
  transport_->Then({.urlContains = "sendInitialEvents=true&resourceVersionMatch=NotOlderThan",
                    .chunks = {WatchLine("ADDED", {.name = "a", .resourceVersion = "3"}) +
                                   WatchLine("ADDED", {.name = "b", .resourceVersion = "4"}),
                               Bookmark("9", true) +
                                   WatchLine("DELETED", {.name = "a", .resourceVersion = "10"})}});
  transport_->Then({.urlContains = "resourceVersion=10", .urlLacks = "sendInitialEvents"});
  const auto changes = Run();
  EXPECT_EQ(changes, (std::vector<std::string>{"+a@3", "+b@4", "-a@3"}));
  EXPECT_TRUE(reflector_->HasSynced());
}

TEST_F(ReflectorTest, IsNotSyncedUntilTheStreamedListIsComplete) {
  transport_->Then({.urlContains = "sendInitialEvents=true",
                    .chunks = {WatchLine("ADDED", {.name = "a", .resourceVersion = "3"})}});
  transport_->Then({.urlContains = "sendInitialEvents=true",
                    .chunks = {WatchLine("ADDED", {.name = "a", .resourceVersion = "3"}) +
                               Bookmark("9", true)}});
  transport_->Then({.urlContains = "resourceVersion=9"});
  const auto changes = Run();
  EXPECT_EQ(changes, (std::vector<std::string>{"+a@3"}));  // once, though sent twice
  EXPECT_GT(clock_.slept(), Duration(0));  // the broken stream was retried after a back-off
}

TEST_F(ReflectorTest, FallsBackToPagedListsWhenTheServerRefusesStreaming) {
  transport_->Then(
      {.urlContains = "sendInitialEvents=true",
       .status = 422,
       .chunks = {Status(422, "Invalid",
                         "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch "
                         "unless the WatchList feature gate is enabled")}});
  transport_->Then({.urlContains = "limit=500", .chunks = {List({{.name = "a"}}, "10")}});
  transport_->Then({.urlContains = "resourceVersion=10",
                    .status = 410,
                    .chunks = {Status(410, "Gone", "too old")}});
  transport_->Then({.urlContains = "limit=500",
                    .chunks = {List({{.name = "a"}}, "11")}});  // not streaming again
  transport_->Then({.urlContains = "resourceVersion=11"});
  Run();
}

TEST_F(ReflectorTest, SkipsGarbageAndKeepsTheGoodEvents) {
  transport_->Then({.urlContains = "limit=500", .chunks = {List({}, "10")}});
  transport_->Then({.urlContains = "resourceVersion=10",
                    .chunks = {WatchLine("ADDED", {.name = "a", .resourceVersion = "11"}) +
                               "{not json\n" + R"({"type":"ADDED","object":{"metadata":{}}})" +
                               "\n" + WatchLine("ADDED", {.name = "b", .resourceVersion = "12"})}});
  transport_->Then({.urlContains = "resourceVersion=12"});
  const auto changes = Run({.streamingList = false});
  EXPECT_EQ(changes, (std::vector<std::string>{"+a@11", "+b@12"}));
  EXPECT_EQ(metrics_.decodeErrors.Add({{"resource", "pods"}}).Value(), 2);
}

TEST_F(ReflectorTest, BacksOffOnFailuresAndResumesFromTheSameVersion) {
  transport_->Then({.urlContains = "limit=500", .transportFailure = true});
  transport_->Then({.urlContains = "limit=500",
                    .status = 503,
                    .chunks = {Status(503, "ServiceUnavailable", "etcd down")}});
  transport_->Then({.urlContains = "limit=500", .chunks = {List({{.name = "a"}}, "10")}});
  transport_->Then({.urlContains = "resourceVersion=10", .transportFailure = true});
  transport_->Then(
      {.urlContains = "resourceVersion=10",
       .status = 403,
       .chunks = {Status(403, "Forbidden",
                         "pods is forbidden: User \\\"x\\\" cannot watch resource \\\"pods\\\"")}});
  transport_->Then({.urlContains = "resourceVersion=10",
                    .chunks = {WatchLine("ADDED", {.name = "b", .resourceVersion = "11"})}});
  transport_->Then({.urlContains = "resourceVersion=11"});
  const auto changes = Run({.streamingList = false});
  EXPECT_EQ(changes, (std::vector<std::string>{"+a@1", "+b@11"}));
  // 0.8 s, 1.6 s, 3.2 s, 6.4 s at least (each jittered up to twice that).
  EXPECT_GE(clock_.slept(), std::chrono::milliseconds(800 + 1600 + 3200 + 6400));
  EXPECT_LE(clock_.slept(), std::chrono::milliseconds(2 * (800 + 1600 + 3200 + 6400)));
  EXPECT_TRUE(reflector_->lastError().empty());
}

TEST_F(ReflectorTest, AsksForARandomWatchTimeoutOfFiveToTenMinutes) {
  transport_->Then({.urlContains = "limit=500", .chunks = {List({}, "10")}});
  for (int i = 0; i < 20; ++i) transport_->Then({.urlContains = "timeoutSeconds="});
  Run({.streamingList = false});
  std::set<int> timeouts;
  for (size_t i = 1; i < transport_->urls().size(); ++i) {
    const auto& url = transport_->urls()[i];
    const auto at = url.find("timeoutSeconds=") + 15;
    const int seconds = std::stoi(url.substr(at));
    EXPECT_GE(seconds, 300);
    EXPECT_LE(seconds, 600);
    timeouts.insert(seconds);
  }
  EXPECT_GT(timeouts.size(), 5U);
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

TEST_F(ReflectorTest, CompressesTheCacheOnceItHoldsEnoughObjects) {
  std::vector<PodSpec> pods;
  for (int i = 0; i < 300; ++i) pods.push_back({.name = "p" + std::to_string(i), .nodeName = "n1"});
  transport_->Then({.urlContains = "limit=500", .chunks = {List(pods, "10")}});
  transport_->Then({.urlContains = "resourceVersion=10",
                    .chunks = {WatchLine("ADDED", {.name = "late", .resourceVersion = "11"})}});
  transport_->Then({.urlContains = "resourceVersion=11"});
  const auto changes = Run({.streamingList = false});
  EXPECT_EQ(changes.size(), 301U);
  EXPECT_TRUE(store_.Get("shop", "p7")->compressed());
  EXPECT_TRUE(store_.Get("shop", "late")->compressed());
  EXPECT_EQ(store_.Get("shop", "p7")->Parse()["metadata"]["name"], "p7");
  EXPECT_EQ(store_.ByIndex(StoreIndex::kNodeName, "n1").size(), 300U);
}

TEST_F(ReflectorTest, CompressesACacheThatGrewThroughTheWatch) {
  transport_->Then({.urlContains = "limit=500", .chunks = {List({}, "10")}});
  std::string events;
  for (int i = 0; i < 300; ++i) {
    events += WatchLine(
        "ADDED", {.name = "p" + std::to_string(i), .resourceVersion = std::to_string(11 + i)});
  }
  transport_->Then({.urlContains = "resourceVersion=10", .chunks = {events}});
  transport_->Then({.urlContains = "resourceVersion=310"});
  const auto changes = Run({.streamingList = false});
  EXPECT_EQ(changes.size(), 300U);  // the swap to compressed objects reported nothing
  EXPECT_TRUE(store_.Get("shop", "p0")->compressed());
  EXPECT_TRUE(store_.Get("shop", "p299")->compressed());
}

}  // namespace
}  // namespace kdiag
