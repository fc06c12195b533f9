// The client against the real local control plane (KUBECONFIG points at it; see
// tests/CMakeLists.txt).
#include "controller/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "controller/kubeconfig.h"
#include "tests/integration/test_cluster.h"

namespace kdiag {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

using testing::kDiagnoses;
const ResourceType kSessions{"kdiag.dev", "v1alpha1", "troubleshootsessions", true};
const ResourceType kServiceAccounts{"", "v1", "serviceaccounts", true};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = std::make_unique<Client>(testing::TestCluster());
    ns_ = testing::CreateTestNamespace(*client_, "client");
  }
  void TearDown() override { (void)client_->Delete(resources::kNamespaces, "", ns_); }

  static json ConfigMap(const std::string& name, const std::string& value = "1") {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}}},
            {"data", {{"key", value}}}};
  }

  // A token of a ServiceAccount, as the TokenRequest API issues it.
  std::string TokenOf(const std::string& ns, const std::string& sa) {
    const json request = {{"apiVersion", "authentication.k8s.io/v1"},
                          {"kind", "TokenRequest"},
                          {"spec", {{"expirationSeconds", 3600}}}};
    auto response = client_->Call("POST", kServiceAccounts.Path(ns, sa, "token"), request.dump(),
                                  "application/json");
    EXPECT_TRUE(response) << response.error().Describe();
    return json::parse(response->body)["status"]["token"];
  }

  std::unique_ptr<Client> client_;
  std::string ns_;
};
TEST_F(ClientTest, GetsObjectsAndTypesNotFound) {
  auto ns = client_->Get(resources::kNamespaces, "", ns_);
  ASSERT_TRUE(ns) << ns.error().Describe();
  EXPECT_EQ((*ns)["kind"], "Namespace");
  EXPECT_EQ((*ns)["metadata"]["name"], ns_);

  auto missing = client_->Get(resources::kPods, ns_, "no-such-pod");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().httpCode, 404);
  EXPECT_THAT(missing.error().message, HasSubstr("pods \"no-such-pod\" not found"));
}

TEST_F(ClientTest, CreatesUpdatesPatchesAndDeletes) {
  auto created = client_->Create(resources::kConfigMaps, ns_, ConfigMap("cm"));
  ASSERT_TRUE(created) << created.error().Describe();
  auto again = client_->Create(resources::kConfigMaps, ns_, ConfigMap("cm"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kAlreadyExists);

  json updated = *created;
  updated["data"]["key"] = "2";
  auto first = client_->Update(resources::kConfigMaps, updated);
  ASSERT_TRUE(first) << first.error().Describe();
  EXPECT_EQ((*first)["data"]["key"], "2");
  // The same resourceVersion again is stale now.
  updated["data"]["key"] = "3";
  auto stale = client_->Update(resources::kConfigMaps, updated);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::kConflict);

  auto merged = client_->Patch(resources::kConfigMaps, ns_, "cm", PatchType::kMerge,
                               R"({"data":{"other":"x"}})");
  ASSERT_TRUE(merged) << merged.error().Describe();
  EXPECT_EQ((*merged)["data"]["other"], "x");

  // A JSON patch whose test fails changes nothing: the basis of safe finalizer edits.
  auto failed_test = client_->Patch(resources::kConfigMaps, ns_, "cm", PatchType::kJson,
                                    R"([{"op":"test","path":"/data/key","value":"9"},
                                        {"op":"replace","path":"/data/key","value":"10"}])");
  ASSERT_FALSE(failed_test);
  EXPECT_EQ(failed_test.error().kind, ErrorKind::kInvalid) << failed_test.error().Describe();

  auto applied = client_->Apply(resources::kConfigMaps,
                                {{"apiVersion", "v1"},
                                 {"kind", "ConfigMap"},
                                 {"metadata", {{"name", "applied"}, {"namespace", ns_}}},
                                 {"data", {{"a", "b"}}}},
                                {.fieldManager = "kdiag-test"});
  ASSERT_TRUE(applied) << applied.error().Describe();
  EXPECT_EQ((*applied)["metadata"]["managedFields"][0]["manager"], "kdiag-test");

  auto wrong_uid = client_->Delete(resources::kConfigMaps, ns_, "cm",
                                   {.preconditionUid = "00000000-0000-0000-0000-000000000000"});
  ASSERT_FALSE(wrong_uid);
  EXPECT_EQ(wrong_uid.error().kind, ErrorKind::kConflict);
  auto deleted = client_->Delete(
      resources::kConfigMaps, ns_, "cm",
      {.propagation = Propagation::kBackground, .preconditionUid = (*created)["metadata"]["uid"]});
  ASSERT_TRUE(deleted) << deleted.error().Describe();
  EXPECT_EQ(client_->Get(resources::kConfigMaps, ns_, "cm").error().kind, ErrorKind::kNotFound);
}

TEST_F(ClientTest, PagesThroughListsWithContinueTokens) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(
        client_->Create(resources::kConfigMaps, ns_, ConfigMap("page-" + std::to_string(i))));
  }
  ListOptions options{.labelSelector = "", .limit = 10};
  auto first = client_->List(resources::kConfigMaps, ns_, options);
  ASSERT_TRUE(first) << first.error().Describe();
  EXPECT_EQ(first->items.size(), 10u);
  EXPECT_FALSE(first->continueToken.empty());

  auto all = client_->ListAll(resources::kConfigMaps, ns_, options);
  ASSERT_TRUE(all) << all.error().Describe();
  // The 25, and the CA bundle the controller manager puts in every namespace (when it has).
  EXPECT_GE(all->items.size(), 25u);
  EXPECT_LE(all->items.size(), 26u);
  EXPECT_FALSE(all->resourceVersion.empty());

  auto bad_token =
      client_->List(resources::kConfigMaps, ns_, {.limit = 10, .continueToken = "not-a-token"});
  ASSERT_FALSE(bad_token);
  EXPECT_EQ(bad_token.error().kind, ErrorKind::kBadRequest) << bad_token.error().Describe();
}

TEST_F(ClientTest, WritesTheStatusSubresourceAndReportsInvalidFields) {
  auto created = testing::CreateDiagnosis(*client_, ns_, "d");
  ASSERT_TRUE(created) << created.error().Describe();
  json with_status = *created;
  with_status["status"] = {{"phase", "Running"}};
  auto status = client_->UpdateStatus(kDiagnoses, with_status);
  ASSERT_TRUE(status) << status.error().Describe();
  EXPECT_EQ((*status)["status"]["phase"], "Running");

  auto invalid = client_->Create(kSessions, ns_,
                                 {{"apiVersion", "kdiag.dev/v1alpha1"},
                                  {"kind", "TroubleshootSession"},
                                  {"metadata", {{"name", "s"}}},
                                  {"spec", {{"ttl", "3h"}}}});
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().kind, ErrorKind::kInvalid);
  ASSERT_EQ(invalid.error().causes.size(), 1u);
  EXPECT_EQ(invalid.error().causes[0].field, "spec.ttl");
}

TEST_F(ClientTest, AForbiddenCallSaysWhoCannotDoWhat) {
  ClusterConfig as_controller = testing::TestCluster();
  as_controller.clientCertPem.clear();
  as_controller.clientKeyPem.clear();
  as_controller.token = TokenOf("kdiag-system", "kdiag-controller");
  Client controller(as_controller);
  ASSERT_TRUE(controller.List(resources::kPods, "", {.limit = 1}));
  const ResourceType cluster_role_bindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings",
                                           false};
  auto bindings = controller.List(cluster_role_bindings, "");
  ASSERT_FALSE(bindings);
  EXPECT_EQ(bindings.error().kind, ErrorKind::kForbidden);
  EXPECT_THAT(bindings.error().Describe(),
              HasSubstr("Forbidden (403): clusterrolebindings.rbac.authorization.k8s.io is "
                        "forbidden: User \"system:serviceaccount:kdiag-system:kdiag-controller\" "
                        "cannot list resource \"clusterrolebindings\""));
}

TEST_F(ClientTest, PicksUpARotatedTokenFileOnUnauthorized) {
  const auto token_file = std::filesystem::temp_directory_path() / (ns_ + ".token");
  std::ofstream(token_file) << "not-a-valid-token";
  ClusterConfig with_file = testing::TestCluster();
  with_file.clientCertPem.clear();
  with_file.clientKeyPem.clear();
  with_file.tokenFile = token_file.string();
  Client client(with_file);
  auto rejected = client.List(resources::kPods, "", {.limit = 1});
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().kind, ErrorKind::kUnauthorized);

  std::ofstream(token_file) << TokenOf("kdiag-system", "kdiag-controller") << "\n";
  auto accepted = client.List(resources::kPods, "", {.limit = 1});
  EXPECT_TRUE(accepted) << accepted.error().Describe();
  std::filesystem::remove(token_file);
}

TEST_F(ClientTest, ReadsLogsOfAPodWithTailAndPrevious) {
  const json pod = {{"apiVersion", "v1"},
                    {"kind", "Pod"},
                    {"metadata", {{"name", "web"}}},
                    {"spec", {{"containers", {{{"name", "web"}, {"image", "nginx:1.27"}}}}}}};
  // Pods need the namespace's default ServiceAccount, which the controller manager creates.
  for (int i = 0; i < 100 && !client_->Get(kServiceAccounts, ns_, "default"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto created = client_->Create(resources::kPods, ns_, pod);
  ASSERT_TRUE(created) << created.error().Describe();
  for (int i = 0; i < 100; ++i) {
    auto got = client_->Get(resources::kPods, ns_, "web");
    if (got && got->value("status", json::object()).value("phase", "") == "Running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto logs = client_->PodLogs(ns_, "web", {.container = "web"});
  ASSERT_TRUE(logs) << logs.error().Describe();
  EXPECT_THAT(*logs, HasSubstr("simulated container started"));
  auto tail = client_->PodLogs(ns_, "web", {.tailLines = 1});
  ASSERT_TRUE(tail) << tail.error().Describe();
  EXPECT_EQ(std::count(tail->begin(), tail->end(), '\n'), 1) << *tail;
  auto previous = client_->PodLogs(ns_, "web", {.previous = true});
  ASSERT_TRUE(previous) << previous.error().Describe();
  EXPECT_THAT(*previous, HasSubstr("simulated previous container exited"));
  auto bounded = client_->PodLogs(ns_, "web", {.limitBytes = 9});
  ASSERT_TRUE(bounded);
  EXPECT_LE(bounded->size(), 9u);
}

TEST_F(ClientTest, DiscoversTheServedResources) {
  auto resources = client_->ServerResources();
  ASSERT_TRUE(resources) << resources.error().Describe();
  auto has = [&](const std::string& group, const std::string& resource) {
    return std::any_of(resources->begin(), resources->end(), [&](const ApiResource& r) {
      return r.type.group == group && r.type.resource == resource;
    });
  };
  EXPECT_TRUE(has("", "pods"));
  EXPECT_TRUE(has("apps", "deployments"));
  EXPECT_TRUE(has("kdiag.dev", "diagnoses"));
  EXPECT_FALSE(has("example.invalid", "widgets"));
}

}  // namespace
}  // namespace kdiag
