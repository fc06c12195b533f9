// Informers against the real local control plane, including its failures: an API server killed
// and restarted, etcd compacted under a watch (410 Gone), streaming and paged lists. These tests
// restart kube-apiserver, so CTest runs them alone (RUN_SERIAL).
#include "controller/informer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "controller/kubeconfig.h"
#include "tests/integration/test_cluster.h"

namespace kdiag {
namespace {

using json = nlohmann::json;
using std::chrono::seconds;

std::string Env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before threads
  return value == nullptr ? "" : value;
}

// Restarts kube-apiserver (kill -9, start, wait until ready) with extra flags.
void RestartApiServer(const std::string& extra_flags = "") {
  const std::string command = "KDIAG_APISERVER_ARGS='" + extra_flags + "' " +
                              std::string(KDIAG_SOURCE_DIR) +
                              "/hack/cluster.sh restart kube-apiserver >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;  // NOLINT(concurrency-mt-unsafe)
}

// Records every change an informer reports, and when it saw it.
class Recorder {
 public:
  void operator()(const StoreChange& change) {
    const std::lock_guard lock(mutex_);
    const auto& object = change.after ? change.after : change.before;
    const char* kind = !change.before ? "+" : !change.after ? "-" : "~";
    changes_.push_back(kind + std::string(object->name()));
  }
  int Count(const std::string& change) const {
    const std::lock_guard lock(mutex_);
    return static_cast<int>(std::count(changes_.begin(), changes_.end(), change));
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> changes_;
};

class InformerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = std::make_unique<Client>(testing::TestCluster());
    ns_ = testing::CreateTestNamespace(*client_, "informer");
  }
  void TearDown() override {
    informer_.reset();
    (void)client_->Delete(resources::kNamespaces, "", ns_);
  }

  void StartInformer(ReflectorOptions options = {}) {
    options.type = resources::kConfigMaps;
    options.ns = ns_;
    options.backoff.initial = std::chrono::milliseconds(100);  // quick recovery in tests
    options.backoff.max = seconds(2);
    informer_ = std::make_unique<Informer>(*client_, options);
    informer_->AddHandler([this](const StoreChange& change) { recorder_(change); });
    informer_->Start();
    ASSERT_TRUE(informer_->WaitForSync({}, seconds(30)));
  }

  void CreateConfigMap(const std::string& name, const std::string& value = "1") {
    const json object = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata", {{"name", name}}},
                         {"data", {{"key", value}}}};
    // The server may be coming back from a restart: retry for a while.
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (client_->Create(resources::kConfigMaps, ns_, object)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    FAIL() << "cannot create " << name;
  }

  // name -> resourceVersion on the server.
  std::map<std::string, std::string> ServerState() {
    auto list = client_->ListAll(resources::kConfigMaps, ns_);
    EXPECT_TRUE(list) << list.error().Describe();
    std::map<std::string, std::string> state;
    if (!list) return state;
    for (const auto& item : list->items) {
      state[item["metadata"]["name"]] = item["metadata"]["resourceVersion"];
    }
    return state;
  }
  std::map<std::string, std::string> CacheState() const {
    std::map<std::string, std::string> state;
    for (const auto& object : informer_->store().List()) {
      state[std::string(object->name())] = std::string(object->resourceVersion());
    }
    return state;
  }
  // Waits until the cache equals the server, as it must after any disturbance.
  void ExpectConverges(seconds limit = seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::map<std::string, std::string> server;
    while (std::chrono::steady_clock::now() < deadline) {
      server = ServerState();
      if (CacheState() == server) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(CacheState(), server)
        << "the cache did not converge; reflector: " << informer_->reflector().lastError();
  }

  std::unique_ptr<Client> client_;
  std::string ns_;
  Recorder recorder_;
  std::unique_ptr<Informer> informer_;
};

TEST_F(InformerTest, SeesCreatesUpdatesAndDeletes) {
  CreateConfigMap("before");
  StartInformer();
  EXPECT_EQ(recorder_.Count("+before"), 1);
  CreateConfigMap("a");
  auto a = client_->Get(resources::kConfigMaps, ns_, "a");
  ASSERT_TRUE(a);
  (*a)["data"]["key"] = "2";
  ASSERT_TRUE(client_->Update(resources::kConfigMaps, *a));
  ASSERT_TRUE(client_->Delete(resources::kConfigMaps, ns_, "before"));
  ExpectConverges();
  EXPECT_EQ(recorder_.Count("+a"), 1);
  EXPECT_EQ(recorder_.Count("~a"), 1);
  EXPECT_EQ(recorder_.Count("-before"), 1);
  EXPECT_EQ(informer_->store().Get(ns_, "a")->Parse()["data"]["key"], "2");
}

TEST_F(InformerTest, ListsInPagesAcrossContinueTokens) {
  for (int i = 0; i < 25; ++i) CreateConfigMap("cm-" + std::to_string(i));
  StartInformer({.pageSize = 10, .streamingList = false});
  EXPECT_EQ(informer_->store().Size(), 25U + 1U);  // and kube-root-ca.crt
  ExpectConverges();
}

TEST_F(InformerTest, ConvergesAfterTheApiServerIsKilledAndRestarted) {
  for (int i = 0; i < 5; ++i) CreateConfigMap("old-" + std::to_string(i));
  StartInformer();
  RestartApiServer();
  // Changes right after the restart, while the informer may still be reconnecting.
  CreateConfigMap("new-0");
  ASSERT_TRUE(client_->Delete(resources::kConfigMaps, ns_, "old-0"));
  CreateConfigMap("new-1");
  ExpectConverges();
  EXPECT_EQ(recorder_.Count("-old-0"), 1);
  EXPECT_EQ(recorder_.Count("+new-0"), 1);
  EXPECT_EQ(recorder_.Count("+new-1"), 1);
}

// An etcd revision and a compaction up to it, through etcd's JSON gateway.
int64_t CompactEtcd() {
  std::ifstream ports(Env("KDIAG_CLUSTER_DIR") + "/ports.env");
  std::string line;
  std::string port;
  while (std::getline(ports, line)) {
    if (line.starts_with("ETCD_PORT=")) port = line.substr(10);
  }
  EXPECT_FALSE(port.empty()) << "no ETCD_PORT in the cluster's ports.env";
  auto transport = MakeCurlTransport({});
  const std::string base = "http://127.0.0.1:" + port;
  auto range = transport->Send(
      {.method = "POST", .url = base + "/v3/kv/range", .body = R"({"key":"L3JlZ2lzdHJ5"})"});
  EXPECT_TRUE(range && range->status == 200);
  if (!range) return 0;
  const std::string revision = json::parse(range->body)["header"]["revision"];
  auto compacted =
      transport->Send({.method = "POST",
                       .url = base + "/v3/kv/compaction",
                       .body = R"({"revision":")" + revision + R"(","physical":true})"});
  EXPECT_TRUE(compacted && compacted->status == 200) << (compacted ? compacted->body : "");
  return std::stoll(revision);
}

TEST_F(InformerTest, RelistsWithoutDuplicatesWhenEtcdCompactedPastTheWatch) {
  // Without the watch cache, watches are served by etcd, whose compaction makes an old
  // resource version answer 410 Gone.
  RestartApiServer("--watch-cache=false");
  CreateConfigMap("kept");
  CreateConfigMap("doomed");
  StartInformer({.streamingList = false});
  informer_->Stop();  // disconnected: it misses what follows
  CreateConfigMap("missed");
  ASSERT_TRUE(client_->Delete(resources::kConfigMaps, ns_, "doomed"));
  CompactEtcd();
  informer_->Start();  // resumes the watch from its old resource version: 410, relist
  ExpectConverges();
  EXPECT_EQ(recorder_.Count("+missed"), 1);
  EXPECT_EQ(recorder_.Count("-doomed"), 1);  // the deletion it missed, reported once
  EXPECT_EQ(recorder_.Count("+kept"), 1);    // no duplicate for what it had
  EXPECT_EQ(recorder_.Count("~kept"), 0);
  RestartApiServer();
}

TEST_F(InformerTest, StreamsTheListWhereTheServerOffersIt) {
  RestartApiServer("--feature-gates=WatchList=true");
  for (int i = 0; i < 3; ++i) CreateConfigMap("cm-" + std::to_string(i));
  StartInformer();
  EXPECT_TRUE(informer_->reflector().streamsLists());
  ExpectConverges();
  CreateConfigMap("later");
  ExpectConverges();
  EXPECT_EQ(recorder_.Count("+later"), 1);
  informer_.reset();
  RestartApiServer();
}

TEST_F(InformerTest, FallsBackToPagedListsOnAServerWithoutStreaming) {
  CreateConfigMap("a");
  StartInformer();
  EXPECT_FALSE(informer_->reflector().streamsLists());
  ExpectConverges();
}

}  // namespace
}  // namespace kdiag
