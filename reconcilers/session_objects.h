// What a TroubleshootSession is made of, as the objects the reconciler creates: the temporary
// namespace, the recording claim and the debug pod. Pure functions with deterministic names, so
// a reconcile that is repeated (after a crash, a conflict, a restart) asks for the same objects
// and finds them by name.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reconcilers/session_spec.h"

namespace kdiag {

// Every object a session creates carries these. The UID label is what the controller watches
// by (label values are at most 63 characters, session names are not); the session's
// namespace/name is in kSessionKeyAnnotation.
inline constexpr std::string_view kSessionUidLabel = "kdiag.dev/session-uid";
inline constexpr std::string_view kSessionNameLabel = "kdiag.dev/session";  // when it fits
inline constexpr std::string_view kSessionKeyAnnotation = "kdiag.dev/session";
inline constexpr std::string_view kSessionPurposeAnnotation = "kdiag.dev/purpose";
inline constexpr std::string_view kShellContainer = "shell";
inline constexpr std::string_view kRecorderContainer = "recorder";

struct SessionNames {
  std::string sessionNamespace;
  std::string sessionName;
  std::string podNamespace;        // the session's, the target, or the temporary namespace
  std::string temporaryNamespace;  // empty without temporaryNamespace
  std::string pod;
  std::string claim;          // empty without recording
  std::string recordingPath;  // directory on the claim's volume, e.g. /sessions/ns/name-1a2b3c4d
};

SessionNames NamesOf(const nlohmann::json& session, const SessionSpec& spec);

// "namespace/name" of the session an object was created for; nullopt for other objects.
std::optional<std::string> SessionKeyOf(const nlohmann::json& object);

// kubectl attach -it -n NS POD -c shell
std::string AttachCommand(const SessionNames& names);

nlohmann::json BuildTemporaryNamespace(const nlohmann::json& session, const SessionNames& names);
nlohmann::json BuildRecordingClaim(const nlohmann::json& session, const SessionSpec& spec,
                                   const SessionNames& names);

struct DebugPodInputs {
  const SessionOptions& options;
  std::optional<SessionOwner> owner;
  std::chrono::system_clock::time_point expiresAt;
  std::chrono::system_clock::time_point now;  // activeDeadlineSeconds counts from about now
};
// Meets Pod Security "restricted"; see docs/sessions.md for what each part is for.
nlohmann::json BuildDebugPod(const nlohmann::json& session, const SessionSpec& spec,
                             const SessionNames& names, const DebugPodInputs& inputs);

}  // namespace kdiag
