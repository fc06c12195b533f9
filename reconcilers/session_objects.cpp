#include "reconcilers/session_objects.h"

#include <fmt/format.h>

#include "checks/object_fields.h"
#include "controller/micro_time.h"
#include "reconcilers/session_scripts.h"

namespace kdiag {
namespace {

constexpr size_t kMaxLabel = 63;
// Enough for the recorder to finish the recording when the pod is deleted.
constexpr int64_t kTerminationGraceSeconds = 15;
// activeDeadlineSeconds backs up the controller's timer: past the TTL by this much, the kubelet
// ends the pod even when no controller runs.
constexpr int64_t kDeadlineMarginSeconds = 60;

// FNV-1a: stable across builds and versions, unlike std::hash, so names stay deterministic.
uint32_t StableHash(std::string_view text) {
  uint32_t hash = 2166136261U;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619U;
  }
  return hash;
}

// name, or a truncated name with a hash of the whole when it is longer than max.
std::string FitName(const std::string& name, size_t max) {
  if (name.size() <= max) return name;
  auto hash = fmt::format("{:08x}", StableHash(name));
  auto prefix = name.substr(0, max - hash.size() - 1);
  while (!prefix.empty() && (prefix.back() == '-' || prefix.back() == '.')) prefix.pop_back();
  return prefix + "-" + hash;
}

nlohmann::json Labels(const nlohmann::json& session) {
  nlohmann::json labels = {{"app.kubernetes.io/managed-by", "kdiag"},
                           {"app.kubernetes.io/component", "troubleshoot-session"},
                           {std::string(kSessionUidLabel), std::string(Uid(session))}};
  if (Name(session).size() <= kMaxLabel) labels[kSessionNameLabel] = std::string(Name(session));
  return labels;
}

nlohmann::json Metadata(const nlohmann::json& session, const std::string& name,
                        const std::string& ns) {
  nlohmann::json meta = {{"name", name},
                         {"labels", Labels(session)},
                         {"annotations",
                          {{std::string(kSessionKeyAnnotation),
                            std::string(Namespace(session)) + "/" + std::string(Name(session))}}}};
  if (!ns.empty()) meta["namespace"] = ns;
  return meta;
}

nlohmann::json Amounts(const ResourceAmounts& amounts) {
  nlohmann::json out = nlohmann::json::object();
  if (!amounts.cpu.empty()) out["cpu"] = amounts.cpu;
  if (!amounts.memory.empty()) out["memory"] = amounts.memory;
  return out;
}

nlohmann::json Env(std::string_view name, std::string_view value) {
  return {{"name", name}, {"value", value}};
}

// The settings Pod Security "restricted" asks of every container.
nlohmann::json RestrictedContainerContext(int64_t uid, int64_t gid) {
  return {{"runAsNonRoot", true},
          {"runAsUser", uid},
          {"runAsGroup", gid},
          {"allowPrivilegeEscalation", false},
          {"readOnlyRootFilesystem", true},
          {"capabilities", {{"drop", {"ALL"}}}}};
}

}  // namespace

SessionNames NamesOf(const nlohmann::json& session, const SessionSpec& spec) {
  SessionNames names;
  names.sessionNamespace = Namespace(session);
  names.sessionName = Name(session);
  if (spec.temporaryNamespace) {
    names.temporaryNamespace =
        FitName("tss-" + names.sessionNamespace + "-" + names.sessionName, kMaxLabel);
    names.podNamespace = names.temporaryNamespace;
  } else {
    names.podNamespace =
        spec.targetNamespace.empty() ? names.sessionNamespace : spec.targetNamespace;
  }
  names.pod = FitName(names.sessionName + "-debug", kMaxLabel);
  if (spec.recording) {
    names.claim = spec.existingClaim.empty() ? FitName(names.sessionName + "-recording", 253)
                                             : spec.existingClaim;
    names.recordingPath = "/sessions/" + names.sessionNamespace + "/" + names.sessionName + "-" +
                          std::string(Uid(session).substr(0, 8));
  }
  return names;
}

std::optional<std::string> SessionKeyOf(const nlohmann::json& object) {
  if (Label(object, kSessionUidLabel).empty()) return std::nullopt;
  const auto key = Annotation(object, kSessionKeyAnnotation);
  if (key.find('/') == std::string_view::npos) return std::nullopt;
  return std::string(key);
}

std::string AttachCommand(const SessionNames& names) {
  return fmt::format("kubectl attach -it -n {} {} -c {}", names.podNamespace, names.pod,
                     kShellContainer);
}

nlohmann::json BuildTemporaryNamespace(const nlohmann::json& session, const SessionNames& names) {
  auto meta = Metadata(session, names.temporaryNamespace, "");
  // The session's pod meets "restricted"; enforcing it keeps anything else out too.
  meta["labels"]["pod-security.kubernetes.io/enforce"] = "restricted";
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", meta}};
}

nlohmann::json BuildRecordingClaim(const nlohmann::json& session, const SessionSpec& spec,
                                   const SessionNames& names) {
  nlohmann::json claim_spec = {{"accessModes", {"ReadWriteOnce"}},
                               {"resources", {{"requests", {{"storage", spec.recordingSize}}}}}};
  if (!spec.storageClassName.empty()) claim_spec["storageClassName"] = spec.storageClassName;
  return {{"apiVersion", "v1"},
          {"kind", "PersistentVolumeClaim"},
          {"metadata", Metadata(session, names.claim, names.podNamespace)},
          {"spec", claim_spec}};
}

nlohmann::json BuildDebugPod(const nlohmann::json& session, const SessionSpec& spec,
                             const SessionNames& names, const DebugPodInputs& inputs) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  const auto expires_epoch = duration_cast<seconds>(inputs.expiresAt.time_since_epoch()).count();
  const auto remaining =
      std::max<int64_t>(1, duration_cast<seconds>(inputs.expiresAt - inputs.now).count());
  const std::string session_key = names.sessionNamespace + "/" + names.sessionName;
  const std::string owner = inputs.owner ? inputs.owner->username : "";
  constexpr std::string_view kStaging = "/var/run/kdiag/staging";

  auto meta = Metadata(session, names.pod, names.podNamespace);
  if (!spec.purpose.empty()) meta["annotations"][kSessionPurposeAnnotation] = spec.purpose;
  if (inputs.owner) meta["annotations"][kSessionOwnerAnnotation] = inputs.owner->ToJson().dump();
  // Within the session's own namespace the pod is owned by it: the garbage collector removes it
  // with the session even while no controller runs. Owners cannot span namespaces.
  if (names.podNamespace == names.sessionNamespace) {
    meta["ownerReferences"] = {{{"apiVersion", "kdiag.dev/v1alpha1"},
                                {"kind", "TroubleshootSession"},
                                {"name", names.sessionName},
                                {"uid", std::string(Uid(session))},
                                {"controller", true},
                                {"blockOwnerDeletion", true}}};
  }

  nlohmann::json shell_env = {Env("KDIAG_EXPIRES_AT", std::to_string(expires_epoch)),
                              Env("KDIAG_SESSION", session_key), Env("KDIAG_PURPOSE", spec.purpose),
                              Env("KDIAG_OWNER", owner), Env("HOME", "/home/debug")};
  if (spec.recording) shell_env.push_back(Env("KDIAG_STAGING_DIR", kStaging));
  for (const auto& [name, value] : spec.env) shell_env.push_back(Env(name, value));

  nlohmann::json shell_mounts = {{{"name", "home"}, {"mountPath", "/home/debug"}},
                                 {{"name", "tmp"}, {"mountPath", "/tmp"}}};
  if (spec.recording) shell_mounts.push_back({{"name", "staging"}, {"mountPath", kStaging}});
  if (!spec.sshSecretName.empty()) {
    shell_mounts.push_back(
        {{"name", "ssh-keys"}, {"mountPath", "/home/debug/.ssh-keys"}, {"readOnly", true}});
  }

  nlohmann::json shell = {
      {"name", kShellContainer},
      {"image", spec.image},
      {"command", {"/bin/sh", "-c", kSessionShellScript, "kdiag-shell"}},
      {"stdin", true},
      {"tty", true},
      {"workingDir", "/home/debug"},
      {"env", shell_env},
      {"resources", {{"requests", Amounts(spec.requests)}, {"limits", Amounts(spec.limits)}}},
      {"securityContext", RestrictedContainerContext(spec.runAsUser, spec.runAsGroup)},
      {"volumeMounts", shell_mounts}};

  nlohmann::json containers = {shell};
  nlohmann::json volumes = {{{"name", "home"}, {"emptyDir", {{"sizeLimit", "256Mi"}}}},
                            {{"name", "tmp"}, {"emptyDir", {{"sizeLimit", "256Mi"}}}}};
  if (spec.recording) {
    const nlohmann::json info = {{"session", session_key},
                                 {"uid", std::string(Uid(session))},
                                 {"owner", inputs.owner ? inputs.owner->ToJson() : nullptr},
                                 {"purpose", spec.purpose},
                                 {"image", spec.image},
                                 {"pod", names.podNamespace + "/" + names.pod},
                                 {"node", spec.nodeName},
                                 {"expiresAt", FormatTime(inputs.expiresAt)}};
    const auto recorder_id = inputs.options.recorderUser;
    containers.push_back({{"name", kRecorderContainer},
                          {"image", inputs.options.defaultImage},
                          {"command", {"/bin/sh", "-c", kSessionRecorderScript, "kdiag-recorder"}},
                          {"env",
                           {Env("KDIAG_STAGING_DIR", kStaging),
                            Env("KDIAG_RECORDING_DIR", "/recording" + names.recordingPath),
                            Env("KDIAG_IDLE_TIMEOUT",
                                std::to_string(duration_cast<seconds>(spec.idleTimeout).count())),
                            Env("KDIAG_EXPIRES_AT", std::to_string(expires_epoch)),
                            Env("KDIAG_SESSION_INFO", info.dump())}},
                          {"resources",
                           {{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}},
                            {"limits", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
                          {"securityContext", RestrictedContainerContext(recorder_id, recorder_id)},
                          {"volumeMounts",
                           {{{"name", "staging"}, {"mountPath", kStaging}, {"readOnly", true}},
                            {{"name", "recording"}, {"mountPath", "/recording"}}}}});
    volumes.push_back({{"name", "staging"}, {"emptyDir", {{"sizeLimit", "512Mi"}}}});
    volumes.push_back(
        {{"name", "recording"}, {"persistentVolumeClaim", {{"claimName", names.claim}}}});
  }
  if (!spec.sshSecretName.empty()) {
    // 0440 with the pod's fsGroup, which the shell is in: readable, and ssh accepts it.
    volumes.push_back({{"name", "ssh-keys"},
                       {"secret", {{"secretName", spec.sshSecretName}, {"defaultMode", 0440}}}});
  }

  nlohmann::json pod_spec = {
      {"restartPolicy", "Never"},
      {"activeDeadlineSeconds", remaining + kDeadlineMarginSeconds},
      {"terminationGracePeriodSeconds", kTerminationGraceSeconds},
      // The debug pod acts for a person, not for a workload: no API credentials, no service
      // environment.
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", spec.runAsUser},
        {"runAsGroup", spec.runAsGroup},
        // Volumes belong to this group: the recorder's when there is one (it alone mounts
        // the claim and must write it), else the shell's (its SSH keys).
        {"fsGroup", spec.recording ? inputs.options.recorderUser : spec.runAsGroup},
        {"seccompProfile", {{"type", "RuntimeDefault"}}},
        // ping without NET_RAW: unprivileged ICMP sockets for the shell's group.
        {"sysctls",
         {{{"name", "net.ipv4.ping_group_range"},
           {"value", fmt::format("{} {}", spec.runAsGroup, spec.runAsGroup)}}}}}},
      {"containers", containers},
      {"volumes", volumes}};
  if (!spec.nodeName.empty()) {
    // Through the scheduler (so requests and quotas still count), pinned to the node, and
    // tolerating its taints: debugging a tainted node is the point.
    pod_spec["affinity"] = {{"nodeAffinity",
                             {{"requiredDuringSchedulingIgnoredDuringExecution",
                               {{"nodeSelectorTerms",
                                 {{{"matchFields",
                                    {{{"key", "metadata.name"},
                                      {"operator", "In"},
                                      {"values", {spec.nodeName}}}}}}}}}}}}};
    pod_spec["tolerations"] = {{{"operator", "Exists"}}};
  }
  if (!spec.nodeSelector.empty()) pod_spec["nodeSelector"] = spec.nodeSelector;

  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", meta}, {"spec", pod_spec}};
}

}  // namespace kdiag
