// The pieces of the pod checks (checks/pods.cpp): each finds one kind of problem of a pod and
// describes it as a PodProblem, which pods.cpp turns into a finding.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/builtin_checks.h"
#include "checks/cluster_view.h"

namespace kdiag {

struct PodProblem {
  std::string code;
  std::string container;  // empty for problems of the whole pod
  std::string message;
  std::vector<std::string> evidence;
  std::map<std::string, std::string> params;
  // A crash: the end of the container's previous log is worth showing.
  bool wantsLogTail = false;
};

// The events about a pod, oldest first, read from the view when a piece first asks: the
// pieces of most pods (running and ready) never do.
class PodEvents {
 public:
  PodEvents(const ClusterView& view, std::string_view uid) : view_(view), uid_(uid) {}
  const Objects& Get() const {
    if (!events_) events_ = view_.EventsFor(uid_);
    return *events_;
  }

 private:
  const ClusterView& view_;
  std::string_view uid_;
  mutable std::optional<Objects> events_;
};

// What the pieces read about one pod.
struct PodFacts {
  const nlohmann::json& pod;
  const PodEvents& events;
  const ClusterView& view;
  Timestamp now;
  const BuiltinCheckOptions& options;
};

std::vector<CheckCode> PodCheckCodes();

// A problem of each container (init containers first) that is failing to pull, start or stay
// up, or restarts too often; at most one per container.
std::vector<PodProblem> ContainerProblems(const PodFacts& facts);
// The image pull failure of a container waiting in ErrImagePull, ImagePullBackOff,
// InvalidImageName or another image reason.
std::optional<PodProblem> ImagePullProblem(const PodFacts& facts, const nlohmann::json& status);
// Why the scheduler cannot place a pending pod.
std::optional<PodProblem> SchedulingProblem(const PodFacts& facts);
// Why a scheduled pod stays in ContainerCreating: volumes it cannot mount, or no sandbox.
std::optional<PodProblem> CreatingProblem(const PodFacts& facts);

// Reading a pod and its events (pod_facts.cpp).
// spec.containers / initContainers / ephemeralContainers [name == name], or null.
const nlohmann::json* ContainerSpec(const nlohmann::json& pod, std::string_view name);
// "container app: waiting CrashLoopBackOff (back-off 5m0s ...), last terminated Error exit 1
// 3m ago, restarts 6": a containerStatuses item as evidence.
std::string StateLine(const nlohmann::json& status, Timestamp now);
// Whether any of the needles occurs in the text, ignoring case (needles in lower case).
bool ContainsAny(std::string_view text, std::initializer_list<std::string_view> needles);
// The text between the first quotes after `prefix`, e.g. QuotedAfter(msg, "secret ") for
// 'secret "db" not found'; "" when absent.
std::string QuotedAfter(std::string_view text, std::string_view prefix);
// "Event Failed (x4): Failed to pull image ...".
std::string EventLine(const nlohmann::json& event);
// Whether the event is about this container (involvedObject.fieldPath
// spec.containers{name} or spec.initContainers{name}).
bool AboutContainer(const nlohmann::json& event, std::string_view container);
// Events with this reason, about `container` when it is not empty, oldest first.
std::vector<const nlohmann::json*> EventsWithReason(const Objects& events, std::string_view reason,
                                                    std::string_view container = {});
// "5m", "2h10m", "3d": how long ago, for evidence.
std::string Ago(Timestamp then, Timestamp now);

}  // namespace kdiag
