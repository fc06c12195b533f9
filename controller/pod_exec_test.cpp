#include "controller/pod_exec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::StartsWith;
using namespace std::chrono_literals;

TEST(PodStreamPathTest, ExecNamesTheCommandAndTheStreams) {
  PodStreamRequest request{.ns = "team-a",
                           .pod = "web-0",
                           .container = "main",
                           .command = {"sh", "-c", "echo a&b=c; exit 3"},
                           .withStdin = true};
  EXPECT_EQ(PodStreamPath(request),
            "/api/v1/namespaces/team-a/pods/web-0/exec?command=sh&command=-c&"
            "command=echo%20a%26b%3Dc%3B%20exit%203&container=main&stdin=true&stdout=true&"
            "stderr=true");
}

TEST(PodStreamPathTest, ATerminalMergesStderr) {
  PodStreamRequest request{
      .ns = "ns", .pod = "p", .command = {"bash"}, .withStdin = true, .tty = true};
  EXPECT_EQ(PodStreamPath(request),
            "/api/v1/namespaces/ns/pods/p/exec?command=bash&stdin=true&stdout=true&tty=true");
}

TEST(PodStreamPathTest, AttachHasNoCommand) {
  PodStreamRequest request{.verb = PodStreamVerb::kAttach,
                           .ns = "ns",
                           .pod = "p",
                           .command = {"ignored"},
                           .withStderr = false};
  EXPECT_EQ(PodStreamPath(request), "/api/v1/namespaces/ns/pods/p/attach?stdout=true");
}

TEST(MakePodExecutorTest, RefusesServersItCannotReach) {
  for (const char* server : {"ftp://host", "host:443", "https://", "https://host:0",
                             "https://host:70000", "https://host:x", "https://[::1"}) {
    auto executor = MakePodExecutor(server, {}, std::make_unique<testing::MockCredentialSource>());
    ASSERT_FALSE(executor) << server;
    EXPECT_EQ(executor.error().kind, ErrorKind::kBadRequest) << server;
  }
  auto bad_ca = MakePodExecutor("https://127.0.0.1:6443", {.caPem = "not a certificate"},
                                std::make_unique<testing::MockCredentialSource>());
  ASSERT_FALSE(bad_ca);
  EXPECT_EQ(bad_ca.error().kind, ErrorKind::kTransport);
}

// A plain HTTP server answering every upgrade with a canned error, as an API server refusing
// one would. It keeps the requests it got.
class RefusingServer {
 public:
  explicit RefusingServer(int status) {
    server_.Get(".*", [this, status](const httplib::Request& request, httplib::Response& response) {
      std::unique_lock lock(mutex_);
      requests_.push_back(request);
      released_.wait(lock, [&] { return !hold_; });
      response.status = status;
      response.set_content(R"({"kind":"Status","status":"Failure"})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~RefusingServer() {
    Release();
    server_.stop();
    thread_.join();
  }

  std::string Url(const std::string& prefix = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + prefix;
  }
  // Keeps requests unanswered until Release.
  void Hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mutex_);
      hold_ = false;
    }
    released_.notify_all();
  }
  std::vector<httplib::Request> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool hold_ = false;
  std::vector<httplib::Request> requests_;
};

std::unique_ptr<testing::MockCredentialSource> Token(const std::string& token) {
  auto credentials = std::make_unique<testing::MockCredentialSource>();
  ON_CALL(*credentials, Authorization()).WillByDefault(Return("Bearer " + token));
  return credentials;
}

const PodStreamRequest kEcho{.ns = "ns", .pod = "p", .command = {"echo", "hi"}};

TEST(PodExecutorTest, SendsAnUpgradeOfferingV5ThenV4) {
  RefusingServer server(403);
  auto executor =
      MakePodExecutor(server.Url("/clusters/c1/"), {}, Token("t0k3n"), {.userAgent = "kdiag-test"});
  ASSERT_TRUE(executor) << executor.error().Describe();
  auto result = (*executor)->Run(kEcho, {});
  ASSERT_FALSE(result);

  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  // The path prefix of the server's address comes first.
  EXPECT_EQ(request.path, "/clusters/c1/api/v1/namespaces/ns/pods/p/exec");
  EXPECT_EQ(request.get_param_value("command", 0), "echo");
  EXPECT_EQ(request.get_param_value("command", 1), "hi");
  EXPECT_FALSE(request.has_param("stdin"));
  EXPECT_EQ(request.get_header_value("Sec-WebSocket-Protocol"),
            "v5.channel.k8s.io, v4.channel.k8s.io");
  EXPECT_EQ(request.get_header_value("Authorization"), "Bearer t0k3n");
  EXPECT_EQ(request.get_header_value("User-Agent"), "kdiag-test");
  EXPECT_THAT(request.get_header_value("Upgrade"), HasSubstr("websocket"));
}

TEST(PodExecutorTest, ARefusedUpgradeIsATypedError) {
  const std::vector<std::pair<int, ErrorKind>> cases = {
      {403, ErrorKind::kForbidden},
      {404, ErrorKind::kNotFound},
      {400, ErrorKind::kBadRequest},
      {500, ErrorKind::kServerError},
  };
  for (const auto& [status, kind] : cases) {
    RefusingServer server(status);
    auto executor = MakePodExecutor(server.Url(), {}, Token("t"));
    ASSERT_TRUE(executor) << executor.error().Describe();
    auto result = (*executor)->Run(kEcho, {});
    ASSERT_FALSE(result) << status;
    EXPECT_EQ(result.error().kind, kind) << result.error().Describe();
    EXPECT_EQ(result.error().httpCode, status);
    EXPECT_THAT(result.error().message, HasSubstr("ns/p")) << result.error().Describe();
    if (kind == ErrorKind::kForbidden) {
      EXPECT_THAT(result.error().message, HasSubstr("pods/exec"));
    }
  }

  RefusingServer attach_server(403);
  auto executor = MakePodExecutor(attach_server.Url(), {}, Token("t"));
  ASSERT_TRUE(executor);
  auto attach = (*executor)->Open({.verb = PodStreamVerb::kAttach, .ns = "ns", .pod = "p"}, {});
  ASSERT_FALSE(attach);
  EXPECT_THAT(attach.error().message, HasSubstr("pods/attach"));
}

TEST(PodExecutorTest, ReadsTheCredentialAgainAfterUnauthorized) {
  RefusingServer server(401);
  auto credentials = std::make_unique<testing::MockCredentialSource>();
  EXPECT_CALL(*credentials, Authorization())
      .WillOnce(Return("Bearer stale"))
      .WillOnce(Return("Bearer fresh"));
  EXPECT_CALL(*credentials, Invalidate()).Times(1);
  auto executor = MakePodExecutor(server.Url(), {}, std::move(credentials));
  ASSERT_TRUE(executor);
  auto result = (*executor)->Run(kEcho, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kUnauthorized);
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].get_header_value("Authorization"), "Bearer stale");
  EXPECT_EQ(requests[1].get_header_value("Authorization"), "Bearer fresh");
}

TEST(PodExecutorTest, ACredentialThatCannotBeHadIsTheError) {
  auto credentials = std::make_unique<testing::MockCredentialSource>();
  ApiError failed;
  failed.kind = ErrorKind::kUnauthorized;
  failed.message = "the exec plugin failed";
  EXPECT_CALL(*credentials, Authorization()).WillOnce(Return(Unexpected(failed)));
  auto executor = MakePodExecutor("http://127.0.0.1:1", {}, std::move(credentials));
  ASSERT_TRUE(executor);
  auto result = (*executor)->Run(kEcho, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "the exec plugin failed");
}

TEST(PodExecutorTest, AnUpgradeThatHangsTimesOut) {
  RefusingServer server(403);
  server.Hold();
  auto executor = MakePodExecutor(server.Url(), {}, Token("t"));
  ASSERT_TRUE(executor);
  const auto started = std::chrono::steady_clock::now();
  auto session = (*executor)->Open(kEcho, {.connectTimeout = 300ms});
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::kTimeout) << session.error().Describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);

  RunOptions options;
  options.timeout = 300ms;
  auto run = (*executor)->Run(kEcho, options);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind, ErrorKind::kTimeout) << run.error().Describe();
}

TEST(PodExecutorTest, NobodyListeningIsATransportError) {
  auto executor = MakePodExecutor("http://127.0.0.1:1", {}, Token("t"));
  ASSERT_TRUE(executor);
  auto result = (*executor)->Run(kEcho, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kTransport) << result.error().Describe();
  EXPECT_THAT(result.error().message, StartsWith("exec ns/p via 127.0.0.1:1"));
}

TEST(PodExecutorTest, RefusesRequestsThatCannotWork) {
  auto executor = MakePodExecutor("http://127.0.0.1:1", {}, Token("t"));
  ASSERT_TRUE(executor);
  const std::vector<std::pair<PodStreamRequest, std::string>> cases = {
      {{.ns = "ns", .pod = "p"}, "exec needs a command"},
      {{.pod = "p", .command = {"true"}}, "a namespace and a pod"},
      {{.ns = "ns", .pod = "p", .command = {"true"}, .withStdout = false, .withStderr = false},
       "at least one of stdin, stdout and stderr"},
      {{.ns = "ns", .pod = "p", .command = {"sh", "-c", std::string(20000, 'x')}},
       "too long for a URL"},
  };
  for (const auto& [request, why] : cases) {
    auto session = (*executor)->Open(request, {});
    ASSERT_FALSE(session) << why;
    EXPECT_EQ(session.error().kind, ErrorKind::kBadRequest);
    EXPECT_THAT(session.error().message, HasSubstr(why));
  }
  auto no_protocol = (*executor)->Open(kEcho, {.protocols = {}});
  ASSERT_FALSE(no_protocol);
  EXPECT_EQ(no_protocol.error().kind, ErrorKind::kBadRequest);
}

}  // namespace
}  // namespace kdiag
