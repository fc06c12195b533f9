#include "reconcilers/session_objects.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/object_fields.h"
#include "controller/micro_time.h"
#include "reconcilers/session_scripts.h"

namespace kdiag {
namespace {

using ::testing::HasSubstr;

nlohmann::json Session(const std::string& name, const char* spec) {
  return {{"apiVersion", "kdiag.dev/v1alpha1"},
          {"kind", "TroubleshootSession"},
          {"metadata",
           {{"name", name},
            {"namespace", "payments"},
            {"uid", "9edb2a90-4c1d-4e57-a0c3-5d2f1b7e8a61"},
            {"generation", 1},
            {"creationTimestamp", "2026-11-24T03:17:24Z"}}},
          {"spec", nlohmann::json::parse(spec)}};
}

struct Built {
  SessionSpec spec;
  SessionNames names;
  nlohmann::json pod;
};

Built Build(const nlohmann::json& session, const SessionOptions& options = {}) {
  Built out;
  out.spec = ParseSessionSpec(session, options).spec;
  out.names = NamesOf(session, out.spec);
  const auto now = *ParseTime("2026-11-24T03:17:25Z");
  out.pod = BuildDebugPod(session, out.spec, out.names,
                          {.options = options,
                           .owner = SessionOwner{"alice", "u-1", {"sre"}},
                           .expiresAt = now + std::chrono::minutes(30),
                           .now = now});
  return out;
}

const nlohmann::json& Container(const nlohmann::json& pod, std::string_view name) {
  for (const auto& c : pod["spec"]["containers"]) {
    if (c["name"] == name) return c;
  }
  static const nlohmann::json none;
  return none;
}

std::string EnvOf(const nlohmann::json& container, std::string_view name) {
  for (const auto& e : container["env"]) {
    if (e["name"] == name) return e["value"];
  }
  return "<unset>";
}

TEST(SessionNames, AreDerivedFromTheSession) {
  const auto built = Build(Session("net-debug", "{}"));
  EXPECT_EQ(built.names.podNamespace, "payments");
  EXPECT_EQ(built.names.pod, "net-debug-debug");
  EXPECT_EQ(built.names.claim, "net-debug-recording");
  EXPECT_EQ(built.names.recordingPath, "/sessions/payments/net-debug-9edb2a90");
  EXPECT_TRUE(built.names.temporaryNamespace.empty());
  EXPECT_EQ(AttachCommand(built.names), "kubectl attach -it -n payments net-debug-debug -c shell");
}

TEST(SessionNames, TheTargetOrTemporaryNamespaceHoldsThePod) {
  EXPECT_EQ(Build(Session("a", R"({"targetNamespace": "checkout"})")).names.podNamespace,
            "checkout");
  const auto temp = Build(Session("a", R"({"temporaryNamespace": true})")).names;
  EXPECT_EQ(temp.temporaryNamespace, "tss-payments-a");
  EXPECT_EQ(temp.podNamespace, "tss-payments-a");
}

TEST(SessionNames, LongNamesAreShortenedStablyAndStayValid) {
  const std::string long_name(120, 'x');
  const auto first = Build(Session(long_name, R"({"temporaryNamespace": true})")).names;
  const auto again = Build(Session(long_name, R"({"temporaryNamespace": true})")).names;
  EXPECT_EQ(first.pod, again.pod);
  EXPECT_LE(first.pod.size(), 63U);
  EXPECT_LE(first.temporaryNamespace.size(), 63U);
  EXPECT_EQ(first.temporaryNamespace, again.temporaryNamespace);
  EXPECT_NE(first.pod, Build(Session(long_name + "y", "{}")).names.pod);
  // Too long for a label: the session is found by UID label and key annotation.
  EXPECT_FALSE(first.pod.empty());
  const auto pod = Build(Session(long_name, "{}")).pod;
  EXPECT_FALSE(pod["metadata"]["labels"].contains("kdiag.dev/session"));
  EXPECT_EQ(SessionKeyOf(pod), "payments/" + long_name);
}

TEST(DebugPod, MeetsPodSecurityRestricted) {
  const auto pod = Build(Session("net-debug", "{}")).pod;
  const auto& spec = pod["spec"];
  EXPECT_EQ(spec["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(spec["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  for (const auto& container : spec["containers"]) {
    SCOPED_TRACE(container["name"].get<std::string>());
    const auto& context = container["securityContext"];
    EXPECT_EQ(context["runAsNonRoot"], true);
    EXPECT_GT(context["runAsUser"].get<int64_t>(), 0);
    EXPECT_EQ(context["allowPrivilegeEscalation"], false);
    EXPECT_EQ(context["capabilities"]["drop"], nlohmann::json::array({"ALL"}));
    EXPECT_FALSE(context["capabilities"].contains("add"));
  }
  EXPECT_EQ(spec["securityContext"]["sysctls"][0],
            (nlohmann::json{{"name", "net.ipv4.ping_group_range"}, {"value", "1000 1000"}}));
  EXPECT_EQ(spec["automountServiceAccountToken"], false);
  EXPECT_EQ(spec["restartPolicy"], "Never");
  for (const auto& volume : spec["volumes"]) EXPECT_FALSE(volume.contains("hostPath"));
}

TEST(DebugPod, RunsTheShellUnderTheTTLAndTheRecorderApart) {
  const auto pod =
      Build(Session("net-debug", R"({"purpose": "INC-4711", "idleTimeout": "10m"})")).pod;
  EXPECT_EQ(pod["spec"]["activeDeadlineSeconds"], 30 * 60 + 60);
  const auto& shell = Container(pod, "shell");
  EXPECT_EQ(shell["tty"], true);
  EXPECT_EQ(shell["stdin"], true);
  EXPECT_EQ(shell["command"][2], kSessionShellScript);
  EXPECT_EQ(EnvOf(shell, "KDIAG_EXPIRES_AT"),
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                               (*ParseTime("2026-11-24T03:47:25Z")).time_since_epoch())
                               .count()));
  EXPECT_EQ(EnvOf(shell, "KDIAG_PURPOSE"), "INC-4711");
  EXPECT_EQ(EnvOf(shell, "KDIAG_OWNER"), "alice");
  EXPECT_EQ(EnvOf(shell, "KDIAG_STAGING_DIR"), "/var/run/kdiag/staging");
  for (const auto& mount : shell["volumeMounts"]) EXPECT_NE(mount["name"], "recording");

  const auto& recorder = Container(pod, "recorder");
  EXPECT_EQ(recorder["image"], SessionOptions{}.defaultImage);
  EXPECT_EQ(recorder["securityContext"]["runAsUser"], 65532);
  EXPECT_EQ(recorder["command"][2], kSessionRecorderScript);
  EXPECT_EQ(EnvOf(recorder, "KDIAG_RECORDING_DIR"),
            "/recording/sessions/payments/net-debug-9edb2a90");
  EXPECT_EQ(EnvOf(recorder, "KDIAG_IDLE_TIMEOUT"), "600");
  const auto info = nlohmann::json::parse(EnvOf(recorder, "KDIAG_SESSION_INFO"));
  EXPECT_EQ(info["session"], "payments/net-debug");
  EXPECT_EQ(info["owner"]["username"], "alice");
  EXPECT_EQ(info["purpose"], "INC-4711");
  EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["uid"], "9edb2a90-4c1d-4e57-a0c3-5d2f1b7e8a61");
}

TEST(DebugPod, WithoutRecordingThereIsNoRecorderNorClaim) {
  const auto pod = Build(Session("quick", R"({"recording": {"enabled": false}})")).pod;
  EXPECT_EQ(pod["spec"]["containers"].size(), 1U);
  EXPECT_EQ(EnvOf(Container(pod, "shell"), "KDIAG_STAGING_DIR"), "<unset>");
  for (const auto& volume : pod["spec"]["volumes"])
    EXPECT_FALSE(volume.contains("persistentVolumeClaim"));
}

TEST(DebugPod, PinnedToANodeThroughTheSchedulerToleratingItsTaints) {
  const auto pod =
      Build(Session("node", R"({"nodeName": "kwok-node-0", "targetNamespace": "kube-system"})"))
          .pod;
  const auto& term =
      pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
         ["nodeSelectorTerms"][0]["matchFields"][0];
  EXPECT_EQ(term["key"], "metadata.name");
  EXPECT_EQ(term["values"], nlohmann::json::array({"kwok-node-0"}));
  EXPECT_EQ(pod["spec"]["tolerations"][0]["operator"], "Exists");
  EXPECT_FALSE(pod["spec"].contains("nodeName"));
  // Owner references cannot cross namespaces.
  EXPECT_FALSE(pod["metadata"].contains("ownerReferences"));
}

TEST(DebugPod, MountsSSHKeysReadOnlyForTheShellsGroup) {
  const auto pod = Build(Session("vm", R"({"sshSecretRef": {"name": "bastion-keys"}})")).pod;
  bool mounted = false;
  for (const auto& mount : Container(pod, "shell")["volumeMounts"]) {
    if (mount["name"] == "ssh-keys") {
      mounted = true;
      EXPECT_EQ(mount["readOnly"], true);
      EXPECT_EQ(mount["mountPath"], "/home/debug/.ssh-keys");
    }
  }
  EXPECT_TRUE(mounted);
  // The claim must be writable by the recorder, which runs in a group of its own.
  EXPECT_EQ(pod["spec"]["securityContext"]["fsGroup"], 65532);
  const auto unrecorded =
      Build(
          Session("vm",
                  R"({"sshSecretRef": {"name": "bastion-keys"}, "recording": {"enabled": false}})"))
          .pod;
  EXPECT_EQ(unrecorded["spec"]["securityContext"]["fsGroup"], 1000);
}

TEST(RecordingClaim, AsksForTheSizeAndClass) {
  SessionOptions options;
  options.storageClassName = "retained";
  const auto session = Session("net-debug", R"({"recording": {"size": "2Gi"}})");
  const auto built = Build(session, options);
  const auto claim = BuildRecordingClaim(session, built.spec, built.names);
  EXPECT_EQ(claim["metadata"]["name"], "net-debug-recording");
  EXPECT_EQ(claim["spec"]["storageClassName"], "retained");
  EXPECT_EQ(claim["spec"]["resources"]["requests"]["storage"], "2Gi");
  EXPECT_EQ(claim["metadata"]["labels"]["kdiag.dev/session-uid"],
            "9edb2a90-4c1d-4e57-a0c3-5d2f1b7e8a61");
  EXPECT_FALSE(claim["metadata"].contains("ownerReferences"));  // it outlives the session
}

TEST(TemporaryNamespace, EnforcesRestricted) {
  const auto session = Session("a", R"({"temporaryNamespace": true})");
  const auto built = Build(session);
  const auto ns = BuildTemporaryNamespace(session, built.names);
  EXPECT_EQ(ns["metadata"]["name"], "tss-payments-a");
  EXPECT_EQ(ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], "restricted");
  EXPECT_EQ(SessionKeyOf(ns), "payments/a");
}

}  // namespace
}  // namespace kdiag
