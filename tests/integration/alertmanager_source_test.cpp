// AlertmanagerSource against a real Alertmanager (Debian's prometheus-alertmanager) started on
// a free loopback port: alerts posted through its API come back filtered by the matchers.
// Needs no Kubernetes.
#include "reconcilers/alertmanager_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace kdiag {
namespace {

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

class AlertmanagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kAlertmanager))
        << kAlertmanager << " is missing: hack/deps.sh installs prometheus-alertmanager";
    char pattern[] = "/tmp/kdiag-alertmanager-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ / "alertmanager.yml") << "route:\n  receiver: nobody\n"
                                                "receivers:\n  - name: nobody\n";
    const int port = FreeLoopbackPort();
    ASSERT_NE(port, 0);
    url_ = "http://127.0.0.1:" + std::to_string(port);
    const std::string config = "--config.file=" + (dir_ / "alertmanager.yml").string();
    const std::string storage = "--storage.path=" + (dir_ / "data").string();
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
    const std::string log = (dir_ / "alertmanager.log").string();
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      freopen(log.c_str(), "w", stderr);
      execl(kAlertmanager, kAlertmanager, config.c_str(), storage.c_str(), listen.c_str(),
            "--cluster.listen-address=", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      auto ready = transport_->Send({.url = url_ + "/-/ready", .timeout = std::chrono::seconds(1)});
      if (ready && ready->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "Alertmanager did not become ready; see " << log;
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void PostAlerts(const std::string& alerts) {
    auto posted = transport_->Send({.method = "POST",
                                    .url = url_ + "/api/v2/alerts",
                                    .headers = {{"Content-Type", "application/json"}},
                                    .body = alerts});
    ASSERT_TRUE(posted) << posted.error().message;
    ASSERT_EQ(posted->status, 200) << posted->body;
  }

  std::shared_ptr<HttpTransport> transport_ = MakeCurlTransport({});
  std::filesystem::path dir_;
  std::string url_;
  pid_t pid_ = -1;
};

TEST_F(AlertmanagerTest, ReportsFiringAlertsThatMatch) {
  PostAlerts(R"([
    {"labels": {"alertname": "NodeDown", "severity": "critical", "instance": "node-1"},
     "annotations": {"summary": "node-1 is down"}},
    {"labels": {"alertname": "DiskSlow", "severity": "warning"},
     "annotations": {"description": "disk latency high"}}
  ])");
  AlertmanagerSource critical({.name = "am",
                               .type = SourceType::kAlertmanager,
                               .url = url_,
                               .matchers = {R"(severity="critical")"}},
                              transport_);
  AlertmanagerSource every({.name = "am", .type = SourceType::kAlertmanager, .url = url_},
                           transport_);
  SourceResult all;
  for (int i = 0; i < 50 && all.problems.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    all = every.Poll();
  }
  EXPECT_EQ(all.error, "");
  EXPECT_EQ(all.problems.size(), 2u);

  const auto result = critical.Poll();
  EXPECT_EQ(result.error, "");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].name, "NodeDown");
  EXPECT_EQ(result.problems[0].severity, Severity::kCritical);
  EXPECT_EQ(result.problems[0].message, "node-1 is down");
  EXPECT_THAT(result.problems[0].details, ::testing::Contains("instance=node-1"));

  AlertmanagerSource node_alerts({.name = "am",
                                  .type = SourceType::kAlertmanager,
                                  .url = url_,
                                  .matchers = {R"(alertname=~"Node.*")"},
                                  .minSeverity = Severity::kCritical},
                                 transport_);
  EXPECT_EQ(node_alerts.Poll().problems.size(), 1u);
}

TEST_F(AlertmanagerTest, ReportsAStoppedAlertmanagerAsAnError) {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  const auto result =
      AlertmanagerSource({.name = "am", .type = SourceType::kAlertmanager, .url = url_}, transport_)
          .Poll();
  EXPECT_THAT(result.error, ::testing::HasSubstr("cannot reach Alertmanager"));
}

}  // namespace
}  // namespace kdiag
