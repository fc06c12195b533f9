#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "checks/builtin_checks.h"
#include "checks/memory_cluster_view.h"
#include "checks/object_fields.h"
#include "checks/pipeline.h"

namespace kdiag {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

nlohmann::json LoadFixture(const std::string& name) {
  std::ifstream in(std::string(KDIAG_SOURCE_DIR) + "/checks/testdata/pods/" + name);
  return nlohmann::json::parse(in);
}

class FakeLogs : public LogTailSource {
 public:
  std::optional<std::string> PreviousLogTail(std::string_view ns, std::string_view pod,
                                             std::string_view container,
                                             std::string_view /*instance*/) override {
    requests.push_back(std::string(ns) + "/" + std::string(pod) + "/" + std::string(container));
    return tail;
  }
  std::optional<std::string> tail;
  std::vector<std::string> requests;
};

class PodChecksTest : public ::testing::Test {
 protected:
  PodChecksTest() : pod(LoadFixture("web_running.json")) { view.AddKind("Secret"); }

  std::vector<Finding> Run() {
    view.Add(pod);
    for (auto& event : events) view.Add(event);
    Pipeline pipeline({PodChecks(options)}, {});
    CheckContext context(view, scope, now, signals, &logs);
    return pipeline.Run(context).findings;
  }

  // The one finding of a run; fails the test when there is not exactly one.
  Finding Only() {
    auto findings = Run();
    EXPECT_EQ(findings.size(), 1u);
    return findings.empty() ? Finding{} : findings[0];
  }

  nlohmann::json& App() { return pod["status"]["containerStatuses"][0]; }

  // The pod as the kubelet writes it while the container waits: Ready False, not started.
  void Waiting(const std::string& reason, const std::string& message) {
    App()["state"] = {{"waiting", {{"reason", reason}, {"message", message}}}};
    App()["ready"] = false;
    App()["started"] = false;
    for (auto& condition : pod["status"]["conditions"]) {
      if (condition["type"] == "Ready" || condition["type"] == "ContainersReady") {
        condition["status"] = "False";
        condition["reason"] = "ContainersNotReady";
        condition["message"] = "containers with unready status: [app]";
      }
    }
  }

  void LastTerminated(const std::string& reason, int exit_code, const std::string& message = "") {
    nlohmann::json terminated = {
        {"exitCode", exit_code},
        {"reason", reason},
        {"startedAt", "2026-11-23T09:52:10Z"},
        {"finishedAt", "2026-11-23T09:52:41Z"},
        {"containerID",
         "containerd://1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"}};
    if (!message.empty()) terminated["message"] = message;
    App()["lastState"] = {{"terminated", terminated}};
  }

  void CrashLooping(const std::string& reason, int exit_code, const std::string& message = "") {
    Waiting("CrashLoopBackOff",
            "back-off 5m0s restarting failed container=app "
            "pod=web-7c9d8f6b5d-x2x4z_shop(5f0e2b7a-3c1d-4e8f-9a6b-2d4c8e1f7a30)");
    LastTerminated(reason, exit_code, message);
    App()["restartCount"] = 6;
    AddEvent("BackOff",
             "Back-off restarting failed container app in pod "
             "web-7c9d8f6b5d-x2x4z_shop(5f0e2b7a-3c1d-4e8f-9a6b-2d4c8e1f7a30)",
             118);
  }

  // A pod the scheduler has not placed: Pending, no node, no container statuses.
  void Unschedulable(const std::string& message) {
    pod["spec"].erase("nodeName");
    pod["status"] = {{"phase", "Pending"},
                     {"qosClass", "Burstable"},
                     {"conditions",
                      {{{"type", "PodScheduled"},
                        {"status", "False"},
                        {"lastProbeTime", nullptr},
                        {"lastTransitionTime", "2026-11-23T09:41:07Z"},
                        {"reason", "Unschedulable"},
                        {"message", message}}}}};
  }

  // A pod bound to a node whose containers are not created yet.
  void Creating(const std::string& since) {
    pod["metadata"]["creationTimestamp"] = since;
    pod["status"] = {{"phase", "Pending"},
                     {"hostIP", "10.0.1.21"},
                     {"startTime", since},
                     {"qosClass", "Burstable"},
                     {"conditions",
                      {{{"type", "PodReadyToStartContainers"},
                        {"status", "False"},
                        {"lastProbeTime", nullptr},
                        {"lastTransitionTime", since}},
                       {{"type", "Initialized"},
                        {"status", "True"},
                        {"lastProbeTime", nullptr},
                        {"lastTransitionTime", since}},
                       {{"type", "Ready"},
                        {"status", "False"},
                        {"lastProbeTime", nullptr},
                        {"lastTransitionTime", since},
                        {"reason", "ContainersNotReady"},
                        {"message", "containers with unready status: [app]"}},
                       {{"type", "ContainersReady"},
                        {"status", "False"},
                        {"lastProbeTime", nullptr},
                        {"lastTransitionTime", since},
                        {"reason", "ContainersNotReady"},
                        {"message", "containers with unready status: [app]"}},
                       {{"type", "PodScheduled"},
                        {"status", "True"},
                        {"lastProbeTime", nullptr},
                        {"lastTransitionTime", since}}}},
                     {"containerStatuses",
                      {{{"name", "app"},
                        {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}},
                        {"lastState", nlohmann::json::object()},
                        {"ready", false},
                        {"restartCount", 0},
                        {"image", "registry.example.com/shop/web:1.4.2"},
                        {"imageID", ""},
                        {"started", false}}}}};
  }

  // A core/v1 Event about the pod, as the kubelet (or another component) records it.
  void AddEvent(const std::string& reason, const std::string& message, int count = 1,
                const std::string& field_path = "spec.containers{app}",
                const std::string& last = "2026-11-23T09:58:30Z",
                const std::string& component = "kubelet", const std::string& type = "Warning") {
    nlohmann::json involved = {{"kind", "Pod"},
                               {"namespace", "shop"},
                               {"name", pod["metadata"]["name"]},
                               {"uid", pod["metadata"]["uid"]},
                               {"apiVersion", "v1"},
                               {"resourceVersion", "184101"}};
    if (!field_path.empty()) involved["fieldPath"] = field_path;
    const std::string id = std::to_string(events.size() + 1);
    events.push_back({{"apiVersion", "v1"},
                      {"kind", "Event"},
                      {"metadata",
                       {{"name", std::string(pod["metadata"]["name"]) + ".18a7e3c1d2b4f0" + id},
                        {"namespace", "shop"},
                        {"uid", "e0000000-0000-4000-8000-00000000000" + id},
                        {"creationTimestamp", "2026-11-23T09:41:07Z"}}},
                      {"involvedObject", involved},
                      {"reason", reason},
                      {"message", message},
                      {"source", {{"component", component}, {"host", "worker-1"}}},
                      {"firstTimestamp", "2026-11-23T09:41:07Z"},
                      {"lastTimestamp", last},
                      {"count", count},
                      {"type", type},
                      {"eventTime", nullptr},
                      {"reportingComponent", component},
                      {"reportingInstance", "worker-1"}});
  }

  static bool HasCode(const std::vector<Finding>& findings, const std::string& code) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.code == code; });
  }

  nlohmann::json pod;
  std::vector<nlohmann::json> events;
  MemoryClusterView view;
  Scope scope{.ns = "shop"};
  Timestamp now = ParseTime("2026-11-23T10:00:00Z").value();
  RootSignals signals;
  BuiltinCheckOptions options;
  FakeLogs logs;
};

// Healthy pods.

TEST_F(PodChecksTest, ARunningReadyPodHasNoFinding) {
  AddEvent("Pulled", "Container image \"registry.example.com/shop/web:1.4.2\" already present", 1,
           "spec.containers{app}", "2026-11-23T08:00:03Z", "kubelet", "Normal");
  AddEvent("Started", "Started container app", 1, "spec.containers{app}", "2026-11-23T08:00:04Z",
           "kubelet", "Normal");
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(PodChecksTest, ACompletedJobPodHasNoFinding) {
  pod["metadata"]["ownerReferences"] = {{{"apiVersion", "batch/v1"},
                                         {"kind", "Job"},
                                         {"name", "report-29383920"},
                                         {"uid", "b0b1b2b3-0000-4000-8000-000000000001"},
                                         {"controller", true},
                                         {"blockOwnerDeletion", true}}};
  pod["spec"]["restartPolicy"] = "Never";
  pod["status"]["phase"] = "Succeeded";
  App()["state"] = {{"terminated",
                     {{"exitCode", 0},
                      {"reason", "Completed"},
                      {"startedAt", "2026-11-23T09:00:01Z"},
                      {"finishedAt", "2026-11-23T09:00:31Z"}}}};
  App()["ready"] = false;
  App()["started"] = false;
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(PodChecksTest, FailedAttemptsOfAJobThatCompletedAreFine) {
  nlohmann::json job = {{"apiVersion", "batch/v1"},
                        {"kind", "Job"},
                        {"metadata",
                         {{"name", "report-29383920"},
                          {"namespace", "shop"},
                          {"uid", "b0b1b2b3-0000-4000-8000-000000000001"},
                          {"creationTimestamp", "2026-11-23T07:00:00Z"}}},
                        {"status",
                         {{"succeeded", 1},
                          {"failed", 1},
                          {"conditions",
                           {{{"type", "SuccessCriteriaMet"}, {"status", "True"}},
                            {{"type", "Complete"}, {"status", "True"}}}}}}};
  view.Add(job);
  pod["metadata"]["ownerReferences"] = {{{"apiVersion", "batch/v1"},
                                         {"kind", "Job"},
                                         {"name", "report-29383920"},
                                         {"uid", "b0b1b2b3-0000-4000-8000-000000000001"},
                                         {"controller", true}}};
  pod["spec"]["restartPolicy"] = "Never";
  pod["status"]["phase"] = "Failed";
  App()["state"] = {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}};
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(PodChecksTest, OnlyTheNewestFailedPodOfAFailingJobIsReported) {
  const nlohmann::json owner = {{"apiVersion", "batch/v1"},
                                {"kind", "Job"},
                                {"name", "report-29383920"},
                                {"uid", "b0b1b2b3-0000-4000-8000-000000000001"},
                                {"controller", true}};
  pod["metadata"]["ownerReferences"] = {owner};
  pod["spec"]["restartPolicy"] = "Never";
  pod["status"]["phase"] = "Failed";
  App()["state"] = {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}};
  auto older = pod;
  older["metadata"]["name"] = "report-29383920-old";
  older["metadata"]["uid"] = "0ld00000-0000-4000-8000-000000000002";
  older["metadata"]["creationTimestamp"] = "2026-11-23T07:00:00Z";
  view.Add(older);
  const auto findings = Run();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD1011");
  EXPECT_EQ(findings[0].resource.name, "web-7c9d8f6b5d-x2x4z");
}

TEST_F(PodChecksTest, APodPendingForSecondsHasNoFinding) {
  Creating("2026-11-23T09:59:55Z");
  AddEvent("Scheduled", "Successfully assigned shop/web-7c9d8f6b5d-x2x4z to worker-1", 1, "",
           "2026-11-23T09:59:55Z", "default-scheduler", "Normal");
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(PodChecksTest, ABriefMountFailureWhileCreatingIsNotReported) {
  Creating("2026-11-23T09:58:30Z");
  AddEvent("FailedMount",
           "MountVolume.SetUp failed for volume \"config\" : configmap \"web-config\" not found", 1,
           "", "2026-11-23T09:58:31Z");
  EXPECT_THAT(Run(), IsEmpty());
}

// Image pulls.

TEST_F(PodChecksTest, ImageNotFound) {
  pod["spec"]["containers"][0]["image"] = "registry.example.com/shop/web:1.4.3";
  App()["image"] = "registry.example.com/shop/web:1.4.3";
  Waiting("ErrImagePull",
          "rpc error: code = NotFound desc = failed to pull and unpack image "
          "\"registry.example.com/shop/web:1.4.3\": failed to resolve reference "
          "\"registry.example.com/shop/web:1.4.3\": registry.example.com/shop/web:1.4.3: not "
          "found");
  AddEvent("Pulling", "Pulling image \"registry.example.com/shop/web:1.4.3\"", 4,
           "spec.containers{app}", "2026-11-23T09:58:30Z", "kubelet", "Normal");
  AddEvent(
      "Failed",
      "Failed to pull image \"registry.example.com/shop/web:1.4.3\": rpc error: code = "
      "NotFound desc = failed to pull and unpack image \"registry.example.com/shop/web:1.4.3\": "
      "failed to resolve reference \"registry.example.com/shop/web:1.4.3\": "
      "registry.example.com/shop/web:1.4.3: not found",
      4);
  AddEvent("Failed", "Error: ErrImagePull", 4);
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1001");
  EXPECT_EQ(f.category, "pods");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_THAT(f.message, HasSubstr("registry.example.com/shop/web:1.4.3 does not exist"));
  EXPECT_THAT(f.evidence, Contains(StartsWith("container app: waiting ErrImagePull")));
  EXPECT_THAT(f.evidence, Contains(StartsWith("Event Failed (x4): Failed to pull image")));
  EXPECT_THAT(f.nextSteps,
              Contains(HasSubstr("crane manifest registry.example.com/shop/web:1.4.3")));
  EXPECT_THAT(f.docs,
              Contains(Link{"Images", "https://kubernetes.io/docs/concepts/containers/images/"}));
  EXPECT_THAT(logs.requests, IsEmpty());
}

TEST_F(PodChecksTest, ImagePullUnauthorizedFromTheBackOffMessage) {
  Waiting("ImagePullBackOff",
          "Back-off pulling image \"registry.example.com/shop/web:1.4.2\": ErrImagePull: failed to "
          "pull and unpack image \"registry.example.com/shop/web:1.4.2\": failed to resolve "
          "reference \"registry.example.com/shop/web:1.4.2\": failed to authorize: failed to fetch "
          "anonymous token: unexpected status from GET request to "
          "https://registry.example.com/token?scope=repository%3Ashop%2Fweb%3Apull: 401 "
          "Unauthorized");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1002");
  EXPECT_THAT(f.evidence, Contains("the pod has no imagePullSecrets"));
}

TEST_F(PodChecksTest, DockerHubPullAccessDeniedIsUnauthorized) {
  pod["spec"]["containers"][0]["image"] = "acme/private-app:2.0";
  Waiting("ImagePullBackOff", "Back-off pulling image \"acme/private-app:2.0\"");
  AddEvent("Failed",
           "Failed to pull image \"acme/private-app:2.0\": failed to pull and unpack image "
           "\"docker.io/acme/private-app:2.0\": failed to resolve reference "
           "\"docker.io/acme/private-app:2.0\": pull access denied, repository does not exist or "
           "may require authorization: server message: insufficient_scope: authorization failed",
           3);
  EXPECT_EQ(Only().code, "KD1002");
}

TEST_F(PodChecksTest, ImagePullSecretMissing) {
  pod["spec"]["imagePullSecrets"] = {{{"name", "regcred"}}};
  Waiting("ErrImagePull",
          "failed to pull and unpack image \"registry.example.com/shop/web:1.4.2\": failed to "
          "resolve reference \"registry.example.com/shop/web:1.4.2\": unexpected status from HEAD "
          "request to https://registry.example.com/v2/shop/web/manifests/1.4.2: 401 Unauthorized");
  AddEvent("FailedToRetrieveImagePullSecret",
           "Unable to retrieve some image pull secrets (regcred); attempting to pull the image "
           "may not succeed.",
           5, "");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1003");
  EXPECT_THAT(f.message, HasSubstr("image pull Secret regcred does not exist"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop get secret regcred"));
}

TEST_F(PodChecksTest, AnExistingPullSecretThatIsRefusedIsUnauthorizedNotMissing) {
  pod["spec"]["imagePullSecrets"] = {{{"name", "regcred"}}};
  view.Add({{"apiVersion", "v1"},
            {"kind", "Secret"},
            {"type", "kubernetes.io/dockerconfigjson"},
            {"metadata", {{"name", "regcred"}, {"namespace", "shop"}, {"uid", "5ec0"}}}});
  Waiting("ErrImagePull", "failed to resolve reference: 401 Unauthorized");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1002");
  EXPECT_THAT(f.evidence, Contains("imagePullSecrets: regcred"));
}

TEST_F(PodChecksTest, UnwatchedSecretsAreNotClaimedMissingWithoutTheKubeletSayingSo) {
  MemoryClusterView without_secrets;
  view = std::move(without_secrets);
  pod["spec"]["imagePullSecrets"] = {{{"name", "regcred"}}};
  Waiting("ErrImagePull", "failed to resolve reference: 401 Unauthorized");
  EXPECT_EQ(Only().code, "KD1002");
}

TEST_F(PodChecksTest, RegistryUnreachable) {
  Waiting(
      "ErrImagePull",
      "failed to pull and unpack image \"registry.internal.example:5000/shop/web:1.4.2\": "
      "failed to resolve reference \"registry.internal.example:5000/shop/web:1.4.2\": failed "
      "to do request: Head "
      "\"https://registry.internal.example:5000/v2/shop/web/manifests/1.4.2\": dial tcp: lookup "
      "registry.internal.example on 10.96.0.10:53: no such host");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1004");
  EXPECT_THAT(f.nextSteps, Contains("kubectl get node worker-1 -o wide"));
}

TEST_F(PodChecksTest, UntrustedRegistryCertificateIsUnreachable) {
  Waiting("ImagePullBackOff",
          "Back-off pulling image \"registry.example.com/shop/web:1.4.2\": ErrImagePull: failed "
          "to do request: Head \"https://registry.example.com/v2/shop/web/manifests/1.4.2\": tls: "
          "failed to verify certificate: x509: certificate signed by unknown authority");
  EXPECT_EQ(Only().code, "KD1004");
}

TEST_F(PodChecksTest, PullRateLimited) {
  pod["spec"]["containers"][0]["image"] = "nginx:1.27";
  Waiting("ImagePullBackOff", "Back-off pulling image \"nginx:1.27\"");
  AddEvent("Failed",
           "Failed to pull image \"nginx:1.27\": failed to pull and unpack image "
           "\"docker.io/library/nginx:1.27\": failed to copy: httpReadSeeker: failed open: "
           "unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/"
           "sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d: 429 Too Many "
           "Requests - Server message: toomanyrequests: You have reached your pull rate limit.",
           2);
  EXPECT_EQ(Only().code, "KD1005");
}

TEST_F(PodChecksTest, ImagePullFailingForAnotherReason) {
  Waiting("ErrImagePull",
          "failed to pull and unpack image \"registry.example.com/shop/web:1.4.2\": failed to "
          "extract layer sha256:0f1e2d3c: write /var/lib/containerd/io.containerd.snapshotter.v1."
          "overlayfs/snapshots/112/fs/usr/lib/libssl.so.3: no space left on device: unknown");
  EXPECT_EQ(Only().code, "KD1006");
}

TEST_F(PodChecksTest, InvalidImageName) {
  pod["spec"]["containers"][0]["image"] = "registry.example.com/shop/Web:1.4.2";
  Waiting("InvalidImageName",
          "Failed to apply default image tag \"registry.example.com/shop/Web:1.4.2\": couldn't "
          "parse image reference \"registry.example.com/shop/Web:1.4.2\": invalid reference "
          "format: repository name (shop/Web) must be lowercase");
  AddEvent("InspectFailed",
           "Failed to apply default image tag \"registry.example.com/shop/Web:1.4.2\": couldn't "
           "parse image reference \"registry.example.com/shop/Web:1.4.2\": invalid reference "
           "format: repository name (shop/Web) must be lowercase",
           3);
  AddEvent("Failed", "Error: InvalidImageName", 3);
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1007");
  EXPECT_THAT(f.evidence, Contains(StartsWith("Event InspectFailed (x3)")));
}

// Crashes, by the last termination.

struct CrashCase {
  std::string reason;
  int exitCode;
  std::string message;
  std::string code;
};

class CrashTest : public PodChecksTest, public ::testing::WithParamInterface<CrashCase> {};

TEST_P(CrashTest, TheLastTerminationPicksTheCode) {
  const auto& param = GetParam();
  CrashLooping(param.reason, param.exitCode, param.message);
  logs.tail = "listening on :8080\nconnecting to db with password=hunter2\nfatal: bad config\n";
  const auto f = Only();
  EXPECT_EQ(f.code, param.code);
  EXPECT_EQ(f.params.at("container"), "app");
  EXPECT_THAT(f.evidence, Contains(HasSubstr("last terminated " + param.reason + " exit " +
                                             std::to_string(param.exitCode))));
  EXPECT_THAT(f.evidence, Contains(StartsWith("Event BackOff (x118): Back-off restarting")));
  EXPECT_THAT(f.evidence, Contains("previous log tail:\nlistening on :8080\nconnecting to db with "
                                   "password=[REDACTED]\nfatal: bad config"));
  EXPECT_THAT(logs.requests, Contains("shop/web-7c9d8f6b5d-x2x4z/app"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop logs web-7c9d8f6b5d-x2x4z -c app --previous"));
}

INSTANTIATE_TEST_SUITE_P(
    ExitCodes, CrashTest,
    ::testing::Values(
        CrashCase{"OOMKilled", 137, "", "KD1010"}, CrashCase{"Error", 1, "", "KD1011"},
        CrashCase{"Error", 2, "", "KD1012"}, CrashCase{"Error", 126, "", "KD1013"},
        CrashCase{"Error", 127, "", "KD1014"},
        CrashCase{"StartError", 128,
                  "failed to create containerd task: failed to create shim task: OCI runtime "
                  "create failed: runc create failed: unable to start container process: exec: "
                  "\"/app/server\": stat /app/server: no such file or directory: unknown",
                  "KD1014"},
        CrashCase{"StartError", 128,
                  "failed to create containerd task: failed to create shim task: OCI runtime "
                  "create failed: runc create failed: unable to start container process: exec: "
                  "\"serve\": executable file not found in $PATH: unknown",
                  "KD1014"},
        CrashCase{"Error", 137, "", "KD1015"}, CrashCase{"Error", 139, "", "KD1016"},
        CrashCase{"Error", 143, "", "KD1017"}, CrashCase{"Error", 3, "", "KD1018"},
        CrashCase{"Completed", 0, "", "KD1018"}));

TEST_F(PodChecksTest, CrashLoopWithoutAnyTerminationRecordIsACrash) {
  CrashLooping("Error", 1);
  App()["lastState"] = nlohmann::json::object();
  EXPECT_EQ(Only().code, "KD1018");
}

// Container creation.

TEST_F(PodChecksTest, MissingSecret) {
  Waiting("CreateContainerConfigError", "secret \"db-creds\" not found");
  AddEvent("Failed", "Error: secret \"db-creds\" not found", 12);
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1020");
  EXPECT_EQ(f.params.at("secret"), "db-creds");
  EXPECT_THAT(f.evidence, Contains("Event Failed (x12): Error: secret \"db-creds\" not found"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop get secret db-creds"));
}

TEST_F(PodChecksTest, MissingConfigMap) {
  Waiting("CreateContainerConfigError", "configmap \"web-config\" not found");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1021");
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop get configmap web-config"));
}

TEST_F(PodChecksTest, MissingKeyInASecretAndInAConfigMap) {
  Waiting("CreateContainerConfigError", "couldn't find key password in Secret shop/db-creds");
  auto f = Only();
  EXPECT_EQ(f.code, "KD1022");
  EXPECT_EQ(f.params.at("key"), "password");
  EXPECT_EQ(f.params.at("secret"), "db-creds");
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop describe secret db-creds"));

  view = MemoryClusterView();
  Waiting("CreateContainerConfigError", "couldn't find key log-level in ConfigMap shop/web-config");
  f = Only();
  EXPECT_EQ(f.code, "KD1022");
  EXPECT_EQ(f.params.at("configmap"), "web-config");
  EXPECT_THAT(f.message, HasSubstr("ConfigMap web-config has no key log-level"));
}

TEST_F(PodChecksTest, OtherContainerConfigError) {
  Waiting("CreateContainerConfigError",
          "container has runAsNonRoot and image will run as root (pod: "
          "\"web-7c9d8f6b5d-x2x4z_shop(5f0e2b7a-3c1d-4e8f-9a6b-2d4c8e1f7a30)\", container: app)");
  EXPECT_EQ(Only().code, "KD1023");
}

TEST_F(PodChecksTest, CreateContainerError) {
  Waiting("CreateContainerError",
          "failed to reserve container name "
          "\"app_web-7c9d8f6b5d-x2x4z_shop_5f0e2b7a-3c1d-4e8f-9a6b-2d4c8e1f7a30_0\": name is "
          "reserved for \"8d1c2b3a\"");
  EXPECT_EQ(Only().code, "KD1024");
}

TEST_F(PodChecksTest, RunContainerErrorAndItsCommandNotFoundForm) {
  Waiting("RunContainerError",
          "failed to create containerd task: failed to create shim task: OCI runtime create "
          "failed: runc create failed: unable to start container process: error during container "
          "init: error mounting \"/var/lib/kubelet/pods/5f0e/volumes/kubernetes.io~configmap/"
          "config\" to rootfs at \"/etc/web/app.conf\": not a directory: unknown");
  EXPECT_EQ(Only().code, "KD1025");

  view = MemoryClusterView();
  Waiting("RunContainerError",
          "failed to create containerd task: failed to create shim task: OCI runtime create "
          "failed: runc create failed: unable to start container process: exec: \"serve\": "
          "executable file not found in $PATH: unknown");
  EXPECT_EQ(Only().code, "KD1014");
}

TEST_F(PodChecksTest, InitContainerFailing) {
  pod["spec"]["initContainers"] = {{{"name", "migrate"},
                                    {"image", "registry.example.com/shop/web:1.4.2"},
                                    {"command", {"/app/migrate"}}}};
  pod["status"]["phase"] = "Pending";
  pod["status"]["initContainerStatuses"] = {
      {{"name", "migrate"},
       {"state",
        {{"waiting",
          {{"reason", "CrashLoopBackOff"},
           {"message", "back-off 2m40s restarting failed container=migrate pod=web"}}}}},
       {"lastState",
        {{"terminated",
          {{"exitCode", 1},
           {"reason", "Error"},
           {"startedAt", "2026-11-23T09:55:00Z"},
           {"finishedAt", "2026-11-23T09:55:02Z"}}}}},
       {"ready", false},
       {"restartCount", 4},
       {"image", "registry.example.com/shop/web:1.4.2"},
       {"imageID", "registry.example.com/shop/web@sha256:3b1f"},
       {"started", false}}};
  Waiting("PodInitializing", "");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1026");
  EXPECT_EQ(f.params.at("container"), "migrate");
  EXPECT_THAT(f.message, HasSubstr("exits with code 1"));

  // Once it completed, the pod starts normally.
  view = MemoryClusterView();
  pod["status"]["initContainerStatuses"][0]["state"] = {
      {"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}};
  App()["state"] = {{"running", {{"startedAt", "2026-11-23T09:56:00Z"}}}};
  App()["ready"] = true;
  pod["status"]["phase"] = "Running";
  EXPECT_THAT(Run(), IsEmpty());
}

// Scheduling.

struct SchedulingCase {
  std::string message;
  std::string code;
};

class SchedulingTest : public PodChecksTest,
                       public ::testing::WithParamInterface<SchedulingCase> {};

TEST_P(SchedulingTest, TheSchedulerMessagePicksTheCode) {
  Unschedulable(GetParam().message);
  AddEvent("FailedScheduling", GetParam().message, 14, "", "2026-11-23T09:59:00Z",
           "default-scheduler");
  const auto f = Only();
  EXPECT_EQ(f.code, GetParam().code);
  EXPECT_EQ(f.params.at("unschedulable"), "true");
  EXPECT_THAT(f.evidence, Contains("PodScheduled False Unschedulable: " + GetParam().message));
  EXPECT_THAT(f.evidence, Contains(StartsWith("Event FailedScheduling (x14)")));
}

INSTANTIATE_TEST_SUITE_P(
    SchedulerMessages, SchedulingTest,
    ::testing::Values(
        SchedulingCase{"0/3 nodes are available: 1 node(s) had untolerated taint "
                       "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. "
                       "preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                       "scheduling, 2 No preemption victims found for incoming pod.",
                       "KD1030"},
        SchedulingCase{"0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: "
                       "gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful "
                       "for scheduling.",
                       "KD1031"},
        SchedulingCase{"0/3 nodes are available: 1 node(s) had untolerated taint "
                       "{node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's "
                       "node affinity/selector. preemption: 0/3 nodes are available: 3 "
                       "Preemption is not helpful for scheduling.",
                       "KD1032"},
        SchedulingCase{"0/3 nodes are available: pod has unbound immediate "
                       "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 "
                       "Preemption is not helpful for scheduling.",
                       "KD1033"},
        SchedulingCase{"0/3 nodes are available: 1 node(s) had untolerated taint "
                       "{node-role.kubernetes.io/control-plane: }, 2 node(s) didn't have free "
                       "ports for the requested pod ports. preemption: 0/3 nodes are available: "
                       "1 Preemption is not helpful for scheduling, 2 No preemption victims "
                       "found for incoming pod.",
                       "KD1034"},
        SchedulingCase{"0/3 nodes are available: 3 node(s) had volume node affinity conflict. "
                       "preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
                       "scheduling.",
                       "KD1035"}));

// The scheduler reports a node's taint before its labels: when the one node the nodeSelector
// picks is tainted, the taint is what keeps the pod off it.
TEST_F(PodChecksTest, ATaintOnTheSelectedNodeIsTheCauseNotTheSelector) {
  const std::string message =
      "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) "
      "had untolerated taint {dedicated: database}. preemption: 0/2 nodes are available: 2 "
      "Preemption is not helpful for scheduling.";
  Unschedulable(message);
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "node-a"}};
  auto node = [](const std::string& name, nlohmann::json taints) {
    return nlohmann::json{
        {"apiVersion", "v1"},
        {"kind", "Node"},
        {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
        {"spec", {{"taints", std::move(taints)}}}};
  };
  view.Add(
      node("node-a", {{{"key", "dedicated"}, {"value", "database"}, {"effect", "NoSchedule"}}}));
  view.Add(node("node-b", nlohmann::json::array()));
  auto f = Only();
  EXPECT_EQ(f.code, "KD1031");
  EXPECT_THAT(f.evidence, Contains("node node-a matches the nodeSelector but has taint "
                                   "dedicated=database:NoSchedule"));

  // Tolerated, the taint is not the reason: the selector (as the scheduler says) is.
  pod["spec"]["tolerations"] = {{{"key", "dedicated"}, {"operator", "Exists"}}};
  view = MemoryClusterView();
  view.AddKind("Secret");
  view.Add(
      node("node-a", {{{"key", "dedicated"}, {"value", "database"}, {"effect", "NoSchedule"}}}));
  EXPECT_EQ(Only().code, "KD1032");

  // A taint on a node the selector does not pick leaves the selector as the cause.
  pod["spec"].erase("tolerations");
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "node-c"}};
  view = MemoryClusterView();
  view.AddKind("Secret");
  view.Add(
      node("node-a", {{{"key", "dedicated"}, {"value", "database"}, {"effect", "NoSchedule"}}}));
  EXPECT_EQ(Only().code, "KD1032");
}

TEST_F(PodChecksTest, InsufficientResourcesNameTheResourcesAndRequests) {
  Unschedulable(
      "0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/3 nodes "
      "are available: 3 No preemption victims found for incoming pod.");
  const auto f = Only();
  EXPECT_EQ(f.params.at("resource"), "memory, cpu");
  EXPECT_THAT(f.message, HasSubstr("no node has enough free memory, cpu"));
  EXPECT_THAT(f.evidence, Contains("requests: app: cpu=250m memory=256Mi"));
}

TEST_F(PodChecksTest, ASchedulingGatedPodIsNotUnschedulable) {
  Unschedulable("Scheduling is blocked due to non-empty scheduling gates");
  pod["status"]["conditions"][0]["reason"] = "SchedulingGated";
  EXPECT_THAT(Run(), IsEmpty());
}

// Probes.

TEST_F(PodChecksTest, ReadinessProbeFailing) {
  App()["state"] = {{"running", {{"startedAt", "2026-11-23T09:30:00Z"}}}};
  App()["ready"] = false;
  AddEvent("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", 180);
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1040");
  EXPECT_EQ(f.severity, Severity::kWarning);
  EXPECT_THAT(f.evidence,
              Contains("Event Unhealthy (x180): Readiness probe failed: HTTP probe failed with "
                       "statuscode: 503"));
}

TEST_F(PodChecksTest, ReadinessFailingWhileStartingIsNotReported) {
  App()["state"] = {{"running", {{"startedAt", "2026-11-23T09:59:30Z"}}}};
  App()["ready"] = false;
  AddEvent("Unhealthy",
           "Readiness probe failed: Get \"http://10.244.1.37:8080/healthz/ready\": dial tcp "
           "10.244.1.37:8080: connect: connection refused",
           2);
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(PodChecksTest, LivenessProbeRestarts) {
  App()["restartCount"] = 4;
  App()["state"] = {{"running", {{"startedAt", "2026-11-23T09:45:01Z"}}}};
  App()["lastState"] = {{"terminated",
                         {{"exitCode", 137},
                          {"reason", "Error"},
                          {"startedAt", "2026-11-23T09:40:01Z"},
                          {"finishedAt", "2026-11-23T09:45:00Z"}}}};
  AddEvent("Unhealthy",
           "Liveness probe failed: Get \"http://10.244.1.37:8080/healthz/live\": context deadline "
           "exceeded (Client.Timeout exceeded while awaiting headers)",
           12, "spec.containers{app}", "2026-11-23T09:44:50Z");
  AddEvent("Killing", "Container app failed liveness probe, will be restarted", 4,
           "spec.containers{app}", "2026-11-23T09:44:50Z", "kubelet", "Normal");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1041");
  EXPECT_THAT(f.evidence,
              Contains(StartsWith("Event Killing (x4): Container app failed liveness")));
}

TEST_F(PodChecksTest, AnOldLivenessKillDoesNotExplainTheLatestCrash) {
  CrashLooping("Error", 1);
  AddEvent("Killing", "Container app failed liveness probe, will be restarted", 1,
           "spec.containers{app}", "2026-11-23T09:10:00Z", "kubelet", "Normal");
  EXPECT_EQ(Only().code, "KD1011");
}

// Pod lifecycle.

TEST_F(PodChecksTest, Evicted) {
  pod["status"] = {
      {"phase", "Failed"},
      {"reason", "Evicted"},
      {"message",
       "The node was low on resource: memory. Threshold quantity: 100Mi, available: 87564Ki. "
       "Container app was using 1342176Ki, request is 256Mi, has larger consumption of its "
       "request. "},
      {"startTime", "2026-11-23T08:00:00Z"},
      {"conditions",
       {{{"type", "DisruptionTarget"},
         {"status", "True"},
         {"reason", "TerminationByKubelet"},
         {"message", "The node was low on resource: memory."}}}},
      {"containerStatuses",
       {{{"name", "app"},
         {"state",
          {{"terminated",
            {{"exitCode", 137},
             {"reason", "ContainerStatusUnknown"},
             {"message", "The container could not be located when the pod was terminated"}}}}},
         {"ready", false},
         {"restartCount", 0},
         {"image", "registry.example.com/shop/web:1.4.2"},
         {"imageID", ""}}}}};
  AddEvent("Evicted",
           "The node was low on resource: memory. Threshold quantity: 100Mi, available: 87564Ki.",
           1, "");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1042");
  EXPECT_THAT(f.message, HasSubstr("low on resource: memory"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl describe node worker-1"));
}

TEST_F(PodChecksTest, StuckTerminatingAndNotYet) {
  view.Add({{"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata", {{"name", "worker-1"}, {"uid", "0de1"}}},
            {"status",
             {{"conditions",
               {{{"type", "Ready"},
                 {"status", "Unknown"},
                 {"reason", "NodeStatusUnknown"},
                 {"message", "Kubelet stopped posting node status."}}}}}}});
  pod["metadata"]["deletionTimestamp"] = "2026-11-23T09:59:00Z";
  pod["metadata"]["deletionGracePeriodSeconds"] = 30;
  pod["metadata"]["finalizers"] = {"example.com/drain-connections"};
  EXPECT_THAT(Run(), IsEmpty());

  pod["metadata"]["deletionTimestamp"] = "2026-11-23T09:40:00Z";
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1043");
  EXPECT_THAT(f.message, HasSubstr("finalizers example.com/drain-connections remain"));
  EXPECT_THAT(f.evidence, Contains("deletionTimestamp 2026-11-23T09:40:00Z (20m ago)"));
  EXPECT_THAT(f.evidence, Contains(StartsWith("node worker-1 is not Ready (NodeStatusUnknown")));
}

TEST_F(PodChecksTest, StuckCreatingOnAMissingConfigMapVolume) {
  Creating("2026-11-23T09:40:00Z");
  AddEvent("FailedMount",
           "MountVolume.SetUp failed for volume \"config\" : configmap \"web-config\" not found",
           11, "", "2026-11-23T09:58:10Z");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1044");
  EXPECT_EQ(f.params.at("volume"), "config");
  EXPECT_THAT(f.evidence, Contains("volume config: configMap web-config"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop get configmap web-config"));
}

TEST_F(PodChecksTest, MountFailuresOfClaimsAreLeftToTheStorageChecks) {
  pod["spec"]["volumes"].push_back(
      {{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "web-data"}}}});
  Creating("2026-11-23T09:40:00Z");
  AddEvent("FailedMount",
           "Unable to attach or mount volumes: unmounted volumes=[data], unattached "
           "volumes=[data kube-api-access-8kq2w]: timed out waiting for the condition",
           9, "");
  AddEvent("FailedMount",
           "MountVolume.MountDevice failed for volume \"pvc-3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9\" "
           ": rpc error: code = Internal desc = mount failed: exit status 32",
           9, "");
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(PodChecksTest, StuckCreatingWithoutASandbox) {
  Creating("2026-11-23T09:40:00Z");
  AddEvent("FailedCreatePodSandBox",
           "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network "
           "for sandbox \"4f2d9c1e\": plugin type=\"calico\" failed (add): error getting "
           "ClusterInformation: connection is unauthorized: Unauthorized",
           41, "");
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1045");
  EXPECT_THAT(f.nextSteps, Contains("kubectl get pods -n kube-system -o wide --field-selector "
                                    "spec.nodeName=worker-1"));
}

// Restarts.

TEST_F(PodChecksTest, HighRestartCountWhileRunning) {
  App()["restartCount"] = 7;
  App()["lastState"] = {{"terminated",
                         {{"exitCode", 1},
                          {"reason", "Error"},
                          {"startedAt", "2026-11-23T07:00:00Z"},
                          {"finishedAt", "2026-11-23T07:59:58Z"}}}};
  EXPECT_EQ(Only().code, "KD1046");

  view = MemoryClusterView();
  App()["restartCount"] = 3;
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(PodChecksTest, RepeatedOomKillsOfARunningContainerAreReportedAsSuch) {
  App()["restartCount"] = 9;
  LastTerminated("OOMKilled", 137);
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1010");
  EXPECT_THAT(f.evidence, Contains("memory limit of app: 512Mi"));
}

TEST_F(PodChecksTest, ContainersWithTheSameProblemShareOneFinding) {
  pod["spec"]["containers"].push_back(pod["spec"]["containers"][0]);
  pod["spec"]["containers"][1]["name"] = "worker";
  CrashLooping("Error", 1);
  auto worker = App();
  worker["name"] = "worker";
  pod["status"]["containerStatuses"].push_back(worker);
  const auto f = Only();
  EXPECT_EQ(f.code, "KD1011");
  EXPECT_THAT(f.message, HasSubstr("Container app"));
  EXPECT_THAT(f.message, HasSubstr("Container worker"));
}

// The catalog.

TEST(PodCatalogTest, EveryPlannedCodeIsDeclaredWithDocsAndNextSteps) {
  const auto definition = PodChecks({});
  EXPECT_EQ(definition.name, "pods");
  EXPECT_EQ(definition.stage, Stage::kNamespace);
  std::set<std::string> codes;
  for (const auto& code : definition.codes) {
    codes.insert(code.code);
    EXPECT_EQ(code.category, "pods") << code.code;
    EXPECT_FALSE(code.title.empty()) << code.code;
    EXPECT_FALSE(code.description.empty()) << code.code;
    EXPECT_FALSE(code.nextSteps.empty()) << code.code;
    ASSERT_FALSE(code.docs.empty()) << code.code;
    for (const auto& link : code.docs) {
      EXPECT_THAT(link.url, StartsWith("https://kubernetes.io/docs/")) << code.code;
    }
  }
  const std::set<std::string> planned = {
      "KD1001", "KD1002", "KD1003", "KD1004", "KD1005", "KD1006", "KD1007", "KD1010", "KD1011",
      "KD1012", "KD1013", "KD1014", "KD1015", "KD1016", "KD1017", "KD1018", "KD1020", "KD1021",
      "KD1022", "KD1023", "KD1024", "KD1025", "KD1026", "KD1030", "KD1031", "KD1032", "KD1033",
      "KD1034", "KD1035", "KD1040", "KD1041", "KD1042", "KD1043", "KD1044", "KD1045", "KD1046"};
  EXPECT_EQ(codes, planned);
  EXPECT_EQ(definition.codes.size(), planned.size());
}

TEST(PodCatalogTest, TheBuiltinChecksIncludeThePodChecks) {
  const auto checks = BuiltinChecks();
  EXPECT_TRUE(std::any_of(checks.begin(), checks.end(),
                          [](const CheckDefinition& c) { return c.name == "pods"; }));
}

}  // namespace
}  // namespace kdiag
