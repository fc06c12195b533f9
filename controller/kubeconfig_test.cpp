#include "controller/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kdiag {
namespace {

using ::testing::HasSubstr;

// "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" in base64.
constexpr char kPemBase64[] =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kubeconfig-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  ClusterConfig Parse(const std::string& yaml, const std::string& context = "") {
    return ParseKubeconfig(yaml, "kc.yaml", dir_.string(), context);
  }
  std::string ErrorOf(const std::string& yaml, const std::string& context = "") {
    try {
      Parse(yaml, context);
    } catch (const KubeconfigError& e) {
      return e.what();
    }
    return "(no error)";
  }

  std::filesystem::path dir_;
};

// The shape kubeadm, kind and cloud CLIs write.
std::string Kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& extra_context = "") {
  return R"(apiVersion: v1
kind: Config
preferences: {}
current-context: dev
clusters:
- name: dev-cluster
  cluster:
)" + cluster +
         R"(
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: dev-user
    namespace: shop
)" + extra_context +
         R"(
users:
- name: dev-user
  user:
)" + user +
         "\n";
}

TEST_F(KubeconfigTest, ReadsATokenAndInlineCA) {
  const auto c =
      Parse(Kubeconfig("    server: https://10.0.0.1:6443/\n"
                       "    certificate-authority-data: " +
                           std::string(kPemBase64),
                       "    token: abc.def"));
  EXPECT_EQ(c.server, "https://10.0.0.1:6443");
  EXPECT_EQ(c.caPem, kPem);
  EXPECT_EQ(c.token, "abc.def");
  EXPECT_EQ(c.defaultNamespace, "shop");
}

TEST_F(KubeconfigTest, ReadsFilesRelativeToTheKubeconfig) {
  Write("ca.crt", kPem);
  Write("client.crt", "CERT");
  Write("client.key", "KEY");
  const auto c = Parse(Kubeconfig("    server: https://k:6443\n    certificate-authority: ca.crt",
                                  "    client-certificate: client.crt\n"
                                  "    client-key: client.key"));
  EXPECT_EQ(c.caPem, kPem);
  EXPECT_EQ(c.clientCertPem, "CERT");
  EXPECT_EQ(c.clientKeyPem, "KEY");
  EXPECT_EQ(c.clientKeyFile, (dir_ / "client.key").string());
}

TEST_F(KubeconfigTest, ReadsATokenFileAndAnExecPlugin) {
  Write("token", "t0");
  EXPECT_EQ(Parse(Kubeconfig("    server: https://k", "    tokenFile: token")).tokenFile,
            (dir_ / "token").string());
  const auto c = Parse(Kubeconfig("    server: https://k", R"(    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
      args: [eks, get-token, --cluster-name, dev]
      env:
      - name: AWS_PROFILE
        value: dev
      provideClusterInfo: true
      interactiveMode: Never)"));
  ASSERT_TRUE(c.exec);
  EXPECT_EQ(c.exec->command, "aws");
  EXPECT_EQ(c.exec->args.size(), 4u);
  EXPECT_EQ(c.exec->env[0], std::make_pair(std::string("AWS_PROFILE"), std::string("dev")));
  EXPECT_TRUE(c.exec->provideClusterInfo);
}

TEST_F(KubeconfigTest, SelectsTheContextAskedFor) {
  const auto yaml = Kubeconfig("    server: https://k\n    insecure-skip-tls-verify: true",
                               "    token: t", R"(- name: other
  context:
    cluster: dev-cluster
)");
  const auto c = Parse(yaml, "other");
  EXPECT_TRUE(c.insecureSkipTlsVerify);
  EXPECT_EQ(c.defaultNamespace, "default");
  EXPECT_TRUE(c.token.empty()) << "the other context has no user";
}

TEST_F(KubeconfigTest, NamesWhatIsWrong) {
  const std::string user = "    token: t";
  EXPECT_THAT(ErrorOf("clusters: [\n"), HasSubstr("kc.yaml:2: invalid YAML"));
  EXPECT_THAT(ErrorOf("- a\n"), HasSubstr("kc.yaml: is not a kubeconfig"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: https://k", user), "prod"),
              HasSubstr("kc.yaml: context \"prod\" not found in contexts"));
  EXPECT_THAT(ErrorOf("apiVersion: v1\nkind: Config\n"), HasSubstr("current-context is not set"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    insecure-skip-tls-verify: true", user)),
              HasSubstr("kc.yaml: clusters[0].cluster.server: is required"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: k8s.local:6443", user)),
              HasSubstr("clusters[0].cluster.server: 'k8s.local:6443' is not an http(s) URL"));
  EXPECT_THAT(
      ErrorOf(Kubeconfig("    server: https://k\n    certificate-authority-data: '%%%'", user)),
      HasSubstr("clusters[0].cluster.certificate-authority-data: is not valid base64"));
  EXPECT_THAT(
      ErrorOf(Kubeconfig("    server: https://k\n    certificate-authority: nope.crt", user)),
      HasSubstr("clusters[0].cluster.certificate-authority: cannot read"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: https://k",
                                 "    client-certificate-data: " + std::string(kPemBase64))),
              HasSubstr("users[0].user.client-key: a client certificate and its key go together"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: https://k", "    token: a\n    username: b")),
              HasSubstr("users[0].user: sets more than one of"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: https://k", "    auth-provider: {name: gcp}")),
              HasSubstr("users[0].user.auth-provider: legacy auth providers are not supported"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: https://k", "    exec: {command: x}")),
              HasSubstr("users[0].user.exec.apiVersion: is required"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: https://k", "    tokenFile: missing-token")),
              HasSubstr("users[0].user.tokenFile: cannot read"));
  EXPECT_THAT(ErrorOf(Kubeconfig("    server: https://k", "    token: [a, b]")),
              HasSubstr("users[0].user.token: must be a string"));
}

TEST_F(KubeconfigTest, ReadsTheInClusterEnvironment) {
  Write("token", "sa-token");
  Write("ca.crt", kPem);
  Write("namespace", "kdiag-system");
  const auto c = InClusterConfig(
      {{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}}, dir_.string());
  EXPECT_EQ(c.server, "https://[fd00::1]:443");
  EXPECT_EQ(c.tokenFile, (dir_ / "token").string());
  EXPECT_EQ(c.caPem, kPem);
  EXPECT_EQ(c.defaultNamespace, "kdiag-system");
  EXPECT_THROW(InClusterConfig({}, dir_.string()), KubeconfigError);
}

}  // namespace
}  // namespace kdiag
