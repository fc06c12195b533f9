#include "reconcilers/session_spec.h"

#include "checks/object_fields.h"

namespace kdiag {
namespace {

// Resource amounts may be written as numbers (x-kubernetes-int-or-string).
std::string Amount(const nlohmann::json& obj, std::string_view key, const std::string& fallback) {
  const auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number()) return it->dump();
  return fallback;
}

ResourceAmounts Amounts(const nlohmann::json& obj, const ResourceAmounts& defaults) {
  return {Amount(obj, "cpu", defaults.cpu), Amount(obj, "memory", defaults.memory)};
}

void ReadDuration(const nlohmann::json& spec, std::string_view key, Duration fallback,
                  Duration& out, std::vector<SpecProblem>& problems) {
  out = fallback;
  const auto text = Str(spec, key);
  if (text.empty()) return;
  if (auto parsed = ParseDuration(text)) {
    out = *parsed;
  } else {
    problems.push_back(
        {"spec." + std::string(key), "'" + std::string(text) + "' is not a duration"});
  }
}

}  // namespace

nlohmann::json SessionOwner::ToJson() const {
  nlohmann::json out = {{"username", username}};
  if (!uid.empty()) out["uid"] = uid;
  if (!groups.empty()) out["groups"] = groups;
  return out;
}

std::optional<SessionOwner> SessionOwner::FromJson(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || Str(json, "username").empty()) return std::nullopt;
  SessionOwner owner{std::string(Str(json, "username")), std::string(Str(json, "uid")), {}};
  for (const auto& group : Arr(json, "groups")) {
    if (group.is_string()) owner.groups.push_back(group.get<std::string>());
  }
  return owner;
}

std::optional<SessionOwner> OwnerOf(const nlohmann::json& session) {
  const auto text = Annotation(session, kSessionOwnerAnnotation);
  if (text.empty()) return std::nullopt;
  return SessionOwner::FromJson(text);
}

bool SessionPhaseEnded(std::string_view phase) {
  return phase == "Expired" || phase == "Terminated" || phase == "Failed";
}

bool SessionActive(const nlohmann::json& session) {
  return !Deleting(session) && !SessionPhaseEnded(Str(Obj(session, "status"), "phase"));
}

bool ImageAllowed(const SessionOptions& options, std::string_view image) {
  if (image == options.defaultImage) return true;
  for (const auto& allowed : options.allowedImages) {
    if (!allowed.empty() && allowed.back() == '*') {
      if (image.starts_with(std::string_view(allowed).substr(0, allowed.size() - 1))) return true;
    } else if (image == allowed) {
      return true;
    }
  }
  return false;
}

ParsedSessionSpec ParseSessionSpec(const nlohmann::json& session, const SessionOptions& options) {
  ParsedSessionSpec out;
  auto& spec = out.spec;
  auto& problems = out.problems;
  const auto& s = Obj(session, "spec");

  spec.image = Str(s, "image").empty() ? options.defaultImage : std::string(Str(s, "image"));
  if (!ImageAllowed(options, spec.image)) {
    problems.push_back({"spec.image", "'" + spec.image +
                                          "' is not the default image nor on the operator's "
                                          "allow-list (sessions.allowedImages)"});
  }

  ReadDuration(s, "ttl", options.defaultTTL, spec.ttl, problems);
  if (spec.ttl <= Duration::zero() || spec.ttl > options.maxTTL) {
    problems.push_back({"spec.ttl", "must be more than 0s and at most " +
                                        FormatDuration(options.maxTTL) + " (sessions.maxTTL)"});
  }
  ReadDuration(s, "idleTimeout", options.defaultIdleTimeout, spec.idleTimeout, problems);
  // An idle timeout beyond the TTL can never fire.
  if (spec.idleTimeout >= spec.ttl) spec.idleTimeout = Duration::zero();

  const auto& recording = Obj(s, "recording");
  spec.recording = !recording.contains("enabled") || Bool(recording, "enabled");
  spec.existingClaim = Str(recording, "claimName");
  spec.recordingSize =
      Str(recording, "size").empty() ? options.recordingSize : std::string(Str(recording, "size"));
  spec.storageClassName = Str(recording, "storageClassName").empty()
                              ? options.storageClassName
                              : std::string(Str(recording, "storageClassName"));
  spec.keepRecordingOnDelete =
      !recording.contains("keepOnDelete") || Bool(recording, "keepOnDelete");

  spec.runAsUser = Int(s, "runAsUser", options.runAsUser);
  spec.runAsGroup = Int(s, "runAsGroup", options.runAsGroup);
  if (spec.runAsUser <= 0) problems.push_back({"spec.runAsUser", "must be a non-root UID (> 0)"});
  if (spec.runAsGroup <= 0) problems.push_back({"spec.runAsGroup", "must be a non-root GID (> 0)"});
  if (spec.recording && spec.runAsUser == options.recorderUser) {
    problems.push_back({"spec.runAsUser", "must differ from the recorder's UID (" +
                                              std::to_string(options.recorderUser) +
                                              "), which owns the recording"});
  }

  const auto& resources = Obj(s, "resources");
  spec.requests = Amounts(Obj(resources, "requests"), options.requests);
  spec.limits = Amounts(Obj(resources, "limits"), options.limits);

  spec.targetNamespace = Str(s, "targetNamespace");
  spec.temporaryNamespace = Bool(s, "temporaryNamespace");
  spec.nodeName = Str(s, "nodeName");
  for (const auto& [key, value] : Obj(s, "nodeSelector").items()) {
    if (value.is_string()) spec.nodeSelector.emplace(key, value.get<std::string>());
  }
  spec.sshSecretName = Str(Obj(s, "sshSecretRef"), "name");
  spec.purpose = Str(s, "purpose");
  for (const auto& item : Arr(s, "env")) {
    const auto name = Str(item, "name");
    // Names the pod's own wiring uses are not the user's to set.
    if (name.starts_with("KDIAG_")) {
      problems.push_back({"spec.env", "'" + std::string(name) + "': KDIAG_ names are reserved"});
      continue;
    }
    spec.env.emplace_back(std::string(name), std::string(Str(item, "value")));
  }
  return out;
}

}  // namespace kdiag
