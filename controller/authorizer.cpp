#include "controller/authorizer.h"

namespace kdiag {
namespace {

const ResourceType kSubjectAccessReviews{"authorization.k8s.io", "v1", "subjectaccessreviews",
                                         false};

std::string StringField(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string Describe(const ResourceAttributes& attributes) {
  std::string text = attributes.verb + " " + attributes.resource;
  if (!attributes.group.empty()) text += "." + attributes.group;
  if (!attributes.subresource.empty()) text += "/" + attributes.subresource;
  if (!attributes.name.empty()) text += " " + attributes.name;
  if (!attributes.ns.empty()) text += " in namespace " + attributes.ns;
  return text;
}

nlohmann::json SubjectAccessReviewFor(const UserInfo& user, const ResourceAttributes& attributes) {
  nlohmann::json resource = {
      {"verb", attributes.verb}, {"group", attributes.group}, {"resource", attributes.resource}};
  if (!attributes.subresource.empty()) resource["subresource"] = attributes.subresource;
  if (!attributes.ns.empty()) resource["namespace"] = attributes.ns;
  if (!attributes.name.empty()) resource["name"] = attributes.name;
  nlohmann::json spec = {{"resourceAttributes", std::move(resource)}, {"user", user.username}};
  if (!user.uid.empty()) spec["uid"] = user.uid;
  if (!user.groups.empty()) spec["groups"] = user.groups;
  if (!user.extra.empty()) spec["extra"] = user.extra;
  return {{"apiVersion", "authorization.k8s.io/v1"},
          {"kind", "SubjectAccessReview"},
          {"spec", std::move(spec)}};
}

Result<AccessDecision> SubjectAccessReviewAuthorizer::Check(const UserInfo& user,
                                                            const ResourceAttributes& attributes) {
  auto review = client_.Create(kSubjectAccessReviews, "", SubjectAccessReviewFor(user, attributes));
  if (!review) return Unexpected(review.error());
  const auto status = review->find("status");
  if (!review->is_object() || status == review->end() || !status->is_object() ||
      !status->contains("allowed") || !(*status)["allowed"].is_boolean()) {
    return Unexpected(
        MakeError(ErrorKind::kDecode, "the SubjectAccessReview came back without status.allowed"));
  }
  AccessDecision decision;
  decision.allowed = (*status)["allowed"].get<bool>();
  decision.reason = StringField(*status, "reason");
  // An authorizer that failed to evaluate (a webhook authorizer down) says so here; with RBAC
  // still denying, the decision stands but the error explains it.
  const std::string evaluation_error = StringField(*status, "evaluationError");
  if (!decision.allowed && !evaluation_error.empty()) {
    decision.reason += (decision.reason.empty() ? "" : "; ") + evaluation_error;
  }
  return decision;
}

}  // namespace kdiag
