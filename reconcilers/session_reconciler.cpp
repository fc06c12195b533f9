#include "reconcilers/session_reconciler.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checks/object_fields.h"
#include "controller/finalizers.h"
#include "controller/micro_time.h"
#include "reconcilers/conditions.h"
#include "reconcilers/kdiag_resources.h"

namespace kdiag {
namespace {

using resources::kNamespaces;
using resources::kPersistentVolumeClaims;
using resources::kPersistentVolumes;
using resources::kPods;

constexpr std::string_view kFieldManager = "kdiag-controller";
constexpr std::string_view kRecordingPathAnnotation = "kdiag.dev/recording-path";
// How often an existing claim the user named (not watched) is looked at until it binds.
constexpr auto kClaimPoll = std::chrono::seconds(5);

std::string_view PhaseOf(EndReason reason) {
  switch (reason) {
    case EndReason::kTTL:
    case EndReason::kIdle:
      return "Expired";
    case EndReason::kDeleted:
    case EndReason::kExited:
      return "Terminated";
    case EndReason::kPodFailed:
      return "Failed";
  }
  return "Failed";
}

// The Ready condition's reason once a session ended.
std::string_view ConditionReasonOf(EndReason reason) {
  switch (reason) {
    case EndReason::kTTL:
      return "TTLExpired";
    case EndReason::kIdle:
      return "IdleTimeout";
    case EndReason::kDeleted:
      return "Deleted";
    case EndReason::kExited:
      return "ShellExited";
    case EndReason::kPodFailed:
      return "PodFailed";
  }
  return "PodFailed";
}

std::string ApiFailure(std::string_view what, const ApiError& error) {
  return fmt::format("{}: {}", what, error.Describe());
}

// The objects of a store that a session created, by its namespace/name.
std::vector<nlohmann::json> CreatedFor(const Store& store, const std::string& key) {
  std::vector<nlohmann::json> out;
  for (const auto& cached : store.List()) {
    auto object = cached->Parse();
    if (SessionKeyOf(object) == key) out.push_back(std::move(object));
  }
  return out;
}

void SetRecorderFields(nlohmann::json& status, const RecorderReport& report) {
  if (!report.digest.empty()) status["recordingDigest"] = report.digest;
  if (report.lastActivityAt) status["lastActivityAt"] = FormatTime(*report.lastActivityAt);
}

}  // namespace

struct SessionReconciler::Session {
  std::string key;
  nlohmann::json object;
  ParsedSessionSpec parsed;
  SessionNames names;
  Timestamp created;
  Timestamp expiresAt;
  Timestamp now;
  std::optional<SessionOwner> owner;
  nlohmann::json pod;  // null while there is none
  std::string volumeName;

  const nlohmann::json& Status() const { return Obj(object, "status"); }
  std::string_view Phase() const { return Str(Status(), "phase"); }
};

SessionReconciler::SessionReconciler(SessionReconcilerDeps deps, SessionOptions options)
    : deps_(deps),
      options_(std::move(options)),
      statusWriter_(deps.client, deps.clock, {.fieldManager = std::string(kFieldManager)},
                    deps.registry) {}

ReconcileOutcome SessionReconciler::Reconcile(const std::string& key, const std::stop_token&) {
  const auto [ns, name] = SplitObjectKey(key);
  const auto cached = deps_.sessions.Get(ns, name);
  if (!cached) {
    NoteActive(key, false);
    return Sweep(key);
  }

  Session session;
  session.key = key;
  session.object = cached->Parse();
  NoteActive(key, SessionActive(session.object));
  session.parsed = ParseSessionSpec(session.object, options_);
  session.names = NamesOf(session.object, session.parsed.spec);
  session.now = deps_.clock.WallNow();
  session.created = ParseTime(Str(Meta(session.object), "creationTimestamp")).value_or(session.now);
  // From the creation, not from the first reconcile: a controller that was down does not
  // lengthen a session.
  session.expiresAt =
      session.created + std::chrono::duration_cast<Timestamp::duration>(session.parsed.spec.ttl);
  session.owner = OwnerOf(session.object);
  if (const auto pod = deps_.pods.Get(session.names.podNamespace, session.names.pod)) {
    session.pod = pod->Parse();
    // A pod of the same name from an earlier session of the same name is not this one's.
    if (Label(session.pod, kSessionUidLabel) != Uid(session.object)) {
      auto deleted = deps_.client.Delete(kPods, session.names.podNamespace, session.names.pod,
                                         {.preconditionUid = std::string(Uid(session.pod))});
      if (!deleted && deleted.error().kind != ErrorKind::kNotFound &&
          deleted.error().kind != ErrorKind::kConflict) {
        return tl::unexpected(ApiFailure("deleting an earlier session's pod", deleted.error()));
      }
      return ReconcileResult::RequeueAfter(std::chrono::seconds(1));
    }
  }

  if (Deleting(session.object)) return Finalize(session);
  if (SessionPhaseEnded(session.Phase())) return AfterEnd(session);
  return Advance(session);
}

ReconcileOutcome SessionReconciler::Advance(Session& session) {
  if (!HasFinalizer(session.object, kSessionFinalizer)) {
    auto updated = AddFinalizer(deps_.client, kTroubleshootSessions, session.object,
                                kSessionFinalizer, {.fieldManager = std::string(kFieldManager)});
    if (!updated) {
      if (updated.error().kind == ErrorKind::kNotFound) return ReconcileResult::Done();
      return tl::unexpected(ApiFailure("adding the finalizer", updated.error()));
    }
    session.object = std::move(*updated);
    if (Deleting(session.object)) return Finalize(session);
  }
  if (!session.parsed.problems.empty()) {
    std::string message;
    for (const auto& problem : session.parsed.problems) {
      if (!message.empty()) message += "; ";
      message += problem.field + ": " + problem.reason;
    }
    return Fail(session, "InvalidSpec", message);
  }
  if (session.now >= session.expiresAt) {
    return End(session, {EndReason::kTTL, "the session's TTL ran out", std::nullopt});
  }
  if (auto done = EnsureNamespace(session)) return *done;
  if (auto done = EnsureClaim(session)) return *done;
  if (auto done = EnsurePod(session)) return *done;

  const auto& spec = session.parsed.spec;
  const auto& names = session.names;
  const auto pod_state =
      session.pod.is_null() ? SessionPodState{} : ObserveSessionPod(session.pod, session.expiresAt);
  if (pod_state.ended) {
    return End(session, {*pod_state.ended, pod_state.endMessage, pod_state.recorder});
  }
  if (!session.pod.is_null() && Deleting(session.pod)) {
    return End(session, {EndReason::kDeleted, "the debug pod was deleted", pod_state.recorder});
  }

  const bool first_run = pod_state.running && Str(session.Status(), "startedAt").empty();
  const int64_t generation = Int(Meta(session.object), "generation");
  auto written = WriteStatus(session, [&](nlohmann::json& status, const nlohmann::json&) {
    // Our cache lagged behind an ending another reconcile wrote: it stands.
    if (SessionPhaseEnded(Str(status, "phase"))) return;
    status["phase"] = pod_state.running ? "Running" : "Pending";
    status["observedGeneration"] = generation;
    status["podName"] = names.pod;
    status["namespace"] = names.podNamespace;
    status["expiresAt"] = FormatTime(session.expiresAt);
    status["attachCommand"] = AttachCommand(names);
    if (session.owner) status["owner"] = session.owner->ToJson();
    if (pod_state.running && !status.contains("startedAt")) {
      status["startedAt"] = FormatTime(pod_state.startedAt.value_or(session.now));
    }
    if (spec.recording) {
      status["claimName"] = names.claim;
      status["recordingPath"] = names.recordingPath;
      if (!session.volumeName.empty()) status["volumeName"] = session.volumeName;
    }
    auto& conditions = status["conditions"];
    if (pod_state.running) {
      SetCondition(conditions, "Ready", true, "PodRunning", "attach with: " + AttachCommand(names),
                   generation, session.now);
    } else {
      const auto reason = pod_state.waitingReason.empty() ? "PodPending" : pod_state.waitingReason;
      SetCondition(conditions, "Ready", false, reason,
                   pod_state.waitingMessage.empty() ? "waiting for the debug pod to run"
                                                    : pod_state.waitingMessage,
                   generation, session.now);
    }
    if (!spec.recording) {
      SetCondition(conditions, "Recording", false, "RecordingDisabled",
                   "spec.recording.enabled is false", generation, session.now);
    } else if (session.volumeName.empty()) {
      SetCondition(conditions, "Recording", false, "ClaimPending",
                   "waiting for claim " + names.claim + " to be bound", generation, session.now);
    } else {
      SetCondition(
          conditions, "Recording", pod_state.running,
          pod_state.running ? "Recording" : "PodPending",
          fmt::format("recording to {} on volume {}", names.recordingPath, session.volumeName),
          generation, session.now);
    }
  });
  if (!written) {
    if (written.error().kind == ErrorKind::kNotFound) return ReconcileResult::Done();
    return tl::unexpected(ApiFailure("writing the status", written.error()));
  }
  if (first_run) {
    const auto started = pod_state.startedAt.value_or(session.now);
    if (deps_.metrics != nullptr) deps_.metrics->Running(started - session.created);
    deps_.events.Record(session.object, EventType::kNormal, "Running", "Start",
                        fmt::format("debug pod {}/{} runs; attach with: {}", names.podNamespace,
                                    names.pod, AttachCommand(names)));
  }
  auto next = std::chrono::duration_cast<Duration>(session.expiresAt - session.now);
  // A claim the user named is not watched: look again until it is bound.
  if (spec.recording && !spec.existingClaim.empty() && session.volumeName.empty()) {
    next = std::min<Duration>(next, kClaimPoll);
  }
  return ReconcileResult::RequeueAfter(next);
}

std::optional<ReconcileOutcome> SessionReconciler::EnsureNamespace(const Session& session) {
  const auto& name = session.names.temporaryNamespace;
  if (name.empty()) return std::nullopt;
  nlohmann::json existing;
  if (const auto cached = deps_.namespaces.Get("", name)) {
    existing = cached->Parse();
  } else {
    auto created = deps_.client.Create(kNamespaces, "",
                                       BuildTemporaryNamespace(session.object, session.names));
    if (created) {
      spdlog::info("session {}: created temporary namespace {}", session.key, name);
      return std::nullopt;
    }
    if (created.error().kind != ErrorKind::kAlreadyExists) {
      return tl::unexpected(ApiFailure("creating namespace " + name, created.error()));
    }
    // Not in our cache: not created by a session.
    return Fail(session, "NamespaceConflict",
                fmt::format("namespace {} exists and was not created for this session", name));
  }
  if (Label(existing, kSessionUidLabel) != Uid(session.object)) {
    if (SessionKeyOf(existing) == session.key && Deleting(existing)) {
      // Left by an earlier session of the same name and still being removed.
      return ReconcileResult::RequeueAfter(std::chrono::seconds(2));
    }
    return Fail(session, "NamespaceConflict",
                fmt::format("namespace {} belongs to another session", name));
  }
  return std::nullopt;
}

std::optional<ReconcileOutcome> SessionReconciler::EnsureClaim(Session& session) {
  const auto& spec = session.parsed.spec;
  const auto& names = session.names;
  if (!spec.recording) return std::nullopt;
  nlohmann::json claim;
  if (!spec.existingClaim.empty()) {
    auto got = deps_.client.Get(kPersistentVolumeClaims, names.podNamespace, names.claim);
    if (!got) {
      if (got.error().kind == ErrorKind::kNotFound) {
        return Fail(session, "ClaimNotFound",
                    fmt::format("spec.recording.claimName: claim {} does not exist in namespace {}",
                                names.claim, names.podNamespace));
      }
      return tl::unexpected(ApiFailure("reading claim " + names.claim, got.error()));
    }
    claim = std::move(*got);
  } else if (const auto cached = deps_.claims.Get(names.podNamespace, names.claim)) {
    claim = cached->Parse();
    if (Label(claim, kSessionUidLabel) != Uid(session.object)) {
      // A retained claim of an earlier session of the same name: its recording stays; this
      // session cannot use the name.
      return Fail(session, "ClaimConflict",
                  fmt::format("claim {} belongs to an earlier session; delete it or name this "
                              "session differently",
                              names.claim));
    }
  } else {
    auto created = deps_.client.Create(kPersistentVolumeClaims, names.podNamespace,
                                       BuildRecordingClaim(session.object, spec, names));
    if (!created && created.error().kind != ErrorKind::kAlreadyExists) {
      if (created.error().kind == ErrorKind::kForbidden ||
          created.error().kind == ErrorKind::kInvalid) {
        return Fail(session, "ClaimRefused",
                    ApiFailure("creating the recording claim", created.error()));
      }
      return tl::unexpected(ApiFailure("creating claim " + names.claim, created.error()));
    }
    if (created) {
      spdlog::info("session {}: created claim {}/{}", session.key, names.podNamespace, names.claim);
      claim = std::move(*created);
    }
  }

  session.volumeName = Str(Obj(claim, "spec"), "volumeName");
  if (session.volumeName.empty() || !Str(session.Status(), "volumeName").empty()) {
    return std::nullopt;
  }
  // Newly bound: the volume outlives the claim whatever its class says, and names its session.
  nlohmann::json labels = {{std::string(kSessionUidLabel), std::string(Uid(session.object))},
                           {"app.kubernetes.io/managed-by", "kdiag"}};
  if (names.sessionName.size() <= 63) labels[kSessionNameLabel] = names.sessionName;
  const nlohmann::json patch = {
      {"metadata",
       {{"labels", labels},
        {"annotations",
         {{std::string(kSessionKeyAnnotation), session.key},
          {std::string(kRecordingPathAnnotation), names.recordingPath}}}}},
      {"spec", {{"persistentVolumeReclaimPolicy", "Retain"}}}};
  auto patched = deps_.client.Patch(kPersistentVolumes, "", session.volumeName, PatchType::kMerge,
                                    patch.dump(), {.fieldManager = std::string(kFieldManager)});
  if (!patched) {
    deps_.events.Record(
        session.object, EventType::kWarning, "VolumeNotRetained", "Record",
        ApiFailure("marking volume " + session.volumeName + " Retain", patched.error()));
    return tl::unexpected(ApiFailure("patching volume " + session.volumeName, patched.error()));
  }
  deps_.events.Record(session.object, EventType::kNormal, "VolumeRetained", "Record",
                      fmt::format("recording onto volume {} (claim {}/{}), kept after the session",
                                  session.volumeName, names.podNamespace, names.claim));
  return std::nullopt;
}

std::optional<ReconcileOutcome> SessionReconciler::EnsurePod(Session& session) {
  if (!session.pod.is_null()) return std::nullopt;
  if (!Str(session.Status(), "startedAt").empty()) {
    // It ran, and is gone: someone deleted it (or its node went).
    return End(session, {EndReason::kDeleted, "the debug pod was deleted", std::nullopt});
  }
  const auto pod = BuildDebugPod(session.object, session.parsed.spec, session.names,
                                 {.options = options_,
                                  .owner = session.owner,
                                  .expiresAt = session.expiresAt,
                                  .now = session.now});
  auto created = deps_.client.Create(kPods, session.names.podNamespace, pod);
  if (!created) {
    const auto& error = created.error();
    if (error.kind == ErrorKind::kAlreadyExists) return std::nullopt;  // our cache lags
    if (error.kind == ErrorKind::kNotFound) {
      return Fail(session, "NamespaceNotFound",
                  fmt::format("namespace {} does not exist", session.names.podNamespace));
    }
    // Quota, Pod Security, an admission webhook, an invalid field: the API's message says which.
    if (error.kind == ErrorKind::kForbidden || error.kind == ErrorKind::kInvalid) {
      return Fail(session, "PodRefused", ApiFailure("creating the debug pod", error));
    }
    return tl::unexpected(ApiFailure("creating the debug pod", error));
  }
  session.pod = std::move(*created);
  spdlog::info("session {}: created pod {}/{}", session.key, session.names.podNamespace,
               session.names.pod);
  if (deps_.metrics != nullptr) deps_.metrics->Started();
  deps_.events.Record(
      session.object, EventType::kNormal, "PodCreated", "Create",
      fmt::format("created debug pod {}/{}, expires at {}", session.names.podNamespace,
                  session.names.pod, FormatTime(session.expiresAt)));
  return std::nullopt;
}

ReconcileOutcome SessionReconciler::End(const Session& session, const Ending& ending) {
  if (auto deleted = DeletePod(session); !deleted) {
    return tl::unexpected(ApiFailure("deleting the debug pod", deleted.error()));
  }
  const auto phase = PhaseOf(ending.reason);
  const int64_t generation = Int(Meta(session.object), "generation");
  bool ended_now = false;
  auto written = WriteStatus(session, [&](nlohmann::json& status, const nlohmann::json&) {
    // The first ending stands; a later reconcile on a lagging cache only adds the recording.
    ended_now = !SessionPhaseEnded(Str(status, "phase"));
    if (!ended_now) {
      if (ending.recorder && !status.contains("recordingDigest")) {
        SetRecorderFields(status, *ending.recorder);
      }
      return;
    }
    status["phase"] = phase;
    status["terminationReason"] = ToString(ending.reason);
    status["observedGeneration"] = generation;
    if (!status.contains("endedAt")) status["endedAt"] = FormatTime(session.now);
    if (!status.contains("expiresAt")) status["expiresAt"] = FormatTime(session.expiresAt);
    if (ending.recorder) SetRecorderFields(status, *ending.recorder);
    SetCondition(status["conditions"], "Ready", false, ConditionReasonOf(ending.reason),
                 ending.message, generation, session.now);
    if (ending.recorder && ending.recorder->reason == "failed") {
      SetCondition(status["conditions"], "Recording", false, "RecordingFailed",
                   ending.recorder->error, generation, session.now);
    } else if (session.parsed.spec.recording) {
      SetCondition(status["conditions"], "Recording", false, "SessionEnded",
                   fmt::format("the recording is kept at {} on claim {}",
                               session.names.recordingPath, session.names.claim),
                   generation, session.now);
    }
  });
  if (!written) {
    if (written.error().kind == ErrorKind::kNotFound) return ReconcileResult::Done();
    return tl::unexpected(ApiFailure("writing the status", written.error()));
  }
  if (!ended_now) return ReconcileResult::Done();
  const auto type =
      ending.reason == EndReason::kPodFailed ? EventType::kWarning : EventType::kNormal;
  deps_.events.Record(
      session.object, type, std::string(ConditionReasonOf(ending.reason)), "End",
      fmt::format("session ended ({}): {}", ToString(ending.reason), ending.message));
  spdlog::info("session {}: ended ({}): {}", session.key, ToString(ending.reason), ending.message);
  NoteActive(session.key, false);
  if (deps_.metrics != nullptr) {
    deps_.metrics->Ended(ending.reason, session.now - session.created);
    if (ending.recorder) {
      if (ending.recorder->reason == "failed") deps_.metrics->RecordingFailed();
      if (!ending.recorder->digest.empty()) deps_.metrics->Recorded(ending.recorder->bytes);
    }
  }
  return ReconcileResult::Done();
}

ReconcileOutcome SessionReconciler::Fail(const Session& session, std::string_view reason,
                                         const std::string& message) {
  if (auto deleted = DeletePod(session); !deleted) {
    return tl::unexpected(ApiFailure("deleting the debug pod", deleted.error()));
  }
  const int64_t generation = Int(Meta(session.object), "generation");
  bool ended_now = false;
  auto written = WriteStatus(session, [&](nlohmann::json& status, const nlohmann::json&) {
    ended_now = !SessionPhaseEnded(Str(status, "phase"));
    if (!ended_now) return;
    status["phase"] = "Failed";
    status["observedGeneration"] = generation;
    if (!status.contains("endedAt")) status["endedAt"] = FormatTime(session.now);
    SetCondition(status["conditions"], "Ready", false, reason, message, generation, session.now);
  });
  if (!written) {
    if (written.error().kind == ErrorKind::kNotFound) return ReconcileResult::Done();
    return tl::unexpected(ApiFailure("writing the status", written.error()));
  }
  if (!ended_now) return ReconcileResult::Done();
  deps_.events.Record(session.object, EventType::kWarning, reason, "Start", message);
  spdlog::warn("session {}: failed ({}): {}", session.key, reason, message);
  NoteActive(session.key, false);
  if (deps_.metrics != nullptr) {
    deps_.metrics->Ended(EndReason::kPodFailed, session.now - session.created);
  }
  return ReconcileResult::Done();
}

ReconcileOutcome SessionReconciler::AfterEnd(const Session& session) {
  // The pod was deleted when the session ended; a later event of it may still carry the
  // recorder's report, written while it shut down.
  if (session.pod.is_null()) return ReconcileResult::Done();
  const auto state = ObserveSessionPod(session.pod, session.expiresAt);
  if (state.recorder && !state.recorder->digest.empty() &&
      Str(session.Status(), "recordingDigest").empty()) {
    auto written = WriteStatus(session, [&](nlohmann::json& status, const nlohmann::json&) {
      SetRecorderFields(status, *state.recorder);
    });
    if (!written && written.error().kind != ErrorKind::kNotFound) {
      return tl::unexpected(ApiFailure("writing the recording digest", written.error()));
    }
    if (deps_.metrics != nullptr) deps_.metrics->Recorded(state.recorder->bytes);
  }
  if (auto deleted = DeletePod(session); !deleted) {
    return tl::unexpected(ApiFailure("deleting the debug pod", deleted.error()));
  }
  return ReconcileResult::Done();
}

ReconcileOutcome SessionReconciler::Finalize(const Session& session) {
  const auto& names = session.names;
  const auto& spec = session.parsed.spec;
  if (!SessionPhaseEnded(session.Phase()) && !Str(session.Status(), "podName").empty()) {
    deps_.events.Record(session.object, EventType::kNormal, "Deleted", "End",
                        "session deleted; removing its debug pod");
    if (deps_.metrics != nullptr) {
      deps_.metrics->Ended(EndReason::kDeleted, session.now - session.created);
    }
  }
  if (auto deleted = DeletePod(session); !deleted) {
    return tl::unexpected(ApiFailure("deleting the debug pod", deleted.error()));
  }
  if (!names.temporaryNamespace.empty()) {
    auto deleted = deps_.client.Delete(kNamespaces, "", names.temporaryNamespace);
    if (!deleted && deleted.error().kind != ErrorKind::kNotFound) {
      return tl::unexpected(
          ApiFailure("deleting namespace " + names.temporaryNamespace, deleted.error()));
    }
  }
  if (spec.recording && !spec.keepRecordingOnDelete && spec.existingClaim.empty()) {
    // Asked to drop the recording: the volume goes with its claim.
    if (const auto volume = Str(session.Status(), "volumeName"); !volume.empty()) {
      const nlohmann::json patch = {{"spec", {{"persistentVolumeReclaimPolicy", "Delete"}}}};
      auto patched = deps_.client.Patch(kPersistentVolumes, "", volume, PatchType::kMerge,
                                        patch.dump(), {.fieldManager = std::string(kFieldManager)});
      if (!patched && patched.error().kind != ErrorKind::kNotFound) {
        return tl::unexpected(
            ApiFailure("releasing volume " + std::string(volume), patched.error()));
      }
    }
    auto deleted = deps_.client.Delete(kPersistentVolumeClaims, names.podNamespace, names.claim);
    if (!deleted && deleted.error().kind != ErrorKind::kNotFound) {
      return tl::unexpected(ApiFailure("deleting claim " + names.claim, deleted.error()));
    }
  }
  auto removed = RemoveFinalizer(deps_.client, kTroubleshootSessions, session.object,
                                 kSessionFinalizer, {.fieldManager = std::string(kFieldManager)});
  if (!removed && removed.error().kind != ErrorKind::kNotFound) {
    return tl::unexpected(ApiFailure("removing the finalizer", removed.error()));
  }
  spdlog::info("session {}: deleted; pod and temporary namespace removed", session.key);
  return ReconcileResult::Done();
}

ReconcileOutcome SessionReconciler::Sweep(const std::string& key) {
  // The session is gone: whatever it left behind (bar its recording) goes too.
  for (const auto& pod : CreatedFor(deps_.pods, key)) {
    if (Deleting(pod)) continue;
    auto deleted = deps_.client.Delete(kPods, Namespace(pod), Name(pod),
                                       {.preconditionUid = std::string(Uid(pod))});
    if (!deleted && deleted.error().kind != ErrorKind::kNotFound &&
        deleted.error().kind != ErrorKind::kConflict) {
      return tl::unexpected(ApiFailure("deleting orphaned pod", deleted.error()));
    }
    spdlog::info("session {}: deleted orphaned pod {}/{}", key, Namespace(pod), Name(pod));
  }
  for (const auto& ns : CreatedFor(deps_.namespaces, key)) {
    if (Deleting(ns)) continue;
    auto deleted =
        deps_.client.Delete(kNamespaces, "", Name(ns), {.preconditionUid = std::string(Uid(ns))});
    if (!deleted && deleted.error().kind != ErrorKind::kNotFound &&
        deleted.error().kind != ErrorKind::kConflict) {
      return tl::unexpected(ApiFailure("deleting orphaned namespace", deleted.error()));
    }
    spdlog::info("session {}: deleted orphaned namespace {}", key, Name(ns));
  }
  return ReconcileResult::Done();
}

Result<void> SessionReconciler::DeletePod(const Session& session) {
  if (session.pod.is_null() || Deleting(session.pod)) return {};
  auto deleted = deps_.client.Delete(kPods, session.names.podNamespace, session.names.pod,
                                     {.preconditionUid = std::string(Uid(session.pod))});
  if (!deleted && deleted.error().kind != ErrorKind::kNotFound &&
      deleted.error().kind != ErrorKind::kConflict) {
    return tl::unexpected(deleted.error());
  }
  return {};
}

Result<nlohmann::json> SessionReconciler::WriteStatus(const Session& session,
                                                      const StatusMutation& mutate) {
  return statusWriter_.Update(session.object, kTroubleshootSessions, mutate);
}

void SessionReconciler::NoteActive(const std::string& key, bool active) {
  std::lock_guard lock(activeMutex_);
  if (active) {
    active_.insert(key);
  } else {
    active_.erase(key);
  }
  if (deps_.metrics != nullptr) deps_.metrics->Active(active_.size());
}

}  // namespace kdiag
