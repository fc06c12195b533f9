// What is wrong with each container of a pod, from its status as the kubelet writes it
// (state, lastState, restartCount) and the kubelet's events about it.
#include <fmt/format.h>

#include "checks/object_fields.h"
#include "checks/pod_problems.h"
#include "checks/redaction.h"

namespace kdiag {
namespace {

// Readiness probes commonly fail while an application starts; only a container that stays
// unready this long after starting is reported.
constexpr auto kReadinessGrace = std::chrono::minutes(2);

struct Termination {
  std::string code;
  std::string what;  // "was killed for running out of memory (OOMKilled)"
};

// Why a runtime could not start the process: the OCI runtime's exec error.
std::optional<Termination> StartFailure(std::string_view message) {
  const bool exec = message.find("exec:") != std::string_view::npos;
  if (ContainsAny(message, {"executable file not found"}) ||
      (exec && ContainsAny(message, {"no such file or directory"}))) {
    return Termination{"KD1014", "cannot start: its command was not found"};
  }
  if (exec && ContainsAny(message, {"permission denied", "exec format error"})) {
    return Termination{"KD1013", "cannot start: its command cannot be executed"};
  }
  return std::nullopt;
}

Termination Classify(const nlohmann::json& terminated) {
  const auto reason = Str(terminated, "reason");
  const auto exit = Int(terminated, "exitCode");
  if (reason == "OOMKilled") {
    return {"KD1010", "was killed for running out of memory (OOMKilled)"};
  }
  if (reason == "StartError" || reason == "ContainerCannotRun") {
    if (auto start = StartFailure(Str(terminated, "message"))) return *start;
    return {"KD1025", fmt::format("cannot be started ({})", reason)};
  }
  switch (exit) {
    case 1:
      return {"KD1011", "exits with code 1"};
    case 2:
      return {"KD1012", "exits with code 2 (usage error)"};
    case 126:
      return {"KD1013", "exits with code 126 (command not executable)"};
    case 127:
      return {"KD1014", "exits with code 127 (command not found)"};
    case 137:
      return {"KD1015", "is killed with SIGKILL (exit code 137)"};
    case 139:
      return {"KD1016", "crashes with a segmentation fault (exit code 139)"};
    case 143:
      return {"KD1017", "stops on SIGTERM (exit code 143)"};
    case 0:
      return {"KD1018", "exits with code 0 although it is restarted"};
    default:
      return {"KD1018", fmt::format("exits with code {}", exit)};
  }
}

std::string TerminationLine(const nlohmann::json& terminated, Timestamp now) {
  std::string line = fmt::format("last termination: reason {}, exit code {}",
                                 Str(terminated, "reason"), Int(terminated, "exitCode"));
  if (auto signal = Int(terminated, "signal"); signal != 0) {
    line += fmt::format(", signal {}", signal);
  }
  if (auto finished = ParseTime(Str(terminated, "finishedAt"))) {
    line += fmt::format(", finished {} ago", Ago(*finished, now));
  }
  if (auto message = Str(terminated, "message"); !message.empty()) {
    // The termination message is written by the application and may carry anything.
    line += fmt::format(", message: {}", RedactLogTail(std::string(message.substr(0, 512))));
  }
  return line;
}

// What an OOM kill is measured against.
void AddMemoryLimit(const PodFacts& facts, PodProblem& problem) {
  const auto* spec = ContainerSpec(facts.pod, problem.container);
  if (!spec) return;
  const auto limit = Str(Obj(Obj(*spec, "resources"), "limits"), "memory");
  problem.evidence.push_back(
      limit.empty() ? fmt::format("container {} has no memory limit", problem.container)
                    : fmt::format("memory limit of {}: {}", problem.container, limit));
}

void AddLatest(const Objects& events, std::string_view reason, std::string_view container,
               PodProblem& problem) {
  auto matching = EventsWithReason(events, reason, container);
  if (!matching.empty()) problem.evidence.push_back(EventLine(*matching.back()));
}

// Probe events about the container whose message starts with `prefix`.
std::vector<const nlohmann::json*> ProbeEvents(const Objects& events, std::string_view reason,
                                               std::string_view container,
                                               std::initializer_list<std::string_view> needles) {
  std::vector<const nlohmann::json*> out;
  for (const auto* event : EventsWithReason(events, reason, container)) {
    if (ContainsAny(Str(*event, "message"), needles)) out.push_back(event);
  }
  return out;
}

// Whether the container's latest restart was the kubelet acting on a failed liveness or
// startup probe: a Killing event for it during the run that ended last.
bool RestartedByProbe(const PodFacts& facts, const nlohmann::json& status) {
  if (Int(status, "restartCount") == 0) return false;
  const auto& last = Obj(Obj(status, "lastState"), "terminated");
  if (Str(last, "reason") == "OOMKilled") return false;
  const auto kills = ProbeEvents(facts.events.Get(), "Killing", Str(status, "name"),
                                 {"failed liveness probe", "failed startup probe"});
  if (kills.empty()) return false;
  const auto started = ParseTime(Str(last, "startedAt"));
  return !started || EventTime(*kills.back()) >= *started;
}

// A container past its start whose readiness probe has failed for longer than the grace.
bool ReadinessProbeFailingLong(const PodFacts& facts, const nlohmann::json& status,
                               std::string_view name) {
  const auto* spec = ContainerSpec(facts.pod, name);
  if (!spec || !spec->contains("readinessProbe")) return false;
  if (status.contains("started") && !Bool(status, "started")) return false;
  const auto started = ParseTime(Str(Obj(Obj(status, "state"), "running"), "startedAt"));
  return started && facts.now - *started >= kReadinessGrace;
}

PodProblem ContainerProblemOf(const PodFacts& facts, const nlohmann::json& status, std::string code,
                              std::string message) {
  PodProblem problem;
  problem.code = std::move(code);
  problem.container = std::string(Str(status, "name"));
  problem.message = std::move(message);
  problem.params["container"] = problem.container;
  if (auto node = Str(Obj(facts.pod, "spec"), "nodeName"); !node.empty()) {
    problem.params["node"] = std::string(node);
  }
  problem.evidence.push_back(StateLine(status, facts.now));
  return problem;
}

PodProblem ConfigProblem(const PodFacts& facts, const nlohmann::json& status) {
  const auto name = Str(status, "name");
  const auto message = Str(Obj(Obj(status, "state"), "waiting"), "message");
  PodProblem problem;
  if (auto secret = QuotedAfter(message, "secret "); !secret.empty()) {
    problem = ContainerProblemOf(
        facts, status, "KD1020",
        fmt::format("Container {} cannot be created: Secret {} does not exist", name, secret));
    problem.params["secret"] = secret;
  } else if (auto map = QuotedAfter(message, "configmap "); !map.empty()) {
    problem = ContainerProblemOf(
        facts, status, "KD1021",
        fmt::format("Container {} cannot be created: ConfigMap {} does not exist", name, map));
    problem.params["configmap"] = map;
  } else if (constexpr std::string_view kKey = "couldn't find key ";
             message.starts_with(kKey) || message.find(kKey) != std::string_view::npos) {
    // "couldn't find key password in Secret shop/db-creds"
    auto rest = message.substr(message.find(kKey) + kKey.size());
    const auto key = rest.substr(0, rest.find(' '));
    const bool in_secret = rest.find(" in Secret ") != std::string_view::npos;
    auto object = rest.substr(rest.rfind(' ') + 1);
    object = object.substr(object.find('/') + 1);
    problem =
        ContainerProblemOf(facts, status, "KD1022",
                           fmt::format("Container {} cannot be created: {} {} has no key {}", name,
                                       in_secret ? "Secret" : "ConfigMap", object, key));
    problem.params["key"] = std::string(key);
    problem.params[in_secret ? "secret" : "configmap"] = std::string(object);
  } else {
    problem = ContainerProblemOf(facts, status, "KD1023",
                                 fmt::format("Container {} cannot be created: {}", name, message));
  }
  AddLatest(facts.events.Get(), "Failed", name, problem);
  return problem;
}

PodProblem CrashProblem(const PodFacts& facts, const nlohmann::json& status, bool init) {
  const auto name = Str(status, "name");
  const auto& state = Obj(status, "state");
  const auto& terminated = Obj(state, "terminated").empty()
                               ? Obj(Obj(status, "lastState"), "terminated")
                               : Obj(state, "terminated");
  const auto restarts = Int(status, "restartCount");
  PodProblem problem;
  if (init) {
    const auto termination = Classify(terminated);
    problem = ContainerProblemOf(facts, status, "KD1026",
                                 fmt::format("Init container {} fails: it {}; the pod cannot start",
                                             name, termination.what));
  } else if (RestartedByProbe(facts, status)) {
    problem = ContainerProblemOf(
        facts, status, "KD1041",
        fmt::format("Container {} is restarted by its liveness probe ({} restarts)", name,
                    restarts));
    for (const auto* event : ProbeEvents(facts.events.Get(), "Unhealthy", name,
                                         {"liveness probe failed", "startup probe failed"})) {
      problem.evidence.push_back(EventLine(*event));
    }
    AddLatest(facts.events.Get(), "Killing", name, problem);
  } else if (terminated.empty()) {
    problem = ContainerProblemOf(
        facts, status, "KD1018",
        fmt::format("Container {} keeps crashing ({} restarts)", name, restarts));
  } else {
    const auto termination = Classify(terminated);
    problem = ContainerProblemOf(
        facts, status, termination.code,
        fmt::format("Container {} {} ({} restarts)", name, termination.what, restarts));
  }
  if (!terminated.empty()) problem.evidence.push_back(TerminationLine(terminated, facts.now));
  if (problem.code == "KD1010") AddMemoryLimit(facts, problem);
  AddLatest(facts.events.Get(), "BackOff", name, problem);
  problem.wantsLogTail = true;
  return problem;
}

std::optional<PodProblem> RunningProblem(const PodFacts& facts, const nlohmann::json& status) {
  const auto name = Str(status, "name");
  const auto restarts = Int(status, "restartCount");
  if (RestartedByProbe(facts, status)) {
    auto problem = ContainerProblemOf(
        facts, status, "KD1041",
        fmt::format("Container {} was restarted by its liveness probe ({} restarts)", name,
                    restarts));
    for (const auto* event : ProbeEvents(facts.events.Get(), "Unhealthy", name,
                                         {"liveness probe failed", "startup probe failed"})) {
      problem.evidence.push_back(EventLine(*event));
    }
    AddLatest(facts.events.Get(), "Killing", name, problem);
    problem.wantsLogTail = true;
    return problem;
  }

  if (!Bool(status, "ready") && ReadinessProbeFailingLong(facts, status, name)) {
    const auto failures =
        ProbeEvents(facts.events.Get(), "Unhealthy", name, {"readiness probe failed"});
    if (!failures.empty()) {
      auto problem =
          ContainerProblemOf(facts, status, "KD1040",
                             fmt::format("Container {} runs but its readiness probe fails; the "
                                         "pod receives no Service traffic",
                                         name));
      problem.evidence.push_back(EventLine(*failures.back()));
      return problem;
    }
  }

  if (restarts >= facts.options.highRestartCount) {
    const auto& last = Obj(Obj(status, "lastState"), "terminated");
    // Repeated OOM kills are the more useful thing to say about a container restarting often.
    const bool oom = Str(last, "reason") == "OOMKilled";
    auto problem = ContainerProblemOf(
        facts, status, oom ? "KD1010" : "KD1046",
        oom ? fmt::format("Container {} runs now but has been killed for running out of memory "
                          "({} restarts)",
                          name, restarts)
            : fmt::format("Container {} runs now but has restarted {} times", name, restarts));
    if (!last.empty()) problem.evidence.push_back(TerminationLine(last, facts.now));
    if (oom) AddMemoryLimit(facts, problem);
    problem.wantsLogTail = true;
    return problem;
  }
  return std::nullopt;
}

std::optional<PodProblem> ContainerProblem(const PodFacts& facts, const nlohmann::json& status,
                                           bool init) {
  const auto& state = Obj(status, "state");
  const auto reason = Str(Obj(state, "waiting"), "reason");
  const auto message = Str(Obj(state, "waiting"), "message");
  const auto name = Str(status, "name");

  if (auto pull = ImagePullProblem(facts, status)) return pull;
  if (reason == "CreateContainerConfigError") return ConfigProblem(facts, status);
  if (reason == "CreateContainerError") {
    auto problem = ContainerProblemOf(
        facts, status, "KD1024", fmt::format("Container {} cannot be created: {}", name, message));
    AddLatest(facts.events.Get(), "Failed", name, problem);
    return problem;
  }
  if (reason == "RunContainerError") {
    const auto start = StartFailure(message);
    auto problem = ContainerProblemOf(
        facts, status, start ? start->code : "KD1025",
        fmt::format("Container {} {}", name,
                    start ? start->what : "cannot be started: " + std::string(message)));
    AddLatest(facts.events.Get(), "Failed", name, problem);
    return problem;
  }
  const auto& terminated = Obj(state, "terminated");
  if (reason == "CrashLoopBackOff" || (!terminated.empty() && Int(terminated, "exitCode") != 0)) {
    return CrashProblem(facts, status, init);
  }
  if (!init && !Obj(state, "running").empty()) return RunningProblem(facts, status);
  return std::nullopt;
}

}  // namespace

std::vector<PodProblem> ContainerProblems(const PodFacts& facts) {
  std::vector<PodProblem> problems;
  const auto& status = Obj(facts.pod, "status");
  for (const auto& container : Arr(status, "initContainerStatuses")) {
    const auto* spec = ContainerSpec(facts.pod, Str(container, "name"));
    // A sidecar (an init container that restarts always) runs alongside the others.
    const bool sidecar = spec && Str(*spec, "restartPolicy") == "Always";
    if (auto problem = ContainerProblem(facts, container, !sidecar)) {
      problems.push_back(std::move(*problem));
    }
  }
  for (const auto& container : Arr(status, "containerStatuses")) {
    if (auto problem = ContainerProblem(facts, container, false)) {
      problems.push_back(std::move(*problem));
    }
  }
  return problems;
}

}  // namespace kdiag
