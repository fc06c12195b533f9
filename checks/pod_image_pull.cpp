// Image pull failures, told apart by the error the runtime returned (containerd and CRI-O
// pass the registry's answer through the kubelet's waiting message and Failed events).
#include <fmt/format.h>

#include "checks/object_fields.h"
#include "checks/pod_problems.h"

namespace kdiag {
namespace {

enum class PullCause { kNotFound, kUnauthorized, kUnreachable, kRateLimited, kOther };

PullCause Classify(std::string_view error) {
  // Order matters: Docker Hub answers an unknown repository with "pull access denied ...
  // repository does not exist", and network errors carry a URL that may say anything.
  if (ContainsAny(
          error, {"toomanyrequests", "429 too many requests", "too many requests", "rate limit"})) {
    return PullCause::kRateLimited;
  }
  if (ContainsAny(error,
                  {"no such host", "dial tcp", "i/o timeout", "x509", "connection refused",
                   "tls handshake timeout", "network is unreachable", "server misbehaving"})) {
    return PullCause::kUnreachable;
  }
  if (ContainsAny(error, {"401 unauthorized", "unauthorized", "pull access denied",
                          "insufficient_scope", "authorization failed", "403 forbidden",
                          "no basic auth credentials", "authentication required", "denied:"})) {
    return PullCause::kUnauthorized;
  }
  if (ContainsAny(error, {"manifest unknown", "not found", "notfound", "name unknown"})) {
    return PullCause::kNotFound;
  }
  return PullCause::kOther;
}

// Kubelet event messages that only repeat the waiting reason ("Error: ErrImagePull") say
// nothing about the cause.
bool Informative(std::string_view message) {
  return !message.starts_with("Error: ") && !message.starts_with("Back-off pulling image");
}

// Secrets named in spec.imagePullSecrets that do not exist: known when the view holds Secrets,
// or from the kubelet's FailedToRetrieveImagePullSecret event when it does not.
std::vector<std::string> MissingPullSecrets(const PodFacts& facts) {
  std::vector<std::string> missing;
  const bool secrets_known = facts.view.Has("Secret");
  const auto failed = EventsWithReason(facts.events.Get(), "FailedToRetrieveImagePullSecret");
  for (const auto& ref : Arr(Obj(facts.pod, "spec"), "imagePullSecrets")) {
    const std::string name(Str(ref, "name"));
    if (name.empty()) continue;
    bool absent = false;
    if (secrets_known) {
      absent = facts.view.Get("Secret", Namespace(facts.pod), name) == nullptr;
    } else {
      absent = std::any_of(failed.begin(), failed.end(), [&](const nlohmann::json* event) {
        return Str(*event, "message").find(name) != std::string_view::npos;
      });
    }
    if (absent) missing.push_back(name);
  }
  return missing;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::optional<PodProblem> ImagePullProblem(const PodFacts& facts, const nlohmann::json& status) {
  const auto& waiting = Obj(Obj(status, "state"), "waiting");
  const auto reason = Str(waiting, "reason");
  // Most containers are not waiting on an image: nothing below is built for them.
  if (reason != "InvalidImageName" && reason != "ErrImagePull" && reason != "ImagePullBackOff" &&
      reason != "ErrImageNeverPull" && reason != "ImageInspectError") {
    return std::nullopt;
  }
  const std::string container(Str(status, "name"));
  const auto* spec = ContainerSpec(facts.pod, container);
  std::string image(spec ? Str(*spec, "image") : Str(status, "image"));

  PodProblem problem;
  problem.container = container;
  problem.params["container"] = container;
  problem.params["image"] = image;
  if (auto node = Str(Obj(facts.pod, "spec"), "nodeName"); !node.empty()) {
    problem.params["node"] = std::string(node);
  }
  problem.evidence.push_back(StateLine(status, facts.now));
  problem.evidence.push_back(fmt::format("image: {}", image));

  if (reason == "InvalidImageName") {
    problem.code = "KD1007";
    problem.message =
        fmt::format("Container {} has an invalid image reference \"{}\"", container, image);
    for (const auto* event : EventsWithReason(facts.events.Get(), "InspectFailed", container)) {
      problem.evidence.push_back(EventLine(*event));
    }
    return problem;
  }
  // The cause is in the waiting message (newer kubelets) and in the Failed pull events.
  std::string error(Str(waiting, "message"));
  std::vector<const nlohmann::json*> pull_events;
  for (const auto* event : EventsWithReason(facts.events.Get(), "Failed", container)) {
    if (Informative(Str(*event, "message"))) pull_events.push_back(event);
  }
  // The newest explains best; two show whether it changed.
  if (pull_events.size() > 2) pull_events.erase(pull_events.begin(), pull_events.end() - 2);
  for (const auto* event : pull_events) {
    error += "\n";
    error += Str(*event, "message");
    problem.evidence.push_back(EventLine(*event));
  }

  const PullCause cause = reason == "ErrImagePull" || reason == "ImagePullBackOff"
                              ? Classify(error)
                              : PullCause::kOther;
  if (cause == PullCause::kUnauthorized || cause == PullCause::kNotFound) {
    if (auto missing = MissingPullSecrets(facts); !missing.empty()) {
      problem.code = "KD1003";
      problem.params["secret"] = missing.front();
      problem.message =
          fmt::format("Container {} cannot pull {}: image pull Secret {} does not exist", container,
                      image, Join(missing));
      problem.evidence.push_back(
          fmt::format("spec.imagePullSecrets names missing Secret(s): {}", Join(missing)));
      for (const auto* event :
           EventsWithReason(facts.events.Get(), "FailedToRetrieveImagePullSecret")) {
        problem.evidence.push_back(EventLine(*event));
      }
      return problem;
    }
  }
  switch (cause) {
    case PullCause::kNotFound:
      problem.code = "KD1001";
      problem.message = fmt::format(
          "Container {} cannot start: image {} does not exist in the registry", container, image);
      break;
    case PullCause::kUnauthorized: {
      problem.code = "KD1002";
      problem.message =
          fmt::format("Container {} cannot start: the registry refuses to let the pod pull {}",
                      container, image);
      const auto& secrets = Arr(Obj(facts.pod, "spec"), "imagePullSecrets");
      if (secrets.empty()) {
        problem.evidence.push_back("the pod has no imagePullSecrets");
      } else {
        std::vector<std::string> names;
        for (const auto& ref : secrets) names.emplace_back(Str(ref, "name"));
        problem.params["secret"] = names.front();
        problem.evidence.push_back(fmt::format("imagePullSecrets: {}", Join(names)));
      }
      break;
    }
    case PullCause::kUnreachable:
      problem.code = "KD1004";
      problem.message = fmt::format(
          "Container {} cannot start: the node cannot reach the registry of {}", container, image);
      break;
    case PullCause::kRateLimited:
      problem.code = "KD1005";
      problem.message = fmt::format(
          "Container {} cannot start: the registry rate-limits pulls of {}", container, image);
      break;
    case PullCause::kOther:
      problem.code = "KD1006";
      problem.message =
          fmt::format("Container {} cannot start: pulling {} fails ({})", container, image, reason);
      break;
  }
  return problem;
}

}  // namespace kdiag
