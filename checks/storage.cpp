// Volumes that never become usable: claims left Pending for want of a StorageClass or a
// provisioner, claims whose volume is lost, and pods waiting on a claim's volume to attach or
// mount. Mount failures of other volumes (Secrets, ConfigMaps, …) are the pods area's.
#include <fmt/format.h>

#include <algorithm>

#include "checks/builtin_checks.h"
#include "checks/evidence_text.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

const Link kPersistentVolumesDocs{
    "Persistent Volumes", "https://kubernetes.io/docs/concepts/storage/persistent-volumes/"};
const Link kStorageClassDocs{"Storage Classes",
                             "https://kubernetes.io/docs/concepts/storage/storage-classes/"};
const Link kDynamicProvisioningDocs{
    "Dynamic Volume Provisioning",
    "https://kubernetes.io/docs/concepts/storage/dynamic-provisioning/"};
const Link kVolumesDocs{"Volumes", "https://kubernetes.io/docs/concepts/storage/volumes/"};

std::vector<CheckCode> Codes() {
  const std::string category = "storage";
  return {
      {"KD4001",
       "PVC Pending: StorageClass missing",
       Severity::kCritical,
       category,
       "The PersistentVolumeClaim names a StorageClass that does not exist, or names none while "
       "the cluster has no default StorageClass, so no volume is provisioned and the pods using "
       "it cannot start.",
       {kStorageClassDocs,
        {"Change the default StorageClass",
         "https://kubernetes.io/docs/tasks/administer-cluster/change-default-storage-class/"}},
       {"kubectl get storageclass", "kubectl -n {namespace} describe pvc {name}"}},
      {"KD4002",
       "PVC provisioning failed",
       Severity::kCritical,
       category,
       "The provisioner of the claim's StorageClass failed to create its volume (events "
       "ProvisioningFailed): cloud quota, an invalid parameter, a zone without capacity, or a "
       "CSI driver that is not running.",
       {kDynamicProvisioningDocs, kStorageClassDocs},
       {"kubectl -n {namespace} describe pvc {name}",
        "kubectl get storageclass {storageclass} -o yaml"}},
      {"KD4003",
       "Volume attach failed",
       Severity::kCritical,
       category,
       "The attach/detach controller cannot attach a volume of the pod to its node (events "
       "FailedAttachVolume), often because the volume is still attached to another node "
       "(Multi-Attach) or the CSI driver fails. The pod stays in ContainerCreating.",
       {kVolumesDocs, kPersistentVolumesDocs},
       {"kubectl -n {namespace} describe pod {name}", "kubectl describe pv {volume}",
        "kubectl get volumeattachments"}},
      {"KD4004",
       "PVC volume mount failed",
       Severity::kCritical,
       category,
       "The kubelet cannot mount a PersistentVolumeClaim volume of the pod (events "
       "FailedMount), so its containers do not start: a filesystem error, a CSI node plugin not "
       "running on the node, or a volume still attached elsewhere.",
       {kPersistentVolumesDocs, kVolumesDocs},
       {"kubectl -n {namespace} describe pod {name}",
        "kubectl -n {namespace} describe pvc {claim}"}},
      {"KD4005",
       "PVC Lost",
       Severity::kCritical,
       category,
       "The claim was bound to a PersistentVolume that no longer exists; its data is gone or "
       "unreachable and the pods using it cannot start.",
       {{"PersistentVolumeClaim phase",
         "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#phase"},
        kPersistentVolumesDocs},
       {"kubectl -n {namespace} describe pvc {name}", "kubectl get pv {volume}"}},
  };
}

bool IsDefaultStorageClass(const nlohmann::json& storage_class) {
  return Annotation(storage_class, "storageclass.kubernetes.io/is-default-class") == "true" ||
         Annotation(storage_class, "storageclass.beta.kubernetes.io/is-default-class") == "true";
}

std::string StorageClassList(const Objects& classes) {
  std::string out;
  for (const auto& storage_class : classes) {
    out += fmt::format("{}{}{}", out.empty() ? "" : ", ", Name(*storage_class),
                       IsDefaultStorageClass(*storage_class) ? " (default)" : "");
  }
  return fmt::format("StorageClasses: {}", out.empty() ? "none" : out);
}

void AddEvents(Finding& finding, const Objects& events) {
  auto lines = LatestEventsEvidence(events);
  finding.evidence.insert(finding.evidence.end(), lines.begin(), lines.end());
}

// Pods of the claim's namespace that mount it.
bool UsedByPod(const ClusterView& view, const nlohmann::json& claim) {
  for (const auto& pod : view.List("Pod", Namespace(claim))) {
    for (const auto& volume : Arr(Obj(*pod, "spec"), "volumes")) {
      if (Str(Obj(volume, "persistentVolumeClaim"), "claimName") == Name(claim)) return true;
    }
  }
  return false;
}

// The class a claim asks for: spec.storageClassName, or the legacy beta annotation. *set is
// false when the claim names none (the default class applies); "" when set means "no class".
std::string RequestedClass(const nlohmann::json& claim, bool* set) {
  const auto& spec = Obj(claim, "spec");
  if (spec.contains("storageClassName") && spec["storageClassName"].is_string()) {
    *set = true;
    return std::string(Str(spec, "storageClassName"));
  }
  const auto legacy = Annotation(claim, "volume.beta.kubernetes.io/storage-class");
  *set = !legacy.empty();
  return std::string(legacy);
}

Objects BindingEvents(const ClusterView& view, const nlohmann::json& claim) {
  auto events = view.EventsFor(Uid(claim));
  std::erase_if(events, [](const ObjectPtr& event) {
    const auto reason = Str(*event, "reason");
    return reason != "ProvisioningFailed" && reason != "FailedBinding";
  });
  return events;
}

// KD4001; true when reported.
bool CheckStorageClass(const CheckContext& ctx, const nlohmann::json& claim, FindingSink& sink) {
  if (!ctx.view().Has("StorageClass")) return false;
  bool set = false;
  const auto class_name = RequestedClass(claim, &set);
  const auto classes = ctx.view().List("StorageClass", "");
  std::string problem;
  if (set && !class_name.empty()) {
    if (ctx.view().Get("StorageClass", "", class_name)) return false;
    problem = fmt::format("StorageClass {} does not exist", class_name);
  } else if (!set) {
    if (std::any_of(classes.begin(), classes.end(),
                    [](const ObjectPtr& c) { return IsDefaultStorageClass(*c); })) {
      return false;
    }
    problem = "it names no StorageClass and the cluster has no default StorageClass";
  } else {
    return false;  // storageClassName "": binds only to a matching pre-created volume
  }
  Finding& f = sink.Add("KD4001", claim);
  f.message = fmt::format("PersistentVolumeClaim {} is Pending: {}", Name(claim), problem);
  f.evidence.push_back(set ? fmt::format("spec.storageClassName: {}", class_name)
                           : std::string("no spec.storageClassName"));
  f.evidence.push_back(StorageClassList(classes));
  AddEvents(f, BindingEvents(ctx.view(), claim));
  if (!class_name.empty()) f.params["storageclass"] = class_name;
  return true;
}

void CheckProvisioning(const CheckContext& ctx, const nlohmann::json& claim, FindingSink& sink) {
  const auto failures = EventsWithReason(ctx.view(), Uid(claim), "ProvisioningFailed");
  if (failures.empty()) return;
  bool set = false;
  std::string class_name = RequestedClass(claim, &set);
  ObjectPtr storage_class;
  if (!class_name.empty()) {
    storage_class = ctx.view().Get("StorageClass", "", class_name);
  } else if (!set) {
    for (const auto& candidate : ctx.view().List("StorageClass", "")) {
      if (IsDefaultStorageClass(*candidate)) storage_class = candidate;
    }
  }
  // Waiting for a consumer: nothing is provisioned before a pod uses the claim.
  if (storage_class && Str(*storage_class, "volumeBindingMode") == "WaitForFirstConsumer" &&
      !UsedByPod(ctx.view(), claim)) {
    return;
  }
  Finding& f = sink.Add("KD4002", claim);
  f.message = fmt::format("Provisioning the volume of PersistentVolumeClaim {} fails: {}",
                          Name(claim), Str(*failures.back(), "message"));
  AddEvents(f, failures);
  if (storage_class) {
    class_name = std::string(Name(*storage_class));
    f.evidence.push_back(fmt::format("StorageClass {}: provisioner {}, volumeBindingMode {}",
                                     class_name, Str(*storage_class, "provisioner"),
                                     Str(*storage_class, "volumeBindingMode").empty()
                                         ? "Immediate"
                                         : Str(*storage_class, "volumeBindingMode")));
  }
  if (!class_name.empty()) f.params["storageclass"] = class_name;
}

void CheckLost(const CheckContext& ctx, const nlohmann::json& claim, FindingSink& sink) {
  const std::string volume(Str(Obj(claim, "spec"), "volumeName"));
  Finding& f = sink.Add("KD4005", claim);
  f.message = fmt::format("PersistentVolumeClaim {} is Lost: its PersistentVolume {} is gone",
                          Name(claim), volume.empty() ? "(none)" : volume);
  f.evidence.push_back("status.phase: Lost");
  if (!volume.empty()) {
    f.params["volume"] = volume;
    if (ctx.view().Has("PersistentVolume") && !ctx.view().Get("PersistentVolume", "", volume)) {
      f.evidence.push_back(fmt::format("PersistentVolume {} does not exist", volume));
    }
  }
}

void CheckClaim(const CheckContext& ctx, const nlohmann::json& claim, FindingSink& sink) {
  if (Deleting(claim)) return;
  const auto phase = Str(Obj(claim, "status"), "phase");
  if (phase == "Lost") {
    CheckLost(ctx, claim, sink);
    return;
  }
  if (phase != "Pending") return;
  // A claim bound by name to a volume needs no class to provision one.
  const bool prebound = !Str(Obj(claim, "spec"), "volumeName").empty();
  if (!prebound && CheckStorageClass(ctx, claim, sink)) return;
  CheckProvisioning(ctx, claim, sink);
}

struct ClaimVolume {
  std::string volume;  // the pod's volume name
  std::string claim;
  std::string persistentVolume;  // the claim's bound volume, as mount messages name it
};

// The pod's volumes backed by a claim: persistentVolumeClaim and generic ephemeral volumes
// (whose claim is named <pod>-<volume>).
std::vector<ClaimVolume> ClaimVolumes(const ClusterView& view, const nlohmann::json& pod) {
  std::vector<ClaimVolume> out;
  for (const auto& volume : Arr(Obj(pod, "spec"), "volumes")) {
    std::string claim(Str(Obj(volume, "persistentVolumeClaim"), "claimName"));
    if (claim.empty() && !Obj(volume, "ephemeral").empty()) {
      claim = fmt::format("{}-{}", Name(pod), Str(volume, "name"));
    }
    if (claim.empty()) continue;
    std::string bound;
    if (auto object = view.Get("PersistentVolumeClaim", Namespace(pod), claim)) {
      bound = std::string(Str(Obj(*object, "spec"), "volumeName"));
    }
    out.push_back({std::string(Str(volume, "name")), claim, bound});
  }
  return out;
}

// The claim volume a FailedMount message is about: by the volume it names (the pod's volume
// name, or the bound PersistentVolume's), or among the "unmounted volumes=[…]" it lists.
const ClaimVolume* MountFailureVolume(std::string_view message,
                                      const std::vector<ClaimVolume>& volumes) {
  const auto named = TextAfter(message, "volume \"", '"');
  const auto unmounted = TextAfter(message, "unmounted volumes=[", ']');
  for (const auto& volume : volumes) {
    if (!named.empty() && (named == volume.volume || named == volume.persistentVolume)) {
      return &volume;
    }
    std::string_view list = unmounted;
    while (!list.empty()) {
      const auto end = std::min(list.find(' '), list.size());
      if (list.substr(0, end) == volume.volume) return &volume;
      list.remove_prefix(std::min(end + 1, list.size()));
    }
  }
  return nullptr;
}

void CheckPod(const CheckContext& ctx, const nlohmann::json& pod, FindingSink& sink) {
  // Events outlive the problem; a pod past Pending got its volumes.
  if (Str(Obj(pod, "status"), "phase") != "Pending" || Deleting(pod)) return;

  const auto attach_failures = EventsWithReason(ctx.view(), Uid(pod), "FailedAttachVolume");
  if (!attach_failures.empty()) {
    Finding& f = sink.Add("KD4003", pod);
    const auto message = Str(*attach_failures.back(), "message");
    f.message = fmt::format("A volume of pod {} cannot be attached to node {}: {}", Name(pod),
                            Str(Obj(pod, "spec"), "nodeName"), message);
    AddEvents(f, attach_failures);
    if (auto volume = TextAfter(message, "volume \"", '"'); !volume.empty()) {
      f.params["volume"] = volume;
    }
  }

  const auto volumes = ClaimVolumes(ctx.view(), pod);
  if (volumes.empty()) return;
  Objects mount_failures;
  const ClaimVolume* failed = nullptr;
  for (const auto& event : EventsWithReason(ctx.view(), Uid(pod), "FailedMount")) {
    if (const auto* volume = MountFailureVolume(Str(*event, "message"), volumes)) {
      failed = volume;
      mount_failures.push_back(event);
    }
  }
  if (!failed) return;
  Finding& f = sink.Add("KD4004", pod);
  f.message =
      fmt::format("Volume {} (PersistentVolumeClaim {}) of pod {} cannot be mounted: {}",
                  failed->volume, failed->claim, Name(pod), Str(*mount_failures.back(), "message"));
  AddEvents(f, mount_failures);
  f.params["volume"] = failed->volume;
  f.params["claim"] = failed->claim;
}

}  // namespace

CheckDefinition StorageChecks(const BuiltinCheckOptions& /*options*/) {
  return {"storage", Stage::kNamespace, Codes(), [](const CheckContext& ctx, FindingSink& sink) {
            for (const auto& claim : ctx.InScope("PersistentVolumeClaim")) {
              if (ctx.OverBudget()) return;
              CheckClaim(ctx, *claim, sink);
            }
            for (const auto& pod : ctx.InScope("Pod")) {
              if (ctx.OverBudget()) return;
              CheckPod(ctx, *pod, sink);
            }
          }};
}

}  // namespace kdiag
