// Traffic that cannot reach its pods: Services selecting nothing or nothing ready, ports that
// lead nowhere, Ingresses pointing at missing Services, Secrets or classes, and admission
// webhooks that fail closed while their backend is down.
//
// Target ports: Kubernetes resolves a named targetPort through the pods' containerPorts, so a
// name no selected pod declares is always a problem. A numeric targetPort need not be declared
// (containerPorts are informational), so it is reported only when every container of every
// selected pod declares its ports and none declares that one: then the declaration is
// evidently complete and the number is evidently wrong.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "checks/builtin_checks.h"
#include "checks/evidence_text.h"
#include "checks/label_selector.h"
#include "checks/object_fields.h"
#include "checks/pod_readiness.h"

namespace kdiag {
namespace {

const Link kServiceDocs{"Service",
                        "https://kubernetes.io/docs/concepts/services-networking/service/"};
const Link kDebugServiceDocs{
    "Debug Services", "https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/"};
const Link kEndpointSliceDocs{
    "EndpointSlices", "https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/"};
const Link kIngressDocs{"Ingress",
                        "https://kubernetes.io/docs/concepts/services-networking/ingress/"};
const Link kWebhookDocs{
    "Dynamic Admission Control",
    "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/"};

std::vector<CheckCode> Codes() {
  const std::string category = "networking";
  return {
      {"KD3001",
       "Service selector matches no pods",
       Severity::kWarning,
       category,
       "No pod in the namespace carries every label of the Service's selector, so the Service "
       "has no endpoints and connections to it fail. Usually a typo in the selector or in the "
       "pod template's labels.",
       {kDebugServiceDocs, kServiceDocs},
       {"kubectl -n {namespace} get service {name} -o wide",
        "kubectl -n {namespace} get pods --show-labels"}},
      {"KD3002",
       "Service has no ready endpoints",
       Severity::kCritical,
       category,
       "The Service selects pods but none of them is ready, so it has no ready endpoint and "
       "connections to it fail. The pods' own findings usually say why they are not ready.",
       {kDebugServiceDocs, kEndpointSliceDocs},
       {"kubectl -n {namespace} get endpointslices -l kubernetes.io/service-name={name}",
        "kubectl -n {namespace} get pods -l {selector}",
        "kubectl -n {namespace} describe pod {pod}"}},
      {"KD3003",
       "Service targetPort not exposed by its pods",
       Severity::kWarning,
       category,
       "A port of the Service targets a named port no selected pod declares (those pods get no "
       "endpoint for it), or a number none of the pods' declared containerPorts has.",
       {{"Defining a Service",
         "https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service"},
        kDebugServiceDocs},
       {"kubectl -n {namespace} get service {name} -o yaml",
        "kubectl -n {namespace} get pods -l {selector} -o "
        "custom-columns=NAME:.metadata.name,PORTS:.spec.containers[*].ports[*].containerPort"}},
      {"KD3010",
       "Ingress backend Service missing",
       Severity::kWarning,
       category,
       "A rule or the default backend of the Ingress names a Service that does not exist in its "
       "namespace; the ingress controller answers those requests with an error (often 503).",
       {kIngressDocs},
       {"kubectl -n {namespace} get service {service}",
        "kubectl -n {namespace} describe ingress {name}"}},
      {"KD3011",
       "Ingress backend port missing on the Service",
       Severity::kWarning,
       category,
       "A backend of the Ingress names a Service port (by number or name) the Service does not "
       "have.",
       {kIngressDocs, kServiceDocs},
       {"kubectl -n {namespace} get service {service} -o yaml",
        "kubectl -n {namespace} describe ingress {name}"}},
      {"KD3012",
       "Ingress TLS Secret missing",
       Severity::kWarning,
       category,
       "spec.tls names a Secret that does not exist; the ingress controller serves its default "
       "certificate (or no TLS) for those hosts. When cert-manager issues the certificate, its "
       "Certificate and CertificateRequest say why it has not.",
       {{"Ingress TLS", "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls"}},
       {"kubectl -n {namespace} get secret {secret}",
        "kubectl -n {namespace} describe ingress {name}"}},
      {"KD3013",
       "IngressClass missing",
       Severity::kWarning,
       category,
       "The Ingress names an IngressClass that does not exist, or names none while no "
       "IngressClass is marked default (ingressclass.kubernetes.io/is-default-class) and no "
       "controller has admitted it: no ingress controller serves it.",
       {{"Default IngressClass",
         "https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class"},
        {"Ingress Controllers",
         "https://kubernetes.io/docs/concepts/services-networking/ingress-controllers/"}},
       {"kubectl get ingressclass", "kubectl -n {namespace} describe ingress {name}"}},
      {"KD3020",
       "Admission webhook fails closed and its backend is down",
       Severity::kCritical,
       category,
       "A webhook with failurePolicy Fail (the default) calls a Service that is missing or has "
       "no ready endpoints, so the API server rejects every request the webhook's rules match "
       "(often pod creation in whole namespaces).",
       {{"Failure policy",
         "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-"
         "controllers/#failure-policy"},
        kWebhookDocs},
       {"kubectl get {kind} {name} -o yaml",
        "kubectl -n {servicenamespace} get endpointslices -l kubernetes.io/service-name={service}",
        "kubectl -n {servicenamespace} get pods -l {selector}"}},
  };
}

LabelSelector ServiceSelector(const nlohmann::json& service) {
  LabelSelector selector;
  for (const auto& [key, value] : Obj(Obj(service, "spec"), "selector").items()) {
    if (value.is_string()) selector.matchLabels[key] = value.get<std::string>();
  }
  return selector;
}

std::string SelectorText(const LabelSelector& selector) {
  std::string out;
  for (const auto& [key, value] : selector.matchLabels) {
    out += fmt::format("{}{}={}", out.empty() ? "" : ",", key, value);
  }
  return out;
}

// The namespaces' live pods and EndpointSlices, indexed on first use in a run, so that each
// Service finds its own by a label instead of going through every pod and slice.
class Backends {
 public:
  explicit Backends(const ClusterView& view) : view_(view) {}

  // The pods a Service sends traffic to: selected and not finished, in the view's order.
  Objects SelectedPods(const nlohmann::json& service) {
    const auto selector = ServiceSelector(service);
    Objects pods;
    if (selector.Empty()) return pods;
    const Namespaced& of_ns = Of(Namespace(service));
    // A pod matches only with every selected label: the rarest of them gives the candidates.
    // (An empty value also matches a pod without the label, so it is not looked up.)
    const std::vector<size_t>* candidates = nullptr;
    for (const auto& [key, value] : selector.matchLabels) {
      if (value.empty()) continue;
      const auto it = of_ns.podsByLabel.find(LabelKey(key, value));
      if (it == of_ns.podsByLabel.end()) return pods;
      if (!candidates || it->second.size() < candidates->size()) candidates = &it->second;
    }
    const auto consider = [&](const ObjectPtr& pod) {
      if (Matches(selector, Obj(Meta(*pod), "labels"))) pods.push_back(pod);
    };
    if (candidates) {
      for (const size_t i : *candidates) consider(of_ns.livePods[i]);
    } else {
      for (const auto& pod : of_ns.livePods) consider(pod);
    }
    return pods;
  }

  // The EndpointSlices of a Service (labelled kubernetes.io/service-name), in the view's order.
  const Objects& Slices(const nlohmann::json& service) {
    static const Objects kNone;
    const Namespaced& of_ns = Of(Namespace(service));
    const auto it = of_ns.slicesByService.find(Name(service));
    return it == of_ns.slicesByService.end() ? kNone : it->second;
  }

 private:
  struct Namespaced {
    Objects livePods;
    std::unordered_map<std::string, std::vector<size_t>> podsByLabel;  // LabelKey → livePods
    std::map<std::string, Objects, std::less<>> slicesByService;
  };

  static std::string LabelKey(std::string_view key, std::string_view value) {
    std::string out(key);
    out += '\0';  // in no label key
    out += value;
    return out;
  }

  const Namespaced& Of(std::string_view ns) {
    if (const auto it = namespaces_.find(ns); it != namespaces_.end()) return it->second;
    Namespaced& built = namespaces_[std::string(ns)];
    for (auto& pod : view_.List("Pod", ns)) {
      if (PodFinished(*pod)) continue;
      for (const auto& [key, value] : Obj(Meta(*pod), "labels").items()) {
        if (value.is_string()) {
          built.podsByLabel[LabelKey(key, value.get_ref<const std::string&>())].push_back(
              built.livePods.size());
        }
      }
      built.livePods.push_back(std::move(pod));
    }
    for (auto& slice : view_.List("EndpointSlice", ns)) {
      built.slicesByService[std::string(Label(*slice, "kubernetes.io/service-name"))].push_back(
          std::move(slice));
    }
    return built;
  }

  const ClusterView& view_;
  std::map<std::string, Namespaced, std::less<>> namespaces_;
};

struct Endpoints {
  bool known = false;  // the view holds EndpointSlices or Endpoints
  int64_t ready = 0;
  int64_t total = 0;
  std::vector<std::string> evidence;
};

// Ready endpoints of a Service, from its EndpointSlices, else its Endpoints object.
Endpoints ServiceEndpoints(const ClusterView& view, Backends& backends,
                           const nlohmann::json& service) {
  Endpoints out;
  if (view.Has("EndpointSlice")) {
    out.known = true;
    for (const auto& slice : backends.Slices(service)) {
      int64_t ready = 0;
      const auto& endpoints = Arr(*slice, "endpoints");
      for (const auto& endpoint : endpoints) {
        // An unset ready condition means ready (discovery.k8s.io/v1).
        const auto& conditions = Obj(endpoint, "conditions");
        if (!conditions.contains("ready") || Bool(conditions, "ready")) ++ready;
      }
      out.ready += ready;
      out.total += static_cast<int64_t>(endpoints.size());
      out.evidence.push_back(fmt::format("EndpointSlice {}: {} of {} endpoints ready", Name(*slice),
                                         ready, endpoints.size()));
    }
    if (out.evidence.empty()) out.evidence.push_back("no EndpointSlice for the Service");
  } else if (view.Has("Endpoints")) {
    out.known = true;
    const auto endpoints = view.Get("Endpoints", Namespace(service), Name(service));
    for (const auto& subset : endpoints ? Arr(*endpoints, "subsets") : nlohmann::json::array()) {
      out.ready += static_cast<int64_t>(Arr(subset, "addresses").size());
      out.total += static_cast<int64_t>(Arr(subset, "addresses").size() +
                                        Arr(subset, "notReadyAddresses").size());
    }
    out.evidence.push_back(endpoints ? fmt::format("Endpoints {}: {} of {} addresses ready",
                                                   Name(service), out.ready, out.total)
                                     : std::string("no Endpoints object for the Service"));
  }
  return out;
}

Duration Age(const nlohmann::json& object, Timestamp now) {
  return std::chrono::duration_cast<Duration>(now - CreationTime(object));
}

// Every pod younger than `grace`: still starting, not yet a reason for empty endpoints.
bool AllStarting(const Objects& pods, Timestamp now, Duration grace) {
  return !pods.empty() && std::all_of(pods.begin(), pods.end(),
                                      [&](const ObjectPtr& pod) { return Age(*pod, now) < grace; });
}

// A Deployment or StatefulSet scaled to zero whose pods the Service would select: an
// application switched off on purpose.
// The workloads whose pod template the Service selects: with none, no pod is coming.
Objects WorkloadsSelected(const ClusterView& view, const nlohmann::json& service) {
  const auto selector = ServiceSelector(service);
  Objects out;
  for (const auto kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}) {
    for (const auto& workload : view.List(kind, Namespace(service))) {
      const auto& labels = Obj(Meta(Obj(Obj(*workload, "spec"), "template")), "labels");
      if (Matches(selector, labels)) out.push_back(workload);
    }
  }
  return out;
}

bool ScaledToZero(const Objects& workloads) {
  return std::any_of(workloads.begin(), workloads.end(), [](const ObjectPtr& workload) {
    const auto kind = Kind(*workload);
    return (kind == "Deployment" || kind == "StatefulSet") &&
           Int(Obj(*workload, "spec"), "replicas", 1) == 0;
  });
}

struct ContainerPort {
  std::string name;
  int64_t number = 0;
  std::string protocol;
};

// Declared ports of a pod's containers and restartable init (sidecar) containers; *complete
// is cleared when some regular container declares none.
std::vector<ContainerPort> PodPorts(const nlohmann::json& pod, bool* complete) {
  std::vector<ContainerPort> out;
  const auto& spec = Obj(pod, "spec");
  auto add = [&](const nlohmann::json& container) {
    for (const auto& port : Arr(container, "ports")) {
      const auto protocol = Str(port, "protocol");
      out.push_back({std::string(Str(port, "name")), Int(port, "containerPort"),
                     protocol.empty() ? "TCP" : std::string(protocol)});
    }
  };
  for (const auto& container : Arr(spec, "containers")) {
    if (Arr(container, "ports").empty()) *complete = false;
    add(container);
  }
  for (const auto& container : Arr(spec, "initContainers")) {
    if (Str(container, "restartPolicy") == "Always") add(container);
  }
  return out;
}

// "targetPort http (TCP) of port 80 is declared by no selected pod", or "" when fine.
std::string MissingTargetPort(const nlohmann::json& service_port, const Objects& pods) {
  // An unset targetPort is the Service port itself.
  const auto explicit_target = service_port.find("targetPort");
  const nlohmann::json target = explicit_target != service_port.end()
                                    ? *explicit_target
                                    : nlohmann::json(Int(service_port, "port"));
  const std::string protocol =
      Str(service_port, "protocol").empty() ? "TCP" : std::string(Str(service_port, "protocol"));
  bool complete = true;
  bool found = false;
  // One pod declaring the port settles it; the others need not be read.
  for (auto pod = pods.begin(); pod != pods.end() && !found; ++pod) {
    for (const auto& port : PodPorts(**pod, &complete)) {
      if (port.protocol != protocol) continue;
      if (target.is_string() ? port.name == target.get_ref<const std::string&>()
                             : target.is_number() && port.number == target.get<int64_t>()) {
        found = true;
      }
    }
  }
  if (found || (target.is_number() && !complete) || !(target.is_string() || target.is_number())) {
    return {};
  }
  return fmt::format("targetPort {} ({}) of port {} is declared by none of the {} selected pods",
                     target.is_string() ? target.get<std::string>() : target.dump(), protocol,
                     Int(service_port, "port"), pods.size());
}

void CheckService(const CheckContext& ctx, Backends& backends, const nlohmann::json& service,
                  Duration grace, FindingSink& sink) {
  const auto& spec = Obj(service, "spec");
  if (Str(spec, "type") == "ExternalName" || Deleting(service)) return;
  const auto selector = ServiceSelector(service);
  if (selector.Empty()) return;  // endpoints managed by hand or by another controller
  const auto pods = backends.SelectedPods(service);
  const auto selector_text = SelectorText(selector);

  if (pods.empty()) {
    // A workload scaled to zero on purpose needs no endpoints; a young Service whose pods a
    // workload is about to create gets the grace period; a selector no workload's template
    // matches (a typo) is wrong from the start.
    const auto workloads = WorkloadsSelected(ctx.view(), service);
    if (ScaledToZero(workloads)) return;
    if (!workloads.empty() && Age(service, ctx.now()) < grace) return;
    Finding& f = sink.Add("KD3001", service);
    f.message = fmt::format("Service {} selects no pods: no pod in {} has labels {}", Name(service),
                            Namespace(service), selector_text);
    f.evidence.push_back(fmt::format("selector {}", selector_text));
    f.params["selector"] = selector_text;
    return;
  }

  const auto endpoints = ServiceEndpoints(ctx.view(), backends, service);
  if (endpoints.known && endpoints.ready == 0 && !AllStarting(pods, ctx.now(), grace)) {
    Finding& f = sink.Add("KD3002", service);
    f.message = fmt::format("Service {} selects {} pods but has no ready endpoint", Name(service),
                            pods.size());
    f.evidence = endpoints.evidence;
    for (const auto& pod : pods) {
      if (auto not_ready = NotReadyFor(*pod, ctx.now())) {
        if (!f.params.contains("pod")) f.params["pod"] = std::string(Name(*pod));
        if (f.evidence.size() < 6) f.evidence.push_back(NotReadyEvidence(*pod, *not_ready));
      }
    }
    f.params["selector"] = selector_text;
  }

  std::vector<std::string> missing;
  for (const auto& port : Arr(spec, "ports")) {
    if (auto problem = MissingTargetPort(port, pods); !problem.empty()) {
      missing.push_back(std::move(problem));
    }
  }
  if (!missing.empty()) {
    Finding& f = sink.Add("KD3003", service);
    f.message = fmt::format("Service {}: {}", Name(service), missing.front());
    f.evidence = missing;
    f.params["selector"] = selector_text;
  }
}

// The Service backends of an Ingress: the default backend and every rule path's.
std::vector<nlohmann::json> IngressServiceBackends(const nlohmann::json& ingress) {
  std::vector<nlohmann::json> out;
  const auto& spec = Obj(ingress, "spec");
  if (const auto& service = Obj(Obj(spec, "defaultBackend"), "service"); !service.empty()) {
    out.push_back(service);
  }
  for (const auto& rule : Arr(spec, "rules")) {
    for (const auto& path : Arr(Obj(rule, "http"), "paths")) {
      const auto& service = Obj(Obj(path, "backend"), "service");
      if (!service.empty()) out.push_back(service);
    }
  }
  return out;
}

bool ServiceHasPort(const nlohmann::json& service, const nlohmann::json& port) {
  const auto& ports = Arr(Obj(service, "spec"), "ports");
  return std::any_of(ports.begin(), ports.end(), [&](const nlohmann::json& p) {
    if (!Str(port, "name").empty()) return Str(p, "name") == Str(port, "name");
    return Int(p, "port") == Int(port, "number");
  });
}

std::string PortText(const nlohmann::json& port) {
  return Str(port, "name").empty() ? std::to_string(Int(port, "number"))
                                   : std::string(Str(port, "name"));
}

void CheckIngressBackends(const CheckContext& ctx, const nlohmann::json& ingress,
                          FindingSink& sink) {
  if (!ctx.view().Has("Service")) return;
  std::vector<std::string> missing_services;
  std::vector<std::string> missing_ports;
  std::map<std::string, std::string> first_service;  // code → service
  for (const auto& backend : IngressServiceBackends(ingress)) {
    const std::string name(Str(backend, "name"));
    const auto service = ctx.view().Get("Service", Namespace(ingress), name);
    if (!service) {
      const auto line = fmt::format("backend Service {} does not exist", name);
      if (std::find(missing_services.begin(), missing_services.end(), line) ==
          missing_services.end()) {
        missing_services.push_back(line);
        first_service.emplace("KD3010", name);
      }
      continue;
    }
    const auto& port = Obj(backend, "port");
    // An ExternalName Service may list no ports; the controller uses the number as given.
    if (port.empty() || (Str(Obj(*service, "spec"), "type") == "ExternalName" &&
                         Arr(Obj(*service, "spec"), "ports").empty())) {
      continue;
    }
    if (!ServiceHasPort(*service, port)) {
      const auto line = fmt::format("backend Service {} has no port {}", name, PortText(port));
      if (std::find(missing_ports.begin(), missing_ports.end(), line) == missing_ports.end()) {
        missing_ports.push_back(line);
        first_service.emplace("KD3011", name);
      }
    }
  }
  for (const auto& [code, lines] :
       {std::pair{"KD3010", &missing_services}, std::pair{"KD3011", &missing_ports}}) {
    if (lines->empty()) continue;
    Finding& f = sink.Add(code, ingress);
    f.message = fmt::format("Ingress {}: {}", Name(ingress), lines->front());
    f.evidence = *lines;
    f.params["service"] = first_service[code];
  }
}

void CheckIngressTls(const CheckContext& ctx, const nlohmann::json& ingress, Duration grace,
                     FindingSink& sink) {
  if (!ctx.view().Has("Secret")) return;
  // cert-manager creates the Secret shortly after the Ingress; give it the time it takes.
  const bool issued_by_cert_manager =
      !Annotation(ingress, "cert-manager.io/issuer").empty() ||
      !Annotation(ingress, "cert-manager.io/cluster-issuer").empty();
  if (issued_by_cert_manager && Age(ingress, ctx.now()) < grace) return;
  std::vector<std::string> missing;
  std::string first;
  for (const auto& tls : Arr(Obj(ingress, "spec"), "tls")) {
    const std::string secret(Str(tls, "secretName"));
    if (secret.empty() || ctx.view().Get("Secret", Namespace(ingress), secret)) continue;
    if (first.empty()) first = secret;
    std::string hosts;
    for (const auto& host : Arr(tls, "hosts")) {
      if (host.is_string()) hosts += (hosts.empty() ? "" : ", ") + host.get<std::string>();
    }
    missing.push_back(fmt::format("TLS Secret {} (hosts {}) does not exist", secret,
                                  hosts.empty() ? "any" : hosts));
  }
  if (missing.empty()) return;
  Finding& f = sink.Add("KD3012", ingress);
  f.message = fmt::format("Ingress {}: {}", Name(ingress), missing.front());
  f.evidence = missing;
  if (issued_by_cert_manager) {
    f.evidence.push_back("the Ingress asks cert-manager for the certificate");
  }
  f.params["secret"] = first;
}

bool IsDefaultIngressClass(const nlohmann::json& ingress_class) {
  return Annotation(ingress_class, "ingressclass.kubernetes.io/is-default-class") == "true";
}

void CheckIngressClass(const CheckContext& ctx, const nlohmann::json& ingress, FindingSink& sink) {
  if (!ctx.view().Has("IngressClass")) return;
  const auto classes = ctx.view().List("IngressClass", "");
  std::string class_names;
  for (const auto& ingress_class : classes) {
    class_names += fmt::format("{}{}{}", class_names.empty() ? "" : ", ", Name(*ingress_class),
                               IsDefaultIngressClass(*ingress_class) ? " (default)" : "");
  }
  const auto existing =
      fmt::format("IngressClasses: {}", class_names.empty() ? "none" : class_names);

  const std::string class_name(Str(Obj(ingress, "spec"), "ingressClassName"));
  if (!class_name.empty()) {
    if (ctx.view().Get("IngressClass", "", class_name)) return;
    Finding& f = sink.Add("KD3013", ingress);
    f.message = fmt::format("Ingress {} names IngressClass {}, which does not exist", Name(ingress),
                            class_name);
    f.evidence = {fmt::format("spec.ingressClassName: {}", class_name), existing};
    f.params["ingressclass"] = class_name;
    return;
  }
  // The legacy annotation names a class the controller matches by its own flag.
  if (!Annotation(ingress, "kubernetes.io/ingress.class").empty()) return;
  if (std::any_of(classes.begin(), classes.end(),
                  [](const ObjectPtr& c) { return IsDefaultIngressClass(*c); })) {
    return;
  }
  // Some controllers serve Ingresses without a class when told to; an address shows one did.
  if (!Arr(Obj(Obj(ingress, "status"), "loadBalancer"), "ingress").empty()) return;
  Finding& f = sink.Add("KD3013", ingress);
  f.message = fmt::format(
      "Ingress {} names no IngressClass and no IngressClass is the default: no controller "
      "serves it",
      Name(ingress));
  f.evidence = {"no spec.ingressClassName and no kubernetes.io/ingress.class annotation", existing,
                "status.loadBalancer is empty: no controller has admitted it"};
}

bool Examined(const CheckContext& ctx, std::string_view ns) {
  return ctx.allNamespaces() ||
         std::find(ctx.namespaces().begin(), ctx.namespaces().end(), ns) != ctx.namespaces().end();
}

void CheckWebhookConfiguration(const CheckContext& ctx, Backends& backends,
                               const nlohmann::json& configuration, Duration grace,
                               FindingSink& sink) {
  std::vector<std::string> broken;
  std::map<std::string, std::string> params;
  for (const auto& webhook : Arr(configuration, "webhooks")) {
    const auto& service_ref = Obj(Obj(webhook, "clientConfig"), "service");
    const std::string ns(Str(service_ref, "namespace"));
    const std::string name(Str(service_ref, "name"));
    if (name.empty() || !Examined(ctx, ns)) continue;
    const auto policy = Str(webhook, "failurePolicy");
    if (!policy.empty() && policy != "Fail") continue;  // Ignore: requests pass when it is down

    const auto service = ctx.view().Get("Service", ns, name);
    std::string problem;
    if (!service) {
      if (!ctx.view().Has("Service")) continue;
      problem = "does not exist";
    } else {
      if (Str(Obj(*service, "spec"), "type") == "ExternalName") continue;
      const auto endpoints = ServiceEndpoints(ctx.view(), backends, *service);
      if (!endpoints.known || endpoints.ready > 0) continue;
      const auto pods = backends.SelectedPods(*service);
      if (AllStarting(pods, ctx.now(), grace)) continue;
      problem = fmt::format("has no ready endpoints ({} of {}; {} pods selected)", endpoints.ready,
                            endpoints.total, pods.size());
      if (params.empty()) {
        const auto selector = SelectorText(ServiceSelector(*service));
        if (!selector.empty()) params["selector"] = selector;
      }
    }
    broken.push_back(fmt::format("webhook {} (failurePolicy Fail) calls Service {}/{}, which {}",
                                 Str(webhook, "name"), ns, name, problem));
    params.emplace("service", name);
    params.emplace("servicenamespace", ns);
  }
  if (broken.empty()) return;
  Finding& f = sink.Add("KD3020", configuration);
  f.message = fmt::format("{} {}: {}; the API server rejects the requests it matches",
                          Kind(configuration), Name(configuration), broken.front());
  f.evidence = broken;
  f.params = params;
}

}  // namespace

CheckDefinition NetworkingChecks(const BuiltinCheckOptions& options) {
  const Duration grace = options.stuckCreatingAfter;
  return {
      "networking", Stage::kNamespace, Codes(),
      [grace](const CheckContext& ctx, FindingSink& sink) {
        Backends backends(ctx.view());
        for (const auto& service : ctx.InScope("Service")) {
          if (ctx.OverBudget()) return;
          CheckService(ctx, backends, *service, grace, sink);
        }
        for (const auto& ingress : ctx.InScope("Ingress")) {
          if (ctx.OverBudget()) return;
          if (Deleting(*ingress)) continue;
          CheckIngressBackends(ctx, *ingress, sink);
          CheckIngressTls(ctx, *ingress, grace, sink);
          CheckIngressClass(ctx, *ingress, sink);
        }
        // Cluster-scoped: reported when their backend lives in an examined namespace.
        for (const auto kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
          for (const auto& configuration : ctx.view().List(kind, "")) {
            if (ctx.OverBudget()) return;
            if (ctx.Selected(*configuration)) {
              CheckWebhookConfiguration(ctx, backends, *configuration, grace, sink);
            }
          }
        }
      }};
}

}  // namespace kdiag
