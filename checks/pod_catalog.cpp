// The catalog entries of the pod checks: what each code means and what to do about it.
#include "checks/pod_problems.h"

namespace kdiag {
namespace {

const Link kDebugPods{"Debug Pods",
                      "https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"};
const Link kImages{"Images", "https://kubernetes.io/docs/concepts/containers/images/"};
const Link kPrivateRegistry{
    "Pull an Image from a Private Registry",
    "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"};
const Link kContainerStates{
    "Pod Lifecycle: container states",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-states"};
const Link kRestartPolicy{
    "Pod Lifecycle: restart policy",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy"};
const Link kPodFailure{
    "Determine the Reason for Pod Failure",
    "https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/"};
const Link kDebugRunning{
    "Debug Running Pods",
    "https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/"};
const Link kResources{
    "Resource Management for Pods and Containers",
    "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"};
const Link kMemory{
    "Assign Memory Resources to Containers and Pods",
    "https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/"};
const Link kSecrets{"Secrets", "https://kubernetes.io/docs/concepts/configuration/secret/"};
const Link kConfigMaps{"ConfigMaps",
                       "https://kubernetes.io/docs/concepts/configuration/configmap/"};
const Link kConfigurePodConfigMap{
    "Configure a Pod to Use a ConfigMap",
    "https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/"};
const Link kSecurityContext{
    "Configure a Security Context for a Pod or Container",
    "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"};
const Link kInitContainers{"Init Containers",
                           "https://kubernetes.io/docs/concepts/workloads/pods/init-containers/"};
const Link kDebugInit{
    "Debug Init Containers",
    "https://kubernetes.io/docs/tasks/debug/debug-application/debug-init-containers/"};
const Link kScheduler{"Kubernetes Scheduler",
                      "https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/"};
const Link kTaints{"Taints and Tolerations",
                   "https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/"};
const Link kAssignPods{"Assigning Pods to Nodes",
                       "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/"};
const Link kPersistentVolumes{"Persistent Volumes",
                              "https://kubernetes.io/docs/concepts/storage/persistent-volumes/"};
const Link kConfigurationOverview{
    "Configuration Best Practices: Services",
    "https://kubernetes.io/docs/concepts/configuration/overview/#services"};
const Link kProbes{
    "Liveness, Readiness, and Startup Probes",
    "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/"};
const Link kConfigureProbes{"Configure Liveness, Readiness and Startup Probes",
                            "https://kubernetes.io/docs/tasks/configure-pod-container/"
                            "configure-liveness-readiness-startup-probes/"};
const Link kNodePressureEviction{
    "Node-pressure Eviction",
    "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/"};
const Link kPodTermination{
    "Pod Lifecycle: termination of Pods",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination"};
const Link kFinalizers{
    "Finalizers", "https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/"};
const Link kVolumes{"Volumes", "https://kubernetes.io/docs/concepts/storage/volumes/"};
const Link kNetworking{"Cluster Networking",
                       "https://kubernetes.io/docs/concepts/cluster-administration/networking/"};

constexpr const char* kDescribe = "kubectl -n {namespace} describe pod {name}";
constexpr const char* kEvents =
    "kubectl -n {namespace} get events --field-selector involvedObject.name={name} "
    "--sort-by=.lastTimestamp";
constexpr const char* kPreviousLogs =
    "kubectl -n {namespace} logs {name} -c {container} --previous";
constexpr const char* kContainerSpec = "kubectl -n {namespace} get pod {name} -o yaml";

CheckCode Pods(std::string code, std::string title, Severity severity, std::string description,
               std::vector<Link> docs, std::vector<std::string> next_steps) {
  return {std::move(code), std::move(title),     severity, "pods", std::move(description),
          std::move(docs), std::move(next_steps)};
}

std::vector<CheckCode> ImagePullCodes() {
  constexpr auto kCritical = Severity::kCritical;
  const std::string pull_test = "crane manifest {image}  # or: docker manifest inspect {image}";
  return {
      Pods("KD1001", "Image not found in the registry", kCritical,
           "The registry answers but has no such image or tag (manifest unknown / not found). The "
           "container cannot start until the image reference names something that was pushed.",
           {kImages, kDebugPods},
           {kDescribe, pull_test,
            "Check the image and tag the workload asks for against the tags pushed to the "
            "registry; fix the tag in the workload (e.g. kubectl -n {namespace} set image ...)"}),
      Pods("KD1002", "Image pull not authorized", kCritical,
           "The registry refuses the pull (401/403, pull access denied, insufficient_scope). The "
           "pod has no valid credentials for this repository, or the repository does not exist "
           "(some registries, Docker Hub among them, answer both the same way).",
           {kPrivateRegistry, kImages},
           {kDescribe,
            "kubectl -n {namespace} get pod {name} -o jsonpath='{.spec.imagePullSecrets[*].name}'",
            "kubectl -n {namespace} get serviceaccount default -o yaml",
            std::string("kubectl -n {namespace} create secret docker-registry regcred ") +
                "--docker-server=... --docker-username=... --docker-password=...",
            pull_test}),
      Pods("KD1003", "Image pull secret missing", kCritical,
           "The pod names an image pull Secret (spec.imagePullSecrets, often inherited from its "
           "ServiceAccount) that does not exist in its namespace, and the registry refuses the "
           "pull without it.",
           {kPrivateRegistry, kSecrets},
           {"kubectl -n {namespace} get secret {secret}",
            "kubectl -n {namespace} create secret docker-registry {secret} --docker-server=... "
            "--docker-username=... --docker-password=...",
            kDescribe}),
      Pods("KD1004", "Image registry unreachable", kCritical,
           "The node cannot reach the registry: its name does not resolve, the connection times "
           "out or is refused, or its TLS certificate is not trusted. Often DNS, an egress "
           "firewall or proxy, or a private registry with its own CA.",
           {kImages, kNetworking},
           {kDescribe, "kubectl get node {node} -o wide",
            "kubectl debug node/{node} -it --image=busybox -- nslookup <registry host>"}),
      Pods("KD1005", "Image pull rate limited", kCritical,
           "The registry refuses pulls with 429 Too Many Requests (toomanyrequests): the pull "
           "quota of the nodes' address or account is used up, as with Docker Hub's anonymous "
           "limits.",
           {kImages, kPrivateRegistry},
           {kDescribe,
            "Authenticate pulls with an image pull Secret, or mirror the image to a registry you "
            "control and point the workload at it"}),
      Pods("KD1006", "Image pull failing", kCritical,
           "The image cannot be pulled for a reason other than a missing image, credentials, "
           "network or rate limits; the pull error says what the runtime saw.",
           {kImages, kDebugPods}, {kDescribe, kEvents}),
      Pods("KD1007", "Invalid image name", kCritical,
           "The image reference cannot be parsed (InvalidImageName): an empty tag, upper-case "
           "letters in the repository, stray spaces or an unresolved template variable.",
           {{"Images: image names",
             "https://kubernetes.io/docs/concepts/containers/images/#image-names"}},
           {kContainerSpec, "Fix the image of container {container} in the workload's template"}),
  };
}

std::vector<CheckCode> CrashCodes() {
  constexpr auto kCritical = Severity::kCritical;
  const std::vector<Link> crash_docs = {kPodFailure, kContainerStates, kDebugRunning};
  const std::vector<std::string> crash_steps = {kPreviousLogs, kDescribe};
  const auto with = [](std::vector<std::string> steps, std::vector<std::string> more) {
    steps.insert(steps.end(), more.begin(), more.end());
    return steps;
  };
  return {
      Pods("KD1010", "Container killed for running out of memory", kCritical,
           "The container used more memory than its limit (or the node ran out) and the kernel "
           "killed it (OOMKilled). It restarts and is killed again while the workload needs more "
           "than it may use.",
           {kMemory, kResources, kPodFailure},
           with(crash_steps,
                {"kubectl -n {namespace} get pod {name} -o custom-columns="
                 "CONTAINER:.spec.containers[*].name,LIMITS:.spec.containers[*].resources.limits",
                 "kubectl -n {namespace} top pod {name} --containers",
                 "Raise the memory limit of {container} or lower its use (heap size, caches)"})),
      Pods("KD1011", "Container exits with an error (exit code 1)", kCritical,
           "The container's process exits with code 1, a generic application error: usually a "
           "configuration problem, a missing dependency or an unhandled exception. Its previous "
           "log says which.",
           crash_docs, crash_steps),
      Pods("KD1012", "Container exits on a usage error (exit code 2)", kCritical,
           "The process exits with code 2, which shells and most programs use for a misused "
           "command: wrong arguments or flags, or a script syntax error.",
           crash_docs, with({kContainerSpec}, crash_steps)),
      Pods("KD1013", "Container command cannot be executed (exit code 126)", kCritical,
           "The command exists but cannot be executed: no execute permission, a wrong "
           "interpreter line, or a binary for another CPU architecture.",
           crash_docs,
           with(crash_steps, {kContainerSpec,
                              "kubectl debug -n {namespace} {name} -it --image=busybox "
                              "--target={container} -- sh"})),
      Pods("KD1014", "Container command or file not found", kCritical,
           "The command (or a file it needs) is not in the image: exit code 127, or the runtime "
           "reports 'executable file not found' or 'no such file or directory'. Usually a wrong "
           "command/args in the pod spec or an image built differently than expected.",
           crash_docs,
           with({kContainerSpec}, {kPreviousLogs, kDescribe,
                                   "kubectl debug -n {namespace} {name} -it --image=busybox "
                                   "--target={container} -- sh"})),
      Pods("KD1015", "Container killed (exit code 137)", kCritical,
           "The process was killed with SIGKILL but not for memory: a liveness probe or a stop "
           "that did not finish within terminationGracePeriodSeconds, or something on the node "
           "killed it.",
           {kPodFailure, kPodTermination, kProbes}, with(crash_steps, {kEvents})),
      Pods("KD1016", "Container crashes with a segmentation fault (exit code 139)", kCritical,
           "The process was killed by SIGSEGV: a crash in native code, a library built for "
           "another platform, or corrupted memory.",
           crash_docs, crash_steps),
      Pods("KD1017", "Container stops on SIGTERM (exit code 143)", kCritical,
           "The process ended on SIGTERM: it was asked to stop, typically by a failing liveness "
           "probe or by the runtime, and exited; the container keeps being restarted.",
           {kPodTermination, kProbes, kPodFailure}, with(crash_steps, {kEvents})),
      Pods("KD1018", "Container keeps crashing", kCritical,
           "The container keeps terminating and the kubelet backs off restarting it "
           "(CrashLoopBackOff). Its exit code and previous log say why; exit code 0 means the "
           "main process finished although the pod restarts it (restartPolicy Always).",
           {kRestartPolicy, kPodFailure, kDebugRunning}, crash_steps),
  };
}

std::vector<CheckCode> StartCodes() {
  constexpr auto kCritical = Severity::kCritical;
  return {
      Pods("KD1020", "Secret referenced by the pod is missing", kCritical,
           "A container takes environment variables or files from a Secret that does not exist "
           "in the namespace (CreateContainerConfigError), so it cannot be created.",
           {kSecrets,
            {"Distribute Credentials Securely Using Secrets",
             "https://kubernetes.io/docs/tasks/inject-data-application/"
             "distribute-credentials-secure/"}},
           {"kubectl -n {namespace} get secret {secret}", kDescribe,
            "Create Secret {secret} in {namespace}, or fix the name the workload refers to"}),
      Pods("KD1021", "ConfigMap referenced by the pod is missing", kCritical,
           "A container takes environment variables or files from a ConfigMap that does not "
           "exist in the namespace (CreateContainerConfigError), so it cannot be created.",
           {kConfigMaps, kConfigurePodConfigMap},
           {"kubectl -n {namespace} get configmap {configmap}", kDescribe,
            "Create ConfigMap {configmap} in {namespace}, or fix the name the workload refers to"}),
      Pods("KD1022", "Key missing from a Secret or ConfigMap", kCritical,
           "A container's environment takes a key that the Secret or ConfigMap does not have "
           "(CreateContainerConfigError: couldn't find key).",
           {kConfigurePodConfigMap, kSecrets},
           {"kubectl -n {namespace} describe secret {secret}",
            "kubectl -n {namespace} describe configmap {configmap}",
            "Add key {key} or fix the key the workload refers to", kDescribe}),
      Pods("KD1023", "Container configuration invalid", kCritical,
           "The kubelet cannot build the container's configuration (CreateContainerConfigError), "
           "for example runAsNonRoot with an image that runs as root.",
           {kSecurityContext, kDebugPods}, {kDescribe, kContainerSpec}),
      Pods("KD1024", "Container cannot be created", kCritical,
           "The container runtime fails to create the container (CreateContainerError): a name "
           "conflict, a mount that fails, a bad device or a runtime error.",
           {kContainerStates, kDebugPods}, {kDescribe, kEvents}),
      Pods("KD1025", "Container cannot be started", kCritical,
           "The runtime created the container but could not start its process "
           "(RunContainerError / StartError): an OCI runtime error such as a bad mount, working "
           "directory or user.",
           {kContainerStates, kDebugPods}, {kDescribe, kEvents, kContainerSpec}),
      Pods("KD1026", "Init container failing", kCritical,
           "An init container exits with an error, so the pod's other containers never start. "
           "Its log says why; it often waits for a dependency or runs a migration that fails.",
           {kInitContainers, kDebugInit},
           {kPreviousLogs, "kubectl -n {namespace} logs {name} -c {container}", kDescribe}),
  };
}

std::vector<CheckCode> SchedulingCodes() {
  constexpr auto kCritical = Severity::kCritical;
  const char* nodes_steps = "kubectl get nodes -o wide";
  return {
      Pods("KD1030", "Pod unschedulable: insufficient resources", kCritical,
           "No node has enough unreserved resources for the pod's requests (Insufficient cpu, "
           "memory or another resource, or too many pods). Requests count, not actual use.",
           {kResources, kScheduler},
           {kDescribe, "kubectl describe nodes | grep -A 8 'Allocated resources'",
            "kubectl -n {namespace} get pod {name} -o custom-columns="
            "CONTAINER:.spec.containers[*].name,REQUESTS:.spec.containers[*].resources.requests",
            "Lower the requests of the pod, free capacity, or add nodes (check the cluster "
            "autoscaler)"}),
      Pods(
          "KD1031", "Pod unschedulable: node taints not tolerated", kCritical,
          "The nodes that could run the pod have taints the pod does not tolerate.",
          {kTaints, kScheduler},
          {kDescribe, "kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints",
           kContainerSpec}),
      Pods("KD1032", "Pod unschedulable: node selector or affinity matches no node", kCritical,
           "No node satisfies the pod's nodeSelector, node affinity or pod (anti-)affinity rules.",
           {kAssignPods, kScheduler},
           {kDescribe, "kubectl get nodes --show-labels", kContainerSpec}),
      Pods("KD1033", "Pod unschedulable: PersistentVolumeClaim not bound", kCritical,
           "The pod uses a PersistentVolumeClaim that is not bound to a volume yet, so the "
           "scheduler waits. The claim's own events say why it is not bound.",
           {kPersistentVolumes, kScheduler},
           {kDescribe, "kubectl -n {namespace} describe pvc {pvc}",
            "kubectl -n {namespace} get pvc"}),
      Pods("KD1034", "Pod unschedulable: host port in use", kCritical,
           "The pod asks for a hostPort that every suitable node already has in use; only one "
           "pod per node can bind a given host port.",
           {kConfigurationOverview, kScheduler},
           {kDescribe, kContainerSpec,
            "Drop the hostPort (use a Service instead), or run fewer replicas than nodes"}),
      Pods("KD1035", "Pod unschedulable", kCritical,
           "The scheduler cannot place the pod; its message lists why for each node.",
           {kScheduler, kAssignPods}, {kDescribe, nodes_steps}),
  };
}

std::vector<CheckCode> LifecycleCodes() {
  return {
      Pods("KD1040", "Readiness probe failing", Severity::kWarning,
           "The container runs but its readiness probe fails, so the pod gets no Service traffic "
           "and a rollout waiting for it does not progress.",
           {kProbes, kConfigureProbes},
           {kDescribe, "kubectl -n {namespace} logs {name} -c {container}", kContainerSpec}),
      Pods("KD1041", "Container restarted by its liveness or startup probe", Severity::kWarning,
           "The kubelet kills and restarts the container because its liveness (or startup) probe "
           "fails: the application hangs or is slow, or the probe is too strict for it.",
           {kProbes, kConfigureProbes}, {kPreviousLogs, kDescribe, kContainerSpec}),
      Pods("KD1042", "Pod evicted", Severity::kWarning,
           "The kubelet evicted the pod because its node ran short of memory, disk or process "
           "ids. The pod stays in Failed until deleted; its controller started a replacement.",
           {kNodePressureEviction, kResources},
           {kDescribe, "kubectl describe node {node}", "kubectl -n {namespace} delete pod {name}"}),
      Pods("KD1043", "Pod stuck terminating", Severity::kWarning,
           "The pod was deleted long ago but is still there: a finalizer is not removed, its "
           "node is gone or not responding, or its containers do not stop.",
           {kPodTermination, kFinalizers},
           {"kubectl -n {namespace} get pod {name} -o yaml", "kubectl describe node {node}",
            "Only when the node is really gone: kubectl -n {namespace} delete pod {name} "
            "--grace-period=0 --force"}),
      Pods("KD1044", "Pod stuck creating: volume cannot be mounted", Severity::kCritical,
           "The kubelet cannot mount one of the pod's volumes (FailedMount), so its containers "
           "never start: a Secret or ConfigMap it mounts is missing, or a CSI, NFS or hostPath "
           "volume fails. PersistentVolumeClaim volumes are reported by the storage checks.",
           {kVolumes, kDebugPods},
           {kDescribe, "kubectl -n {namespace} get secret {secret}",
            "kubectl -n {namespace} get configmap {configmap}", kEvents}),
      Pods("KD1045", "Pod stuck creating: sandbox cannot be created", Severity::kCritical,
           "The runtime cannot create the pod's sandbox (FailedCreatePodSandBox): usually the CNI "
           "plugin on the node fails to set up networking (no IPs left, plugin not ready), or the "
           "runtime itself is unhealthy.",
           {kNetworking, kDebugPods},
           {kDescribe,
            "kubectl get pods -n kube-system -o wide --field-selector spec.nodeName={node}",
            "kubectl describe node {node}"}),
      Pods("KD1046", "Container restarts often", Severity::kWarning,
           "The container runs now but has restarted many times; it crashes or is killed from "
           "time to time. Its previous termination and log say why.",
           {kRestartPolicy, kPodFailure}, {kPreviousLogs, kDescribe}),
  };
}

}  // namespace

std::vector<CheckCode> PodCheckCodes() {
  std::vector<CheckCode> codes;
  for (auto part :
       {ImagePullCodes(), CrashCodes(), StartCodes(), SchedulingCodes(), LifecycleCodes()}) {
    codes.insert(codes.end(), std::make_move_iterator(part.begin()),
                 std::make_move_iterator(part.end()));
  }
  return codes;
}

}  // namespace kdiag
