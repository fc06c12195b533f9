// Exec and attach over WebSockets against the real local control plane (KUBECONFIG points at
// it; see tests/CMakeLists.txt). kwok serves exec by running the command on this machine, and
// attach by following its log file, which this test appends to.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "controller/client.h"
#include "controller/kubeconfig.h"
#include "controller/pod_exec.h"
#include "tests/integration/test_cluster.h"

namespace kdiag {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using json = nlohmann::json;
using namespace std::chrono_literals;

const ResourceType kServiceAccounts{"", "v1", "serviceaccounts", true};

class ExecTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    kubeconfig_ = std::getenv("KUBECONFIG");  // NOLINT(concurrency-mt-unsafe): no threads yet
    client_ = new Client(testing::TestCluster());
    ns_ = testing::CreateTestNamespace(*client_, "exec");
    // Pods need the namespace's default ServiceAccount, which the controller manager creates
    // (slowly when it is still reconnecting after another test restarted the API server).
    for (int i = 0; i < 600 && !client_->Get(kServiceAccounts, ns_, "default"); ++i) {
      std::this_thread::sleep_for(100ms);
    }
    const json pod = {
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata", {{"name", kPod}}},
        {"spec",
         {{"nodeName", "kwok-node-0"},
          {"tolerations",
           {{{"key", "kwok.x-k8s.io/node"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}}},
          {"containers", {{{"name", "main"}, {"image", "busybox"}}}}}}};
    auto created = client_->Create(resources::kPods, ns_, pod);
    ASSERT_TRUE(created) << created.error().Describe();
    bool running = false;
    for (int i = 0; i < 300 && !running; ++i) {
      auto got = client_->Get(resources::kPods, ns_, kPod);
      running = got && got->value("status", json::object()).value("phase", "") == "Running";
      if (!running) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(running) << "the pod did not start";
  }

  static void TearDownTestSuite() {
    if (client_ != nullptr) (void)client_->Delete(resources::kNamespaces, "", ns_);
    delete client_;
  }

  void SetUp() override {
    auto executor = MakePodExecutor(testing::TestCluster());
    ASSERT_TRUE(executor) << executor.error().Describe();
    executor_ = std::move(*executor);
  }

  static PodStreamRequest Exec(std::vector<std::string> command) {
    return {.ns = ns_, .pod = kPod, .command = std::move(command)};
  }

  // Reads output until it contains what is expected or the time is up.
  static std::string ReadUntil(PodStreamSession& session, std::string_view expected,
                               Duration limit = 20s) {
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (seen.find(expected) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      auto chunk = session.Read(200ms);
      if (!chunk) continue;  // nothing yet
      if (!*chunk) break;    // ended
      seen += (*chunk)->data;
    }
    return seen;
  }

  static constexpr const char* kPod = "target";
  static std::string kubeconfig_;
  static Client* client_;
  static std::string ns_;
  std::unique_ptr<PodExecutor> executor_;
};
std::string ExecTest::kubeconfig_;
Client* ExecTest::client_ = nullptr;
std::string ExecTest::ns_;

// Both the default offer (v5, then v4) and v4 alone: through the API server's v5 translation,
// and straight to kwok's own v4 WebSocket server.
class ExecProtocolTest : public ExecTest, public ::testing::WithParamInterface<ChannelProtocol> {
 protected:
  RunOptions Options() const {
    RunOptions options;
    if (GetParam() == ChannelProtocol::kV4) options.stream.protocols = {ChannelProtocol::kV4};
    return options;
  }
};

TEST_P(ExecProtocolTest, ReturnsStdoutStderrAndTheExitCode) {
  auto result = executor_->Run(Exec({"sh", "-c", "echo out; echo err >&2; exit 3"}), Options());
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(result->protocol, GetParam());
  EXPECT_EQ(result->stdoutText, "out\n");
  EXPECT_EQ(result->stderrText, "err\n");
  EXPECT_EQ(result->exitCode, 3);
  EXPECT_THAT(result->statusMessage, AnyOf(HasSubstr("exit status 3"), HasSubstr("exit code 3")));
  EXPECT_FALSE(result->truncated);
  std::cout << "status message over " << ProtocolName(result->protocol) << ": "
            << result->statusMessage << "\n";
}

TEST_P(ExecProtocolTest, ASucceedingCommandExitsWithZero) {
  auto result = executor_->Run(Exec({"echo", "hello", "world"}), Options());
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(result->stdoutText, "hello world\n");
  EXPECT_EQ(result->stderrText, "");
  EXPECT_EQ(result->exitCode, 0);
  EXPECT_EQ(result->statusMessage, "");
}

TEST_P(ExecProtocolTest, PipesStdinThrough) {
  // kwok never passes the end of stdin on to the command, so the command reads what it needs
  // and ends by itself.
  RunOptions options = Options();
  options.stdinData = "first line\nsecond line\n";
  auto result = executor_->Run(Exec({"sh", "-c", "read a; read b; echo \"$b|$a\""}), options);
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(result->stdoutText, "second line|first line\n");
  EXPECT_EQ(result->exitCode, 0);
}

TEST_P(ExecProtocolTest, KeepsOutputWithinItsBound) {
  RunOptions options = Options();
  options.maxOutput = 1000;
  auto result =
      executor_->Run(Exec({"sh", "-c", "head -c 100000 /dev/zero; echo done >&2"}), options);
  ASSERT_TRUE(result) << result.error().Describe();
  EXPECT_EQ(result->stdoutText, std::string(1000, '\0'));
  EXPECT_EQ(result->stderrText, "done\n");
  EXPECT_TRUE(result->truncated);
  EXPECT_EQ(result->exitCode, 0);
}

INSTANTIATE_TEST_SUITE_P(Protocols, ExecProtocolTest,
                         ::testing::Values(ChannelProtocol::kV5, ChannelProtocol::kV4),
                         [](const auto& param_info) {
                           return param_info.param == ChannelProtocol::kV5 ? "v5" : "v4";
                         });

TEST_F(ExecTest, AMissingPodIsNotFound) {
  PodStreamRequest request = Exec({"true"});
  request.pod = "no-such-pod";
  auto result = executor_->Run(request, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kNotFound) << result.error().Describe();
  EXPECT_EQ(result.error().httpCode, 404);
  EXPECT_THAT(result.error().message, HasSubstr(ns_ + "/no-such-pod"));
}

TEST_F(ExecTest, AMissingContainerIsABadRequest) {
  PodStreamRequest request = Exec({"true"});
  request.container = "no-such-container";
  auto result = executor_->Run(request, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kBadRequest) << result.error().Describe();
}

TEST_F(ExecTest, AUserWithoutExecRightsIsForbidden) {
  ASSERT_TRUE(client_->Create(
      kServiceAccounts, ns_,
      {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "nobody"}}}}));
  const json token_request = {{"apiVersion", "authentication.k8s.io/v1"},
                              {"kind", "TokenRequest"},
                              {"spec", {{"expirationSeconds", 3600}}}};
  auto token = client_->Call("POST", kServiceAccounts.Path(ns_, "nobody", "token"),
                             token_request.dump(), "application/json");
  ASSERT_TRUE(token) << token.error().Describe();
  ClusterConfig as_nobody = testing::TestCluster();
  as_nobody.clientCertPem.clear();
  as_nobody.clientKeyPem.clear();
  as_nobody.token = json::parse(token->body)["status"]["token"];
  auto executor = MakePodExecutor(as_nobody);
  ASSERT_TRUE(executor) << executor.error().Describe();

  auto result = (*executor)->Run(Exec({"true"}), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kForbidden) << result.error().Describe();
  EXPECT_EQ(result.error().httpCode, 403);
  EXPECT_THAT(result.error().message, HasSubstr("pods/exec"));

  // An unknown token is refused before any rights are checked.
  as_nobody.token = "not-a-token";
  auto stranger = MakePodExecutor(as_nobody);
  ASSERT_TRUE(stranger) << stranger.error().Describe();
  auto refused = (*stranger)->Run(Exec({"true"}), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUnauthorized) << refused.error().Describe();
}

TEST_F(ExecTest, AnUnreachableServerIsATransportError) {
  auto executor = MakePodExecutor("https://127.0.0.1:1", {.caPem = testing::TestCluster().caPem},
                                  MakeCredentialSource(testing::TestCluster()));
  ASSERT_TRUE(executor) << executor.error().Describe();
  auto result = (*executor)->Run(Exec({"true"}), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kTransport) << result.error().Describe();
}

TEST_F(ExecTest, TheServerCertificateIsVerified) {
  const std::string server = testing::TestCluster().server;
  // No CA given: the system's trust store does not know the cluster's CA.
  auto untrusted = MakePodExecutor(server, {}, MakeCredentialSource(testing::TestCluster()));
  ASSERT_TRUE(untrusted) << untrusted.error().Describe();
  auto refused = (*untrusted)->Run(Exec({"true"}), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kTransport) << refused.error().Describe();
  EXPECT_THAT(refused.error().message, HasSubstr("certificate was refused"));

  // The right CA, but a name the certificate does not carry.
  TlsSettings wrong_name{.caPem = testing::TestCluster().caPem,
                         .serverName = "not-the-apiserver.example",
                         .clientCertPem = testing::TestCluster().clientCertPem,
                         .clientKeyPem = testing::TestCluster().clientKeyPem};
  auto mismatched =
      MakePodExecutor(server, wrong_name, MakeCredentialSource(testing::TestCluster()));
  ASSERT_TRUE(mismatched) << mismatched.error().Describe();
  auto misnamed = (*mismatched)->Run(Exec({"true"}), {});
  ASSERT_FALSE(misnamed);
  EXPECT_EQ(misnamed.error().kind, ErrorKind::kTransport) << misnamed.error().Describe();
  EXPECT_THAT(misnamed.error().message, HasSubstr("hostname mismatch"));

  // A name the certificate does carry, in place of the address's IP.
  TlsSettings by_name = wrong_name;
  by_name.serverName = "kubernetes.default.svc";
  auto named = MakePodExecutor(server, by_name, MakeCredentialSource(testing::TestCluster()));
  ASSERT_TRUE(named) << named.error().Describe();
  auto accepted = (*named)->Run(Exec({"true"}), {});
  ASSERT_TRUE(accepted) << accepted.error().Describe();
  EXPECT_EQ(accepted->exitCode, 0);

  // Insecure: no CA and a wrong name, accepted all the same.
  TlsSettings insecure = wrong_name;
  insecure.caPem.clear();
  insecure.insecureSkipVerify = true;
  auto blind = MakePodExecutor(server, insecure, MakeCredentialSource(testing::TestCluster()));
  ASSERT_TRUE(blind) << blind.error().Describe();
  auto unchecked = (*blind)->Run(Exec({"true"}), {});
  ASSERT_TRUE(unchecked) << unchecked.error().Describe();
}

// kwok neither ends a command's stdin nor stops the command when the session closes, so the
// commands here end by themselves (on a "q" line).
constexpr const char* kEchoLoop =
    "while read line; do [ \"$line\" = q ] && exit 0; echo \"got $line\"; done";

TEST_F(ExecTest, AnInteractiveSessionTakesInputAsItGoes) {
  PodStreamRequest request = Exec({"sh", "-c", kEchoLoop});
  request.withStdin = true;
  auto session = executor_->Open(request, {});
  ASSERT_TRUE(session) << session.error().Describe();
  EXPECT_EQ((*session)->Protocol(), ChannelProtocol::kV5);

  ASSERT_TRUE((*session)->WriteStdin("one\n"));
  EXPECT_THAT(ReadUntil(**session, "got one\n"), HasSubstr("got one\n"));
  ASSERT_TRUE((*session)->WriteStdin("two\n"));
  EXPECT_THAT(ReadUntil(**session, "got two\n"), HasSubstr("got two\n"));

  auto waited = (*session)->Wait(100ms);
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error().kind, ErrorKind::kTimeout);

  // v5 can end stdin; after that there is no more input to give.
  ASSERT_TRUE((*session)->WriteStdin("q\n"));
  ASSERT_TRUE((*session)->CloseStdin());
  auto late = (*session)->WriteStdin("three\n");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, ErrorKind::kBadRequest);

  auto status = (*session)->Wait(20s);
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ(status->exitCode, 0);
  auto after = (*session)->Read(1s);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->has_value());
}

TEST_F(ExecTest, AClosedSessionTakesNoMoreInput) {
  PodStreamRequest request = Exec({"sleep", "2"});
  request.withStdin = true;
  auto session = executor_->Open(request, {});
  ASSERT_TRUE(session) << session.error().Describe();
  ASSERT_TRUE((*session)->WriteStdin("ignored\n"));
  (*session)->Close();
  auto after = (*session)->Read(1s);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->has_value());
  EXPECT_FALSE((*session)->WriteStdin("more\n"));
  auto status = (*session)->Wait(1s);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorKind::kOther) << status.error().Describe();
}

TEST_F(ExecTest, V4CannotHalfCloseStdin) {
  PodStreamRequest request = Exec({"sh", "-c", "read line; echo \"got $line\""});
  request.withStdin = true;
  auto session = executor_->Open(request, {.protocols = {ChannelProtocol::kV4}});
  ASSERT_TRUE(session) << session.error().Describe();
  EXPECT_EQ((*session)->Protocol(), ChannelProtocol::kV4);
  auto closed = (*session)->CloseStdin();
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().kind, ErrorKind::kBadRequest);
  ASSERT_TRUE((*session)->WriteStdin("x\n"));
  EXPECT_THAT(ReadUntil(**session, "got x\n"), HasSubstr("got x\n"));
  auto status = (*session)->Wait(20s);
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ(status->exitCode, 0);
}

TEST_F(ExecTest, ATerminalSessionFollowsResizes) {
  PodStreamRequest request =
      Exec({"sh", "-c", "while read x; do [ \"$x\" = q ] && exit 0; stty size; done"});
  request.withStdin = true;
  request.tty = true;
  auto session = executor_->Open(request, {});
  ASSERT_TRUE(session) << session.error().Describe();
  // The resize and the input travel separately on the server's side: ask again until the
  // terminal has taken the new size.
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (seen.find("40 100") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE((*session)->Resize({.width = 100, .height = 40}));
    ASSERT_TRUE((*session)->WriteStdin("\n"));
    seen += ReadUntil(**session, "40 100", 500ms);
  }
  EXPECT_THAT(seen, HasSubstr("40 100"));
  ASSERT_TRUE((*session)->WriteStdin("q\n"));
  auto status = (*session)->Wait(20s);
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ(status->exitCode, 0);
}

TEST_F(ExecTest, AttachStreamsWhatTheContainerWrites) {
  PodStreamRequest request{
      .verb = PodStreamVerb::kAttach, .ns = ns_, .pod = kPod, .withStdout = true};
  auto session = executor_->Open(request, {});
  ASSERT_TRUE(session) << session.error().Describe();
  // kwok follows its log file from the end; write to it until the attached stream has it.
  const auto log_file = std::filesystem::path(kubeconfig_).parent_path() / "kwok" / "current.log";
  ASSERT_TRUE(std::filesystem::exists(log_file)) << log_file;
  const std::string line = "attached-" + ns_;
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (seen.find(line) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::ofstream(log_file, std::ios::app)
        << "2024-01-01T00:00:00.000000000Z stdout F " << line << "\n";
    seen += ReadUntil(**session, line, 500ms);
  }
  EXPECT_THAT(seen, HasSubstr(line + "\n"));
  (*session)->Close();
}

TEST_F(ExecTest, AReaderThatFallsBehindLosesNothing) {
  // Far more output than the session buffers: reading from the network pauses while the reader
  // sleeps, and resumes as it catches up.
  constexpr size_t kTotal = 4'000'000;
  auto session = executor_->Open(Exec({"head", "-c", std::to_string(kTotal), "/dev/urandom"}),
                                 {.maxBufferedOutput = 64 * 1024});
  ASSERT_TRUE(session) << session.error().Describe();
  std::this_thread::sleep_for(1s);
  size_t total = 0;
  while (true) {
    auto chunk = (*session)->Read(20s);
    ASSERT_TRUE(chunk) << chunk.error().Describe();
    if (!*chunk) break;
    EXPECT_EQ((*chunk)->channel, Channel::kStdout);
    total += (*chunk)->data.size();
  }
  EXPECT_EQ(total, kTotal);
  auto status = (*session)->Wait(20s);
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ(status->exitCode, 0);
}

TEST_F(ExecTest, ASessionTimesOutWithoutEnding) {
  RunOptions options;
  options.timeout = 1s;
  auto result = executor_->Run(Exec({"sleep", "5"}), options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kTimeout) << result.error().Describe();
}

TEST_F(ExecTest, ManySessionsRunAtOnce) {
  std::vector<std::thread> threads;
  std::vector<Result<ExecResult>> results(8, Unexpected(ApiError{}));
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = executor_->Run(Exec({"echo", std::to_string(i)}), {});
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().Describe();
    EXPECT_EQ(results[i]->stdoutText, std::to_string(i) + "\n");
  }
}

}  // namespace
}  // namespace kdiag
