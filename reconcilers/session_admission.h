// The admission policy of TroubleshootSessions. A session makes the controller create a pod on
// the user's behalf, so it must not become a way around RBAC: the mutating webhook records who
// asked (the kdiag.dev/owner annotation), and the validating webhook admits a session only when
// that user may create and attach to pods where the pod will run, the spec fits the operator's
// configuration (image allow-list, TTL ceiling), and the per-namespace and per-user limits
// leave room. The owner annotation cannot change afterwards.
//
// Pure apart from the authorizer and the count of active sessions it is given.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "controller/authorizer.h"
#include "controller/store.h"
#include "controller/webhook_server.h"
#include "reconcilers/options.h"
#include "reconcilers/session_spec.h"

namespace kdiag {

inline constexpr std::string_view kSessionMutatePath = "/mutate-troubleshootsession";
inline constexpr std::string_view kSessionValidatePath = "/validate-troubleshootsession";

// Sessions that are not over: a phase other than Expired, Terminated or Failed, and not being
// deleted.
struct SessionCounts {
  int inNamespace = 0;  // in the namespace asked about
  int ofUser = 0;       // owned by the user asked about (the owner annotation's username)
};

SessionCounts CountActiveSessions(const Store& sessions, std::string_view ns,
                                  std::string_view username);

// The namespace whose pod permissions a session needs: where its pod runs (the target
// namespace, else the session's own); for a temporary namespace, which does not exist yet, the
// session's own.
std::string AuthorizationNamespace(const nlohmann::json& session, const SessionSpec& spec);

class SessionAdmission {
 public:
  // The active sessions in a namespace and of a user; nullopt while they are not known yet (the
  // cache has not synced).
  using Counter =
      std::function<std::optional<SessionCounts>(std::string_view ns, std::string_view username)>;

  SessionAdmission(SessionOptions options, Authorizer& authorizer, Counter counter);

  // CREATE: records the requesting user in the owner annotation (a JSON patch), replacing any
  // value the request carried. Anything else passes unchanged.
  AdmissionResponse Mutate(const AdmissionRequest& request) const;
  // CREATE: the owner recorded is the requesting user; the spec is valid under the operator's
  // configuration (422); the user may create pods, create pods/attach and get pods in the
  // authorization namespace (403); the limits leave room (403). UPDATE: the owner annotation
  // is unchanged. A check that cannot be made denies (fail closed).
  AdmissionResponse Validate(const AdmissionRequest& request) const;

 private:
  AdmissionResponse ValidateCreate(const AdmissionRequest& request) const;

  SessionOptions options_;
  Authorizer& authorizer_;
  Counter counter_;
};

}  // namespace kdiag
