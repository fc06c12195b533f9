// A TroubleshootSession's spec read into what the admission webhook and the reconciler use,
// with the operator's defaults filled in. The API server already validated the schema (TTL at
// most 2h, non-root IDs); what remains is what depends on the operator's configuration (the
// image allow-list, its own TTL ceiling), reported as problems naming the field.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "controller/duration.h"
#include "reconcilers/diagnosis_spec.h"
#include "reconcilers/options.h"

namespace kdiag {

// Who asked for a session, as the API server authenticated them; recorded by the admission
// webhook in this annotation (JSON) when the session is created, and immutable after.
inline constexpr std::string_view kSessionOwnerAnnotation = "kdiag.dev/owner";

struct SessionOwner {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;

  bool operator==(const SessionOwner&) const = default;
  nlohmann::json ToJson() const;
  // nullopt when the text is not an owner document.
  static std::optional<SessionOwner> FromJson(std::string_view text);
};

// The owner recorded on a session, when there is one.
std::optional<SessionOwner> OwnerOf(const nlohmann::json& session);

// The phases of a session that ended: Expired, Terminated, Failed.
bool SessionPhaseEnded(std::string_view phase);
// A session that is not over: it has not ended and is not being deleted.
bool SessionActive(const nlohmann::json& session);

struct SessionSpec {
  std::string image;
  Duration ttl{};
  Duration idleTimeout{};  // zero: no idle timeout
  bool recording = true;
  std::string existingClaim;  // recording.claimName: the user's claim; else one is created
  std::string recordingSize;
  std::string storageClassName;  // empty: the cluster's default class
  bool keepRecordingOnDelete = true;
  int64_t runAsUser = 0;
  int64_t runAsGroup = 0;
  ResourceAmounts requests;
  ResourceAmounts limits;
  std::string targetNamespace;  // empty: the session's own namespace
  bool temporaryNamespace = false;
  std::string nodeName;
  std::map<std::string, std::string> nodeSelector;
  std::string sshSecretName;
  std::string purpose;
  std::vector<std::pair<std::string, std::string>> env;
};

struct ParsedSessionSpec {
  SessionSpec spec;
  std::vector<SpecProblem> problems;
};

ParsedSessionSpec ParseSessionSpec(const nlohmann::json& session, const SessionOptions& options);

// The default image, or one on the allow-list: an exact reference, or a pattern ending in '*'
// that matches by prefix ("registry.example.com/debug/*").
bool ImageAllowed(const SessionOptions& options, std::string_view image);

}  // namespace kdiag
