// May this user do this? Asked of Kubernetes itself (a SubjectAccessReview), for components that
// act on a user's behalf and must not become a way around RBAC.
#pragma once

#include <string>

#include "controller/api_error.h"
#include "controller/client.h"
#include "controller/user_info.h"

namespace kdiag {

// What is asked for, as RBAC sees it.
struct ResourceAttributes {
  std::string verb;   // get, create, ...
  std::string group;  // empty for the core group
  std::string resource;
  std::string subresource;
  std::string ns;
  std::string name;  // empty: any object of the resource
};

// "create pods/attach in namespace shop"
std::string Describe(const ResourceAttributes& attributes);

struct AccessDecision {
  bool allowed = false;
  // The authorizer's explanation; often empty on a plain "no" from RBAC.
  std::string reason;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // A decision, or an error when none could be had (the check was refused, the API server was
  // unreachable): callers that guard something must then refuse.
  virtual Result<AccessDecision> Check(const UserInfo& user,
                                       const ResourceAttributes& attributes) = 0;
};

// Creates an authorization.k8s.io/v1 SubjectAccessReview per check; the client's identity needs
// create on subjectaccessreviews.
class SubjectAccessReviewAuthorizer : public Authorizer {
 public:
  explicit SubjectAccessReviewAuthorizer(Client& client) : client_(client) {}
  Result<AccessDecision> Check(const UserInfo& user, const ResourceAttributes& attributes) override;

 private:
  Client& client_;
};

// The SubjectAccessReview sent for a check.
nlohmann::json SubjectAccessReviewFor(const UserInfo& user, const ResourceAttributes& attributes);

}  // namespace kdiag
