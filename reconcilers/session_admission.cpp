#include "reconcilers/session_admission.h"

#include "checks/object_fields.h"

namespace kdiag {
namespace {

// The pod permissions a session stands in for: creating the pod, attaching to it, and reading
// it (attaching needs the pod's state).
struct PodPermission {
  const char* verb;
  const char* subresource;
};
constexpr PodPermission kPodPermissions[] = {{"create", ""}, {"create", "attach"}, {"get", ""}};

std::string JoinProblems(const std::vector<SpecProblem>& problems) {
  std::string text;
  for (const auto& problem : problems) {
    text += (text.empty() ? "" : "; ") + problem.field + ": " + problem.reason;
  }
  return text;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

// The owner annotation's raw value; nullopt when the object has none.
std::optional<std::string> OwnerAnnotation(const nlohmann::json& object) {
  const auto& annotations = Obj(Meta(object), "annotations");
  const auto it = annotations.find(std::string(kSessionOwnerAnnotation));
  if (it == annotations.end()) return std::nullopt;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

SessionOwner OwnerFrom(const UserInfo& user) { return {user.username, user.uid, user.groups}; }

// "~" and "/" escaped for a JSON Pointer (RFC 6901).
std::string PointerToken(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

SessionCounts CountActiveSessions(const Store& sessions, std::string_view ns,
                                  std::string_view username) {
  SessionCounts counts;
  for (const auto& object : sessions.List()) {
    if (object->deleting()) continue;  // known without parsing
    const auto session = object->Parse();
    if (!SessionActive(session)) continue;
    if (object->ns() == ns) ++counts.inNamespace;
    if (username.empty()) continue;
    if (const auto owner = OwnerOf(session); owner && owner->username == username) {
      ++counts.ofUser;
    }
  }
  return counts;
}

std::string AuthorizationNamespace(const nlohmann::json& session, const SessionSpec& spec) {
  if (spec.temporaryNamespace || spec.targetNamespace.empty()) {
    return std::string(Namespace(session));
  }
  return spec.targetNamespace;
}

SessionAdmission::SessionAdmission(SessionOptions options, Authorizer& authorizer, Counter counter)
    : options_(std::move(options)), authorizer_(authorizer), counter_(std::move(counter)) {}

AdmissionResponse SessionAdmission::Mutate(const AdmissionRequest& request) const {
  if (request.operation != "CREATE" || !request.object.is_object()) {
    return AdmissionResponse::Allow();
  }
  const std::string owner = OwnerFrom(request.userInfo).ToJson().dump();
  const std::string key(kSessionOwnerAnnotation);
  // "add" creates a member or replaces it, so a value the user wrote is overwritten; the
  // containers it goes into are created when the object lacks them.
  const auto metadata = request.object.find("metadata");
  nlohmann::json operation;
  if (metadata == request.object.end() || !metadata->is_object()) {
    operation = {
        {"op", "add"}, {"path", "/metadata"}, {"value", {{"annotations", {{key, owner}}}}}};
  } else if (const auto annotations = metadata->find("annotations");
             annotations == metadata->end() || !annotations->is_object()) {
    operation = {{"op", "add"}, {"path", "/metadata/annotations"}, {"value", {{key, owner}}}};
  } else {
    operation = {
        {"op", "add"}, {"path", "/metadata/annotations/" + PointerToken(key)}, {"value", owner}};
  }
  return AdmissionResponse::Patch(nlohmann::json::array({std::move(operation)}));
}

AdmissionResponse SessionAdmission::Validate(const AdmissionRequest& request) const {
  if (request.operation == "CREATE") return ValidateCreate(request);
  if (request.operation == "UPDATE" &&
      OwnerAnnotation(request.object) != OwnerAnnotation(request.oldObject)) {
    return AdmissionResponse::Deny(
        403, "the " + std::string(kSessionOwnerAnnotation) +
                 " annotation cannot be added, changed or removed: it records who created the "
                 "session");
  }
  // The spec is immutable (the CRD says so); status and finalizers are the controller's.
  return AdmissionResponse::Allow();
}

AdmissionResponse SessionAdmission::ValidateCreate(const AdmissionRequest& request) const {
  const UserInfo& user = request.userInfo;
  nlohmann::json session = request.object.is_object() ? request.object : nlohmann::json::object();
  if (Namespace(session).empty()) session["metadata"]["namespace"] = request.ns;
  const std::string session_ns(Namespace(session));

  // The owner, as the mutating webhook recorded it. Without it the webhooks are half
  // installed, and a session without an owner must not exist.
  const auto recorded = OwnerAnnotation(session);
  if (!recorded) {
    return AdmissionResponse::Deny(
        500, "the kdiag mutating webhook did not record the owner (" +
                 std::string(kSessionOwnerAnnotation) +
                 "): MutatingWebhookConfiguration kdiag-troubleshootsessions must be installed "
                 "with the ValidatingWebhookConfiguration");
  }
  const auto owner = SessionOwner::FromJson(*recorded);
  if (!owner || *owner != OwnerFrom(user)) {
    return AdmissionResponse::Deny(403, "the " + std::string(kSessionOwnerAnnotation) +
                                            " annotation does not name " + user.username +
                                            ", who is creating the session: only kdiag sets it");
  }

  const auto parsed = ParseSessionSpec(session, options_);
  if (!parsed.problems.empty()) {
    return AdmissionResponse::Deny(422,
                                   "invalid TroubleshootSession: " + JoinProblems(parsed.problems));
  }

  // The session creates a pod on the user's behalf: they must be allowed to do it themselves.
  const std::string pod_ns = AuthorizationNamespace(session, parsed.spec);
  std::vector<std::string> missing;
  for (const auto& permission : kPodPermissions) {
    const ResourceAttributes attributes{.verb = permission.verb,
                                        .group = "",
                                        .resource = "pods",
                                        .subresource = permission.subresource,
                                        .ns = pod_ns,
                                        .name = ""};
    const auto decision = authorizer_.Check(user, attributes);
    if (!decision) {
      return AdmissionResponse::Deny(
          500, "could not check whether " + user.username + " may " + Describe(attributes) + " (" +
                   decision.error().Describe() +
                   "); sessions are refused until the check can be made");
    }
    if (!decision->allowed) {
      std::string what = attributes.verb + " " + attributes.resource;
      if (!attributes.subresource.empty()) what += "/" + attributes.subresource;
      missing.push_back(std::move(what));
    }
  }
  if (!missing.empty()) {
    return AdmissionResponse::Deny(
        403, "user " + user.username + " may not " + JoinWords(missing) + " in namespace " +
                 pod_ns +
                 ": a TroubleshootSession creates a pod there on your behalf, so you need "
                 "these permissions yourself");
  }

  const auto counts = counter_(session_ns, user.username);
  if (!counts) {
    return AdmissionResponse::Deny(
        503,
        "the kdiag webhook has not read the existing sessions yet; try again in a few "
        "seconds");
  }
  if (counts->inNamespace >= options_.maxPerNamespace) {
    return AdmissionResponse::Deny(
        403, "namespace " + session_ns + " has " + std::to_string(counts->inNamespace) +
                 " active TroubleshootSessions, the most allowed (sessions.maxPerNamespace: " +
                 std::to_string(options_.maxPerNamespace) + "); end one first");
  }
  if (counts->ofUser >= options_.maxPerUser) {
    return AdmissionResponse::Deny(
        403, "user " + user.username + " has " + std::to_string(counts->ofUser) +
                 " active TroubleshootSessions, the most allowed per user (sessions.maxPerUser: " +
                 std::to_string(options_.maxPerUser) + "); end one first");
  }
  return AdmissionResponse::Allow();
}

}  // namespace kdiag
